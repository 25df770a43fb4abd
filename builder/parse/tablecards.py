"""Cards written as the rows of a table whose header names a question and an answer column:
``| id | question | answer |``, ``| Front | Back |``, ``| 问题 | 答案 |``.

Tools that turn a Markdown table into an Anki deck (MdTableToAnkiDeck, the tabular cards of
markdown-flashcards) and authors who keep a glossary of questions write one card a row.
Read as Markdown, the table was one block of whatever card held it: every row a question
no one found.  Each row with a question and an answer is a card; the row's other cells
(a note, a source) follow the answer, each after its column's name, so nothing of the row
is lost; a numbering column (``id``, ``#``, ``No.``) only orders the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from markdown_it.tree import SyntaxTreeNode

from builder.parse.bold import plain
from builder.parse.phrases import asks_outright, fold

TABLE_CARD = "a row of a table whose header names a question and an answer column"
_QUESTION = frozenset(("question", "questions", "q", "front", "prompt", "问题", "题目", "問題",
                       "질문", "вопрос", "pregunta", "pergunta", "frage"))
_ANSWER = frozenset(("answer", "answers", "a", "back", "答案", "回答", "解答", "答", "답", "답변",
                     "ответ", "respuesta", "resposta", "antwort", "réponse"))
_READ = "question_table_rows"  # the table's rows once read, in its opening token's meta
_NUMBERING = frozenset(("id", "#", "no", "no.", "nr", "nr.", "n", "n°", "num", "序号", "编号"))


@dataclass(frozen=True)
class TableRow:
    """One row read as a card: its line (1-based), the question's and the answer's inline
    nodes, and the other cells with their column's name."""

    line: int
    question: list[SyntaxTreeNode]
    answer: list[SyntaxTreeNode]
    extras: tuple[tuple[str, list[SyntaxTreeNode]], ...]
    node: SyntaxTreeNode


def _cells(row: SyntaxTreeNode) -> list[list[SyntaxTreeNode]]:
    return [list(cell.children[0].children) if cell.children else [] for cell in row.children]


def _rows(table: SyntaxTreeNode) -> tuple[list[SyntaxTreeNode], list[SyntaxTreeNode]]:
    head = next((part for part in table.children if part.type == "thead"), None)
    body = next((part for part in table.children if part.type == "tbody"), None)
    return (head.children if head is not None else [],
            body.children if body is not None else [])


def table_rows(table: SyntaxTreeNode) -> list[TableRow] | None:
    """The rows of a question table read as cards (empty rows left out), or None when the
    table is no question table: its header names no question and answer column, a row
    with text has no question, or most rows have no answer (a table of notes, kept whole).
    A row with a question and no answer is read as one (``answer`` empty)."""
    if table.type != "table":
        return None
    opening = table.nester_tokens.opening if table.nester_tokens is not None else None
    if opening is not None and _READ in opening.meta:  # counted, read, explained: once
        return cast("list[TableRow] | None", opening.meta[_READ])
    found = _read(table)
    if opening is not None:
        opening.meta[_READ] = found
    return found


def _read(table: SyntaxTreeNode) -> list[TableRow] | None:
    head, body = _rows(table)
    if len(head) != 1:
        return None
    header = [plain(cells) for cells in _cells(head[0])]
    names = [fold(text).strip(" :：*_") for text in header]
    asked = next((at for at, name in enumerate(names) if name in _QUESTION), None)
    answered = next((at for at, name in enumerate(names) if name in _ANSWER), None)
    if asked is None or answered is None:
        return None
    shown = [at for at, name in enumerate(names)
             if at not in (asked, answered) and name not in _NUMBERING]
    titles = [text.strip() for text in header]  # once: not a cell a row
    found = []
    for row in body:
        cells = _cells(row)
        if not any(plain(cell).strip() for cell in cells):
            continue  # an empty row
        if len(cells) <= max(asked, answered) or not plain(cells[asked]).strip() \
                or not row.map:
            return None  # a row that asks nothing: the table stays a table, whole
        extras = tuple((titles[at], cells[at]) for at in shown
                       if at < len(cells) and plain(cells[at]).strip())
        found.append(TableRow(row.map[0] + 1, cells[asked], cells[answered], extras, row))
    answered_rows = sum(1 for row in found if plain(row.answer).strip())
    # A row not yet answered is a card to come (it warns); a table most of whose rows
    # have no answer is a worksheet, kept whole.
    if answered_rows * 2 <= len(found):
        return None
    # "Q"/"A" head a quarter's figures or a FAQ's links as well: such a column holds
    # questions when most of its cells ask.  A column of numbers asks nothing, whatever
    # its name.
    asking = {name for name in _QUESTION if len(name) > 1}
    worded = [plain(row.question) for row in found]
    asked_rows = sum(1 for text in worded
                     if any(c.isalpha() for c in text)
                     and (names[asked] in asking or asks_outright(text)))
    return found if asked_rows * 2 > len(found) else None


def count(nodes: Iterable[SyntaxTreeNode]) -> int:
    """The cards of the question tables among top-level ``nodes``."""
    return sum(len(table_rows(node) or ()) for node in nodes if node.type == "table")
