"""Cards written as the rows of a table whose header names a question and an answer column
(builder.parse.tablecards): ``| # | Question | Answer | Source |`` is a card a row, the other
cells after the answer; a table of any other header, or with a row that is no card, stays a
table in its card."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection
from click.testing import CliRunner

from builder.cli import main
from builder.model import plain_text
from builder.parse.document import parse_text

from .conftest import FIXTURES, build_fixture_deck, imported_notes


def test_each_row_of_a_question_table_is_a_card(tmp_path: Path,
                                                collection: Collection) -> None:
    result, package = build_fixture_deck("question-table")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    assert "question-table.md:3:1: note: the table's header names its question and answer " \
        "columns: each of its 3 rows is a card [question-table]" in result.output, result.output
    notes = {note["Question"]: note["Answer"] for note in imported_notes(collection, package)}
    assert len(notes) == 3, notes
    assert notes["What is the capital of France?"].startswith("<p><b>Paris</b></p>"), notes
    assert "<b>Source</b>: atlas p. 12" in notes["What is the capital of France?"]
    assert "Faust" in next(q for q in notes if q.startswith("Who wrote"))
    circle = next(answer for question, answer in notes.items() if question.startswith("Area"))
    assert 'class="math"' in circle, circle  # the formula drawn, not left as $TeX$
    assert "Source" not in circle, "an empty cell adds nothing"
    explained = CliRunner().invoke(main, ["check", "--explain-structure",
                                          str(FIXTURES / "question-table.md")]).output
    assert "question-table.md:5: question 'What is the capital of France?' " \
        "[question table row]" in explained, explained


def test_other_tables_stay_tables() -> None:
    text = ("# Notes\n\n## What differs between TCP and UDP?\n\n| Feature | TCP | UDP |\n"
            "|---|---|---|\n| Order | yes | no |\n\n## Glossary\n\n| Question | Answer |\n"
            "|---|---|\n| What is BN? | Batch normalisation |\n| Dropout | |\n")
    doc = parse_text(text, "n.md")
    cards = {card.question_text: card for card in doc.cards}
    assert sorted(cards) == ["Glossary", "What differs between TCP and UDP?"], sorted(cards)
    assert [node.kind for node in cards["Glossary"].answer] == ["table"]
    assert "Batch normalisation" in plain_text(cards["Glossary"].answer)


def test_a_row_without_an_answer_is_said_and_the_others_stay_cards(tmp_path: Path) -> None:
    """``Dropout`` has no answer yet: the answered rows are still cards, and the row
    without one warns at its line, as a heading without an answer does."""
    source = tmp_path / "g.md"
    source.write_text("# Glossary\n\n| Question | Answer |\n|---|---|\n"
                      "| What is BN? | Batch norm |\n| What is LN? | Layer norm |\n"
                      "| Dropout | |\n", encoding="utf-8")
    doc = parse_text(source.read_text(encoding="utf-8"), "g.md")
    answers = {card.question_text: plain_text(card.answer) for card in doc.cards}
    assert answers["What is BN?"] == "Batch norm" and answers["What is LN?"] == "Layer norm"
    result = CliRunner().invoke(main, ["check", "--no-lock", str(source)])
    (warning,) = [line for line in result.output.splitlines() if "warning:" in line]
    assert warning.endswith("g.md:7:1: warning: empty answer: 'Dropout' is left out of the "
                            "deck [empty-answer]"), result.output
    assert "g.md:3:1: note: the table's header names its question and answer columns: 2 of " \
        "its 3 rows are cards, the others have no answer yet [question-table]" in result.output


def test_a_table_most_of_whose_rows_have_no_answer_stays_whole() -> None:
    text = ("# Worksheet\n\n| Question | Answer |\n|---|---|\n| What is BN? | Batch norm |\n"
            "| What is LN? | |\n| What is GN? | |\n")
    (card,) = parse_text(text, "w.md").cards
    assert card.question_text == "Worksheet"
    assert [node.kind for node in card.answer] == ["table"]


def test_a_cell_past_the_header_in_a_card_row_is_said(tmp_path: Path) -> None:
    """``| Which is `a | b`? | a pipe |``: the `|` in code parts a third cell, which the
    header has no column for; read as cards, the row must still warn that it is left out,
    as the same table read as a table does."""
    source = tmp_path / "pipes.md"
    source.write_text("# T\n\n| Question | Answer |\n|---|---|\n| Which is `a | b`? | a pipe |\n"
                      "| What is BN? | Batch norm. |\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--no-lock", str(source)])
    assert "[question-table]" in result.output, result.output
    (warning,) = [line for line in result.output.splitlines() if "[table-extra-cells]" in line]
    assert warning.endswith(".md:5:23: warning: 1 cell(s) past the table's 2 column(s) left out "
                            "(as GitHub does): add them to the header row, or write `\\|` for a "
                            "`|` in a cell [table-extra-cells]"), warning


def test_a_wide_table_reads_its_header_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The header's names were read again for each extra cell of each row (1,600 columns
    by 60 rows took 100 s); and a table counted, read and explained is read once."""
    from markdown_it.tree import SyntaxTreeNode

    from builder.parse import tablecards
    from builder.parse.markdown import make_parser

    columns = 40
    text = ("| Question | Answer | " + " | ".join(f"c{at}" for at in range(columns)) + " |\n"
            + "|---" * (columns + 2) + "|\n"
            + "".join(f"| Q{row}? | A{row} | " + " | ".join("x" * columns) + " |\n"
                      for row in range(5)))
    (table,) = SyntaxTreeNode(make_parser().parse(text)).children
    calls: list[SyntaxTreeNode] = []
    real = tablecards._cells

    def counted(row: SyntaxTreeNode) -> list[list[SyntaxTreeNode]]:
        calls.append(row)
        return real(row)

    monkeypatch.setattr(tablecards, "_cells", counted)
    rows = tablecards.table_rows(table)
    assert rows is not None and len(rows) == 5 and len(rows[0].extras) == columns
    assert len(calls) <= 5 + 2, len(calls)  # a row's cells once, the header's once or twice
    assert tablecards.table_rows(table) is rows and len(calls) <= 5 + 2


