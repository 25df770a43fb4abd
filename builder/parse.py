"""Markdown source → Document: sections, questions, answers, TOC and front matter."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

import yaml
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.headings import EXPLICIT_ID, first_column, headings_of, inline_text
from builder.markdown import NodeBuilder, tokenize
from builder.model import (
    Card,
    Diagnostic,
    Document,
    Node,
    Section,
    Settings,
    SourceLoc,
    TocEntry,
    plain_text,
)
from builder.nesting import CUT_META, MAX_INLINE_DEPTH, YamlRefused, load_yaml
from builder.source import (
    CONTROL_CHARS,
    ColumnMap,
    read_source,
    source_lines,
    without_control_chars,
)

log = logging.getLogger(__name__)

TOC_START = "<!-- TOC -->"
TOC_END = "<!-- /TOC -->"

# Characters that are invisible or reorder text: stripped from questions and keys
# so that a stray one cannot split a note's identity in two.  Control characters
# too: sources lose them before parsing (builder.source), but keys are also made from
# text that did not come that way, such as the questions in an older lock file.
_INVISIBLE: dict[int, str | None] = {
    **dict.fromkeys([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD,
                     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]),
    **CONTROL_CHARS,
}
_FRONT_MATTER_KEYS = {"deck", "title", "tags", "section_level", "question_level", "breaks",
                      "ignore"}


@dataclass(frozen=True)
class ParseOptions:
    """Defaults that front matter may override, file by file."""

    section_level: int = 2
    question_level: int = 3
    breaks: bool = True
    deck: str | None = None


def _no_diagram_check(kind: str, params: dict[str, object]) -> str | None:
    return None


def normalise_question(text: str) -> str:
    """Fold a question to the form its identity is computed from."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return " ".join(text.split()).casefold()


def parse_file(
    path: Path,
    display: str | None = None,
    options: ParseOptions | None = None,
    validate_diagram: Callable[[str, dict[str, object]], str | None] = _no_diagram_check,
) -> Document:
    """Read and parse one Markdown file."""
    name = display if display is not None else str(path)
    return parse_text(read_source(path, name), name, options, validate_diagram,
                      stem=path.stem)


def parse_text(
    text: str,
    path: str,
    options: ParseOptions | None = None,
    validate_diagram: Callable[[str, dict[str, object]], str | None] = _no_diagram_check,
    *,
    stem: str | None = None,
    tokens: list[Token] | None = None,
) -> Document:
    """Parse Markdown text into a Document; ``path`` is used in locations only.

    ``tokens``, when given, are markdown-it's tokens of ``text`` (see ``markdown.tokenize``),
    so a caller that also checks the text parses it once; that caller has taken out the
    control characters (``without_control_chars``) and reports them itself.
    """
    options = options or ParseOptions()
    text = text.removeprefix("\ufeff")
    controls: list[Diagnostic] = []
    columns = ColumnMap()
    if tokens is None:
        text, controls, columns = without_control_chars(text, path)
        tokens = tokenize(text)
    diagnostics: list[Diagnostic] = []
    front = _front_matter_of(tokens, path, diagnostics)
    diagnostics.extend(_nesting_cuts(tokens, path))
    tree = SyntaxTreeNode(tokens)
    lines = source_lines(text)
    builder = NodeBuilder(path, lines, validate_diagram,
                          breaks=bool(front.get("breaks", options.breaks)))
    walker = _Walker(path, builder, front, options, diagnostics)
    for node in tree.children:
        walker.visit(node)
    walker.finish()
    settings = walker.settings(stem or Path(path).stem)
    sections = tuple(
        replace(s, cards=tuple(_keyed(c, settings.deck) for c in s.cards))
        for s in walker.sections if s.cards
    )
    diagnostics.extend(builder.diagnostics)
    for section in sections:
        for card in section.cards:
            diagnostics.extend(_answer_diagnostics(card))
    return Document(path, settings, tuple(walker.toc), sections,
                    (*controls, *map(columns.original, diagnostics)),
                    headings_of(tokens, path, lines))


def _keyed(card: Card, deck: str) -> Card:
    if card.explicit_id:
        key = f"id:{card.explicit_id}"
    else:
        key = " / ".join([deck, *card.section_path, normalise_question(card.question_text)])
    return replace(card, key=key)


