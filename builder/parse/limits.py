"""The cheat sheet's share of the answer cap: a huge answer is cut for the PDF too.

The card cuts an answer at ``MAX_ANSWER_CHARS`` of HTML (see ``builder.anki.notes``, which
reports it).  Typesetting a 5 MB paragraph took typst 80 s and 9 GB, so the PDF gets
the same cut, measured in text: it keeps at least what the card keeps.

Tables are cut for the PDF by rows and cells (``table_cuts``): typst keeps about 60 KB a
cell holding a formula, and 20,000 such rows fit in a 1 MB file (2.5 GB).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from builder.model import (
    Card,
    Diagnostic,
    Document,
    Formula,
    Node,
    SourceLoc,
    plain_text,
    walk_all,
)

MAX_ANSWER_CHARS = 100_000
"""Card HTML beyond this makes Anki's editor and sync crawl; the rest stays in the notes."""
NODE_COST = 8
"""What each node of an answer counts towards the PDF's cut besides its text: 50,000 empty
code blocks have none, and took typst 1 GB (the card's HTML cut keeps fewer: ~50 each)."""
MAX_CARD_HIGHLIGHTED_BLOCK = 20_000
"""Characters of one code block a card colours (Pygments); a longer block is shown plain,
as the PDF prints it (``MAX_HIGHLIGHTED_BLOCK``). Some lexers backtrack over the whole
block for every token: Perl's took 3 s of CPU on 16 KB of ``s{s{…``, 5 minutes on 900 KB."""
MAX_PDF_TABLE_ROWS = 1000
"""Rows of one table the PDF shows (the longest table in 1,673 real notes files has 61)."""
MAX_PDF_TABLE_CELLS = 5000
"""Table cells of one notes file the PDF shows (the most in a real file: 1,425), which
bounds typst's memory for a file's tables at about 300 MB."""


def cut_answer(answer: tuple[Node, ...]) -> tuple[Node, ...] | None:
    """The answer's blocks within ``MAX_ANSWER_CHARS`` of text, the crossing block cut to
    a plain paragraph (a code block stays one, cut); None when the whole answer fits."""
    kept: list[Node] = []
    size = 0
    for block in answer:
        text = _block_text(block)
        cost = len(text) + NODE_COST * sum(1 for _node in block.walk())
        if size + cost > MAX_ANSWER_CHARS:
            room = MAX_ANSWER_CHARS - size
            if room > 0 and text:
                kept.append(_cut_to(block, text[:room] + "…"))
            return tuple(kept)
        kept.append(block)
        size += cost
    return None


def shown_formulas(card: Card) -> tuple[Formula, ...]:
    """The formulas of ``card`` its PDF entry shows: none of the blocks past its answer's
    cut (``cut_answer``), which the PDF never typesets, nor of the block cut to text."""
    cut = cut_answer(card.answer)
    if cut is None:
        return card.formulas
    shown = {node.formula for node in walk_all(card.question + cut) if node.formula}
    return tuple(formula for formula in card.formulas if formula in shown)


def _block_text(block: Node) -> str:
    """A block's text as the PDF prints it: code and formulas too (``plain_text`` has only
    inline text: 100,000 lines of code passed the cut whole, and typst took minutes)."""
    if block.kind in ("code_block", "math_block", "diagram", "html_block"):
        return block.text
    own = "".join(node.text for node in block.walk()
                  if node.kind in ("code_block", "math_block", "diagram", "html_block"))
    return plain_text((block,)) + own


def _cut_to(block: Node, text: str) -> Node:
    if block.kind == "code_block":
        return replace(block, text=text)
    return Node("paragraph", (Node("text", text=text, line=block.line, col=block.col),),
                line=block.line, col=block.col)


@dataclass(frozen=True)
class TableCut:
    """A table of an answer that the PDF shows only the start of."""

    table: Node
    rows: int
    """Its body rows."""
    kept: int
    """How many of them the PDF shows."""


def table_cuts(doc: Document) -> Iterator[TableCut]:
    """Each table of the answers that the PDF cuts, in document order: past
    ``MAX_PDF_TABLE_ROWS`` rows, or past the file's ``MAX_PDF_TABLE_CELLS``."""
    cells = MAX_PDF_TABLE_CELLS
    for blocks in _printed(doc):
        for node in walk_all(blocks):
            if node.kind != "table":
                continue
            rows = _body_rows(node)
            columns = max((len(row.children) for part in node.children
                           for row in part.children), default=1) or 1
            kept = max(0, min(len(rows), MAX_PDF_TABLE_ROWS, cells // columns - 1))
            cells -= (kept + 1) * columns  # its header row too
            if kept < len(rows):
                yield TableCut(node, len(rows), kept)


def _printed(doc: Document) -> Iterator[tuple[Node, ...]]:
    """The blocks the PDF prints, in its order: each section's introduction (the PDF's
    alone), then its cards' answers."""
    for section in doc.sections:
        yield section.intro
        for card in section.cards:
            yield card.answer


def table_diagnostics(doc: Document) -> Iterator[Diagnostic]:
    """A warning at each table ``table_cuts`` cuts."""
    for cut in table_cuts(doc):
        yield Diagnostic(
            SourceLoc(doc.path, cut.table.line, cut.table.col or 1), "warning",
            f"table too long for the PDF: it shows {cut.kept:,} of its {cut.rows:,} rows "
            f"(at most {MAX_PDF_TABLE_ROWS:,} rows a table, {MAX_PDF_TABLE_CELLS:,} cells a "
            "file); the PDF leaves out the rest", "table-too-long")


def _body_rows(table: Node) -> list[Node]:
    return [row for part in table.children if part.kind != "thead" for row in part.children]


def tables_cut_for_pdf(documents: Sequence[Document]) -> list[Document]:
    """``documents`` with every table ``table_cuts`` names cut; a document with none is
    itself (the answer cap is the PDF's to apply, card by card: ``pdf.pdfdata``)."""
    return [_cut_document(doc) for doc in documents]


def _cut_document(doc: Document) -> Document:
    # A table's cut depends on the file's cells before it, so every card of a file that
    # has one is a new card: the PDF's per-card memo cannot reuse a stale cut.
    tables = {id(cut.table): cut.kept for cut in table_cuts(doc)}
    if not tables:
        return doc
    return replace(doc, sections=tuple(
        replace(section, intro=tuple(_cut_tables(block, tables) for block in section.intro),
                cards=tuple(
            replace(card, answer=tuple(_cut_tables(block, tables) for block in card.answer))
            for card in section.cards))
        for section in doc.sections))


def _cut_tables(node: Node, tables: dict[int, int]) -> Node:
    """``node`` with each table of ``tables`` (by id → rows kept) cut to its first rows and
    a last row that says how many more the card has."""
    kept = tables.get(id(node))
    if kept is None:
        if not node.children or node.kind in ("paragraph", "heading"):
            return node
        return replace(node, children=tuple(_cut_tables(c, tables) for c in node.children))
    rows = _body_rows(node)
    more = Node("tr", (Node("td", (Node("text", text=f"… +{len(rows) - kept:,}",
                                        line=node.line, col=node.col),),
                            line=node.line, col=node.col),), line=node.line, col=node.col)
    head = [part for part in node.children if part.kind == "thead"]
    body = Node("tbody", (*rows[:kept], more), line=node.line, col=node.col)
    return replace(node, children=(*head, body))
