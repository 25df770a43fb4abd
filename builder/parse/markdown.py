"""markdown-it-py set up for study notes, and its syntax tree turned into model Nodes."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any, Literal
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import fragments_join as _fragments_join
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from builder.model import Diagnostic, Diagram, Formula, Node, SourceLoc
from builder.parse.fences import repair_fences
from builder.parse.frontmatter_cut import repair_front_matter
from builder.parse.headings import first_column
from builder.parse.mathsyntax import DOUBT, attach_doubts, math_plugin
from builder.parse.nesting import bound_inline_nesting, keep_deep_blocks_as_text
from builder.parse.texsafe import strip_unsafe
from builder.support.yamlload import YAMLError, error_place, load_yaml, yaml_problem

DIAGRAM_INFO = "diagram"
POS = "pos"
"""``meta`` key of an inline token: the offset in its inline token's content where it
starts (markdown-it maps block tokens to lines, and inline tokens to nothing)."""

_MATH_KINDS = {
    "math_inline": ("math_inline", False),
    "math_inline_double": ("math_inline", True),
    "math_block": ("math_block", True),
}


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
    md.use(math_plugin)
    md.inline.ruler.before("emphasis", "digit_star", _digit_star_is_text)
    bound_inline_nesting(md)
    keep_deep_blocks_as_text(md)
    _place_inline_tokens(md)
    return md


class _PlacedState(StateInline):
    """markdown-it's inline state, recording in each token where in the content it starts."""

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        token = super().push(ttype, tag, nesting)
        # A link is opened once its label is entered: its "[" is just before.
        opened = ttype == "link_open" and self.src[self.pos - 1:self.pos] == "["
        token.meta[POS] = self.pos - 1 if opened else self.pos
        return token

    def pushPending(self) -> Token:
        text, end = self.pending, self.pos
        start = end - len(text)
        if self.src[start:end] != text:
            # The text ends before ``pos``: a line break took its trailing spaces, or a
            # rule moved on before pushing.
            start = max(self.src.rfind(text, 0, end), 0)
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


