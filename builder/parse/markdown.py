"""markdown-it-py set up for study notes, and its syntax tree turned into model Nodes
(the inline half in ``builder.parse.inlinenodes``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import fragments_join as _fragments_join
from markdown_it.rules_inline.state_inline import Scanned
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref
from mdit_py_plugins.front_matter import front_matter_plugin

from builder.model import Diagnostic, Diagram, Formula, Node, SourceLoc
from builder.parse.admonitions import admonitions_plugin
from builder.parse.answerboxes import answer_boxes_plugin
from builder.parse.blockids import block_ids_plugin
from builder.parse.callouts import CALLOUT, CALLOUT_META, callout_attrs, callouts_plugin
from builder.parse.cjkflanking import scan_delims
from builder.parse.containers import CONTAINER_NAME, container_type_given, guard_blocks
from builder.parse.deflists import deflists_plugin
from builder.parse.diagramblock import read_diagram
from builder.parse.fences import repair_fences
from builder.parse.footnoterules import footnote_rules
from builder.parse.footnotes import FOOTNOTE_DEF
from builder.parse.formulaimages import formula_picture, lone_image_source
from builder.parse.frontmatter_cut import repair_front_matter
from builder.parse.headings import first_column
from builder.parse.highlight import highlight_plugin
from builder.parse.htmlaside import html_aside_plugin
from builder.parse.htmldetails import html_details_plugin
from builder.parse.imageattrs import image_attrs_plugin
from builder.parse.inlinenodes import MATH_KINDS, POS, InlineNodes, lone_picture
from builder.parse.liquidrefs import liquid_references_plugin
from builder.parse.liquidtags import liquid_tags_plugin
from builder.parse.logseq import logseq_plugin
from builder.parse.mathsyntax import attach_doubts, math_plugin
from builder.parse.nesting import (
    TooManyTokens,
    bound_inline_nesting,
    bound_tokens,
    count_token,
    keep_deep_blocks_as_text,
)
from builder.parse.onemarkheadings import one_mark_headings_plugin
from builder.parse.placeholdertags import placeholder_tags_plugin
from builder.parse.source import SourceError
from builder.parse.spacedimages import spaced_images_plugin
from builder.parse.spacelessheadings import spaceless_headings_plugin
from builder.parse.tables import EXTRA_CELLS, table_plugin
from builder.parse.tabs import tabs_plugin
from builder.parse.tasklists import TASK, tasklists_plugin
from builder.parse.texmacros import FileMacros
from builder.parse.wikiembeds import wiki_embeds_plugin
from builder.support.collector import collector_paused

DIAGRAM_INFO = "diagram"


def _digit_star_is_text(state: StateInline, silent: bool) -> bool:
    """Keep ``*`` between two digits literal, so ``5*5 … 3*3`` is not emphasis.

    CommonMark lets an intraword ``*`` open and close emphasis; in study notes a
    star between digits is a multiplication sign far more often than markup.
    """
    pos = state.pos
    src = state.src
    if src[pos] != "*" or pos == 0 or pos + 1 >= state.posMax:
        return False
    if not (src[pos - 1].isdigit() and src[pos + 1].isdigit()):
        return False
    if not silent:
        state.pending += "*"
    state.pos += 1
    return True


def make_parser() -> MarkdownIt:
    """Return the markdown-it parser every source file goes through."""
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(spaceless_headings_plugin)
    md.use(one_mark_headings_plugin)
    md.use(math_plugin)
    md.use(wiki_embeds_plugin)
    md.use(spaced_images_plugin)
    md.use(highlight_plugin)
    _footnotes(md)
    md.use(table_plugin)
    md.use(container_plugin, CONTAINER_NAME, validate=container_type_given)
    md.use(admonitions_plugin)
    md.use(tabs_plugin)
    md.use(liquid_tags_plugin)
    md.use(liquid_references_plugin)
    md.use(html_details_plugin)
    md.use(html_aside_plugin)
    md.use(deflist_plugin)
    md.use(deflists_plugin)
    guard_blocks(md)
    md.use(callouts_plugin)
    md.use(answer_boxes_plugin)
    md.use(placeholder_tags_plugin)
    md.use(tasklists_plugin)
    md.use(logseq_plugin)
    md.use(block_ids_plugin)
    md.use(image_attrs_plugin)
    md.inline.ruler.before("emphasis", "digit_star", _digit_star_is_text)
    bound_inline_nesting(md)
    keep_deep_blocks_as_text(md)
    _place_inline_tokens(md)
    bound_tokens(md)
    return md


def _footnotes(md: MarkdownIt) -> None:
    """mdit-py-plugins' footnotes, inline ones too, definitions left where written
    (``builder.parse.footnotes`` moves each to the cards citing it; the rules around the
    plugin's are ``builder.parse.footnoterules``)."""
    md.use(footnote_plugin, inline=True, move_to_end=False)
    footnote_rules(md, footnote_ref)


class _PlacedState(StateInline):
    """markdown-it's inline state, recording in each token where in the content it starts."""

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        count_token(self.env)
        token = super().push(ttype, tag, nesting)
        # A link is opened once its label is entered: its "[" is just before.
        opened = ttype == "link_open" and self.src[self.pos - 1:self.pos] == "["
        token.meta[POS] = self.pos - 1 if opened else self.pos
        return token

    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:
        # CommonMark's flanking test, CJK-friendly (``**答案：**这是``).
        return scan_delims(self.src, start, self.posMax, canSplitWord)

    def pushPending(self) -> Token:
        text, end = self.pending, self.pos
        start = end - len(text)
        if start < 0 or not self.src.startswith(text, start):  # (no copy of the text)
            # The text ends before ``pos``: a line break took its trailing spaces, or a
            # rule moved on before pushing.
            start = max(self.src.rfind(text, 0, end), 0)
        count_token(self.env)
        token = super().pushPending()
        token.meta[POS] = start
        return token


def _place_inline_tokens(md: MarkdownIt) -> None:
    """Have every inline token record where it starts (``POS``), for the nodes' columns."""
    inline = md.inline

    def parse(src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token]:
        state = _PlacedState(src, md, env, tokens)
        inline.tokenize(state)
        for rule in inline.ruler2.getRules(""):
            rule(state)
        return state.tokens

    inline.parse = parse  # type: ignore[method-assign]
    inline.ruler2.at("fragments_join", _join_fragments_placed)


def _join_fragments_placed(state: StateInline) -> None:
    # markdown-it keeps the last token of a run of text it joins: it takes the run's start.
    # An emptied one (the second `*` of a `**` made strong) has no text to start.
    tokens = state.tokens
    for previous, token in pairwise(tokens):
        if token.type == "text" and previous.type == "text" and previous.content \
                and POS in previous.meta:
            token.meta[POS] = previous.meta[POS]
    _fragments_join(state)


@cache
def _shared_parser() -> MarkdownIt:
    return make_parser()


def tokenize(text: str, env: dict[str, Any] | None = None) -> list[Token]:
    """Parse Markdown (BOM already removed) into markdown-it tokens, with the shared parser.

    A code fence left open is cut before the first heading it swallowed (builder.parse.fences),
    and front matter closed only by a later rule, before the first heading it swallowed
    (builder.parse.frontmatter_cut).  Every parse, repairs' included, hands its doubtful ``$``
    pairings to the inline tokens they belong to.  ``env`` is markdown-it's: the link
    references defined are left in it (and references put in it are used).
    """
    env = {} if env is None else env
    with collector_paused():
        tokens = repair_front_matter(text, _parse(text, env), _parse, parse_blocks)
        return repair_fences(text, tokens, _parse, parse_blocks, env)


def tokenize_file(text: str, env: dict[str, Any], path: str) -> list[Token]:
    """``tokenize``; a file whose Markdown makes too many tokens is a ``SourceError``
    placed on the line the parse had reached."""
    try:
        return tokenize(text, env)
    except TooManyTokens as exc:
        raise too_many_tokens(exc, path) from None


def too_many_tokens(exc: TooManyTokens, path: str) -> SourceError:
    """The error of a file whose Markdown makes too many tokens."""
    return SourceError(SourceLoc(path, exc.line + 1), f"file makes {exc}, the limit for one "
                       "Markdown file (real notes make under half as many); split it into "
                       "several files", "file-too-large")


def _parse(text: str, env: dict[str, Any]) -> list[Token]:
    tokens = _shared_parser().parse(text, env)
    attach_doubts(tokens, env)
    return tokens


@cache
def _block_parser() -> MarkdownIt:
    md = make_parser()
    md.disable(["inline", "text_join"], ignoreInvalid=True)
    return md


def parse_blocks(text: str, env: dict[str, Any]) -> list[Token]:
    """Parse block structure only (inline tokens keep their raw text, no children)."""
    return _block_parser().parse(text, env)


@dataclass
class NodeBuilder(InlineNodes):
    """Turns a markdown-it syntax tree into frozen Nodes, collecting what it finds.

    ``validate_diagram`` checks a diagram's kind and parameters and returns an
    error message, or None when they are fine.
    """

    path: str
    lines: list[str]
    validate_diagram: Callable[[str, dict[str, object]], str | None]
    breaks: bool = True
    """Render a single newline inside a paragraph as a line break (markdown-it's ``breaks``)."""
    lang: str = "zh"
    """The document's language: a diagram block without its own ``lang`` is labelled in it."""
    formulas: list[Formula] = field(default_factory=list)
    diagrams: list[Diagram] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    macros: FileMacros = field(default_factory=FileMacros)
    """The TeX macros the file's formulas defined so far (in document order)."""
    _content_lines: dict[int, tuple[Token, list[int], dict[int, int]]] = field(
        default_factory=dict)

    def reset(self) -> None:
        self.formulas = []
        self.diagrams = []

    def block(self, node: SyntaxTreeNode, parent_line: int = 0) -> Node:
        """A block and its children, each placed in the source (``parent_line``: where a
        node without a map of its own is, as table cells are on their row's line)."""
        token = node.token if node.token is not None else (
            node.nester_tokens.opening if node.nester_tokens is not None else None)
        source_map = token.map if token is not None else None
        line = source_map[0] + 1 if source_map else parent_line
        if source_map:
            # markdown-it's map end is exclusive and 0-based, so the 1-based last line; a
            # list's map takes in the blank lines after it.
            end = source_map[1]
            lines = self.lines
            while end > line and end <= len(lines) and not lines[end - 1].strip():
                end -= 1
        else:
            end = 0
        col = first_column(self.lines, line) if line else 0
        return self._block(node, line, col, end)

    def _block(self, node: SyntaxTreeNode, line: int, col: int, end: int) -> Node:
        kind = node.type
        if kind == "fence":
            return self._fence(node, line, col, end)
        if kind == "code_block":
            return Node("code_block", text=node.content, line=line, col=col, end_line=end)
        if kind in MATH_KINDS:
            return self._math(node, line, None, place=(col, end))
        if kind == "html_block":
            return self._html_block(node.content, line, col, end)
        if kind == "hr":
            return Node("hr", line=line, col=col, end_line=end)
        attrs: list[tuple[str, str]] = []
        if kind == "heading":
            attrs.append(("level", node.tag[1:]))
        elif kind == "ordered_list":
            attrs.append(("start", str(node.attrs.get("start", 1))))
        elif kind == "paragraph" and node.hidden:
            # markdown-it hides the <p> of paragraphs inside tight lists.
            attrs.append(("tight", "1"))
        elif kind == CALLOUT:
            attrs.extend(callout_attrs(node.meta.get(CALLOUT_META, {})))
        elif kind == "list_item" and node.meta.get(TASK):
            attrs.append((TASK, str(node.meta[TASK])))
        elif kind == "footnote_reference":
            kind = FOOTNOTE_DEF
            attrs.append(("label", str(node.meta.get("label", ""))))
        elif kind == "tr":
            self.report_extra_cells(node, line)
        elif kind in ("th", "td"):
            style = str(node.attrs.get("style", ""))
            if style.startswith("text-align:"):
                attrs.append(("align", style.split(":", 1)[1]))
        children: list[Node] = []
        for child in node.children:
            inline = child.token
            if inline is not None and inline.type == "inline":
                self._report_doubts(inline)
                self._alone = lone_picture(inline) if kind == "paragraph" else None
                children.extend(self._inline_tokens(inline.children or [], line, inline))
            else:
                children.append(self.block(child, line))
        return Node(kind, tuple(children), attrs=tuple(attrs), line=line, col=col,
                    end_line=end)

    def report_extra_cells(self, row: SyntaxTreeNode, line: int) -> None:  # outlinecards too
        opening = row.nester_tokens.opening if row.nester_tokens is not None else None
        extra = opening.meta.get(EXTRA_CELLS) if opening is not None else None
        if extra is not None:
            col, count, columns = extra
            self.diagnostics.append(Diagnostic(
                SourceLoc(self.path, line, col), "warning",
                f"{count:,} cell(s) past the table's {columns} column(s) left out (as GitHub "
                "does): add them to the header row, or write `\\|` for a `|` in a cell",
                "table-extra-cells"))

    def _html_block(self, content: str, line: int, col: int, end: int) -> Node:
        """Raw HTML; a formula service's ``<img>`` alone is a paragraph of its formula."""
        source = lone_image_source(content)
        picture = formula_picture(source) if source else None
        if picture is None or source is None:
            return Node("html_block", text=content, line=line, col=col, end_line=end)
        # The block starts its line, after any container marker (`> `): its tag is the
        # line's first.
        found = self.lines[line - 1].lower().find("<img") if 0 < line <= len(self.lines) else -1
        at_col = found + 1 if found >= 0 else col
        shown = self._formula_picture(picture, True, source, (line, at_col))
        return Node("paragraph", tuple(shown), line=line, col=col, end_line=end)

    def _fence(self, node: SyntaxTreeNode, line: int, col: int, end: int) -> Node:
        info = node.info.strip()
        lang = info.split(maxsplit=1)[0] if info else ""
        if lang != DIAGRAM_INFO:
            return Node("code_block", text=node.content, attrs=(("lang", lang),), line=line,
                        col=col, end_line=end)
        diagram = self._diagram(node.content, line)
        if diagram is None:
            return Node("code_block", text=node.content, attrs=(("lang", "yaml"),), line=line,
                        col=col, end_line=end)
        self.diagrams.append(diagram)
        return Node("diagram", text=node.content, line=line, diagram=diagram, col=col,
                    end_line=end)

    def _diagram(self, body: str, line: int) -> Diagram | None:
        diagram, said = read_diagram(body, self.path, line, self.lang, self.validate_diagram)
        self.diagnostics += said
        return diagram
