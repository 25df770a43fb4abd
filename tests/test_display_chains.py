"""GitBook display formulas written back to back, one closed and the next opened on the
same line (``$$ $$``, ``$$$$``), and a display block holding a blank line: each formula
drawn, the prose after them text (builder.parse.mathsyntax)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from anki.collection import Collection

from builder.parse.document import parse_text

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

FIXTURE = FIXTURES / "gitbook-display-chains.md"


def test_each_display_of_a_chain_is_a_formula() -> None:
    doc = parse_text(FIXTURE.read_text("utf-8"), "n.md")
    first, second = doc.cards
    assert [(f.tex, f.display, f.loc.line) for f in first.formulas] == [
        (r"P(y=1|x;\theta)=h_\theta(x)", True, 7),
        (r"P(y=0|x;\theta)=1-h_\theta(x)", True, 9),
        (r"\ln\frac{P(Y=1)}{P(Y=K)} = \beta_1 X", True, 15),
        (r"\ln\frac{P(Y=2)}{P(Y=K)} = \beta_2 X", True, 17),
    ]
    assert [(f.tex, f.display) for f in second.formulas] == [
        (r"B_{k+1} = B_k + \Delta B_k", True), ("B_0", True), ("I", True)]


def test_chained_displays_reach_the_card_drawn(tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURE, "--format", "apkg")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answers = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "Logistic regression.apkg"))
    probability = answers["What is the probability of each label?"]
    alts = [html.unescape(a) for a in re.findall(r'<img class="math[^"]*"[^>]* alt="([^"]*)"',
                                                 probability)]
    assert len(alts) == 4 and "$$" not in re.sub(r"<[^>]+>", "", probability), probability
    hessian = re.sub(r"<[^>]+>", "", answers["How is the Hessian approximated?"])
    assert "We always set" in hessian and "as unit matrix" in hessian, hessian
