"""Obsidian's picture embeds (``![[conv.png]]``) reach the real Anki and the PDF, found by
name anywhere in the vault as Obsidian finds them, never outside it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, SupportsIndex

import pytest
from click.testing import CliRunner, Result

from builder.cli import main
from builder.parse.markdown import tokenize

from .ankimedia import image_sources
from .conftest import answers_by_question, imported_notes
from .imagefiles import write_png
from .test_pictures import pdf_rasters

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "obsidian"
NOTE = FIXTURE / "Deep Learning" / "CNN.md"

PICTURES = {  # vault path → pixel size, each size its own, so a drawn size names its file
    "attachments/conv.png": (8, 5),
    "attachments/Pool Layer.png": (9, 4),
    "fig.png": (10, 3),  # the vault's top: found first only when none is beside the note
    "Deep Learning/fig.png": (11, 2),
    "attachments/2019/old/deep.png": (14, 2),
    "pictures/deep.png": (15, 2),  # the shorter path: Obsidian's pick
    ".trash/trashed.png": (12, 2),  # Obsidian's deleted files: not part of the vault
    "../secret.png": (13, 2),  # beside the vault, not in it
}

SHOWN = {
    "什么是卷积？": ["attachments/conv.png"],
    "池化层有什么作用？": ["attachments/Pool Layer.png"] * 3,
    "图片写了文件夹呢？": ["attachments/conv.png"],
    "大小写不同呢？": ["attachments/conv.png"],
    "旁边有同名图片时用哪张？": ["Deep Learning/fig.png"],
    "库里两处同名时用哪张？": ["pictures/deep.png"],
    "不是图片的嵌入和链接怎么办？": [],
    "找不到的图片呢？": [],
}
"""Each question → the vault files of the pictures its card shows, in order."""


def _vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURE, vault)
    for name, (width, height) in PICTURES.items():
        write_png(vault / name, width=width, height=height)
    monkeypatch.chdir(vault)
    return vault


def _build(*args: str) -> Result:
    result = CliRunner().invoke(main, [".", *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def _place(needle: str) -> str:
    """``line:col`` of ``needle`` in the fixture note."""
    for number, line in enumerate(NOTE.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return f"{number}:{line.index(needle) + 1}"
    raise AssertionError(needle)


def test_embedded_pictures_reach_the_real_anki_as_the_vault_files_obsidian_shows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    vault = _vault(tmp_path, monkeypatch)
    _build("--format", "apkg")
    notes = imported_notes(collection, vault / "dist" / "卷积网络.apkg")
    media = Path(collection.media.dir())
    seen = {}
    for note in notes:
        names = image_sources(note["Answer"])
        seen[note["Question"]] = [(media / name).read_bytes() for name in names]
        if note["Question"] == "不是图片的嵌入和链接怎么办？":
            # Links and embeds of notes are not pictures: shown as written, nothing lost.
            for written in ("[[Transformer]]", "[[Transformer#注意力|注意力]]",
                            "![[Transformer]]"):
                assert written in note["Answer"]
    assert seen == {question: [(vault / name).read_bytes() for name in names]
                    for question, names in SHOWN.items()}


def test_captions_become_alt_text_and_widths_the_pictures_width(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    vault = _vault(tmp_path, monkeypatch)
    _build("--format", "apkg")
    answer = answers_by_question(
        imported_notes(collection, vault / "dist" / "卷积网络.apkg"))["池化层有什么作用？"]
    assert answer.count('alt="池化示意"') == 1 and answer.count('alt="Pool Layer.png"') == 2
    # ``|300`` and ``|300x200`` size the picture (tests/test_wiki_embed_width.py), no words.
    assert answer.count('alt="Pool Layer.png" width="300">') == 2
    assert "200" not in answer and "|" not in answer


def test_pictures_not_in_the_vault_are_reported_at_their_embed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _vault(tmp_path, monkeypatch)
    output = _build("--format", "apkg").output
    shown = "Deep Learning/CNN.md"
    assert (f"{shown}:{_place('![[gone.png]]')}: warning: image not found: [[gone.png]]"
            in output)
    assert (f"{shown}:{_place('![[trashed.png]]')}: warning: image not found: "
            "[[trashed.png]]") in output
    assert (f"{shown}:{_place('![[../secret.png]]')}: warning: image outside the source "
            "tree refused: [[../secret.png]] [image-outside]") in output
    assert output.count("warning:") == 3, output


def test_a_symlink_in_the_vault_does_not_reach_a_picture_outside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = _vault(tmp_path, monkeypatch)
    (vault / "linked").symlink_to(tmp_path)  # secret.png is in tmp_path
    (vault / "Deep Learning" / "CNN.md").write_text(
        "## S\n### Q?\n![[linked/secret.png]] ![[secret.png]]\n", encoding="utf-8")
    output = _build("--format", "apkg").output
    assert "image outside the source tree refused: [[linked/secret.png]]" in output
    assert "image not found: [[secret.png]]" in output  # the walk follows no symlink


def test_the_pdf_draws_the_embedded_pictures(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    vault = _vault(tmp_path, monkeypatch)
    _build("--format", "pdf")
    drawn = pdf_rasters(vault / "dist" / "卷积网络.pdf")
    assert drawn == {PICTURES[name] for names in SHOWN.values() for name in names}


@pytest.mark.parametrize(("text", "src", "alt"), [
    ("![[a.png]]", "[[a.png]]", "a.png"),
    ("![[imgs/a b.PNG|图一]]", "[[imgs/a b.PNG]]", "图一"),
    ("![[a.webp|300x200]]", "[[a.webp]]", "a.webp"),
    ("| 图 |\n|---|\n| ![[a.png\\|300]] |", "[[a.png]]", "a.png"),  # in a table cell
    # A Markdown image whose alt text is in brackets (Zhihu's formula pictures) is not one.
    ("![[公式]](https://www.zhihu.com/equation?tex=x)", "https://www.zhihu.com/equation?tex=x",
     "[公式]"),
    ("![[a.png]](b.png)", "b.png", "[a.png]"),
])
def test_an_embed_of_a_picture_is_an_image(text: str, src: str, alt: str) -> None:
    images = [t for block in tokenize(text) for t in (block.children or [])
              if t.type == "image"]
    image = images[0] if len(images) == 1 else None
    assert image is not None and image.type == "image"
    assert (image.attrs["src"], image.content) == (src, alt)


@pytest.mark.parametrize("text", [
    "![[Other note]]", "![[paper.pdf]]", "[[a.png]]", "![[a.png", "![[a.png#^block]]",
    "`![[a.png]]`", "![[a\nb.png]]", "\\![[a.png]]", "[[1, 2]]",
])
def test_anything_else_written_with_double_brackets_stays_as_written(text: str) -> None:
    tokens = [t for block in tokenize(text) for t in (block.children or [])]
    assert not [t for t in tokens if t.type == "image"], text


class _CountingSource(str):
    """A line whose ``find``s and ``startswith``s count the characters they may look at."""

    looked = 0

    def find(self, sub: str, start: SupportsIndex | None = None,
             end: SupportsIndex | None = None) -> int:
        begin, stop, _step = slice(start, end).indices(len(self))
        _CountingSource.looked += max(0, stop - begin)
        return super().find(sub, start, end)

    def startswith(self, prefix: str | tuple[str, ...],
                   start: SupportsIndex | None = None, end: SupportsIndex | None = None
                   ) -> bool:
        _CountingSource.looked += max(map(len, prefix)) if isinstance(prefix, tuple) \
            else len(prefix)
        return super().startswith(prefix, start, end)


def test_a_line_of_unclosed_embeds_is_read_in_a_time_linear_in_its_length() -> None:
    """Each ``![[`` of ``![[![[…`` once looked for its ``]]`` to the end of the line: a 1 MB
    line took minutes.  A picture's name holds no bracket: the search stops at one."""
    from markdown_it.rules_inline import StateInline

    from builder.parse.markdown import make_parser
    from builder.parse.wikiembeds import _wiki_embed

    count = 20_000
    src = _CountingSource("![[" * count + "a.png]]")
    state = StateInline(src, make_parser(), {}, [])
    _CountingSource.looked = 0
    found = []
    for start in range(0, 3 * count, 3):
        state.pos = start
        found.append(_wiki_embed(state, False))
    assert found == [False] * (count - 1) + [True]
    assert _CountingSource.looked < 20 * len(src)


def test_a_folder_or_fifo_named_like_a_picture_is_no_picture_and_not_outside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    vault = _vault(tmp_path, monkeypatch)
    (vault / "Deep Learning" / "shot.png").mkdir()
    os.mkfifo(vault / "pipe.png")  # opened, a FIFO would block the build for ever
    (vault / "Deep Learning" / "CNN.md").write_text(
        "## S\n### Q?\n![[shot.png]] ![[pipe.png]]\n", encoding="utf-8")
    output = _build("--format", "apkg").output
    for name in ("shot.png", "pipe.png"):
        assert (f"CNN.md:3:{1 if name == 'shot.png' else 15}: warning: not a picture file "
                f"(a folder or a special file): [[{name}]] [image-type]") in output, output
    assert "image-outside" not in output


def test_a_folder_built_inside_a_vault_reads_nothing_above_it_and_says_where_it_looked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    """Built alone, a folder of an Obsidian vault (``.obsidian/`` at its top) has its
    pictures in the vault's attachment folder above it: they are not read (nothing outside
    the tree the user named is), and each embed says where it was looked for and what to
    build instead (Lawrence-Godfrey's ``AI/Machine Learning/…/Attention.md`` with
    ``AI/media/Pasted image ….png``)."""
    vault = _vault(tmp_path, monkeypatch)
    (vault / ".obsidian").mkdir()
    result = CliRunner().invoke(main, ["Deep Learning", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    missing = [line for line in result.output.splitlines() if "[image-missing]" in line]
    assert f"Deep Learning/CNN.md:{_place('![[conv.png]]')}: warning: image not found: " \
        "[[conv.png]] (looked for conv.png everywhere under Deep Learning/, the folder being " \
        "built; a vault's attachment folder above it is not read: build the vault's folder) " \
        "[image-missing]" in missing, result.output
    assert not any("image-outside" in line for line in result.output.splitlines())
    shown = {name for note in imported_notes(collection, vault / "dist" / "卷积网络.apkg")
             for name in image_sources(note["Answer"])}
    # The one picture inside the folder is shown; none from the vault above it.
    packed = {(Path(collection.media.dir()) / name).read_bytes() for name in shown}
    assert packed == {(vault / "Deep Learning" / "fig.png").read_bytes()}, shown
