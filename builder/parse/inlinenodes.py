"""Inline syntax → model Nodes, each placed at its line and column in the source.

markdown-it keeps an inline token's children flat (``em_open``, ``text``, ``em_close``);
they are walked as they are, with a stack of the open elements, rather than through a
syntax tree built for them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import unquote

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.model import Diagnostic, Formula, Node, SourceLoc
from builder.parse.csdnpictures import MARK, csdn_note, failed_copy_nodes, is_failed_copy
from builder.parse.footnotes import FOOTNOTE_INLINE, FOOTNOTE_REF, INLINE, UNDEFINED
from builder.parse.formulaimages import FormulaPicture, formula_picture, lone_image_source
from builder.parse.headings import first_column
from builder.parse.mathsyntax import DOUBT
from builder.parse.texmacros import FileMacros
from builder.parse.texsafe import delimiters_unwrapped, references_decoded, strip_unsafe
from builder.parse.texsizes import MAX_EM, clamp_tall_sizes
from builder.parse.typstmath import typst_message, typst_signs

POS = "pos"
"""``meta`` key of an inline token: the offset in its inline token's content where it
starts (markdown-it maps block tokens to lines, and inline tokens to nothing)."""

CELL = "cell_place"
"""``meta`` key of a table cell's inline token: (0-based column of its content in its
line, the content as written there, the content's offsets of each ``|`` whose escaping
backslash was dropped), so what is in a cell is placed where it is written."""

MACRO_CODE = "tex-macro"

MATH_KINDS = {
    "math_inline": ("math_inline", False),
    "math_inline_double": ("math_inline", True),
    "math_block": ("math_block", True),
}
"""markdown-it's math token types → the Node kind and whether the formula is a display."""


