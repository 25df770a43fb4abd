"""Typst math written inside ``$…$`` (``$Q_i^-> = W_Q dot E_i^->$``): a warning at the
formula's line and column naming the typst and what TeX writes instead; TeX formulas,
however sloppy, get none."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parse.document import parse_text
from builder.parse.markdown import tokenize
from builder.parse.typstmath import typst_signs

from .conftest import FIXTURES

FIXTURE = FIXTURES / "math" / "typst-syntax.md"


@pytest.mark.parametrize(("tex", "signs"), [
    ("Q_i^-> = W_Q dot E_i^->", ["^->", "dot"]),
    ("128 times 12288", ["times"]),
    ('W_(v, "up")', ['_(v, "up")', '"up"']),
    ('==>^("CLIP or BERT")', ["==>", '^("CLIP or BERT")', '"CLIP or BERT"']),
    ("Delta x Delta p", ["Delta"]),
    ("x arrow.r.double y", ["arrow.r.double"]),
    ("V^pi (s) = sum_(a in A) pi(a | s)", ["pi"]),
    ('log_2 "符号数量"', ['"符号数量"']),
    ("theta_i", ["theta"]),                 # TeX without its backslash: told the same
])
def test_typst_in_a_formula_is_named(tex: str, signs: list[str]) -> None:
    assert [written for written, _tex in typst_signs(tex)] == signs


@pytest.mark.parametrize("tex", [
    "\\vec{Q}_i = W_Q \\cdot E_i", "\\text{dot product}", "\\operatorname{times}(x)",
    "\\dot{x} \\times y", "W_{xi} X_t", "P(Xi) \\log P(Xi)", "e^(-x)", "a \\pi",
    "P(y|x)", "\\mathrm{Delta}", "a -> b", "x \\Rightarrow y", "\\alpha_t",
    "\\text{\"quoted\"}",
])
def test_tex_formulas_show_no_typst(tex: str) -> None:
    assert typst_signs(tex) == []


def test_a_dollar_number_with_words_closed_without_a_space_is_a_formula() -> None:
    """``$128 times 12288$`` is a formula (Pandoc's closing rule); ``$5 and $10`` money."""
    def maths(source: str) -> list[str]:
        return [c.content for t in tokenize(source) for c in t.children or []
                if c.type == "math_inline"]

    assert maths("是 $128 times 12288$ (x)") == ["128 times 12288"]
    assert maths("costs $5 and $10 today") == []
    assert maths("租一张卡 $5到$10") == []


def test_each_typst_formula_is_reported_at_its_place() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))
    found = [(d.loc.line, d.loc.col) for d in doc.diagnostics if d.code == "formula-typst"]
    assert found == [(3, 3), (3, 34), (4, 12), (4, 31), (4, 47), (5, 6), (8, 1)]
    assert len(doc.diagnostics) == len(found)
    first = doc.diagnostics[0].message
    assert "$Q_i^-> = W_Q dot E_i^->$" in first and "`dot` (TeX: `\\cdot`)" in first


def test_the_build_warns_with_the_tex_to_write(tmp_path: Path) -> None:
    source = tmp_path / "source_md"
    source.mkdir()
    shutil.copy(FIXTURE, source / FIXTURE.name)
    result = CliRunner().invoke(main, ["--format", "apkg"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    places = re.findall(r"typst-syntax\.md:(\d+):(\d+): warning: formula \$(.*?)\$ reads as "
                        r"typst math, not TeX: .*\[formula-typst\]", result.output)
    assert [(line, col) for line, col, _tex in places] == [
        ("3", "3"), ("3", "34"), ("4", "12"), ("4", "31"), ("4", "47"), ("5", "6"), ("8", "1")]
    assert "(TeX: `\\Longrightarrow`)" in result.output
    # One diagnostic a formula: the renderers' own words about typst they cannot draw
    # (formula-render, at the same place) only confused.
    assert "[formula-render]" not in result.output
    # They still count among the formulas left to MathJax.
    assert re.search(r"; [1-9]\d* formula\(s\) kept as MathJax", result.output), result.output


def test_the_linear_patterns_find_what_the_backtracking_ones_found() -> None:
    """``_QUOTED`` and ``_SCRIPT_GROUP`` were rewritten so a long formula cannot make them
    try every split of a run (``"`` and 20,000 letters took seconds): the same matches."""
    import random
    import re

    from builder.parse import typstmath

    before = {typstmath._QUOTED: re.compile(r'"[^"\n]*[A-Za-z\u00c0-\uffff][^"\n]*"'),
              typstmath._SCRIPT_GROUP: re.compile(r"[_^]\([^()]*[,\"][^()]*\)")}
    pieces = ['"', "a", "符", "1", " ", ",", "(", ")", "_", "^", "\n", "\\"]
    rng = random.Random(7)
    for _ in range(3000):
        tex = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        for now, then in before.items():
            assert [m.span() for m in now.finditer(tex)] == \
                [m.span() for m in then.finditer(tex)], tex
    assert typst_signs("_(" + "a," * 5000) == []
    assert typst_signs('x "' + "a" * 5000) == []
