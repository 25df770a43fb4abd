"""Markdown source → Document: sections, questions, answers, TOC and front matter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from builder.model import (
    Diagnostic,
    Document,
    Node,
    Section,
    Settings,
    SourceLoc,
    TocEntry,
    walk_all,
)
from builder.parse.askingitems import lettered_notes, structure_notes
from builder.parse.blockids import left_out_notes as block_id_notes
from builder.parse.containers import unclosed_diagnostics
from builder.parse.detect import Structure, file_structure
from builder.parse.filefacts import (
    Parts,
    by_place,
    closed_fences,
    heading_sources,
    nesting_cuts,
    starts_with_rule,
)
from builder.parse.foldednotes import folded
from builder.parse.footnotesettle import settle_footnotes
from builder.parse.frontback import ankdown_cards, split_front
from builder.parse.frontmatter import FRONT_MATTER_KEYS, read_front_matter, strings, tag_names
from builder.parse.headings import EXPLICIT_ID, headings_of
from builder.parse.htmldetails import dropped_diagnostics
from builder.parse.leftovers import (
    extra_title_diagnostic,
    fence_diagnostics,
    front_matter_cut_diagnostic,
    is_comment,
    leftover_diagnostics,
    setext_diagnostic,
    setext_on_purpose,
    shows_nothing,
    unclosed_front_matter,
)
from builder.parse.liquidtags import POST_STEM
from builder.parse.logseq import left_out_notes
from builder.parse.markdown import NodeBuilder, tokenize_file
from builder.parse.options import ParseOptions as ParseOptions
from builder.parse.outlinecards import OutlineCards
from builder.parse.prose import chosen_language, prose_lines
from builder.parse.questionforms import Pending, QuestionForms, shown_answer
from builder.parse.questiontext import (
    INVISIBLE,
    CardDraft,
    invisible_in_name,
    invisible_in_question,
    named_repeats,
    readable_text,
    shown_question_text,
    whole_file_only,
)
from builder.parse.source import ColumnMap, read_source, source_lines, without_control_chars
from builder.parse.spacelessheadings import spaceless_notes
from builder.parse.syntaxtree import syntax_tree
from builder.parse.taglines import TagLines
from builder.parse.tocread import TocReader

DiagramCheck = Callable[[str, dict[str, object]], str | None]
"""Checks a diagram block's kind and parameters: the problem, or None (render's, passed in)."""


def _no_diagram_check(kind: str, params: dict[str, object]) -> str | None:
    return None


def parse_file(path: Path, display: str | None = None, options: ParseOptions | None = None,
               validate_diagram: DiagramCheck = _no_diagram_check) -> Document:
    """Read and parse one Markdown file."""
    name = display if display is not None else str(path)
    return parse_text(read_source(path, name), name, options, validate_diagram,
                      stem=path.stem)


def parse_text(text: str, path: str, options: ParseOptions | None = None,
               validate_diagram: DiagramCheck = _no_diagram_check, *,
               stem: str | None = None) -> Document:
    """Parse Markdown text into a Document; ``path`` is used in locations only.

    Control characters are taken out first and reported; every location is the file's
    (see ``without_control_chars``).
    """
    return parse_structured(text, path, options, validate_diagram, stem=stem)[0]


def parse_structured(text: str, path: str, options: ParseOptions | None = None,
                     validate_diagram: DiagramCheck = _no_diagram_check, *,
                     stem: str | None = None) -> tuple[Document, Structure]:
    """``parse_text``, and how the file's questions were found (for ``--explain-structure``)."""
    parts = parse_parts(text, path, options, validate_diagram, stem=stem)
    return parts.document, parts.structure


