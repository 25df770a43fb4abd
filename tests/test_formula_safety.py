"""A formula is data, never code: the typst check, the compile budget, the cache that
the PDF trusts, the MathJax commands taken out, and the cache key."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from builder.model import Formula, SourceLoc
from builder.parse.texsafe import strip_unsafe
from builder.render import assets as assets_module
from builder.render import formulas as formulas_module
from builder.render import typstengine
from builder.render.assets import render_assets
from builder.render.formulacache import RenderedFormula
from builder.render.formulas import (
    FormulaImage,
    conversion_key,
    mathtext_key,
    typst_key,
)
from builder.render.texmath import to_typst
from builder.render.typstcheck import Unknown, Unsafe, check_typst_math
from builder.render.typstnames import FUNCTIONS, SYMBOLS
from builder.support.sandbox import SandboxError, run_limited

from .conftest import FIXTURES
from .drawformulas import draw, draw_one

HOSTILE = [
    r'\text{\ " #read("/pdf-nodes.typ") "}',
    r'\text{\ " #range(99999999).map(i => range(99999999).len()).len() "}',
    r'\text{\ " #link("javascript:alert(1)")[x] "}',
    r'\text{\ " #sys.inputs "}',
    r'\text{\ " #eval("1") "}',
    r'\text{\ " #include "/pdf-nodes.typ" "}',
    r'\text{\ " #image("/x.png") "}',
    r'\text{\ " #let x = 1 "}',
    r'\text{\ " #x.at(0) "}',
]


# --- the check ------------------------------------------------------------------------

@pytest.mark.parametrize("tex", HOSTILE)
def test_hostile_formula_converts_to_typst_the_check_refuses(tex: str) -> None:
    with pytest.raises(Unsafe):
        check_typst_math(to_typst(tex))


def test_a_formula_tex2typst_cannot_convert_never_reaches_typst(tmp_path: Path) -> None:
    tex = r'\text{\ " /* "} #read("a") \text{\ " */ "}'
    with pytest.raises(ValueError):
        to_typst(tex)
    outcome = draw_one(tex, tmp_path)
    assert not (isinstance(outcome, RenderedFormula) and outcome.engine == "typst")


@pytest.mark.parametrize("tex", HOSTILE)
def test_hostile_formula_is_refused_by_every_engine(tex: str, tmp_path: Path) -> None:
    outcome = draw_one(tex, tmp_path)
    assert isinstance(outcome, str)
    assert outcome.startswith("refused:"), outcome


@pytest.mark.parametrize("typst", [
    'read("/etc/passwd")',            # names outside math's scope
    "frac.with(x)",                   # field access on a function
    "a // comment",                   # comments hide text from the check
    "`raw`",
    "$x$",
    '"unclosed',
    "#h(1cm)#panic()",
    "#box(stroke: 1pt, $x$, #read())",
    "#h(-math.thin.text)",
    "#text(fill: sys)[$x$]",
])
def test_check_refuses_code_and_unknown_names(typst: str) -> None:
    with pytest.raises((Unsafe, Unknown)):
        check_typst_math(typst)


def test_code_is_unsafe_but_an_unknown_word_is_only_unknown() -> None:
    with pytest.raises(Unknown):
        check_typst_math("中文")  # typst would fail on it; mathtext may still draw it
    with pytest.raises(Unsafe):
        check_typst_math("#read()")


@pytest.mark.parametrize("typst", [
    'x^2 + "text with #hash and $ and // inside" + alpha',
    "arrow.r.long + bar.v.double",
    "lr(\\{mat(delim: #none, augment: #1, align: #center, a, b; c, d))",
    "#h(-math.thin.amount) x #h(1cm)",
    'text(fill: #rgb("#ff0000"), x)',
    "#box(stroke: 0.4pt, inset: 3pt, $display(x)$)",
    "#hide[$x$] #text(fill: red)[$y$]",
    "stretch(arrow.r.long, size: #(100% + 0.6em))",
    "\\#x \\$",
])
def test_check_accepts_math_and_the_literal_forms_we_write(typst: str) -> None:
    check_typst_math(typst)


def test_seed_formulas_all_pass_the_check() -> None:
    lines = (FIXTURES / "formulas.tex").read_text(encoding="utf-8").splitlines()
    texs = [t.strip() for t in lines if t.strip() and not t.startswith("%")]
    assert len(texs) > 200
    for tex in texs:
        check_typst_math(to_typst(tex))


def test_name_lists_match_the_installed_typst() -> None:
    import typst

    doc = b'#metadata(dictionary(math).pairs().map(p => (p.at(0), str(type(p.at(1))))))<n>'
    pairs = json.loads(typst.Compiler(doc).query("<n>", field="value"))[0]
    assert {k for k, kind in pairs if kind == "symbol"} == SYMBOLS
    assert {k for k, kind in pairs if kind in ("function", "content")} == FUNCTIONS


# --- the compile budget ------------------------------------------------------------------

def _forever() -> None:
    while True:
        time.sleep(1)


def _allocate() -> int:
    blocks = []
    while True:
        blocks.append(bytearray(64 << 20))


def _boom() -> None:
    raise ValueError("bad formula")


def test_sandbox_stops_a_call_that_never_ends() -> None:
    with pytest.raises(SandboxError, match="longer than"):
        run_limited(_forever, seconds=0.5, memory_bytes=1 << 30)


def test_sandbox_stops_a_call_that_eats_memory() -> None:
    with pytest.raises(SandboxError, match=r"memory|crashed"):
        run_limited(_allocate, seconds=20, memory_bytes=256 << 20)


def test_sandbox_reports_a_failure_and_returns_a_result() -> None:
    with pytest.raises(SandboxError, match="bad formula"):
        run_limited(_boom, seconds=30, memory_bytes=1 << 30)
    assert run_limited(sum, [1, 2, 3], seconds=30, memory_bytes=1 << 30) == 6


def _stall(batch: list[tuple[str, bool]]) -> list[FormulaImage]:
    _forever()
    return []


def test_a_compile_that_stalls_costs_that_formula_only(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    """A typst compile past its budget is a failure: the formula goes on to mathtext."""
    monkeypatch.setattr(formulas_module, "_typst_batch", _stall)
    monkeypatch.setattr(formulas_module, "TYPST_SECONDS", 0.3)
    monkeypatch.setattr(formulas_module, "TYPST_SECONDS_EACH", 0.0)
    outcome = draw_one("a^2", tmp_path)
    assert isinstance(outcome, RenderedFormula) and outcome.engine == "mathtext"


# --- the cache the PDF trusts ------------------------------------------------------------

def test_a_planted_cache_entry_with_code_is_converted_again(tmp_path: Path) -> None:
    formula = Formula("a^2", False, SourceLoc("x.md", 1, 1))
    planted = '#read("/pdf-nodes.typ")'
    (tmp_path / f"tex-{conversion_key('a^2')}.json").write_text(json.dumps({
        "tex": "a^2", "typst": planted}), encoding="utf-8")
    key = typst_key(planted, False)
    (tmp_path / f"math-{key}.png").write_bytes(b"\x89PNG planted")
    (tmp_path / f"math-{key}.json").write_text(json.dumps({
        "width_em": 1, "height_em": 1, "depth_em": 0, "engine": "typst"}), encoding="utf-8")
    drawn = render_assets([formula], [], tmp_path, jobs=1)
    assert drawn.rendered == 1
    assert drawn.formulas[formula].typst == "a^2"
    assert drawn.formulas[formula].image.name == f"math-{typst_key('a^2', False)}.png"
    stored = json.loads((tmp_path / f"tex-{conversion_key('a^2')}.json").read_text())
    assert stored["typst"] == "a^2"


# --- MathJax ----------------------------------------------------------------------------

@pytest.mark.parametrize(("tex", "cleaned", "removed"), [
    (r"\href{javascript:alert(1)}{click}", "{click}", ["\\href"]),
    (r"a \class{x}{b} \style{color:red}{c} \cssId{i}{d}", "a {b} {c} {d}",
     ["\\class", "\\style", "\\cssId"]),
    (r"\htmlClass{a}{w} \htmlStyle{b}{x} \htmlId{c}{y} \htmlData{d=e}{z}", "{w} {x} {y} {z}",
     ["\\htmlClass", "\\htmlStyle", "\\htmlId", "\\htmlData"]),
    (r"\unicode{x263a} + \unicode[Arial]{65}", " + ", ["\\unicode", "\\unicode"]),
    (r"\require{action}x", "x", ["\\require"]),
    (r"\url{http://e.com/a}", "\\text{http://e.com/a}", ["\\url"]),
    (r"x^{\href{javascript:x}{y}}", "x^{{y}}", ["\\href"]),
    (r"\href{javascript:x}{a", "{javascript:x}{a", ["\\href"]),   # unbalanced
    (r"\hrefx{a} \frac{1}{2}", r"\hrefx{a} \frac{1}{2}", []),
    # None of the commands: the formula comes back as written, spaces and all, even
    # where it would not parse (the fast path must agree with the parse).
    ("  a \\,  b\n", "  a \\,  b\n", []),
    (r"\frac{1}{2", r"\frac{1}{2", []),
    (r"}{ \text{href} \h ref", r"}{ \text{href} \h ref", []),
])
def test_mathjax_commands_are_taken_out(tex: str, cleaned: str, removed: list[str]) -> None:
    assert strip_unsafe(tex) == (cleaned, removed)


def test_no_mathjax_link_reaches_a_card(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from builder.cli import main

    source = tmp_path / "source_md" / "hostile.md"
    source.parent.mkdir()
    source.write_bytes((FIXTURES / "math" / "hostile.md").read_bytes())
    result = CliRunner().invoke(main, ["build", "--format", "apkg", "--math", "mathjax"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "hostile.md:4:4: warning: `\\href` taken out" in result.output
    import zipfile

    with zipfile.ZipFile(tmp_path / "dist" / "hostile.apkg") as package:
        blob = b"".join(package.read(n) for n in package.namelist())
    assert b"javascript" not in blob and b"\\href" not in blob


# --- the cache key ------------------------------------------------------------------------

def test_cache_keys_hold_what_each_engine_is_handed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert typst_key("x", False) != typst_key("x", True)
    assert typst_key("x", False) != typst_key("x ", False)
    before = typst_key("x", False), mathtext_key("x"), conversion_key("x")
    monkeypatch.setattr(formulas_module, "typst_fingerprint", lambda: "another typst")
    monkeypatch.setattr(formulas_module, "mathtext_fingerprint", lambda: "another matplotlib")
    monkeypatch.setattr(formulas_module, "converter_fingerprint", lambda: "another converter")
    after = typst_key("x", False), mathtext_key("x"), conversion_key("x")
    assert all(b != a for b, a in zip(before, after, strict=True))


def test_fingerprints_follow_the_template_the_versions_and_the_converter() -> None:
    from importlib.resources import files

    template = files("builder").joinpath("templates/formula.typ").read_bytes()
    typst = formulas_module.typst_fingerprint()
    assert hashlib.sha256(template).hexdigest() in typst and "typst=" in typst
    assert "matplotlib=" in formulas_module.mathtext_fingerprint()
    from builder.support.codeversion import _builder_imports

    # typstnames is imported for data only: the converter's key still follows it.
    assert {"builder.render.texmath", "builder.render.typstcheck", "builder.render.typstnames",
            "builder.parse.texsyntax"} <= set(_builder_imports(("builder.render.texmath",
                                                          "builder.render.typstcheck")))


def _typst_missing() -> str:
    return "No module named 'typst'"


def test_a_mathtext_fallback_is_not_reused_once_typst_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    formula = Formula("a^2", False, SourceLoc("x.md", 1, 1))
    monkeypatch.setattr(typstengine, "problem", _typst_missing)
    without = render_assets([formula], [], tmp_path, jobs=1)
    assert without.typst_unavailable == _typst_missing()
    assert without.formulas[formula].engine == "mathtext"
    monkeypatch.undo()
    again = render_assets([formula], [], tmp_path, jobs=1)
    assert again.typst_unavailable is None
    assert again.formulas[formula].engine == "typst" and again.rendered == 1
    assert again.formulas[formula].image.name != without.formulas[formula].image.name
    # Both stay cached, each under its own engine's key.
    assert render_assets([formula], [], tmp_path, jobs=1).rendered == 0


@pytest.mark.parametrize("tex", [
    "\\frac{" * 25 + "x" + "}{y}" * 25,        # tex2typst: exponential in nested \frac
    "a+" * 20000 + "b",                          # every engine: quadratic in length
    "\\left(" * 40 + "x" + "\\right)" * 40,
])
def test_pathological_formula_is_refused_before_any_engine(tex: str, tmp_path: Path) -> None:
    outcome, good = draw([(tex, True), ("a^2", False)], tmp_path)
    assert isinstance(outcome, str) and outcome.startswith("refused:")
    assert isinstance(good, RenderedFormula)


def test_nesting_real_formulas_use_is_drawn(tmp_path: Path) -> None:
    tex = "\\frac{" * 8 + "x" + "}{y}" * 8
    assert isinstance(draw_one(tex, tmp_path, display=True), RenderedFormula)


def test_typst_not_starting_is_warned_once_per_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from builder.cli import main

    (tmp_path / "n.md").write_text("## S\n### Q\n$a^2$ 和 $b_1$\n\n$$\\frac{a}{b}$$\n",
                                   encoding="utf-8")
    monkeypatch.setattr(typstengine, "problem", _typst_missing)
    result = CliRunner().invoke(main, ["build", "n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "[typst-unavailable]" in line]
    assert warnings == ["n.md:3:1: warning: typst cannot start (No module named 'typst'): "
                        "the formulas are drawn with matplotlib's mathtext instead, and drawn "
                        "again by typst once it starts [typst-unavailable]"], result.output


def test_diagram_key_follows_the_drawing_code_and_matplotlib(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.model import Diagram
    from builder.support.codeversion import _builder_imports

    diagram = Diagram("pooling", (("seed", 1),), '{"seed": 1, "type": "pooling"}',
                      SourceLoc("a.md", 1, 1))
    before = assets_module.diagram_key(diagram)
    monkeypatch.setattr(assets_module, "diagram_fingerprint", lambda: "other drawing code")
    assert assets_module.diagram_key(diagram) != before
    monkeypatch.undo()
    # The style and fonts the kinds import inside their functions are part of it.
    assert {"builder.render.diagrams.pooling", "builder.render.diagrams._style",
            "builder.render.fonts"} <= set(_builder_imports(("builder.render.diagrams.pooling",)))


def test_diagram_key_leaves_out_typst() -> None:
    """Diagrams are drawn by matplotlib alone: a change to the typst side (the engine, the
    glyph probe, the formulas) must not rename every diagram in every deck."""
    import pkgutil

    from builder.render import diagrams
    from builder.support.codeversion import _builder_imports

    kinds = tuple(f"builder.render.diagrams.{m.name}"
                  for m in pkgutil.iter_modules(diagrams.__path__))
    hashed = set(_builder_imports(("builder.render.diagrams", *kinds)))
    assert "builder.render.fonts" in hashed  # the fonts it registers with matplotlib
    assert not hashed & {"builder.render.typstengine", "builder.render.glyphs",
                         "builder.render.formulas"}, hashed
