"""Hostile inputs met in s13's attack.  Work is bounded by counting what is done, or by
a CPU or memory limit in a child, never by timing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from markdown_it.rules_block import StateBlock

from builder.cli import main
from builder.parse.document import parse_text
from builder.parse.markdown import parse_blocks
from builder.parse.texsafe import strip_unsafe
from builder.render.imagecheck import NotAnImage, _svg_size

from .ankimedia import assert_media_present
from .conftest import FIXTURES, imported_answer, write

if TYPE_CHECKING:
    from anki.collection import Collection


@pytest.fixture
def lines_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The characters markdown-it's block rules take out of the source as they read
    paragraphs (``StateBlock.getLines``): a measure of the parse's work."""
    read = [0]
    get_lines = StateBlock.getLines

    def counted(self: StateBlock, begin: int, end: int, indent: int, keep: bool) -> str:
        text = get_lines(self, begin, end, indent, keep)
        read[0] += len(text)
        return text

    monkeypatch.setattr(StateBlock, "getLines", counted)
    yield read


def test_thousands_of_containers_closed_after_a_heading_are_read_a_few_times(
        lines_read: list[int]) -> None:
    """Each ``::: tip`` closed by the one ``:::`` after a heading was read to that line,
    then undone: 64 of them read the rest of the file each (20 s at 5,000 openings)."""
    text = "## Q\n" + "x\n::: tip\n" * 5000 + "## H\n:::\n"
    env: dict[str, list[int]] = {}
    tokens = parse_blocks(text, env)
    assert lines_read[0] <= 8 * len(text)
    assert not [t for t in tokens if t.type.startswith(("container", "callout"))]
    assert len(set(env["unclosed_containers"])) == 5000


def test_containers_undone_do_not_count_as_a_file_too_large(lines_read: list[int]) -> None:
    """Undone containers' tokens counted towards the file's token limit: 50 KB of
    ``::: tip`` lines stopped the build as a file of over 400,000 elements."""
    text = "## Q\n" + "::: tip\n\n" * 5000 + "## H\n:::\n"
    tokens = parse_blocks(text, {})
    assert sum(t.type == "paragraph_open" for t in tokens) == 5001
    assert lines_read[0] <= 8 * len(text)


def test_a_container_holding_a_heading_stays_text_and_the_next_one_is_read() -> None:
    """The budget leaves real notes as they were: a container undone, then one closed."""
    text = "## Q\n::: tip\n## H\n:::\n\n::: warning\nbody\n:::\n"
    env: dict[str, list[int]] = {}
    tokens = parse_blocks(text, env)
    assert [t.type for t in tokens if t.type.startswith("callout_")] == [
        "callout_open", "callout_title_open", "callout_title_close", "callout_close"]
    assert set(env["unclosed_containers"]) == {1}


NOTE = "## Basics\n\n### What is a tensor?\n\nAn array.\n"


def test_a_pyproject_written_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows editors write a byte order mark first; tomlkit took it for the start of a
    key ('Empty key') and the whole table was refused."""
    write(tmp_path / "n.md", NOTE)
    (tmp_path / "pyproject.toml").write_bytes(
        b'\xef\xbb\xbf[tool.build-deck]\nout = "build"\npaper = "A3"\n')
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    assert "wrote build/n.apkg" in result.output
    assert "pyproject.toml:3:9: warning: [tool.build-deck] paper must be one of a4, letter, " \
           "not 'A3' [config]" in result.output
    assert "cannot read" not in result.output


_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20"><rect width="5" ' \
       b'height="5"/></svg>'
_PREAMBLES = {
    "bom": b"\xef\xbb\xbf",
    "white": b"\r\n" + b" " * 2000 + b"\n",
    "editor": b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- '
              + b"Generator: an editor, " * 100 + b'-->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD '
              b'SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n',
}


def test_svg_pictures_with_the_preambles_editors_write_reach_the_card(tmp_path: Path) -> None:
    """A byte order mark, or more than 1 KB of white space, comments and DOCTYPE before
    the root made a real SVG 'not a PNG, JPEG, GIF, WebP or SVG picture'."""
    for name, preamble in _PREAMBLES.items():
        (tmp_path / f"{name}.svg").write_bytes(preamble + _SVG)
    write(tmp_path / "n.md", "## S\n### Q\n" + "".join(
        f"![{name}]({name}.svg)\n\n" for name in _PREAMBLES))
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    (names,) = assert_media_present(tmp_path / "dist" / "n.apkg").values()
    assert len(names) == 3 and all(name.endswith(".svg") for name in names)


@pytest.mark.parametrize("svg", [
    # Hidden from a search for the bytes '<!ENTITY' by an encoding expat reads itself.
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
     '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20">&a;</svg>'
     ).encode("utf-16"),
    b'<!DOCTYPE svg [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>' + _SVG,
    b'<!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg xmlns="http://www.w3.org/2000/svg" '
    b'width="10" height="10"><text>&x;</text></svg>',
])
def test_svg_entities_are_refused_wherever_the_parser_meets_them(svg: bytes) -> None:
    with pytest.raises(NotAnImage, match="entit"):
        _svg_size(svg)


def test_a_front_matter_key_written_twice_is_warned_at_the_second(tmp_path: Path) -> None:
    """YAML keeps a repeated key's last value unsaid: the deck named first was lost."""
    write(tmp_path / "n.md", "---\ndeck: A\ntitle: T\ndeck: B\ntags:\n  - x\nlang: en\n"
          "True: 1\ntrue: 2\n---\n## S\n### Q\nA\n")
    result = CliRunner().invoke(main, ["check", "n.md"])
    repeated = [line for line in result.output.splitlines() if "written again" in line]
    assert repeated == [
        "n.md:4:1: warning: front matter key 'deck' is written again here (first on line "
        "2): only this value is read [front-matter]",
        "n.md:9:1: warning: front matter key 'true' is written again here (first on line "
        "8): only this value is read [front-matter]"]


