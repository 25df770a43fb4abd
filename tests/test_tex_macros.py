"""TeX macros a notes file defines (``\\newcommand`` and friends) are expanded in the
formulas after them, as MathJax, Typora and Jupyter do (builder.parse.texmacros)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from anki.collection import Collection

from builder.build.sourceparse import parse_source, splice_source
from builder.parse.document import parse_file, parse_text
from builder.parse.options import ParseOptions
from builder.parse.texmacros import MAX_DEPTH, MAX_FILE_TOKENS, FileMacros

from .conftest import build_fixture, imported_notes

FIXTURE = Path(__file__).parent / "fixtures" / "math" / "macros.md"


def formulas_of(text: str) -> list[str]:
    return [f.tex for card in parse_text(text, "n.md").cards for f in card.formulas]


def test_cards_and_pdf_draw_the_macros_expanded(tmp_path: Path, collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURE)
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output and "formula-render" not in result.output, \
        result.output
    notes = re.findall(r"n\.md:(\d+):\d+: note: TeX macros (.*?) defined here", result.output)
    assert [line for line, _ in notes] == ["3", "21", "23"], result.output
    assert "`\\argmax`" in notes[0][1] and "`\\inner`" in notes[0][1]
    fields = " ".join("\x1f".join(note.fields.values())
                      for note in imported_notes(collection, tmp_path / "dist" / "线性代数.apkg"))
    assert "\\(" not in fields and "\\[" not in fields, "every formula is drawn"
    media = Path(collection.media.dir())
    drawn = [(src, html.unescape(alt)) for src, alt in
             re.findall(r'<img class="math" src="([^"]+)" alt="([^"]*)"', fields)]
    assert all((media / src).stat().st_size > 0 for src, _ in drawn)
    alts = [re.sub(r"\s+", "", alt) for _, alt in drawn]
    assert alts == [
        r"x\in\mathbb{R}^n", r"\left\lVertx\right\rVert",
        r"\hat\theta=\operatorname*{arg\,max}_{\theta}\langlew,x\rangle-L_{\theta}(x)"
        r"+L_{\phi}(y)",
        r"\mathbb{E}[X]", r"\mathcal{R}", r"\frac12"], alts
    assert "newcommand" not in fields and "DeclareMathOperator" not in fields
    assert "<p></p>" not in fields, "a definitions-only formula leaves no empty paragraph"
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "线性代数.pdf").pages)
    flat = re.sub(r"\s+", "", pdf)
    assert "𝑥∈ℝ𝑛" in flat and "argmax" in flat and "𝔼[𝑋]" in flat, flat
    assert "newcommand" not in flat and "\\R" not in flat, flat


@pytest.mark.parametrize(("tex", "expected"), [
    (r"\newcommand\R{\mathbb R} \R^2", r" \mathbb R^2"),
    (r"\newcommand\R{\mathbb R}\newcommand\R{Z} \R", r" Z"),
    (r"\providecommand{\R}{X}", None),
    (r"{\newcommand{\R}{X}} \R", r"{\newcommand{\R}{X}} Y"),  # scoped to its group
    (r"\def\a#1.{#1} \a x.", r"\def\a#1.{#1} \a x."),  # delimited: not read
    (r"\newcommand{\twice}[1]{#1#1} \twice{ab}", r" abab"),
    (r"\newcommand{\hash}{\##} \hash", r" \##"),
])
def test_definitions_read_and_expanded(tex: str, expected: str | None) -> None:
    macros = FileMacros()
    if expected is None:
        assert macros.apply(r"\providecommand{\R}{Y}").tex is None
    else:
        macros.apply(r"\newcommand{\R}{Y}")
    applied = macros.apply(tex)
    if expected is None:
        assert applied.tex is None and macros.apply(r"\R").tex == "Y", "not redefined"
    else:
        assert applied.tex == expected and not applied.error


@pytest.mark.parametrize("definitions", [
    r"\newcommand{\x}{\x}",
    r"\newcommand{\x}{{\x}}",
    "".join(rf"\newcommand{{\m{chr(97 + i)}}}{{\m{chr(98 + i)}\m{chr(98 + i)}}}"
            for i in range(25)) + r"\newcommand{\mz}{}",
    "".join(rf"\newcommand{{\m{chr(97 + i)}}}{{\m{chr(98 + i)}\m{chr(98 + i)}}}"
            for i in range(25)) + r"\newcommand{\mz}{ab}",
])
def test_runaway_macros_stop_with_a_warning(definitions: str) -> None:
    text = f"## Q?\n\n$${definitions}$$\n\nA $\\x + \\ma$ b.\n"
    doc = parse_text(text, "n.md")
    warned = [d for d in doc.diagnostics if d.code == "tex-macro" and d.severity == "warning"]
    assert [d.loc.line for d in warned] == [5], doc.diagnostics
    assert "deep" in warned[0].message or "tokens" in warned[0].message
    assert formulas_of(text) == [r"\x + \ma"], "left as written"


def test_a_file_s_formulas_together_expand_to_a_bounded_size() -> None:
    """Each formula under the per-formula bound, thousands of them: expansion stops at
    the file's bound (it took minutes and a gigabyte), later formulas stay as written."""
    macros = FileMacros()
    macros.apply(r"\newcommand{\q}[1]{#1#1#1#1}")
    call = r"\q{\q{\q{\q{\q{\q{y}}}}}}"  # 4,096 y: under MAX_TOKENS
    applied = [macros.apply(call) for _ in range(3 * MAX_FILE_TOKENS // 4096)]
    expanded = [a for a in applied if a.tex == "y" * 4096]
    left = [a for a in applied
            if a.tex == call and ("together" in a.error or "already" in a.error)]
    assert len(expanded) + len(left) == len(applied)
    assert MAX_FILE_TOKENS // 2 < len(expanded) * 4096 <= MAX_FILE_TOKENS
    assert left and left[-1].tex == call


def test_a_missing_argument_is_a_warning_not_a_crash() -> None:
    doc = parse_text("## Q?\n\n$\\newcommand{\\f}[2]{#1#2}$ and $\\f{a}$\n", "n.md")
    assert any(d.code == "tex-macro" and "missing" in d.message for d in doc.diagnostics)


@pytest.mark.parametrize(("calls", "expanded"), [(MAX_DEPTH, True), (MAX_DEPTH + 1, False)])
def test_calls_nest_up_to_the_documented_depth(calls: int, expanded: bool) -> None:
    """``\\cx`` calls ``\\cxx``, which calls ``\\cxxx``… ``calls`` macros deep."""
    macros = FileMacros()
    macros.apply("".join(rf"\newcommand{{\c{'x' * k}}}{{\c{'x' * (k + 1)}}}"
                         for k in range(1, calls)) + rf"\newcommand{{\c{'x' * calls}}}{{end}}")
    applied = macros.apply(r"\cx")
    assert (applied.tex == "end") is expanded and bool(applied.error) is not expanded


def _splice(tmp_path: Path, before: str, after: str) -> tuple[object, object]:
    """The splice of ``after`` onto ``before``'s parse (None when refused), and the whole
    parse of ``after``."""
    path = tmp_path / "notes.md"
    path.write_text(before, encoding="utf-8")
    first = parse_source(path, path.name, ParseOptions())
    data = after.encode("utf-8")
    path.write_bytes(data)
    whole = parse_source(path, path.name, ParseOptions(), data)
    spliced = splice_source(first, path, path.name, ParseOptions(), data, True)
    return (spliced[0] if spliced is not None else None), whole


NOTES = """\
# Notes

## Part

### What is a norm?

The norm $\\R$ here.

### What is a set?

A set.
"""


@pytest.mark.parametrize(("before", "after"), [
    # A definition added in one question applies to the questions after it.
    (NOTES, NOTES.replace("A set.", "A set. $\\newcommand{\\R}{X}$")),
    (NOTES.replace("A set.", "$$\\newcommand{\\R}{X}$$\n\nA set."),
     NOTES.replace("A set.", "$$\\newcommand{\\R}{Y}$$\n\nA set.")),
    # The definitions above stay; the question using them is edited.
    (NOTES.replace("# Notes", "# Notes\n\n$$\\newcommand{\\R}{X}$$"),
     NOTES.replace("# Notes", "# Notes\n\n$$\\newcommand{\\R}{X}$$").replace(
         "here.", "here, and $\\R^2$.")),
])
def test_a_file_defining_macros_is_parsed_whole(tmp_path: Path, before: str,
                                                after: str) -> None:
    spliced, whole = _splice(tmp_path, before, after)
    assert spliced is None, "macros reach across questions: the whole file is parsed"
    assert whole is not None


def test_parse_file_expands_in_headings_too(tmp_path: Path) -> None:
    path = tmp_path / "h.md"
    path.write_text("$$\\newcommand{\\R}{\\mathbb{R}}$$\n\n## 为什么 $\\R^n$ 完备？\n\n因为。\n",
                    encoding="utf-8")
    doc = parse_file(path, "h.md")
    assert [f.tex for c in doc.cards for f in c.formulas] == ["\\mathbb{R}^n"]
