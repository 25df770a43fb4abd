"""Anchors for in-page links (``### <a name="q1"></a>What is X?``, common in GitHub
READMEs) are dropped from the card without a warning: nothing links into a card and
nothing shown is lost.  Whatever else the tag carries is still reported."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.checks.rawhtml import problems
from builder.cli import main

from .conftest import FIXTURES, answers_by_question, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_anchor_attributes_are_no_problem_and_the_rest_still_is() -> None:
    assert problems('<a name="q1"></a>') == []
    assert problems('<h3 id="x">t</h3>') == []
    assert problems('<a name="q1" onclick="steal()">x</a>') == ["onclick= attribute on <a>"]
    assert problems('<span name="x">t</span>') == ["name= attribute on <span>"]


def test_anchored_questions_reach_anki_whole_with_one_warning_for_the_handler(
        tmp_path: Path, collection: Collection) -> None:
    shutil.copy(FIXTURES / "html-anchors.md", tmp_path / "a.md")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.md"), "-o",
                                       str(tmp_path / "out"), "--format", "apkg"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "warning:" in line]
    assert len(warnings) == 1 and "a.md:11:" in warnings[0] and "onclick" in warnings[0], \
        result.output
    fields = answers_by_question(imported_notes(collection, tmp_path / "out" / "锚点.apkg"))
    assert len(fields) == 2
    answers = " ".join(fields.values())
    assert "wrong assumptions" in answers and "L2" in answers
    assert "onclick" not in answers and "steal" not in answers
    assert any("bias-variance tradeoff" in question for question in fields)