def test_keys_repeated_in_nested_mappings_are_found_by_the_loader() -> None:
    from builder.support.yamlload import Repeated, load_yaml_with_places

    data, _places, repeated = load_yaml_with_places(
        "a:\n  b: 1\n  c: [{d: 1, d: 2}]\n  b: 3\n'a': 4\n")
    assert data == {"a": 4}
    assert sorted(repeated, key=lambda again: again.place) == [
        Repeated("d", (2, 13), (2, 7)), Repeated("b", (3, 2), (1, 2)),
        Repeated("a", (4, 0), (0, 0))]


def test_a_card_takes_a_bounded_number_of_tags_from_tag_lines() -> None:
    """One line of 100,000 tags over 500 questions gave each card all of them (1.5 GB,
    an 87 MB deck); below the last question, tag lines gave each card their union."""
    many = " ".join(f"#t{i}" for i in range(1000))
    doc = parse_text(f"{many}\n\n## Q1?\n\nA1\n\n## Q2?\n\nA2\n\n{many}\n\n#late\n",
                     "t.md")
    assert [len(card.tags) for card in doc.cards] == [64, 64]
    assert doc.cards[0].tags[:2] == ("t0", "t1")
    cut = [d for d in doc.diagnostics if d.code == "too-many-tags"]
    assert cut[0].message == "a card takes at most 64 tags: #t64 and the tags after it " \
                             "are left out of the cards"
    assert [(d.loc.line, d.message.split()[7]) for d in cut] == [
        (1, "#t64"), (11, "#t64"), (13, "#late")]  # each line that lost some
    one = parse_text("".join(f"#a{i} #b{i}\n\n" for i in range(100)) + "Text.\n", "one.md")
    (card,) = one.cards  # one question: every tag line's tags, up to the bound
    assert len(card.tags) == 64
    assert [d.loc.line for d in one.diagnostics if d.code == "too-many-tags"] == [65]


def test_words_too_long_for_a_tag_are_text() -> None:
    doc = parse_text("## Q?\n\nA\n\n#" + "a" * 5000 + "\n", "t.md")
    (card,) = doc.cards
    assert card.tags == () and "a" * 5000 in card.answer[-1].children[0].text


def test_more_mdanki_tag_links_than_a_card_takes_stay_in_its_answer() -> None:
    links = " ".join(f"[#t{i}](t{i}.md)" for i in range(100))
    doc = parse_text(f"## Q\n\nA\n\n[#a](a.md) [#b]()\n\n{links}\n", "m.md")
    (card,) = doc.cards
    assert card.tags == ("a", "b")
    assert len(card.answer) == 2  # the answer and the paragraph of links


def test_front_matter_naming_too_many_tags_is_refused_at_its_value(tmp_path: Path) -> None:
    write(tmp_path / "n.md", "---\ntags: " + " ".join(f"t{i}" for i in range(65))
          + "\n---\n## S\n### Q\nA\n")
    result = CliRunner().invoke(main, ["check", "n.md"])
    assert "n.md:2:7: warning: front matter 'tags' may name 64 tags of at most 100 " \
           "characters each (each card carries them all) [front-matter]" in result.output