class InlineNodes:
    """The inline half of ``builder.parse.markdown.NodeBuilder``, which holds the state."""

    path: str
    lines: list[str]
    breaks: bool
    formulas: list[Formula]
    diagnostics: list[Diagnostic]
    macros: FileMacros
    _content_lines: dict[int, tuple[Token, list[int], dict[int, int]]]
    """Inline token (kept so its id stays its own) → its content's line starts, and the
    column found for each line: without it each formula rescanned the whole content
    (200,000 `$a$` on one line never finished)."""
    _alone: Token | None = None
    """The picture that is all of its paragraph: a formula picture there is a display."""

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
            content = token.content
            at_line, col = self._place(token, line, holder)
            if kind == "text" and content.startswith("]") and _unbracket_citation(out):
                content, col = content[1:], col + 1
            if kind == "text" and MARK in content:
                nodes, notes = failed_copy_nodes(content, SourceLoc(self.path, at_line, col))
                out += nodes
                self.diagnostics += notes
            elif content:
                out.append(Node(kind, text=content, line=at_line, col=col))
        elif kind in MATH_KINDS:
            out.append(self._math(token, line, holder, inline=True))
        elif kind in ("softbreak", "hardbreak"):
            at_line, col = self._place(token, line, holder)
            out.append(Node("hardbreak" if self.breaks else kind, line=at_line, col=col))
        elif kind == FOOTNOTE_REF:
            self._citation(token, line, holder, out)
        elif kind in ("html_inline", "image"):
            out.extend(self._picture(token, self._place(token, line, holder)))
        else:
            at_line, col = self._place(token, line, holder)
            out.append(Node(kind, tuple(self._inline_tokens(token.children or [], line, holder)),
                            line=at_line, col=col))

    def _citation(self, token: Token, line: int, holder: Token | None, out: list[Node]
                  ) -> None:
        """A footnote citation; an inline footnote (its note the node's children); or a
        citation of a label defined nowhere, kept as the text written, with a warning."""
        at_line, col = self._place(token, line, holder)
        label = str(token.meta.get("label", ""))
        if token.meta.get(INLINE):
            note = self._inline_tokens(token.children or [], line, holder)
            out.append(Node(FOOTNOTE_INLINE, tuple(note), line=at_line, col=col))
        elif token.meta.get(UNDEFINED):
            out.append(Node("text", text=f"[^{label}]", line=at_line, col=col))
            self.diagnostics.append(Diagnostic(
                SourceLoc(self.path, at_line, col), "warning",
                f"footnote [^{label}] is cited but defined nowhere in the file: it is shown "
                f"as written (define it on a line of its own: `[^{label}]: the note`)",
                "footnote-undefined"))
        else:
            out.append(Node(FOOTNOTE_REF, attrs=(("label", label),), line=at_line, col=col))

    def _picture(self, token: Token, place: tuple[int, int]) -> list[Node]:
        """A Markdown picture or raw HTML (a formula service's picture: its formula)."""
        if token.type == "image":
            # markdown-it percent-encodes the target; the file on disk has the plain name.
            written = str(token.attrs.get("src", ""))
            src = unquote(written)
        else:
            written = src = lone_image_source(token.content) or ""
        picture = formula_picture(written) if written else None
        if picture is not None:
            return self._formula_picture(picture, token is self._alone, src, place)
        if token.type == "image":
            # A width only an embed gives (``![[a.png|300]]``, ``builder.parse.wikiembeds``).
            width = token.attrs.get("width")
            sized = (("width", str(width)),) if width else ()
            alt = _alt_text(token)
            if is_failed_copy(alt):
                alt = ""
                self.diagnostics.append(csdn_note(SourceLoc(self.path, *place)))
            return [Node("image", attrs=(("src", src), ("alt", alt), *sized),
                         line=place[0], col=place[1])]
        return [Node("html_inline", text=token.content, line=place[0], col=place[1])]

    def _place(self, token: Token, line: int, holder: Token | None) -> tuple[int, int]:
        """The source line and column where an inline token starts (see ``POS``)."""
        meta = token.meta
        offset = meta["offset"] if "offset" in meta else meta.get(POS)
        if holder is None or not holder.map or not isinstance(offset, int):
            return line, first_column(self.lines, line)
        at_line, col = self._inline_place(holder, offset)
        return at_line, col if col is not None else 1

    def _report_doubts(self, holder: Token) -> None:
        for offset, marker, why in holder.meta.get(DOUBT, []):
            loc = self._inline_loc(holder, offset, marker)
            if marker != "$":
                self.diagnostics.append(Diagnostic(loc, "note", why, "escaped-brackets"))
                continue
            self.diagnostics.append(Diagnostic(
                loc, "warning", f"`$` kept as text: {why}; write `\\$` for a dollar sign, or "
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
        cell = holder.meta.get(CELL)
        if cell is not None:
            column, written, dropped = cell
            line = holder.map[0] + 1
            if 0 < line <= len(self.lines) and self.lines[line - 1].startswith(written, column):
                return line, column + offset + bisect_right(dropped, offset) + 1
        content = holder.content
        known = self._content_lines.get(id(holder))
        if known is None or known[0] is not holder:
            starts = [0]
            newline = content.find("\n")
            while newline >= 0:
                starts.append(newline + 1)
                newline = content.find("\n", newline + 1)
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
        kind, display = MATH_KINDS[node.type]
        token = node if isinstance(node, Token) else _token_of(node)
        loc = self._formula_loc(token, line, holder)
        written = self._with_macros(token.content, loc)
        if written is None:  # definitions only: they show nothing
            return Node("text", text="", line=loc.line, col=loc.col) if place is None else \
                Node("html_block", line=loc.line, col=loc.col, end_line=place[1])
        formula = self._formula(written, display, loc)
        tex = formula.tex
        if inline and display:
            kind = "math_inline"
        if place is None:
            return Node(kind, text=tex, line=loc.line, col=loc.col, formula=formula)
        col = first_column(self.lines, loc.line) if loc.line else loc.col
        return Node(kind, text=tex, line=loc.line, col=col, formula=formula, end_line=place[1])

    def _with_macros(self, written: str, loc: SourceLoc) -> str | None:
        """The formula with the file's TeX macros expanded (``builder.parse.texmacros``);
        None when it only defines macros."""
        applied = self.macros.apply(written)
        if applied.defined:
            names = ", ".join(f"`{name}`" for name in dict.fromkeys(applied.defined))
            shown = " (it shows nothing itself)" if applied.tex is None else ""
            self.diagnostics.append(Diagnostic(
                loc, "note", f"TeX macros {names} defined here{shown}: expanded in the "
                "formulas after it in this file", MACRO_CODE))
        if applied.error:
            self.diagnostics.append(Diagnostic(
                loc, "warning", f"the file's TeX macros not expanded in this formula: "
                f"{applied.error}", MACRO_CODE))
        return applied.tex

    def _formula(self, written: str, display: bool, loc: SourceLoc) -> Formula:
        """A formula, what Anki's MathJax must not see taken out (and reported)."""
        # References first: ``&#92;href`` is a ``\href`` to take out too.
        tex, removed = strip_unsafe(delimiters_unwrapped(references_decoded(written)))
        if removed:
            names = ", ".join(f"`{name}`" for name in dict.fromkeys(removed))
            self.diagnostics.append(Diagnostic(
                loc, "warning", f"{names} taken out of the formula: in Anki's MathJax it "
                "would make a link, a style or markup", "formula-command"))
        tex, tall = clamp_tall_sizes(tex)
        if tall:
            names = ", ".join(f"`{name}`" for name in dict.fromkeys(tall))
            self.diagnostics.append(Diagnostic(
                loc, "warning", f"{names} sizes over {MAX_EM}em drawn at {MAX_EM}em: in Anki's "
                "MathJax the card would be as tall as the size, blank", "formula-command"))
        signs = typst_signs(tex)
        if signs:
            self.diagnostics.append(Diagnostic(loc, "warning", typst_message(tex, signs),
                                               "formula-typst"))
        formula = Formula(tex, display, loc)
        self.formulas.append(formula)
        return formula

    def _formula_picture(self, picture: FormulaPicture, alone: bool, src: str,
                         place: tuple[int, int]) -> list[Node]:
        """A formula service's picture as the formula it shows, a display when it is all
        of its paragraph (nothing, and a warning, when its address holds no TeX)."""
        loc = SourceLoc(self.path, *place)
        if not picture.tex:
            self.diagnostics.append(Diagnostic(
                loc, "warning", f"formula picture from {picture.service} not fetched, and "
                f"its address holds no TeX to draw: {src}; write the formula as `$…$`",
                "formula-image"))
            return []
        formula = self._formula(picture.tex, alone and not picture.inline, loc)
        return [Node("math_inline", text=formula.tex, line=loc.line, col=loc.col,
                     formula=formula)]


def lone_picture(inline: Token) -> Token | None:
    """The picture (Markdown or a raw ``<img>``) that is all of an inline token's
    content, spaces and line breaks aside; None when there is no such one."""
    found: Token | None = None
    for child in inline.children or ():
        if child.type in ("image", "html_inline") and found is None:
            found = child
        elif child.type in ("softbreak", "hardbreak") or (
                child.type == "text" and not child.content.strip()):
            continue
        else:
            return None
    return found


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


def _unbracket_citation(out: list[Node]) -> bool:
    """Drop the ``[`` of ``[[^2]]`` (a citation the author put in brackets) when ``out``
    ends with it and the citation; the caller drops the ``]``.

    The card shows the citation as ``[2]`` already; kept, the brackets made ``[[2]]`` on
    the card and ``title[]`` wherever the text is read plain (changes list, section names).
    """
    if len(out) < 2 or out[-1].kind != FOOTNOTE_REF or out[-2].kind != "text" \
            or not out[-2].text.endswith("["):
        return False
    before = out[-2].text[:-1]
    if before:
        out[-2] = replace(out[-2], text=before)
    else:
        del out[-2]
    return True
