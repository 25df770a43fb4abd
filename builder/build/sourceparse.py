"""One source file read, parsed and checked, whole or (after an edit) one question again.

``parse_source`` parses a file whole.  ``splice_source`` takes the file's last result
and the file after an edit, and parses and checks only the question the edit touched
(``builder.parse.splice`` says when that gives what a whole parse gives, and what it
keeps of the last parse); every check that reads one question at a time runs on that
question alone, the others' findings are kept, moved by the lines the edit added.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from builder.checks import ankimarkup, rawhtml
from builder.checks.includes import snippet_includes
from builder.checks.lint import (
    contents_in_answers,
    heading_skips,
    missing_figures,
    unbalanced_dollars,
)
from builder.checks.spacedrep import orphan_separators
from builder.checks.toc import compare
from builder.model import Card, Diagnostic, Document, Section
from builder.parse.cache import parser_version
from builder.parse.document import ParseOptions, parse_parts
from builder.parse.limits import table_diagnostics
from builder.parse.source import (
    ColumnMap,
    SourceError,
    decode_source,
    read_source,
    source_lines,
    without_control_chars,
)
from builder.parse.splice import Remembered, splice
from builder.render.diagrams import validate as validate_diagram
from builder.render.glyphs import missing_glyph_diagnostics


class Findings(NamedTuple):
    """What the checks found in one file, by check, each in document order."""

    toc: tuple[Diagnostic, ...] = ()
    skips: tuple[Diagnostic, ...] = ()
    figures: tuple[Diagnostic, ...] = ()
    dollars: tuple[Diagnostic, ...] = ()
    html: tuple[Diagnostic, ...] = ()
    markup: tuple[Diagnostic, ...] = ()
    glyphs: tuple[Diagnostic, ...] = ()
    tables: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class ParsedSource:
    """One source file parsed and checked (``document`` is None if it could not be read)."""

    document: Document | None
    diagnostics: tuple[Diagnostic, ...]
    columns: ColumnMap = field(default_factory=ColumnMap)
    """Columns of the text parsed (control characters out) → the file's columns."""
    remembered: Remembered | None = None
    """What parsing one of its questions again needs (``splice_source``)."""
    findings: Findings = field(default_factory=Findings)
    context: str = ""
    """Hash of everything but the text the result depends on: a result is only spliced
    under the same name, options and builder."""


def _alone(doc: Document, cards: list[Card]) -> Document:
    """The questions parsed again alone, for the checks that read one question at a time;
    each in its section when it starts the section (a section's title is checked where
    the section starts)."""
    sections = []
    for card in cards:
        section = next(s for s in doc.sections if any(c is card for c in s.cards))
        sections.append(Section(section.path if section.loc.line == card.loc.line else (),
                                section.loc, (card,)))
    return Document(doc.path, doc.settings, (), tuple(sections))


def context_of(shown: str, options: ParseOptions, glyphs: bool) -> str:
    text = f"{shown}\0{options!r}\0{glyphs}\0{parser_version()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(path: Path, shown: str, data: bytes | None) -> str:
    return (read_source(path, shown) if data is None else decode_source(data, shown)
            ).removeprefix("\ufeff")


def parse_source(path: Path, shown: str, options: ParseOptions,
                 data: bytes | None = None, glyphs: bool = True) -> ParsedSource:
    """Read (unless ``data`` holds its bytes), parse and check one file; ``glyphs``: look
    for characters the PDF's fonts lack too.

    Runs in a worker process for large builds.
    """
    try:
        text = _text(path, shown, data)
    except SourceError as exc:
        return ParsedSource(None, (Diagnostic(exc.loc, "error", exc.message, exc.code),))
    # Taken out here, not by the parser: its diagnostics then stay in the parsed text's
    # columns, and every stage's are mapped once, by the collector.
    text, controls, columns = without_control_chars(text, shown)
    try:
        parts = parse_parts(text, shown, options, validate_diagram, stem=path.stem, cleaned=True)
    except SourceError as exc:  # its Markdown is too large a parse
        return ParsedSource(None, (Diagnostic(exc.loc, "error", exc.message, exc.code),))
    doc, lines = parts.document, source_lines(text)
    by_question = (tuple(missing_figures(doc, lines)), tuple(unbalanced_dollars(doc, lines)),
                   tuple(rawhtml.check_document(doc)), tuple(ankimarkup.check_document(doc)))
    return _checked(Remembered(text, parts, options, path.stem), controls, columns,
                    by_question, shown, glyphs, context_of(shown, options, glyphs))


def _checked(parsed: Remembered, controls: list[Diagnostic], columns: ColumnMap,
             by_question: tuple[tuple[Diagnostic, ...], ...], shown: str, glyphs: bool,
             context: str) -> ParsedSource:
    """A parse with the whole-file checks made and every finding gathered; ``by_question``
    holds the findings of the checks that read one question at a time (figures, ``$``,
    raw HTML, Anki markup), which a splice keeps for the questions it did not touch."""
    doc, text = parsed.parts.document, parsed.text
    lines = source_lines(text)
    figures, dollars, html, markup = by_question
    findings = Findings(
        tuple(compare(doc, lines)) if doc.toc_marked else (),
        (*heading_skips(doc), *contents_in_answers(doc, lines), *orphan_separators(doc),
         *(snippet_includes(doc, lines) if "8<" in text else ())),
        figures, dollars, html, markup,
        tuple(missing_glyph_diagnostics(text, shown)) if glyphs else (),
        tuple(table_diagnostics(doc)))
    return ParsedSource(doc, (*controls, *doc.diagnostics, *(d for f in findings for d in f)),
                        columns, parsed, findings, context)


class Splice(NamedTuple):
    """A file parsed again one question at a time."""

    parsed: ParsedSource
    moved: tuple[tuple[Card, Card], ...]
    """The questions that only moved (``Spliced.moved``)."""
    edited: int
    """How many questions were parsed again."""


def splice_source(last: ParsedSource, path: Path, shown: str, options: ParseOptions,
                  data: bytes, glyphs: bool) -> Splice | None:
    """``parse_source`` of the file after edits, parsing and checking only the questions
    the edits touched; None when the whole file must be parsed."""
    if last.remembered is None or last.context != context_of(shown, options, glyphs):
        return None
    try:
        text = _text(path, shown, data)
    except SourceError:
        return None  # parsed whole, to report it
    text, controls, columns = without_control_chars(text, shown)
    spliced = splice(last.remembered, text, validate_diagram)
    if spliced is None:
        return None
    doc, lines = spliced.parts.document, source_lines(text)
    alone = _alone(doc, [edit.card for edit in spliced.moves.edits])
    moves, was = spliced.moves, last.findings
    by_question = (moves.kept(was.figures, [missing_figures(alone, lines)]),
                   moves.kept(was.dollars, [unbalanced_dollars(alone, lines)]),
                   moves.kept(was.html, [rawhtml.check_document(alone)]),
                   moves.kept(was.markup, [ankimarkup.check_document(alone)]))
    parsed = _checked(Remembered(text, spliced.parts, options, path.stem), controls, columns,
                      by_question, shown, glyphs, last.context)
    return Splice(parsed, spliced.moved, len(moves.edits))
