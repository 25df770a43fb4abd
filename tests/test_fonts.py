"""The PDF draws every character with a font that has it, or marks it and says where."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.render import fontcoverage, fonts, glyphs

from .conftest import FIXTURES

pypdf = pytest.importorskip("pypdf")

CHARACTERS = FIXTURES / "characters.md"
LATIN_PUNCTUATION = "’“”—…‘"
EMOJI = "👶🚀⭐✅❤🔥💡👉🤔"
SYMBOLS = "✓→≤∑∞≈∈∀①★✗►⋅"
GREEK = "αβγλΣΩ"
CJK = "中文标点他说你好然后走了"
UNDRAWABLE = "\ue000𪚥"


def _cmaps() -> dict[str, set[int]]:
    """Each font's PostScript family (``NotoSans``, ``NotoSansCJKsc``…) → its code points."""
    from fontTools.ttLib import TTCollection, TTFont

    faces = list(TTCollection(str(fonts.regular_cjk_font())).fonts)
    faces += [TTFont(str(p)) for p in fonts.noto_fonts_dir().glob("*.ttf")]
    found: dict[str, set[int]] = {}
    for face in faces:
        family = str(face["name"].getDebugName(6)).split("-")[0]
        found.setdefault(family, set()).update(face.getBestCmap())
    return found


def drawn_by(pdf: Path) -> Iterator[tuple[str, str]]:
    """Yield (character, PostScript family of the font that draws it) for the whole PDF."""
    chunks: list[tuple[str, str]] = []

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if text and isinstance(font, dict):
            name = str(font.get("/BaseFont", ""))
            chunks.append((text, name.lstrip("/").split("+")[-1].split("-")[0]))

    for page in pypdf.PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    for text, family in chunks:
        for char in text:
            if not char.isspace():
                yield char, family


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("characters")
    source = folder / "characters.md"
    shutil.copyfile(CHARACTERS, source)
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(folder / "out"),
                                       "--format", "pdf", "--no-lock"])
    assert result.exit_code == 0, result.output
    return folder / "out" / "Characters in every script.pdf", result.output


def test_every_character_is_drawn_by_a_font_that_has_it(sheet: tuple[Path, str]) -> None:
    pdf, _ = sheet
    cmaps = _cmaps()
    drawn: dict[str, set[str]] = {}
    for char, family in drawn_by(pdf):
        drawn.setdefault(char, set()).add(family)
    for char in LATIN_PUNCTUATION + EMOJI + SYMBOLS + GREEK + CJK:
        assert char in drawn, f"{char!r} (U+{ord(char):04X}) is not in the PDF"
        # A glyph is picked through the font's character map: one that maps the
        # character draws it, never a .notdef box.
        for family in drawn[char]:
            # typst's own fonts (DejaVu Sans Mono, New Computer Modern…) are no files to
            # read; that the PDF maps the glyph back to the character shows it is real.
            if family in cmaps:
                assert ord(char) in cmaps[family], f"{char!r} drawn by {family}, lacking it"
    for char in EMOJI:
        assert drawn[char] <= {"NotoEmoji"}, (char, drawn[char])
    # One 🚀 in the text, one in a formula: both from the emoji font.
    assert [family for char, family in drawn_by(pdf) if char == "🚀"] == ["NotoEmoji"] * 2


def test_latin_punctuation_in_latin_text_comes_from_the_latin_font(
        sheet: tuple[Path, str]) -> None:
    pdf, _ = sheet
    pairs = list(drawn_by(pdf))
    text = "".join(char for char, _ in pairs)
    for phrase in ("What’s", "“transformer”", "really…", "It’s", "‘best’"):
        start = text.index(phrase)
        families = {family for _, family in pairs[start:start + len(phrase)]}
        assert families == {"NotoSans"}, (phrase, families)
    # Beside Chinese they are Chinese punctuation: full-width, from the CJK font.
    for phrase in ("“你好”", "——", "……"):
        start = text.index(phrase)
        families = {family for _, family in pairs[start:start + len(phrase)]}
        assert families == {"NotoSansCJKsc"}, (phrase, families)


