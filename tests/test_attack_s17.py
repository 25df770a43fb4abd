"""Hostile inputs met in s17's attack: HTML that nh3 keeps but that paints or acts outside
its place, checked in the real Anki and a real Chromium."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .browser import imported_decks, launch_chromium, show
from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def _red_rows(png: bytes) -> list[int]:
    """The rows of a screenshot that hold a red pixel, top to bottom."""
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    width, data = picture.width, picture.tobytes()
    return sorted({i // 3 // width for i in range(0, len(data), 3)
                   if data[i] > 200 and data[i + 1] < 60 and data[i + 2] < 60})


def test_a_decoration_as_thick_as_the_card_loses_its_thickness_and_a_line_s_is_kept(
        tmp_path: Path, browser: Any) -> None:
    """``text-decoration: overline 3000px red`` (a thickness is the one length the
    shorthand takes) painted a bar over the answer and the question above it, past the top
    of the card, which no element's box shows: nh3 keeps ``text-decoration`` by name.  The
    thickness goes, the line stays; a line's own thickness (``underline 2px red``) stays."""
    (tmp_path / "notes").mkdir()
    shutil.copy(FIXTURES / "hostile-decoration.md", tmp_path / "notes" / "n.md")
    with imported_decks(tmp_path, [tmp_path / "notes"], packages=1) as decks:
        (card,) = decks.cards
        lines = [line for line in decks.output.splitlines() if "[html-removed]" in line]
        assert len(lines) == 1 and "n.md:7:" in lines[0], decks.output
        assert lines[0].count("on <span>") == 5, lines[0]
        for gone in ("'text-decoration: 3000px'", "'text-decoration: 1e3px'",
                     "'text-decoration: .5em'", "'text-decoration: env(safe-area-inset-top)'",
                     "'TEXT-DECORATION: 3000px'"):  # any case
            assert f"{gone} on <span>" in lines[0], lines[0]
        page = browser.new_page(viewport={"width": 360, "height": 740})
        show(page, card.answer, decks.media, tmp_path)
        assert "Real answer: 42." in page.inner_text("#qa")
        # The red lines are the thin ones, drawn at their text: nothing above its line.
        top = page.evaluate("document.querySelector('span').getBoundingClientRect().top")
        red = _red_rows(page.screenshot())
        assert red and red[0] >= top - 2 and len(red) < 60, (top, red)
        page.close()
        answer = card.fields["Answer"]
        assert not any(gone in answer for gone in ("3000", "1e3", ".5em", "env(")), answer
        assert answer.count('style="text-decoration:overline rgb(255, 0, 0)"') == 1, answer
        assert answer.count('style="text-decoration:overline red"') == 2, answer
        assert 'style="text-decoration:underline blue"' in answer
        assert 'style="text-decoration:line-through"' in answer
        assert 'style="text-decoration:underline #00f"' in answer
        # A colour's numbers are no thickness, and a line's thickness is kept.
        assert 'style="text-decoration:underline rgb(0, 0, 255)"' in answer
        assert 'style="text-decoration:underline 2px red"' in answer
        assert 'style="text-decoration:underline 0.1em"' in answer
        assert answer.count("text-decoration") == 9, answer


def test_a_class_the_preview_page_styles_is_left_out_of_the_card(
        tmp_path: Path, browser: Any) -> None:
    """The preview page's sticky ``.bd-bar`` (z-index 1), taken by a card's ``<div>``, drew
    a red box over the page's own search bar while the cards scrolled under it; a card's
    ``bd-flip`` was a button of the page's script."""
    (tmp_path / "notes").mkdir()
    shutil.copy(FIXTURES / "hostile-page-classes.md", tmp_path / "notes" / "n.md")
    with imported_decks(tmp_path, [tmp_path / "notes"], packages=1,
                        formats="apkg,html") as decks:
        (card,) = decks.cards
        lines = [line for line in decks.output.splitlines() if "[html-removed]" in line]
        assert [line.split(": ")[0].rsplit(":", 2)[1] for line in lines] == ["5", "7"], lines
        assert "class 'bd-bar' on <div>" in lines[0]
        assert "class 'bd-flip' on <div>" in lines[1] and "'BD-item'" in lines[1]
        answer = card.fields["Answer"]
        assert "bd-" not in answer.lower() and 'class="note"' in answer, answer
        assert "Your session expired" in answer  # the words stay
        (page_file,) = decks.dist.glob("*.html")
        page = browser.new_page(viewport={"width": 800, "height": 600})
        page.goto(page_file.resolve().as_uri(), wait_until="load")
        page.click("#bd-sides")  # the backs, where the hostile answer is
        page.mouse.wheel(0, 1500)
        assert page.evaluate("document.querySelectorAll('.bd-bar, .bd-flip').length") == 2
        placed = page.evaluate("""() => [...document.querySelectorAll('.card *')]
            .map(el => getComputedStyle(el).position).filter(p => p !== 'static')""")
        assert placed == []
        # What the page shows at its search box is the page's bar, not a card.
        box = page.locator("#bd-search").bounding_box()
        on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('header')"
                               " !== null", [box["x"] + 5, box["y"] + 5])
        assert on_top
        page.close()