def _answer_diagnostics(card: Card) -> list[Diagnostic]:
    if card.is_empty:
        return [Diagnostic(card.loc, "warning",
                           f"empty answer: '{card.question_text}' is left out of the deck",
                           "empty-answer")]
    answer = normalise_question(plain_text(card.answer))
    question = normalise_question(card.question_text)
    if answer and question and _strip_numbering(answer) in (question, question.rstrip("?？")):
        return [Diagnostic(card.loc, "warning",
                           f"answer only repeats the question '{card.question_text}'",
                           "answer-repeats-question")]
    return []


def _strip_numbering(text: str) -> str:
    return text.lstrip("0123456789.)、） ").strip()


def _nesting_cuts(tokens: list[Token], path: str) -> list[Diagnostic]:
    return [Diagnostic(SourceLoc(path, token.map[0] + 1 if token.map else 1), "warning",
                       f"emphasis nested more than {MAX_INLINE_DEPTH} deep is kept as text",
                       "nesting-depth")
            for token in tokens if token.meta.get(CUT_META)]


def _front_matter_of(
    tokens: list[Token], path: str, diagnostics: list[Diagnostic]
) -> dict[str, object]:
    if not tokens or tokens[0].type != "front_matter":
        return {}
    loc = SourceLoc(path, 1)
    try:
        data = load_yaml(tokens[0].content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            loc = SourceLoc(path, mark.line + 2, mark.column + 1)
        detail = f": {exc}" if isinstance(exc, YamlRefused) else ""
        diagnostics.append(Diagnostic(loc, "error", f"front matter is not valid YAML{detail}",
                                      "front-matter"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        diagnostics.append(Diagnostic(loc, "error", "front matter must be a YAML mapping",
                                      "front-matter"))
        return {}
    checked: dict[str, object] = {}
    for key, value in data.items():
        problem = _front_matter_problem(str(key), value)
        if problem:
            diagnostics.append(Diagnostic(loc, "warning", problem, "front-matter"))
        else:
            checked[str(key)] = value
    return checked


def _front_matter_problem(key: str, value: object) -> str | None:
    if key not in _FRONT_MATTER_KEYS:
        return f"unknown front matter key '{key}' (known: {', '.join(sorted(_FRONT_MATTER_KEYS))})"
    if key in ("deck", "title") and not (isinstance(value, str) and value.strip()):
        return f"front matter '{key}' must be a non-empty string"
    if key in ("section_level", "question_level") and not (
        isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 6
    ):
        return f"front matter '{key}' must be a heading level from 1 to 6"
    if key == "breaks" and not isinstance(value, bool):
        return "front matter 'breaks' must be true or false"
    if key in ("tags", "ignore") and not (
        isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(t, str) for t in value))
    ):
        return f"front matter '{key}' must be a string or a list of strings"
    return None


class _Walker:
    """Walks the top-level blocks once, cutting them into sections and cards."""

    def __init__(self, path: str, builder: NodeBuilder, front: dict[str, object],
                 options: ParseOptions, diagnostics: list[Diagnostic]) -> None:
        self.path = path
        self.builder = builder
        self.front = front
        self.section_level = int(str(front.get("section_level", options.section_level)))
        self.question_level = int(str(front.get("question_level", options.question_level)))
        if self.section_level >= self.question_level:
            diagnostics.append(Diagnostic(
                SourceLoc(path, 1), "error",
                f"section level {self.section_level} must be above question level "
                f"{self.question_level}", "levels"))
            self.section_level = self.question_level - 1
        self.options = options
        self.diagnostics = diagnostics
        self.toc: list[TocEntry] = []
        self.sections: list[Section] = []
        # Cards per section, joined into the frozen Sections by finish(): appending to a
        # tuple per card would copy a section's cards once per card.
        self._cards: list[list[Card]] = []
        self.title: str | None = None
        self._path: list[str] = []
        self._in_toc: int | None = None
        self._question: SyntaxTreeNode | None = None
        self._answer: list[Node] = []

    def visit(self, node: SyntaxTreeNode) -> None:
        if node.type == "front_matter":
            return
        if node.type == "html_block" and self._toc_marker(node):
            return
        if self._in_toc is not None:
            if node.type in ("bullet_list", "ordered_list"):
                self._read_toc(node, 0)
            return
        if node.type == "heading":
            level = int(node.tag[1:])
            if level <= self.question_level:
                self._heading(node, level)
                return
        if self._question is not None:
            self._answer.append(self.builder.block(node))

    def _toc_marker(self, node: SyntaxTreeNode) -> bool:
        content = node.content.strip()
        if content == TOC_START:
            self._in_toc = node.map[0] + 1 if node.map else 1
            return True
        if content == TOC_END:
            self._in_toc = None
            return True
        return False

    def _read_toc(self, node: SyntaxTreeNode, depth: int) -> None:
        for item in node.children:
            for child in item.children:
                if child.type in ("bullet_list", "ordered_list"):
                    self._read_toc(child, depth + 1)
                elif child.type == "paragraph" and child.children:
                    self._toc_entry(child, depth)

    def _toc_entry(self, paragraph: SyntaxTreeNode, depth: int) -> None:
        inline = paragraph.children[0]
        tokens = (inline.token.children or []) if inline.token else []
        line = paragraph.map[0] + 1 if paragraph.map else 0
        start = next((i for i, t in enumerate(tokens) if t.type == "link_open"), None)
        if start is not None:
            href = str(tokens[start].attrs.get("href", ""))
            end = next((i for i in range(start, len(tokens)) if tokens[i].type == "link_close"),
                       len(tokens))
            text = inline_text(tokens[start + 1:end])
        else:
            href, text = "", inline.content
        # markdown-it percent-encodes link targets; the TOC compares them as text.
        anchor = unquote(href.removeprefix("#"))
        col = first_column(self.builder.lines, line)
        self.toc.append(TocEntry(text, anchor, depth, SourceLoc(self.path, line, col)))

    def _heading(self, node: SyntaxTreeNode, level: int) -> None:
        self._close_card()
        if level == self.question_level:
            self._question = node
            return
        title = plain_text(tuple(self.builder.inline(node.children[0].children, 0)))
        if level < self.section_level:
            self.title = self.title or title
            self._path = []
        else:
            depth = level - self.section_level
            self._path = [*self._path[:depth], title]
        line = node.map[0] + 1 if node.map else 1
        self._start_section(Section(tuple(self._path), SourceLoc(self.path, line), ()))

    def _start_section(self, section: Section) -> None:
        self.sections.append(section)
        self._cards.append([])

    def _close_card(self) -> None:
        heading = self._question
        if heading is None:
            return
        line = heading.map[0] + 1 if heading.map else 1
        question, explicit_id = self._question_nodes(heading, line)
        answer = tuple(self._answer)
        formulas = tuple(self.builder.formulas)
        diagrams = tuple(self.builder.diagrams)
        self.builder.reset()
        self._question, self._answer = None, []
        card = Card(
            key="", explicit_id=explicit_id, question=question,
            question_text=plain_text(question).translate(_INVISIBLE),
            answer=answer, section_path=tuple(self._path),
            loc=SourceLoc(self.path, line, self.question_level + 2),
            formulas=formulas, diagrams=diagrams,
        )
        if not self.sections or self.sections[-1].path != card.section_path:
            self._start_section(Section(card.section_path, card.loc, ()))
        self._cards[-1].append(card)

    def _question_nodes(self, heading: SyntaxTreeNode, line: int
                        ) -> tuple[tuple[Node, ...], str | None]:
        nodes = self.builder.inline(heading.children[0].children, line) if heading.children else []
        explicit_id = None
        if nodes and nodes[-1].kind == "text":
            match = EXPLICIT_ID.search(nodes[-1].text)
            if match:
                explicit_id = match.group(1)
                stripped = nodes[-1].text[: match.start()]
                nodes[-1] = replace(nodes[-1], text=stripped)
                if not stripped:
                    nodes.pop()
        cleaned = [replace(n, text=n.text.translate(_INVISIBLE)) if n.kind == "text" else n
                   for n in nodes]
        if cleaned != nodes:
            self.diagnostics.append(Diagnostic(
                SourceLoc(self.path, line, self.question_level + 2), "warning",
                "invisible or text-direction characters removed from the question",
                "invisible-chars"))
        return tuple(cleaned), explicit_id

    def finish(self) -> None:
        self._close_card()
        self.sections = [replace(section, cards=tuple(cards))
                         for section, cards in zip(self.sections, self._cards, strict=True)]

    def settings(self, stem: str) -> Settings:
        front = self.front
        deck = str(front.get("deck") or self.options.deck or self.title or stem)
        return Settings(
            deck=deck, title=str(front.get("title") or self.title or deck),
            tags=_strings(front.get("tags", ())),
            section_level=self.section_level, question_level=self.question_level,
            breaks=bool(front.get("breaks", self.options.breaks)),
            ignore=_strings(front.get("ignore", ())),
        )


def _strings(value: object) -> tuple[str, ...]:
    """Read a front matter value that is one string or a list of them."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()