def test_hostile_cards_of_this_session_run_nothing_in_a_browser(tmp_path: Path) -> None:
    """SVG and MathML words read as HTML (their tags taken out before nh3), task boxes,
    headings without a space, HTML character references in formulas, Hexo tag titles,
    tag links and a TOC box: none may run, load or overlay anything in a real Chromium."""
    from .browser import imported_decks, launch_chromium
    from .inertcheck import sides_shown_inert

    shutil.copytree(FIXTURES / "hostile-cards-s13", tmp_path / "notes")
    with imported_decks(tmp_path, [tmp_path / "notes"], packages=1) as decks:
        cards, media = decks.cards, decks.media
        words = " ".join(card.answer for card in cards)
        for drawn in ("标题", "描述", "对象", "注释", "路径", "链接", "任务"):
            assert drawn in words, drawn  # a drawing's words reach the card
        browser = launch_chromium()
        shown = sides_shown_inert(next(browser), cards, media, tmp_path)
        assert shown == 2 * len(cards)
        assert len(cards) >= 6
        next(browser, None)  # closes it


@pytest.mark.parametrize(("tex", "cleaned", "removed"), [
    # MathJax 3 (measured with mathjax-full 3.2 in node): each of these set a link or a
    # CSS style on the page: <a href="javascript:…">, style="color: red;position:fixed".
    ('\\mmlToken{mi}[href="javascript:alert(1)"]{x}+1', "{x}+1", ["\\mmlToken"]),
    ('\\mmlToken{mi}[style="position:fixed"]{x}', "{x}", ["\\mmlToken"]),
    ("\\bbox[5px,position:fixed;top:0]{b}", "{b}", ["\\bbox"]),
    ("\\color{red;position:fixed}{x} y", "{x} y", ["\\color"]),
    ("\\color[named]{red;background:url(https://x.invalid)} x", " x", ["\\color"]),
    ("\\textcolor{#f00;a:b}{a}", "{a}", ["\\textcolor"]),
    ("\\colorbox{red;position:fixed}{x}", "{x}", ["\\colorbox"]),
    ("\\fcolorbox{red;position:fixed}{blue}{x}", "{x}", ["\\fcolorbox"]),
    ("\\definecolor{a}{named}{red;position:fixed}\\color{a}x", "\\color{a}x",
     ["\\definecolor"]),
    # Colours and boxes as notes write them stay.
    ("\\color{red} x \\textcolor{#f00}{a} \\color[rgb]{0.2, 0.5,1}y \\color{red!50}z",
     "\\color{red} x \\textcolor{#f00}{a} \\color[rgb]{0.2, 0.5,1}y \\color{red!50}z", []),
    ("\\fcolorbox{red}{blue}{x} \\bbox[red,5px]{a} \\colorbox{yellow}{b}",
     "\\fcolorbox{red}{blue}{x} \\bbox[red,5px]{a} \\colorbox{yellow}{b}", []),
    ("{\\color{red} x", "{\\color{red} x", []),  # unreadable: MathJax styles nothing
])
def test_mathjax_commands_that_set_links_or_styles_are_taken_out(
        tex: str, cleaned: str, removed: list[str]) -> None:
    assert strip_unsafe(tex) == (cleaned, removed)


def test_a_styled_colour_is_taken_out_of_the_card_with_a_warning(
        tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "n.md", "## S\n### Q\n$\\color{red;position:fixed}{x} + "
          "\\mmlToken{mi}[href=\"javascript:alert(1)\"]{y}$\n")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--math", "mathjax"])
    assert result.exit_code == 0, result.output
    assert "n.md:3:1: warning: `\\color`, `\\mmlToken` taken out of the formula" \
           in result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    assert "{x} + {y}" in answer and "position" not in answer and "javascript" not in answer


@pytest.mark.parametrize("planted", ["link", "fifo"])
def test_a_lock_file_planted_in_the_output_folder_is_replaced(tmp_path: Path,
                                                              planted: str) -> None:
    """A cloned repository's ``dist/`` may hold the build's lock file as a link: opened
    to be locked, it made the file it names wherever that was (``/etc/nologin`` for
    root); as a FIFO it stopped the build ('File or stream is not seekable')."""
    write(tmp_path / "n.md", NOTE)
    lock = tmp_path / "dist" / ".build-deck-writing"
    lock.parent.mkdir()
    if planted == "link":
        lock.symlink_to(tmp_path / "elsewhere" / "made")
        (tmp_path / "elsewhere").mkdir()
    else:
        os.mkfifo(lock)
    for _build in range(2):
        result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--no-lock"])
        assert result.exit_code == 0, result.output
    assert not (tmp_path / "elsewhere" / "made").exists()
    assert lock.is_file() and not lock.is_symlink()
