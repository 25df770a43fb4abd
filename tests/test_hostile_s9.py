"""Hostile input, session 9: work bounded by what is shown, diagnostics a reader can use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder.cli import main
from builder.parse.limits import MAX_ANSWER_CHARS

pypdf = pytest.importorskip("pypdf")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _codes(output: str, code: str) -> list[str]:
    return re.findall(rf"^(\S+:\d+:\d+): (?:warning|error): .*\[{code}\]$", output, re.M)


def test_formulas_past_the_pdf_answer_cut_are_not_drawn(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # Each formula fails to draw, so each one drawn (checked by typst for the PDF) says so.
    (tmp_path / "n.md").write_text(
        "## 节\n### 问？\n\n$\\nosuchmacro{a}$ 开头\n\n" + "字" * MAX_ANSWER_CHARS
        + "\n\n$\\nosuchmacro{b}$ 之后\n", encoding="utf-8")
    result = run("n.md", "--format", "pdf", "--math", "mathjax")
    assert result.exit_code == 0, result.output
    # The one the PDF shows is drawn and reported; the one past the cut is never drawn.
    assert _codes(result.output, "formula-render") == ["n.md:4:1"], result.output
    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "dist/n.pdf").pages)
    assert "开头" in text and "之后" not in text


def test_typst_written_in_a_formula_is_reported_once(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.md").write_text(
        "## S\n### Q\n\n$x #sym.arrow y$ then $\\nosuchmacro{z}$\n", encoding="utf-8")
    result = run("n.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    # The typst one: why it is not drawn, once; a TeX one that fails still says so.
    assert _codes(result.output, "formula-typst") == ["n.md:4:1"], result.output
    assert len(_codes(result.output, "formula-render")) == 1, result.output
    assert "no renderer could draw $\\nosuchmacro{z}$" in result.output
    assert "2 formula(s) kept as MathJax" in result.output