def parse_parts(
    text: str,
    path: str,
    options: ParseOptions | None = None,
    validate_diagram: DiagramCheck = _no_diagram_check,
    *,
    stem: str | None = None,
    cleaned: bool = False,
) -> Parts:
    """``parse_structured``, with what a later splice needs (``cleaned``: no control chars)."""
    options = options or ParseOptions()
    text, controls, columns = (text, [], ColumnMap()) if cleaned \
        else without_control_chars(text.removeprefix("\ufeff"), path)
    env: dict[str, Any] = {POST_STEM: stem or Path(path).stem}  # Hexo's asset folder
    tokens = tokenize_file(text, env, path)
    front, diagnostics = read_front_matter(tokens, path)
    # The prose is counted once: for the language guess, and for a later splice's.
    prose = prose_lines(tokens)
    lang = chosen_language(front.get("lang"), prose)
    diagnostics.extend(nesting_cuts(tokens, path) + spaceless_notes(tokens, path))
    tree = syntax_tree(tokens)
    lines = source_lines(text)
    diagnostics.extend(unclosed_diagnostics(env, path, lines) + dropped_diagnostics(env, path)
                       + left_out_notes(env, path) + block_id_notes(env, path))
    headings = headings_of(tokens, path, lines)
    builder = NodeBuilder(path, lines, validate_diagram,
                          breaks=bool(front.get("breaks", options.breaks)), lang=lang)
    structure = file_structure(tree, {h.anchor for h in headings}, front, options, path)
    diagnostics.extend(structure_notes(path, structure.strays.kept_lists, structure.labels)
                       + lettered_notes(tokens, path))
    walker = Walker(path, builder, front, options, structure, stem or Path(path).stem)
    if (cut := front_matter_cut_diagnostic(tokens, path)) is not None:
        diagnostics.append(cut)
    if (unclosed := unclosed_front_matter(tokens, lines, path, FRONT_MATTER_KEYS)) is not None:
        diagnostics.append(unclosed)
        walker.skip_to = unclosed.end_line
    for node in tree.children:
        walker.visit(node)
    # The deck names the cards' keys: from front matter, else a title anywhere in the file.
    settings = replace(walker.settings(stem or Path(path).stem), lang=lang)
    walker.finish(settings.deck)
    diagnostics.extend(fence_diagnostics(
        tokens, path, range(walker.section_level, walker.question_level + 1)))
    sections = tuple(s for s in walker.sections if s.cards or s.intro)
    sections, found = settle_footnotes(sections, path, env,
                                       [*walker.diagnostics, *builder.diagnostics],
                                       walker.placeholders, lines)
    diagnostics += found
    document = Document(path, settings, tuple(walker.toc), sections,
                        by_place(folded((*controls, *map(columns.original, diagnostics)))),
                        headings,
                        tuple(walker.toc_lines), walker.toc_marked,
                        tuple(walker.section_headings))
    # Whether a question of it may be parsed again alone (``builder.parse.splice``).
    return Parts(document, structure, front, whole_file_only(env, walker.tagged, document),
                 prose, walker.skip_to, starts_with_rule(tokens),
                 closed_fences(tokens), heading_sources(tokens))