def test_a_character_no_font_has_is_marked_and_reported(sheet: tuple[Path, str]) -> None:
    pdf, output = sheet
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    for char in UNDRAWABLE:
        assert char not in text
    squashed = re.sub(r"\s+", "", text)
    assert "iconfont’sU+E000andarareU+2A6A5character" in squashed
    reported = re.findall(r"^(.*):(\d+):(\d+): (.*)$", output, re.MULTILINE)
    assert [(Path(path).name, line, col, rest) for path, line, col, rest in reported] == [
        ("characters.md", "27", "16", "warning: no font can draw U+E000 (a private-use "
         "character, e.g. from an icon font) (also U+2A6A5 on this line): the PDF shows "
         "[U+E000] instead [missing-glyph]"),
    ]


def test_missing_glyphs_are_only_reported_when_a_pdf_is_built(tmp_path: Path) -> None:
    shutil.copyfile(CHARACTERS, tmp_path / "characters.md")
    result = CliRunner().invoke(main, ["build", "characters.md", "--format", "apkg",
                                       "--no-lock"])
    assert result.exit_code == 0, result.output
    assert "missing-glyph" not in result.output
    from anki.collection import Collection

    from .conftest import import_apkg

    (tmp_path / "profile").mkdir()
    col = Collection(str(tmp_path / "profile" / "c.anki2"))
    try:
        import_apkg(col, tmp_path / "dist" / "Characters in every script.apkg")
        assert col.note_count() == 6
    finally:
        col.close()


@pytest.mark.parametrize(("char", "drawable"), [
    ("’", True), ("👶", True), ("✓", True), ("中", True), ("∑", True), ("α", True),
    ("\u200d", True), ("\ufe0f", True), ("\U0001f3fd", True),  # joiner, selector, skin tone
    ("\U0001fae8", True),  # Unicode 15: newer than some Pythons' tables, in Noto Emoji
    ("⋅", True), ("✗", True), ("ℵ", True),  # in typst's own fonts only
    ("\ue000", False), ("\U000f0000", False), ("𪚥", False),
])
def test_has_glyph(char: str, drawable: bool) -> None:
    assert glyphs.has_glyph(char) is drawable


def test_missing_glyph_pattern_matches_only_the_characters_named() -> None:
    pattern = glyphs.missing_glyph_pattern(["\ue000", "𪚥"])
    assert pattern is not None
    # typst's regex syntax is Rust's; Python's re reads \x{...} the same way only in
    # the third-party regex module, so check the form by hand.
    assert pattern == "[\\x{E000}\\x{2A6A5}]"
    assert glyphs.missing_glyph_pattern([]) is None


def test_the_seed_has_no_missing_glyph() -> None:
    # Its formulas use ⋅ (U+22C5), which only typst's own math font has.
    from .conftest import SEED

    assert glyphs.missing_glyph_diagnostics(SEED.read_text(encoding="utf-8"), "seed.md") == []


def test_diagram_text_draws_symbols_and_emoji() -> None:
    import warnings

    from builder.render.diagrams._style import diagram_style

    with diagram_style(), warnings.catch_warnings():
        # matplotlib warns "Glyph … missing from font(s)" for every character it boxes.
        warnings.simplefilter("error")
        from matplotlib.figure import Figure

        figure = Figure()
        figure.text(0.1, 0.5, "标签 ✓ → ≤ ∑ 👶 🚀 ⭐ ✅ αβ")
        figure.savefig(io.BytesIO(), format="png")


def test_a_file_full_of_undrawable_characters_gets_a_bounded_report() -> None:
    text = "".join(f"line {n} \ue000{chr(0xE001 + n % 50)}\n" for n in range(5000))
    found = glyphs.missing_glyph_diagnostics(text, "icons.md")
    assert len(found) == glyphs.MAX_REPORTED_LINES + 1
    assert [(d.loc.line, d.loc.col) for d in found[:2]] == [(1, 8), (2, 8)]
    assert str(found[1]).startswith("icons.md:2:8: warning: no font can draw U+E000")
    assert "(also U+E002 on this line)" in found[1].message
    assert str(found[-1]) == ("icons.md:21:1: warning: 4980 more line(s) from here on have "
                              "characters no font can draw (each marked in the PDF) "
                              "[missing-glyph]")


def test_the_drawable_table_is_what_the_pinned_fonts_draw() -> None:
    """``check`` reads the fonts' code points from a table, not the fonts: after a font
    pin changes, run ``builder.render.fontcoverage.write_drawable_table()``."""
    fontcoverage.drawable_code_points.cache_clear()
    assert fontcoverage.drawable_code_points() == fontcoverage.drawable_in_font_files()
