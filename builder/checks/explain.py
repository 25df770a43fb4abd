"""``check --explain-structure``: how a file was read, block by block, and why.

Lists, in line order, each section and question found, each heading that is part of
an answer, and each table of contents, after the structure chosen and its reasons, so
an author can see why something is or is not a card.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from builder.model import Document
from builder.parse import bold, outlinecards, rulecards, tablecards
from builder.parse.callouts import asks
from builder.parse.detect import Structure
from builder.parse.document import ParseOptions, parse_structured
from builder.parse.markdown import tokenize_file
from builder.parse.microcards import micro_lines
from builder.parse.questiontext import empty_answer_fate
from builder.parse.source import read_source, source_lines
from builder.parse.syntaxtree import syntax_tree

_SPACED = {bold.SEPARATED: "spaced-repetition card, '?' line",
           bold.INLINE_CARD: "spaced-repetition card, '::'"}


def explain_file(path: Path, shown: str, options: ParseOptions, *,
                 keep_empty: bool = False) -> list[str]:
    """Return the explanation's lines for one file (a SourceError if it cannot be read);
    ``keep_empty`` as the build's ``--keep-empty``."""
    text = read_source(path, shown).removeprefix("\ufeff")
    doc, structure = parse_structured(text, shown, options, stem=path.stem)
    return explain(doc, structure, len(source_lines(text)), keep_empty=keep_empty,
                   forms=question_forms(text, shown) if structure.style != "file" else {})


def question_forms(text: str, shown: str) -> dict[int, str]:
    """The 1-based lines of the blocks that are questions by a form of their own, not a
    bold line: a card of Obsidian's spaced-repetition plugin (a ``?`` line, ``::``), a
    callout that asks, a Logseq ``#card`` item, a line tagged ``#card``, a question table's
    row, a card between rules; each with the label
    it is listed under."""
    forms: dict[int, str] = {}
    tree = syntax_tree(tokenize_file(text, {}, shown))
    for at, node in enumerate(tree.children):
        if node.type == "hr" and (card := rulecards.rule_card(node, tree.children, at)):
            forms[card.line] = "card between rules, '?' paragraph"
    for node in tree.walk(include_self=False):
        if asks(node) and node.map is not None:
            forms.setdefault(node.map[0] + 1, "asking callout")
        elif node.type == "paragraph" and (found := bold.paragraph_question(node)) \
                and found.reason in _SPACED:
            forms.setdefault(found.line, _SPACED[found.reason])
        elif node.type == "paragraph" and (micro := micro_lines(node)) is not None:
            for entry in micro:
                if entry.card is not None:
                    forms.setdefault(entry.line, "NeuraCache micro card")
        elif node.type == "table":
            for row in tablecards.table_rows(node) or ():
                forms.setdefault(row.line, "question table row")
        elif node.type in ("list_item", "paragraph") \
                and (found := outlinecards.tagged_question(node)):
            forms.setdefault(found.line, "#card item" if node.type == "list_item"
                             else "#card line")
    return forms


def explain(doc: Document, structure: Structure, line_count: int, *,
            keep_empty: bool = False, forms: Mapping[int, str] | None = None) -> list[str]:
    """Describe ``doc`` as read with ``structure``; an empty answer's fate as a build
    with ``keep_empty`` decides it; ``forms``: the labels of questions asked by a form
    of their own, by line (``question_forms``), the rest being bold lines."""
    forms = forms or {}
    empty = f": empty answer {empty_answer_fate(keep_empty)}"
    how = "detected" if structure.detected else "as set"
    out = [f"{doc.path}: {structure.summary()} ({how})"]
    out += [f"  because {reason}" for reason in structure.reasons]
    events: list[tuple[int, str]] = []
    paths = {section.loc.line: section.path for section in doc.sections if section.path}
    card_lines = {card.loc.line for card in doc.cards}
    levels = {h.loc.line: h.level for h in doc.headings}
    for card in doc.cards:
        level = levels.get(card.loc.line)
        kind = "file" if structure.style == "file" else (
            f"heading {'#' * level}" if level else forms.get(card.loc.line, "bold line"))
        state = "" if card.answer else empty
        events.append((card.loc.line, f"question {card.question_text!r} [{kind}]{state}"))
    for heading in doc.headings:
        line = heading.loc.line
        if line in card_lines:
            continue
        if line - 1 in structure.toc_lines:
            events.append((line, f"table of contents {heading.text!r}"))
        elif heading.level > structure.question_level or line in structure.part_lines:
            events.append((line, f"heading {heading.text!r} is part of the answer above"))
        elif line in paths:
            events.append((line, f"section {' / '.join(paths[line])!r}"))
        elif heading.level >= structure.section_level:
            events.append((line, f"section {heading.text!r}"))
        else:
            events.append((line, f"title {heading.text!r}"))
    events += [(line + 1, "table of contents (never a card)") for line in structure.toc_lines
               if not any(e[0] == line + 1 for e in events)]
    if doc.toc:
        events.append((doc.toc[0].loc.line, f"table of contents: {len(doc.toc)} entries"))
    out += [f"  {doc.path}:{line}: {what}" for line, what in sorted(set(events))]
    out.append(f"  {len([c for c in doc.cards if c.answer])} question(s) with an answer "
               f"in {line_count} line(s)")
    return out
