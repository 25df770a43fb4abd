"""Formula rendering: coverage of a corpus of real deep-learning formulas, image metrics,
fallbacks and the TeX rewrites that keep tex2typst from drawing the wrong thing."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builder.render.formulacache import RenderedFormula
from builder.render.formulas import PX_PER_EM
from builder.render.texmath import to_typst

from .drawformulas import Drawn, draw, image

CORPUS = Path(__file__).parent / "fixtures" / "formulas.tex"
COVERAGE_TARGET = 0.98
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def corpus() -> list[tuple[str, bool]]:
    """Each corpus line as (tex, display): environments and tagged equations are displays."""
    items = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        tex = line.strip()
        if tex and not tex.startswith("%"):
            items.append((tex, "\\begin{" in tex or "\\tag" in tex))
    return items


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bool, Drawn]]:
    items = corpus()
    outcomes = draw(items, tmp_path_factory.mktemp("cache"))  # batches, bisected where needed
    assert len(outcomes) == len(items)
    return [(tex, display, o) for (tex, display), o in zip(items, outcomes, strict=True)]


def pixels(png: Path) -> list[list[float]]:
    """Alpha (ink) of every pixel, rows of floats in 0..1."""
    from matplotlib import image as mpimg

    array = mpimg.imread(io.BytesIO(png.read_bytes()), format="png")
    return [[float(px[3]) for px in row] for row in array]


# --- (a) coverage ---------------------------------------------------------------------

def test_corpus_is_large_enough() -> None:
    assert len(corpus()) >= 160


def test_corpus_coverage(rendered: list[tuple[str, bool, Drawn]],
                         record_property: Callable[[str, object], None]) -> None:
    drawn = [o for _, _, o in rendered if isinstance(o, RenderedFormula)]
    failed = [tex for tex, _, o in rendered if isinstance(o, str)]
    by_engine = {e: sum(1 for o in drawn if o.engine == e) for e in ("typst", "mathtext")}
    share = len(drawn) / len(rendered)
    figure = (f"{len(drawn)}/{len(rendered)} = {share:.1%} drawn "
              f"(typst {by_engine['typst']}, mathtext {by_engine['mathtext']}); "
              f"kept as MathJax: {failed or 'none'}")
    print(figure)
    record_property("formula_coverage", figure)
    assert share >= COVERAGE_TARGET, figure


# --- (b) image metrics ---------------------------------------------------------------

def test_every_image_is_a_measured_png(rendered: list[tuple[str, bool, Drawn]]) -> None:
    for tex, _display, outcome in rendered:
        if not isinstance(outcome, RenderedFormula):
            continue
        png = outcome.image.path.read_bytes()
        assert png.startswith(PNG_SIGNATURE), tex
        width_px, height_px = struct.unpack(">II", png[16:24])
        assert outcome.width_em > 0 and outcome.height_em > 0, tex
        assert 0 <= outcome.depth_em < outcome.height_em, tex
        # The measured size is the picture's size (typst rounds to whole pixels).
        assert abs(width_px - outcome.width_em * PX_PER_EM) <= 1.5, tex
        assert abs(height_px - outcome.height_em * PX_PER_EM) <= 1.5, tex
        assert (outcome.typst is not None) == (outcome.engine == "typst"), tex


def test_display_fraction_is_taller_than_inline_letter(tmp_path: Path) -> None:
    x, fraction = draw([("x", False), (r"\frac{a}{b}", True)], tmp_path)
    assert isinstance(x, RenderedFormula) and isinstance(fraction, RenderedFormula)
    assert fraction.height_em > 1.5 * x.height_em
    assert fraction.depth_em > x.depth_em


def test_the_same_formula_is_drawn_in_display_style_only_as_a_display(tmp_path: Path) -> None:
    """A display sum sets its limits above and below (taller, narrower); inline, beside it."""
    inline, display = draw([(r"\sum_{i=1}^{n} x_i", False), (r"\sum_{i=1}^{n} x_i", True)],
                           tmp_path)
    assert isinstance(inline, RenderedFormula) and isinstance(display, RenderedFormula)
    assert inline.image.name != display.image.name
    assert display.height_em > 1.5 * inline.height_em
    assert display.width_em < inline.width_em


def test_descender_reaches_below_the_baseline(tmp_path: Path) -> None:
    x, g = draw([("x", False), ("g", False)], tmp_path)
    assert isinstance(x, RenderedFormula) and isinstance(g, RenderedFormula)
    assert g.depth_em > x.depth_em + 0.1


# --- (c) failures and bisecting ------------------------------------------------------

def test_broken_formulas_fail_alone_and_their_neighbours_still_render(tmp_path: Path) -> None:
    items = [("a + b", False), (r"\frac{a", False), (r"\sqrt{x}", False),
             (r"\nosuchmacro{x}", False), (r"\sum_{i=1}^{n} x_i", True)]
    outcomes = draw(items, tmp_path)
    good = [outcomes[i] for i in (0, 2, 4)]
    assert all(isinstance(o, RenderedFormula) and o.engine == "typst" for o in good), good
    for index in (1, 3):
        failure = outcomes[index]
        assert isinstance(failure, str), failure
        assert "typst" in failure and "mathtext" in failure, failure
    # \nosuchmacro passes tex2typst, so typst itself rejected it inside the batch.
    reason = outcomes[3]
    assert isinstance(reason, str)
    assert reason.startswith("typst: "), reason


def test_typst_never_runs_in_the_building_process(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    """Every compile runs in a sandbox child with a time and memory budget.

    typst compiles formulas from shared notes: one that loops or allocates without end
    must cost a child process, never the build. Compilers made here would be counted.
    """
    import typst

    made: list[object] = []
    real = typst.Compiler

    def counting(*args: Any, **kwargs: Any) -> typst.Compiler:
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(typst, "Compiler", counting)
    # The broken formula makes the batch fail and split: several compiles.
    outcomes = draw([("a^2", False), (r"\nosuchmacro{x}", False), ("b_1", True)], tmp_path)
    assert [type(o) for o in outcomes] == [RenderedFormula, str, RenderedFormula]
    assert made == []


# --- (d) Chinese text ----------------------------------------------------------------

def test_chinese_text_is_drawn_not_tofu(tmp_path: Path) -> None:
    loss, grad = draw([(r"\text{损失}", False), (r"\text{梯度}", False)], tmp_path)
    assert isinstance(loss, RenderedFormula) and isinstance(grad, RenderedFormula)
    assert loss.engine == grad.engine == "typst"
    # Missing glyphs would draw the same .notdef boxes for both words.
    assert pixels(loss.image.path) != pixels(grad.image.path)
    # Two CJK ideographs are about two em wide, and actually inked.
    assert 1.8 < loss.width_em < 2.5
    ink = sum(sum(row) for row in pixels(loss.image.path))
    area = len(pixels(loss.image.path)) * len(pixels(loss.image.path)[0])
    assert 0.05 < ink / area < 0.6


def test_chinese_in_a_formula_keeps_its_math(tmp_path: Path) -> None:
    img = image(r"\text{损失} = -\log p_{\text{正确类别}}", tmp_path)
    assert img.engine == "typst" and img.typst is not None
    assert '"损失"' in img.typst and '"正确类别"' in img.typst


# --- (e) the mathtext fallback --------------------------------------------------------

def test_mathtext_draws_what_typst_cannot(tmp_path: Path) -> None:
    # typst has no \varkappa (tex2typst passes it through as an unknown name).
    kappa = image(r"\varkappa_t = 0.5", tmp_path)
    assert kappa.engine == "mathtext" and kappa.typst is None
    assert kappa.image.path.read_bytes().startswith(PNG_SIGNATURE)
    assert 0 <= kappa.depth_em < kappa.height_em


def test_bare_typst_function_is_not_drawn_as_text(tmp_path: Path) -> None:
    # tex2typst turns the old switch {\cal L} into "cal L": typst would print the
    # function `cal` in monospace; formula.typ refuses, so mathtext draws it properly.
    outcome = image(r"{\cal L}(\theta) = -\sum_i \log p(y_i \mid x_i)", tmp_path)
    assert outcome.engine == "mathtext"


# --- the TeX rewrites ------------------------------------------------------------------

@pytest.mark.parametrize(("tex", "expected"), [
    # tex2typst would lose the grouping: "boxed x + 1", "limits(=)^a + b", "a + b^2".
    (r"\boxed{x+1}", "#box(stroke: 0.4pt, inset: 3pt, $display(x + 1)$)"),
    (r"\overset{a+b}{=}", "limits(=)^(a + b)"),
    (r"{a+b}^2", "lr(a + b)^2"),
    (r"\delta^{[l]} {A^{[l-1]}}^T", "delta^([l]) lr(A^([l - 1]))^T"),
    (r"\sum_{i=1}^{n} x_i", "sum_(i = 1)^n x_i"),
    (r"\frac{a}{b+c}^2", "frac(a, b + c)^2"),
    # tex2typst would write "sum limits_(i = 1)^n": typst prints the function `limits`.
    (r"\sum\limits_{i=1}^n x_i", "limits(sum)_(i = 1)^n x_i"),
    (r"\max\nolimits_i x_i", "scripts(max)_i x_i"),
    # tex2typst would quote "arg\,max" verbatim.
    (r"\operatorname*{arg\,max}_\theta", "op(upright(a r g thin m a x), limits: #true)_theta"),
    (r"\operatorname{softmax}(z)", 'op("softmax")(z)'),
    (r"\mathop{\mathrm{softmax}}", "op(upright(s o f t m a x), limits: #true)"),
    # tex2typst would drop the fraction: "display(+1)".
    (r"{\displaystyle \frac{a}{b}} + 1", "display(frac(a, b)) + 1"),
    (r"\dfrac{a}{b}", "display(frac(a, b))"),
    # tex2typst would spell out the colour: "color r e d L".
    (r"{\color{red} L} + x", 'text(fill: #rgb("#ff0000"), L) + x'),
    (r"\textcolor{#00aa00}{y}", 'text(fill: #rgb("#00aa00"), y)'),
    (r"x \xrightarrow[b]{a} y", "x stretch(arrow.r.long, size: #(100% + 0.6em))^(a)_(b) y"),
    (r"E = mc^2 \tag{1}", 'E = m c^2 wide "(1)"'),
    (r"\Big( x \Big)", 'class("normal", stretch(\\(, size: #1.623em)) x '
                       'class("normal", stretch(\\), size: #1.623em))'),
    # Bars are ordinary symbols in TeX; typst would space them as fences.
    (r"|x| + \|w\|_2", 'class("normal", |) x class("normal", |) + '
                       'class("normal", bar.v.double) w class("normal", bar.v.double)_2'),
    (r"\left| x \right|", "lr(|x|)"),
    (r"\left\lVert x \right\rVert", "norm(x)"),
    (r"\begin{array}{c|c} a & b \end{array}",
     "mat(delim: #none, augment: #1, align: #center, a, b)"),
    # typst reads & in cases as an alignment point, not a column gap.
    (r"\begin{cases} x & x>0 \\ 0 & \text{else} \end{cases}",
     'cases(x & quad x > 0, 0 & quad "else")'),
    (r"{n \choose k}", "binom(n, k)"),
    (r'p(\text{"cat"})', 'p("\\"cat\\"")'),
    (r"\textbf{粗体}", 'upright(bold("粗体"))'),
    (r"\bm{x} \coloneqq y", 'bold(x) class("relation", : =) y'),
])
def test_rewrites(tex: str, expected: str) -> None:
    assert to_typst(tex) == expected


@pytest.mark.parametrize("tex", [r"\frac{a", r"a}", r"\boxed", r"\color{notacolour} x"])
def test_malformed_tex_raises_value_error(tex: str) -> None:
    with pytest.raises(ValueError):
        to_typst(tex)


def test_rewritten_constructs_compile(tmp_path: Path) -> None:
    tricky = [r"\boxed{\frac{a}{b}}(x)", r"x \xrightarrow{\text{卷积}} y", r"\sum\limits_{i=1}^n",
              r"{\color{blue} x} + \textcolor{#00aa00}{y}", r"\Bigg[ \frac{1}{2} \Bigg]",
              r"\left( a \middle| b \right)", r"\operatorname*{arg\,min}_\theta f",
              r"\check{x} + \phantom{b} + \bcancel{d}", r"{}^{14}C"]
    outcomes = draw([(t, False) for t in tricky] + [(t, True) for t in tricky], tmp_path)
    assert all(isinstance(o, RenderedFormula) and o.engine == "typst" for o in outcomes), [
        (t, o) for t, o in zip(tricky * 2, outcomes, strict=True)
        if not isinstance(o, RenderedFormula) or o.engine != "typst"]