def tokenize(text: str) -> list[Token]:
    """Parse Markdown (BOM already removed) into markdown-it tokens, with the shared parser.

    A code fence left open is cut before the first heading it swallowed (builder.parse.fences),
    and front matter closed only by a later rule, before the first heading it swallowed
    (builder.parse.frontmatter_cut).  Every parse, repairs' included, hands its doubtful ``$``
    pairings to the inline tokens they belong to.
    """
    env: dict[str, Any] = {}
    tokens = repair_front_matter(text, _parse(text, env), _parse, parse_blocks)
    return repair_fences(text, tokens, _parse, parse_blocks, env)


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
class NodeBuilder:
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
    # inline token (kept so its id stays its own) → its content's line starts, and the
    # column found for each line: without it each formula rescanned the whole content
    # (200,000 `$a$` on one line never finished)
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
        if kind in _MATH_KINDS:
            return self._math(node, line, None, place=(col, end))
        if kind == "html_block":
            return Node("html_block", text=node.content, line=line, col=col, end_line=end)
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
        elif kind in ("th", "td"):
            style = str(node.attrs.get("style", ""))
            if style.startswith("text-align:"):
                attrs.append(("align", style.split(":", 1)[1]))
        children: list[Node] = []
        for child in node.children:
            inline = child.token
            if inline is not None and inline.type == "inline":
                self._report_doubts(inline)
                children.extend(self._inline_tokens(inline.children or [], line, inline))
            else:
                children.append(self.block(child, line))
        return Node(kind, tuple(children), attrs=tuple(attrs), line=line, col=col,
                    end_line=end)

    def inline(self, nodes: list[SyntaxTreeNode], line: int) -> list[Node]:
        """Inline nodes, each placed in the source (``line``: their block's first line, for
        nodes whose place markdown-it cannot give)."""
        if not nodes:
            return []
        holder = nodes[0].parent
        while holder is not None and holder.type != "inline":
            holder = holder.parent
        return self._inline_tokens(list(_tokens_of(nodes)), line,
                                   holder.token if holder is not None else None)

    def _inline_tokens(self, tokens: list[Token], line: int, holder: Token | None
                       ) -> list[Node]:
        """Inline nodes from markdown-it's flat inline tokens (``holder``: the inline token
        whose content they are in, which places them).

        Walked with a stack of open elements: no syntax tree is built for them.
        """
        out: list[Node] = []
        opened: list[tuple[Token, list[Node]]] = []
        for token in tokens:
            nesting = token.nesting
            if nesting == 1:
                opened.append((token, out))
                out = []
                continue
            if nesting == -1:
                if not opened:
                    continue  # markdown-it balances its tokens; a stray close is no element
                opening, outer = opened.pop()
                children, out = tuple(out), outer
                kind = opening.type.removesuffix("_open")
                at_line, col = self._place(opening, line, holder)
                if kind == "link":
                    href = str(opening.attrs.get("href", ""))
                    out.append(Node("link", children, attrs=(("href", href),), line=at_line,
                                    col=col))
                else:
                    out.append(Node(kind, children, line=at_line, col=col))
                continue
            self._leaf(token, line, holder, out)
        while opened:  # unbalanced (never from markdown-it): keep what was read
            opening, outer = opened.pop()
            at_line, col = self._place(opening, line, holder)
            outer.append(Node(opening.type.removesuffix("_open"), tuple(out), line=at_line,
                              col=col))
            out = outer
        return out

    def _leaf(self, token: Token, line: int, holder: Token | None, out: list[Node]) -> None:
        kind = token.type
        if kind in ("text", "code_inline"):
            if token.content:
                at_line, col = self._place(token, line, holder)
                out.append(Node(kind, text=token.content, line=at_line, col=col))
        elif kind in _MATH_KINDS:
            out.append(self._math(token, line, holder, inline=True))
        elif kind in ("softbreak", "hardbreak"):
            at_line, col = self._place(token, line, holder)
            out.append(Node("hardbreak" if self.breaks else kind, line=at_line, col=col))
        elif kind == "html_inline":
            at_line, col = self._place(token, line, holder)
            out.append(Node(kind, text=token.content, line=at_line, col=col))
        elif kind == "image":
            at_line, col = self._place(token, line, holder)
            # markdown-it percent-encodes the target; the file on disk has the plain name.
            src = unquote(str(token.attrs.get("src", "")))
            out.append(Node("image", attrs=(("src", src), ("alt", _alt_text(token))),
                            line=at_line, col=col))
        else:
            at_line, col = self._place(token, line, holder)
            out.append(Node(kind, tuple(self._inline_tokens(token.children or [], line, holder)),
                            line=at_line, col=col))

    def _place(self, token: Token, line: int, holder: Token | None) -> tuple[int, int]:
        """The source line and column where an inline token starts (see ``POS``)."""
        meta = token.meta
        offset = meta["offset"] if "offset" in meta else meta.get(POS)
        if holder is None or not holder.map or not isinstance(offset, int):
            return line, first_column(self.lines, line)
        at_line, col = self._inline_place(holder, offset)
        return at_line, col if col is not None else 1

    def _report_doubts(self, holder: Token) -> None:
        for offset, why in holder.meta.get(DOUBT, []):
            self.diagnostics.append(Diagnostic(
                self._inline_loc(holder, offset, "$"), "warning",
                f"`$` kept as text: {why}; write `\\$` for a dollar sign, or "
                "`$x$` for a formula", "dollar-pairing"))

    def _formula_loc(self, token: Token, line: int, holder: Token | None) -> SourceLoc:
        """Where a formula's opening marker is in the source."""
        offset = token.meta.get("offset")
        if holder is not None and holder.map and isinstance(offset, int):
            return self._inline_loc(holder, offset, token.markup)
        return self._loc_in_line(line, token.markup, 0)

    def _inline_loc(self, holder: Token, offset: int, marker: str) -> SourceLoc:
        """The source place of ``offset`` in an inline token's content (of ``marker`` on
        its line when the line is not found)."""
        line, col = self._inline_place(holder, offset)
        if col is not None:
            return SourceLoc(self.path, line, col)
        return self._loc_in_line(line, marker, 0)

    def _inline_place(self, holder: Token, offset: int) -> tuple[int, int | None]:
        """The source line and column of ``offset`` in an inline token's content (column
        None when the content's line is not found in the source line).

        markdown-it strips each line's indentation and container markers (``- ``,
        ``> ``, table pipes) from the content, so the content's line is found in
        the source line to give the column.
        """
        assert holder.map is not None
        content = holder.content
        known = self._content_lines.get(id(holder))
        if known is None or known[0] is not holder:
            starts = [0, *(i + 1 for i, ch in enumerate(content) if ch == "\n")]
            known = self._content_lines[id(holder)] = (holder, starts, {})
        _holder, starts, columns = known
        row = bisect_right(starts, offset) - 1
        line_start = starts[row]
        line = holder.map[0] + 1 + row
        if row not in columns:
            end = starts[row + 1] - 1 if row + 1 < len(starts) else len(content)
            columns[row] = (self.lines[line - 1].find(content[line_start:end])
                            if 0 < line <= len(self.lines) else -1)
        if columns[row] >= 0:
            return line, columns[row] + offset - line_start + 1
        return line, None

    def _loc_in_line(self, line: int, needle: str, start: int) -> SourceLoc:
        col = 1
        if 0 < line <= len(self.lines) and needle:
            found = self.lines[line - 1].find(needle, start)
            if found >= 0:
                col = found + 1
        return SourceLoc(self.path, line, col)

    def _math(self, node: SyntaxTreeNode | Token, line: int, holder: Token | None, *,
              inline: bool = False, place: tuple[int, int] | None = None) -> Node:
        """A formula (``place``: a block's column and last line, else it is inline)."""
        kind, display = _MATH_KINDS[node.type]
        token = node if isinstance(node, Token) else _token_of(node)
        loc = self._formula_loc(token, line, holder)
        tex, removed = strip_unsafe(token.content.strip())
        if removed:
            names = ", ".join(f"`{name}`" for name in dict.fromkeys(removed))
            self.diagnostics.append(Diagnostic(
                loc, "warning", f"{names} taken out of the formula: in Anki's MathJax it "
                "would make a link, a style or markup", "formula-command"))
        formula = Formula(tex, display, loc)
        self.formulas.append(formula)
        if inline and display:
            kind = "math_inline"
        if place is None:
            return Node(kind, text=tex, line=loc.line, col=loc.col, formula=formula)
        col = first_column(self.lines, loc.line) if loc.line else loc.col
        return Node(kind, text=tex, line=loc.line, col=col, formula=formula, end_line=place[1])

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
        loc = SourceLoc(self.path, line, 1)
        try:
            data = load_yaml(body)
        except YAMLError as exc:
            place = error_place(exc)
            if place is not None:
                loc = SourceLoc(self.path, line + 1 + place[0], place[1] + 1)
            self._error(loc, f"diagram block is not valid YAML: {yaml_problem(exc)}",
                        "diagram-yaml")
            return None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            self._error(loc, "diagram block needs a mapping with 'type: NAME'", "diagram-type")
            return None
        kind = data.pop("type")
        params = {str(k): v for k, v in data.items()}
        # In the params, the language is part of the image's name: a zh and an en drawing of
        # the same block are two images.
        params.setdefault("lang", self.lang)
        problem = self.validate_diagram(kind, params)
        if problem is not None:
            code = "diagram-type" if problem.startswith("unknown diagram type") else "diagram-param"
            self._error(loc, problem, code)
            return None
        canonical = json.dumps({"type": kind, **params}, sort_keys=True, ensure_ascii=False,
                               default=str)
        return Diagram(kind, tuple(sorted(params.items())), canonical, loc)

    def _error(self, loc: SourceLoc, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(loc, "error", message, code))


def _token_of(node: SyntaxTreeNode) -> Token:
    if node.token is not None:
        return node.token
    assert node.nester_tokens is not None
    return node.nester_tokens.opening


def _tokens_of(nodes: list[SyntaxTreeNode]) -> Iterator[Token]:
    """The flat tokens syntax-tree nodes were made from, in order."""
    for node in nodes:
        if node.token is not None:
            yield node.token
        elif node.nester_tokens is not None:
            yield node.nester_tokens.opening
            yield from _tokens_of(node.children)
            yield node.nester_tokens.closing


def _alt_text(image: Token) -> str:
    """An image's alt text: its label's top-level text, a line break read as a space
    ("first\\nline" is not "firstline")."""
    parts: list[str] = []
    depth = 0
    for token in image.children or ():
        if depth == 0 and token.nesting >= 0:
            parts.append(" " if token.type in ("softbreak", "hardbreak") else token.content)
        depth += token.nesting
    return "".join(parts) or str(image.content)
