"""Pictures from formula-image services (CodeCogs, Zhihu, GitHub, Google Charts) become
the notes' own formulas: decoded as each service decodes its address, inline or display
as their place says, through the same sanitiser, onto the card in the real Anki and into
the PDF; a warning only when the address holds no TeX."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parse.document import parse_text
from builder.parse.formulaimages import formula_picture, lone_image_source

from .conftest import FIXTURES, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "math" / "formula-pictures.md"


@pytest.mark.parametrize(("src", "tex"), [
    # CodeCogs: the whole query, `+` a plus, its editor's `&space;` a space.
    ("https://latex.codecogs.com/gif.latex?\\sigma(x)&space;=&space;1&space;+&space;e^{-x}",
     "\\sigma(x) = 1 + e^{-x}"),
    ("https://latex.codecogs.com/svg.latex?a%2Bb+c&plus;d", "a+b+c+d"),
    ("http://latex.codecogs.com/png.image?%5Cdpi%7B110%7D%5Cbg%7Bwhite%7D%20%5Cfn_cm%20x%5E2",
     "x^2"),
    ("https://latex.codecogs.com/svg.latex?\\large&space;\\frac{a}{b}", "\\frac{a}{b}"),
    ("https://latex.codecogs.com/svg.latex?\\displaystyle&space;y", "\\displaystyle y"),
    ("https://latex.codecogs.com/gif.latex?XX^'", "XX^'"),
    # Its text-mode line break and indent, as TeX math writes them.
    ("https://latex.codecogs.com/gif.latex?a=1\\newline&space;\\indent&space;b_{i}=2",
     "\\begin{aligned} &a=1 \\\\ &\\quad b_{i}=2 \\end{aligned}"),
    ("https://latex.codecogs.com/gif.latex?{a\\newline&space;b", "{a\\newline b"),
    # Zhihu, GitHub and Google Charts: a form-encoded parameter, `+` a space.
    ("https://www.zhihu.com/equation?tex=n+%5Ctimes+%28c+%2B+1%29", "n \\times (c + 1)"),
    ("https://zhihu.com/equation?tex=%5Cbeta&consumer=ZHIHU", "\\beta"),
    ("https://render.githubusercontent.com/render/math?math=y_i%2By_{i%2B1}&mode=inline",
     "y_i+y_{i+1}"),
    # TeX wrapped in the dollars of the notes' own formulas: what is inside.
    ("https://render.githubusercontent.com/render/math?math=$ f(x) $", "f(x)"),
    ("https://render.githubusercontent.com/render/math?math=$$P(a \\leq X)$$",
     "P(a \\leq X)"),
    ("https://latex.codecogs.com/svg.latex?$x^2$", "x^2"),
    ("https://render.githubusercontent.com/render/math?math=$a$ %2B $b$", "$a$ + $b$"),
    ("https://render.githubusercontent.com/render/math?math=$a\\$", "$a\\$"),
    ("https://render.githubusercontent.com/render/math?math=$$", "$$"),
    ("https://chart.googleapis.com/chart?cht=tx&chl=x%5E2+%2B+y%5E2", "x^2 + y^2"),
    ("https://chart.apis.google.com/chart?chl=E%3Dmc%5E2&cht=tx", "E=mc^2"),
    # The service, but no TeX in the address.
    ("https://latex.codecogs.com/svg.latex?", ""),
    ("https://www.zhihu.com/equation?preview=1", ""),
])
def test_each_service_s_address_gives_its_tex(src: str, tex: str) -> None:
    picture = formula_picture(src)
    assert picture is not None and picture.tex == tex


@pytest.mark.parametrize("src", [
    "https://example.com/equation?tex=x",
    "https://www.codecogs.com/eqnedit.php?latex=x",      # the editor, a page
    "https://chart.googleapis.com/chart?cht=p3&chl=a|b",  # a pie chart
    "https://zhihu.com/question/1?tex=x",
    "https://evil.example/latex.codecogs.com/gif.latex?x",
    "https://notcodecogs.com/gif.latex?x",
    "img/codecogs.com.gif.latex",
    "javascript:alert(1)//render.githubusercontent.com/render/math?math=x",
    "http://[bad",
])
def test_other_addresses_are_no_formulas(src: str) -> None:
    assert formula_picture(src) is None


@pytest.mark.parametrize(("fragment", "src"), [
    ('<img src="https://a/b.png">', "https://a/b.png"),
    ('  <IMG alt="x" SRC="u" src="v"/>\n', "u"),
    ('<img src="u"><!-- a note -->', None),
    ('<img src="u"> and text', None),
    ('<img src="u"><img src="v">', None),
    ('<a href="e"><img src="u"></a>', None),
    ('<p>x</p>', None),
])
def test_only_a_lone_img_tag_is_read(fragment: str, src: str | None) -> None:
    assert lone_image_source(fragment) == src


@pytest.mark.parametrize(("block", "place"), [
    ('<img src="https://latex.codecogs.com/svg.latex?">', (3, 1)),
    ('  <img src="https://latex.codecogs.com/svg.latex?">', (3, 3)),
    ('> <img src="https://latex.codecogs.com/svg.latex?">', (3, 3)),
    ('- a\n\n  <IMG SRC="https://latex.codecogs.com/svg.latex?">', (5, 3)),
])
def test_a_raw_img_block_is_reported_at_its_tag(block: str, place: tuple[int, int]) -> None:
    doc = parse_text(f"## s\n### q\n{block}\n", "t.md")
    assert [(d.loc.line, d.loc.col, d.code) for d in doc.diagnostics] == [
        (*place, "formula-image")]


def test_codecogs_inline_directive_keeps_a_lone_picture_inline() -> None:
    picture = formula_picture("https://latex.codecogs.com/svg.latex?\\inline&space;x")
    assert picture is not None and picture.inline and picture.tex == "x"


def test_fixture_formulas_their_kind_and_place() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))
    card = doc.sections[0].cards[0]
    found = [(f.loc.line, f.loc.col, f.tex, f.display) for f in card.formulas]
    assert found == [
        (5, 1, "\\sigma(x) = 1 / (1 + e^{-x})", True),        # alone: a display
        (7, 6, "n \\times (c + 1)", False),                     # in a sentence: inline
        (7, 73, "\\beta", False),
        (9, 14, "\\beta = (X^{T}X)^{-1}X^{T}y", False),         # raw <img> in a sentence
        (11, 1, "x_{i+1}-x_i", True),                           # raw <img> block alone
        (15, 7, "x^2 + y^2", False),                            # in a table cell
        (17, 1, "\\frac{a}{b}", False),                         # CodeCogs' \inline
        (19, 1, "{x} <script>", True),                          # \href taken out
        (23, 1, "\\begin{aligned} &h_t=W_{hh}h_{t-1}+b \\\\ &\\quad y_t=W_{hy}h_t "
         "\\end{aligned}", True),
        (2, 12, "\\lambda", False),                             # in the question
    ]
    assert [(d.loc.line, d.loc.col, d.code) for d in doc.diagnostics] == [
        (19, 1, "formula-command"), (21, 1, "formula-image")]
    assert "no TeX" in doc.diagnostics[1].message
    assert "latex.codecogs.com" in doc.diagnostics[1].message


def test_cards_and_pdf_show_the_formulas_and_fetch_nothing(
        tmp_path: Path, collection: Collection) -> None:
    import pypdf

    source = tmp_path / "source_md"
    source.mkdir()
    shutil.copy(FIXTURE, source / FIXTURE.name)
    result = CliRunner().invoke(main, [], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    warnings = re.findall(r"formula-pictures\.md:(\d+):(\d+): warning: .*\[([a-z-]+)\]",
                          result.output)
    assert warnings == [("19", "1", "formula-command"), ("21", "1", "formula-image")]

    (note,) = imported_notes(collection, Path("dist") / "formula-pictures.apkg")
    media = Path(collection.media.dir())
    shown = {}
    for field in ("Question", "Answer"):
        for src, alt in re.findall(r'<img class="math" src="([^"]+)" alt="([^"]*)"',
                                   note[field]):
            assert (media / src).stat().st_size > 0
            shown[alt] = field
    assert shown == {
        "\\lambda": "Question", "\\sigma(x) = 1 / (1 + e^{-x})": "Answer",
        "n \\times (c + 1)": "Answer", "\\beta": "Answer",
        "\\beta = (X^{T}X)^{-1}X^{T}y": "Answer", "x_{i+1}-x_i": "Answer",
        "x^2 + y^2": "Answer", "\\frac{a}{b}": "Answer", "{x} &lt;script&gt;": "Answer",
        "\\begin{aligned} &amp;h_t=W_{hh}h_{t-1}+b \\\\ &amp;\\quad y_t=W_{hy}h_t "
        "\\end{aligned}": "Answer"}
    answer = note["Answer"]
    assert "codecogs" not in answer and "zhihu" not in answer and "githubusercontent" \
        not in answer and "googleapis" not in answer and "<script" not in answer
    assert "javascript" not in answer

    text = "".join(page.extract_text() for page in pypdf.PdfReader(
        "dist/formula-pictures.pdf").pages)
    flat = re.sub(r"\s+", "", text)
    # typst sets the formulas in math italic.
    assert "𝜎(𝑥)=1/(1+𝑒" in flat and "𝑛×(𝑐+1)" in flat and "𝑥2+𝑦2" in flat
    assert "𝜆" in flat and "codecogs" not in flat
