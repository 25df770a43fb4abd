"""Formula pictures from Yuque's exports and WordPress blogs are drawn from the TeX their
address holds, like CodeCogs' and Zhihu's (``test_formula_pictures``): on the card and in
the PDF, with nothing fetched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parse.formulaimages import formula_picture

from .conftest import FIXTURES, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "math" / "formula-pictures-yuque.md"


@pytest.mark.parametrize(("src", "tex"), [
    ("https://g.yuque.com/gr/latex?f(z)%3DReLU(z)", "f(z)=ReLU(z)"),
    ("https://g.yuque.com/gr/latex?a%2Bb%20c%0A#card=math&code=x", "a+b c"),
    ("https://cdn.nlark.com.yuque.com/gr/latex?x", "x"),
    ("https://s0.wp.com/latex.php?latex=%5Cfrac%7Ba%7D%7Bb%7D+%2B+c&bg=ffffff&s=2",
     "\\frac{a}{b} + c"),
    ("https://s.wordpress.com/latex.php?latex=x%5E2&fg=000000", "x^2"),
    # Yuque's editor: the TeX in the fragment, the hash naming the picture ignored.
    ("https://cdn.nlark.com/yuque/__latex/dd85b9ba4cfd256fe1bffec352510fa8.svg#card=math"
     "&code=F_%7Bt%7D%3Dg_%7Bd%7D%28f_%7Bt%7D%29&id=iLjQ9", "F_{t}=g_{d}(f_{t})"),
    ("https://cdn.nlark.com/yuque/__latex/c.svg#card=math&code=E.g.%20%5Cquad%20-6%5Cfrac"
     "%7B5%7D%7B8%7D%20%5Ctimes2%5E2&height=37&width=306",
     "E.g. \\quad -6\\frac{5}{8} \\times2^2"),
    ("https://cdn.nlark.com/yuque/__latex/c.svg#card=math&code=a%2Bb", "a+b"),
    # A bare hash: a formula picture whose TeX the export did not keep.
    ("https://cdn.nlark.com/yuque/__latex/1af56c82e4e26b42c78672a3f5a0d0c9.svg", ""),
])
def test_each_service_s_address_gives_its_tex(src: str, tex: str) -> None:
    picture = formula_picture(src)
    assert picture is not None and picture.tex == tex


@pytest.mark.parametrize("src", [
    "https://g.yuque.com/gr/other?x",             # another page of the service
    "https://yuque.com.evil.example/gr/latex?x",
    "https://s0.wp.com/wp-content/latex.php?latex=x",
    "https://notwp.com/latex.php?latex=x",
    "https://cdn.nlark.com/yuque/0/2025/png/560/a.png#card=math&code=x",  # a photo
    "https://nlark.com.evil.example/yuque/__latex/a.svg#code=x",
    # TeX that decodes to control characters is no formula (a forged address).
    "https://cdn.nlark.com/yuque/__latex/a.svg#card=math&code=x%00%0Ay",
    "https://www.zhihu.com/equation?tex=%5Calpha%07",
    "https://g.yuque.com/gr/latex?a%7Fb",
])
def test_other_addresses_are_no_formulas(src: str) -> None:
    assert formula_picture(src) is None


def test_cards_and_pdf_draw_the_formulas_and_fetch_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    import pypdf

    shutil.copy(FIXTURE, tmp_path / "n.md")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["n.md"])
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    (note,) = imported_notes(collection, tmp_path / "dist" / "语雀导出.apkg")
    answer = note["Answer"]
    media = Path(collection.media.dir())
    drawn = dict(re.findall(r'<img class="math" src="([^"]+)" alt="([^"]*)"', answer))
    assert all((media / src).stat().st_size > 0 for src in drawn)
    assert sorted(drawn.values()) == sorted([
        "f(z)=ReLU(z)", "f(z)=z", "x_{l+1}=x_{l}+F(x_{l}, W_{l})",
        "ROT180(w_{x,y}^{l+1}) = w_{-x, -y}^{l+1}", "O(1)"]), answer
    assert "yuque" not in answer and "wp.com" not in answer
    flat = re.sub(r"\s+", "", "".join(
        page.extract_text() for page in pypdf.PdfReader("dist/语雀导出.pdf").pages))
    assert "𝑓(𝑧)=𝑧" in flat and "yuque" not in flat, flat
