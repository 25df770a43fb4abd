"""Links to headings are kept as text (a card cannot jump to a heading): a card part with
a section's own list of contents gets one warning naming the lines, not one per link;
a card with one or two such links gets one at each (builder.checks.ankimarkup)."""

from __future__ import annotations

import re
from pathlib import Path

from anki.collection import Collection
from click.testing import CliRunner

from builder.checks import ankimarkup
from builder.cli import main
from builder.parse.document import parse_text
from tests.conftest import FIXTURES, answers_by_question, imported_notes

NAME = "section-contents-links.md"


def test_a_list_of_contents_is_one_warning_and_its_words_stay(tmp_path: Path,
                                                               collection: Collection) -> None:
    (tmp_path / NAME).write_bytes((FIXTURES / NAME).read_bytes())
    result = CliRunner().invoke(main, ["build", str(tmp_path / NAME), "-o",
                                       str(tmp_path / "dist"), "--format", "apkg"])
    assert result.exit_code == 0, result.output
    warned = re.findall(rf"{re.escape(NAME)}:(\d+):\d+: warning: (.*) \[link-removed\]$",
                        result.output, re.MULTILINE)
    why = "kept as text only: a card cannot jump to a heading"
    assert warned == [
        ("9", "5 links to headings ('#k-nearest-neighbors', '#linear-regression', "
         f"'#generative-models', …; lines 9-13) {why}"),
        ("15", "link to 'ftp://notes.example/ml' kept as text only: cards and the PDF link "
         "to http(s) addresses only"),
        ("19", f"link to '#linear-regression' {why}"),
        ("20", f"link to '#naive-bayes' {why}")], result.output
    answers = answers_by_question(imported_notes(collection,
                                                 tmp_path / "dist" / "Machine Learning.apkg"))
    listed = answers["What does supervised learning cover?"]
    # Every entry's words stay on the card, as text: no link survives (an <a> without one).
    for words in ("K-nearest neighbors", "Linear regression", "Generative models",
                  "Naive Bayes", "Decision trees", "the course notes"):
        assert words in listed, listed
    assert "href" not in listed, listed


def test_warnings_keep_the_order_of_the_text() -> None:
    """One or two links to headings are warned at their places, among the others."""
    doc = parse_text("## S\n\n### Q\n\n[a](#a)\n\n[f](ftp://f.example/x)\n\n[b](#b)\n", "n.md")
    assert [(d.loc.line, d.message.split("'")[1]) for d in ankimarkup.check_document(doc)
            ] == [(5, "#a"), (7, "ftp://f.example/x"), (9, "#b")]