def test_a_paragraph_of_hundreds_of_slanted_or_undrawable_characters_prints(
        tmp_path: Path) -> None:
    """typst nests a level for each match of a show rule in a paragraph and fails past 512
    (typst issue 6694): 520 emphasised Han characters (each slanted on its own), or 520
    characters no font has (each a ``U+…`` marker), failed the whole deck's PDF, named as
    the question to blame."""
    import pypdf
    from click.testing import CliRunner

    from builder.cli import main

    slanted = "斜体" * 300
    undrawable = "图\ue000" * 300 + "\n\n" + "\U00050000" * 600
    write(tmp_path / "n.md", f"## 节\n\n### 什么是强调？\n\n*{slanted}*\n\n"
          f"### 什么是图标？\n\n{undrawable}\n")
    result = CliRunner().invoke(main, ["build", "n.md", "--format", "pdf", "--no-lock"])
    assert result.exit_code == 0, result.output
    assert "cannot typeset" not in result.output
    pdf = "".join(page.extract_text() for page in pypdf.PdfReader("dist/n.pdf").pages)
    flat = "".join(pdf.split())
    assert flat.count("斜体") == 300, pdf
    assert flat.count("图U+E000") == 300 and flat.count("U+50000") == 600, pdf


def test_a_unit_separator_in_a_file_or_deck_name_leaves_the_deck_importable(
        tmp_path: Path, collection: Collection) -> None:
    """Anki keeps a note's fields joined by U+001F: a file name holding one (in the Source
    and Key fields) and a front-matter deck name written ``"\\x1f"`` (in Key) made a
    package the real Anki refused whole: "note has 7 fields, expected 5"."""
    from click.testing import CliRunner

    from builder.cli import main

    write(tmp_path / "notes" / "fi\x1fl\x07e.md",
          '---\ndeck: "De\\x1fck"\n---\n## 节\n\n### What is in the name?\n\nA unit.\n')
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--no-lock"])
    assert result.exit_code == 0, result.output
    (package,) = Path("dist").glob("*.apkg")
    (note,) = imported_notes(collection, package)
    assert note["Source"] == "notes/fi l e.md:6", note.fields  # U+0007 too
    assert note["Key"] == "De ck / 节 / what is in the name?", note.fields
    assert note["Answer"] == "<p>A unit.</p>" and note.deck == "De ck::节"


def test_a_control_character_written_as_a_reference_in_raw_html_is_a_space(
        tmp_path: Path, collection: Collection) -> None:
    """nh3 writes ``&#31;`` back as U+001F, the separator Anki joins a note's fields with:
    in a ``<p>`` or a ``title`` it made the note's row hold seven fields, and the real Anki
    refused the whole deck ("note has 7 fields, expected 5") while ``check`` said nothing."""
    result, package = build_fixture_deck("hostile-control-reference")
    warned = [line.split(": ")[0] for line in result.output.splitlines()
              if line.endswith("[control-chars]")]
    assert warned == ["notes/hostile-control-reference.md:5:5",
                      "notes/hostile-control-reference.md:7:36",
                      "notes/hostile-control-reference.md:9:18"], result.output
    assert "'&#31;' names control character U+001F" in result.output
    assert "'&#x1f;' names control character U+001F" in result.output
    assert "'&#31' names control character U+001F" in result.output
    assert "(and 1 more on this line)" in result.output  # the alt's &#8; on line 9
    notes = imported_notes(collection, package)
    assert answers_by_question(notes)["What does the paragraph hold?"] == "<p>a b</p>\n"
    (asked,) = [note for note in notes if "US" in note["Question"]]
    assert asked["Question"] == 'What does the <abbr title="unit separator">US</abbr> mean?'
    assert '<abbr title="x y">abbreviation</abbr>' in asked["Answer"]
    assert "[p q]" in asked["Answer"], asked["Answer"]
    assert asked["Key"] == "hostile-control-reference / 节 / what does the us mean?"


def test_a_formula_in_emphasis_prints_as_one_outside_it(tmp_path: Path) -> None:
    """The emphasis slant was a regex show rule on ``emph``, and typst's regex show rules
    reach into equations: ``*so $f(x)=L(x)+C|x|$ then $a \\le b$*`` printed its formulas
    as slanted plain text, ``f(x)=L(x)+C|x|`` and ``a≤b``, operator spacing and math
    italics gone (real notes: a machine-learning post's ``*…$…$…*`` lines)."""
    import re

    import pypdf
    from click.testing import CliRunner

    from builder.cli import main

    formulas = r"so $f(x)=L(x)+C|x|$ then $a \le b$"
    write(tmp_path / "n.md", f"## Sec\n\n### What is spaced?\n\n*{formulas}*\n\n{formulas}\n")
    result = CliRunner().invoke(main, ["build", "n.md", "--format", "pdf", "--no-lock"])
    assert result.exit_code == 0, result.output
    (page,) = pypdf.PdfReader("dist/n.pdf").pages
    emphasised, plain = page.extract_text().splitlines()[-3:-1]
    assert emphasised == plain == "so 𝑓(𝑥) = 𝐿(𝑥) + 𝐶|𝑥| then 𝑎 ≤ 𝑏", page.extract_text()
    # Slanted: the two words, each in its own box drawn through a skew, and nothing else.
    contents = page.get_contents()
    assert contents is not None
    stream = contents.get_data().decode("latin-1")
    assert len(re.findall(r"(?<![\d.])1 0 -0\.19\d* -1 \S+ \S+ cm", stream)) == 2