class Walker(QuestionForms, OutlineCards, TocReader, TagLines):
    """Walks the top-level blocks once, cutting them into sections and cards."""

    def __init__(self, path: str, builder: NodeBuilder, front: dict[str, object],
                 options: ParseOptions, structure: Structure, stem: str) -> None:
        self.diagnostics: list[Diagnostic] = []
        """What walking the blocks found (the parser reports them with its own)."""
        self.path = path
        self.builder = builder
        self.front = front
        self.structure = structure
        self.section_level = structure.section_level
        self.question_level = structure.question_level
        if structure.style == "heading" and self.section_level >= self.question_level \
                and not structure.detected:
            self.diagnostics.append(Diagnostic(
                SourceLoc(path, 1), "error",
                f"section level {self.section_level} must be above question level "
                f"{self.question_level}", "levels"))
            self.section_level = self.question_level - 1
        self.options = options
        self.toc: list[TocEntry] = []
        self.sections: list[Section] = []
        # Cards per section, joined into the frozen Sections by finish(): appending to a
        # tuple per card would copy a section's cards once per card.
        self._cards: list[list[CardDraft]] = []
        self._intros: list[list[Node]] = []
        """Per section, the blocks before its first question (see _intro_block)."""
        self._headed: dict[int, tuple[int, int, str]] = {}
        """Index in ``sections`` of each section started by a heading → its first and last
        line (a setext heading has two) and its text."""
        self._setext_levels: set[int] = set()  # levels underlined on purpose (leftovers)
        self._leftovers: list[Diagnostic] = []
        """Reports of text in no card, kept for finish(): a file without questions has one."""
        self.skip_to = 0
        """Blocks starting on or before this line are reported already (unclosed front matter)."""
        self.title: str | None = None
        self._path: list[str] = []
        self._in_toc: int | None = None
        self.toc_marked = False
        self.section_headings: list[Node] = []
        self.toc_lines: list[int] = []
        self._question: Pending | None = None
        self._answer: list[Node] = []
        self._levels: list[tuple[int, str]] = []
        """Style ``mixed``: the open sections, with their heading levels."""
        self.placeholders: dict[int, str] = {}
        """Question line → the placeholder its answer held (the card is left empty)."""
        self._begin_tag_lines()
        if self.question_level == 0:  # the whole file is one question, named by the file
            self._question = Pending([], 1, 1, self._file_question(stem))

    def visit(self, node: SyntaxTreeNode) -> None:
        kind, source_map = node.type, node.map  # (markdown-it works each out anew)
        if kind == "front_matter" or (source_map and source_map[0] < self.skip_to) \
                or shows_nothing(node):
            return
        if kind == "html_block" and self._toc_marker(node):
            return
        if self._in_toc is not None and kind == "heading":
            self._unclosed_toc(node)
        if self._in_toc is not None:
            if kind in ("bullet_list", "ordered_list"):
                self._read_toc(node, 0)
            return
        if source_map and source_map[0] in self.structure.toc_lines:
            self.toc_lines.extend(range(source_map[0] + 1, source_map[1] + 1))
            if kind in ("bullet_list", "ordered_list", "callout"):  # a folded TOC: its list
                self._read_toc(node.children[-1] if kind == "callout" else node, 0, manual=True)
            return
        if kind == "heading" and self.structure.style == "mixed":
            if self._mixed_heading(node, int(node.tag[1:])):
                return
        elif kind == "heading":
            level = int(node.tag[1:])
            if level <= self.question_level or (node.map and node.map[0] + 1
                                                in self.structure.strays.deep):
                self._heading(node, level)
                return
        if self._asking_callout(node) or self._stated(node):
            return
        if self.structure.outline and self._outline(node):
            return
        if self.structure.bold and self._bold(node):
            return
        if self.structure.strays.bold and self._bold(node, self.structure.strays.bold):
            return
        if self._labelled(node) or self._tag_line(node):
            return
        if self._question is not None:
            self._answer.append(self.builder.block(node))
        else:
            self._intro_block(node)

    def open_section(self, path: tuple[str, ...]) -> None:
        """Walk on as if under the section headings ``path`` (``builder.parse.splice``)."""
        self._path = list(path)

    def drafts(self) -> tuple[list[CardDraft], bool]:
        """Close the open question; return every question walked so far, and whether any
        block fell outside them (``builder.parse.splice`` walks one question's blocks)."""
        self._close_card()
        return [draft for cards in self._cards for draft in cards], any(self._intros)

    def _intro_block(self, node: SyntaxTreeNode) -> None:
        """Keep a block outside any card as its section's introduction (PDF only)."""
        if node.type == "html_block" and is_comment(node.content):
            return  # hidden by its author: shown nowhere, so nothing to report
        self._intro_node(self.builder.block(node))

    def _heading(self, node: SyntaxTreeNode, level: int) -> None:
        cut = self._report_setext(node)
        self._close_card()
        self.builder.reset()  # an introduction's formulas are collected from its nodes
        line = node.map[0] + 1 if node.map else 1
        end = node.map[1] if node.map else line
        strays = self.structure.strays
        if (level == self.question_level and line not in strays.groups) \
                or line in strays.headings or line in strays.deep:
            # A question above the question level is filed under the sections above it.
            self._path = self._path[:max(0, level - self.section_level)]
            self._question = Pending(node.children[0].children if node.children else [], line,
                                      level + 2, end_line=end)
            return
        title = self._heading_title(node, level)
        self.diagnostics += invisible_in_name(SourceLoc(self.path, line, level + 2), title,
                                              "deck and tag")
        if level < self.section_level:
            if self.title is not None and not cut:
                self._leftovers.append(extra_title_diagnostic(
                    self.path, (line, end), title, self.title, level, self.section_level))
            self.title = self.title or title
            self._path = []
        else:
            depth = level - self.section_level
            self._path = [*self._path[:depth], title]
        self._start_section(Section(tuple(self._path), SourceLoc(self.path, line), ()))
        self._headed[len(self.sections) - 1] = (line, end, title)

    def _report_setext(self, node: SyntaxTreeNode) -> bool:
        """Warn when ``===``/``---`` under a paragraph line cut an answer short."""
        tokens = node.nester_tokens
        token = tokens.opening if tokens else None
        pending = self._question
        if token is None or token.markup not in ("=", "-") or setext_on_purpose(
                token, pending is not None, self._setext_levels) or pending is None:
            return False
        question = pending.named or readable_text(tuple(self.builder.inline(pending.inlines, 0)))
        self.diagnostics.append(setext_diagnostic(self.path, token, question,
                                                  self.question_level))
        return True

    def _start_section(self, section: Section) -> None:
        self.sections.append(section)
        self._cards.append([])
        self._intros.append([])

    def _close_card(self) -> None:
        pending = self._question
        if pending is None:
            return
        line = pending.line
        question, explicit_id = self._question_nodes(pending)
        text = readable_text(question).translate(INVISIBLE)  # the key's: the heading's alone
        question, answer, tags = (question, tuple(self._answer), ()) if not self.question_level \
            else split_front(question, tuple(self._answer))  # a file's: ankdown_cards
        # A placeholder answer is left out, but its lines were the card's all the same.
        end_line = max([pending.end_line, *(n.end_line or n.line for n in self._answer)])
        answer, placeholder = shown_answer(answer)
        if placeholder is not None:
            self.placeholders[line] = placeholder
        formulas = tuple(self.builder.formulas)
        diagrams = tuple(self.builder.diagrams)
        self.builder.reset()
        self._question, self._answer = None, []
        card = CardDraft(
            explicit_id=explicit_id, question=question, question_text=text,
            answer=answer, section_path=tuple(self._path),
            loc=SourceLoc(self.path, line, pending.col),
            formulas=formulas, diagrams=diagrams, end_line=end_line,
            tags=(*self.tags_at(line), *pending.tags, *tags))
        if not self.sections or self.sections[-1].path != card.section_path:
            self._start_section(Section(card.section_path, card.loc, ()))
        self._cards[-1].extend(ankdown_cards(card) if not self.question_level else (card,))

    def _question_nodes(self, pending: Pending) -> tuple[tuple[Node, ...], str | None]:
        line = pending.line
        nodes = (self.builder.inline(pending.inlines, line) if pending.named is None
                 else [Node("text", text=pending.named, line=line, col=pending.col)])
        if pending.label:  # "Question 1: " before the bold line it numbers
            nodes.insert(0, Node("text", text=pending.label, line=line, col=pending.col))
        explicit_id = None
        if nodes and nodes[-1].kind == "text":
            match = EXPLICIT_ID.search(nodes[-1].text)
            if match:
                explicit_id = match.group(1)
                stripped = nodes[-1].text[: match.start()]
                nodes[-1] = replace(nodes[-1], text=stripped)
                if not stripped:
                    nodes.pop()
        cleaned = [replace(n, text=shown_question_text(n.text)) if n.kind == "text" else n
                   for n in nodes]
        if cleaned != nodes:
            self.diagnostics += invisible_in_question(
                SourceLoc(self.path, line, pending.col), (n.text for n in nodes))
        return tuple(cleaned), explicit_id

    def finish(self, deck: str) -> None:
        self._close_card()
        self._cards = named_repeats(self.file_tagged(self._cards), self.builder.lines)
        self.sections = [
            replace(section, cards=tuple(draft.card(deck) for draft in cards), intro=tuple(intro),
                    formulas=tuple(n.formula for n in walk_all(tuple(intro)) if n.formula),
                    diagrams=tuple(n.diagram for n in walk_all(tuple(intro)) if n.diagram))
            for section, cards, intro in zip(self.sections, self._cards, self._intros, strict=True)]
        if any(self._cards):
            # A file without questions is in no deck or PDF: ``no-questions`` says so.
            self.diagnostics.extend(self._leftovers)
            self.diagnostics.extend(leftover_diagnostics(
                self.path, self.sections, self._headed, self.question_level))

    def settings(self, stem: str) -> Settings:
        front, named = self.front, self.title or self.front.get("title")  # a blog post's
        deck = str(front.get("deck") or self.options.deck or named or stem)
        return Settings(
            deck=deck, title=str(front.get("title") or self.title or deck),
            tags=tag_names(front.get("tags", ())),
            section_level=self.section_level, question_level=self.question_level,
            breaks=bool(front.get("breaks", self.options.breaks)),
            ignore=strings(front.get("ignore", ())), structure=self.structure.summary(),
            source_line=str(front.get("source_line", self.options.source_line)),
        )