@pytest.mark.parametrize("table", [
    "| Q | A |\n|---|---|\n| 1 | 12 |\n| 2 | 15 |\n| 3 | 9 |\n",  # a quarter's figures
    "| Q | A |\n|---|---|\n| [Installation](#install) | [Usage](#usage) |\n"
    "| [Config](#config) | [Build](#build) |\n",  # a FAQ's links
    "| Question | Answer |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n",  # numbers ask nothing
])
def test_a_q_and_a_table_that_asks_nothing_stays_a_table(table: str) -> None:
    (card,) = parse_text(f"# Results\n\n{table}", "r.md").cards
    assert card.question_text == "Results"
    assert [node.kind for node in card.answer] == ["table"]


def test_a_q_and_a_table_whose_cells_ask_is_cards() -> None:
    text = ("# Real\n\n| Q | A |\n|---|---|\n| What is BN? | Batch norm |\n"
            "| Explain LN | Layer norm |\n| Dropout rate | 0.1 |\n")
    assert [card.question_text for card in parse_text(text, "q.md").cards] == [
        "What is BN?", "Explain LN", "Dropout rate"]


def test_a_numbering_column_only_orders_the_rows() -> None:
    text = ("# G\n\n| # | Question | Answer | Source |\n|---|---|---|---|\n"
            "| 17 | What is BN? | Batch norm | ch. 8 |\n| 18 | What is LN? | Layer norm | |\n")
    cards = parse_text(text, "g.md").cards
    answers = {card.question_text: plain_text(card.answer) for card in cards}
    assert answers == {"What is BN?": "Batch normSource: ch. 8",
                       "What is LN?": "Layer norm"}, answers


def test_a_repeated_row_question_is_said_with_a_hint_that_fits_a_row(tmp_path: Path) -> None:
    """A question twice in a question table: the hint names the question's text, where
    ``{#id}`` goes in a row's cell as after a heading's (no heading here)."""
    source = tmp_path / "dup.md"
    source.write_text("# G\n\n| Question | Answer |\n|---|---|\n| What is BN? | Batch norm |\n"
                      "| What is BN? | Again |\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--no-lock", str(source)])
    (warning,) = [line for line in result.output.splitlines() if "[duplicate-question]" in line]
    assert "dup.md:6:" in warning and "{#some-id} after its question text" in warning, warning
    assert "heading" not in warning, warning
