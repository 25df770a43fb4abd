"""The ``<!-- TOC -->`` block of a file, read as the walker meets it: its entries, and
where it is left open."""

from __future__ import annotations

from urllib.parse import unquote

from markdown_it.tree import SyntaxTreeNode

from builder.model import Diagnostic, SourceLoc, TocEntry, one_line
from builder.parse.headings import first_column, inline_text
from builder.parse.leftovers import toc_unclosed_diagnostic
from builder.parse.markdown import NodeBuilder
from builder.parse.tocfind import link_targets, one_page, own_link

TOC_START = "<!-- TOC -->"
TOC_END = "<!-- /TOC -->"


class TocReader:
    """The walker's reading of a ``<!-- TOC -->`` block (a mixin, like ``QuestionForms``)."""

    path: str
    builder: NodeBuilder
    diagnostics: list[Diagnostic]
    toc: list[TocEntry]
    toc_marked: bool
    """A ``<!-- /TOC -->`` closed a block (``Document.toc_marked``)."""
    _in_toc: int | None
    """The line of the open block's ``<!-- TOC -->``; None outside a block."""

    def _toc_marker(self, node: SyntaxTreeNode) -> bool:
        content = node.content.strip()
        if content == TOC_START:
            self._in_toc = node.map[0] + 1 if node.map else 1
            return True
        if content == TOC_END:
            self.toc_marked = self.toc_marked or self._in_toc is not None
            self._in_toc = None
            return True
        return False

    def _unclosed_toc(self, heading: SyntaxTreeNode) -> None:
        """End a TOC block at the first heading: a TOC holds links, never the notes."""
        start = self._in_toc or 1
        line = heading.map[0] + 1 if heading.map else start
        self.diagnostics.append(toc_unclosed_diagnostic(self.path, start, line))
        self._in_toc = None

    def _read_toc(self, node: SyntaxTreeNode, depth: int, *, manual: bool = False) -> None:
        """Read a TOC's entries; ``manual``: a list under "目录" (no ``<!-- TOC -->``),
        whose links past the file are named as they are left out with it."""
        # A TOC copied from the page the notes were written on links there, each entry at
        # the anchor of a heading this file has too (tocfind.one_page).
        page = one_page(link_targets(node)) if manual and depth == 0 else None
        self._read_entries(node, depth, manual, page)

    def _read_entries(self, node: SyntaxTreeNode, depth: int, manual: bool,
                      page: str | None) -> None:
        for item in node.children:
            for child in item.children:
                if child.type in ("bullet_list", "ordered_list"):
                    self._read_entries(child, depth + 1, manual, page)
                elif child.type == "paragraph" and child.children:
                    self._toc_entry(child, depth, manual, page)

    def _toc_entry(self, paragraph: SyntaxTreeNode, depth: int, manual: bool = False,
                   page: str | None = None) -> None:
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
        href = own_link(href, self.path) or ""  # a link to this file by its URL is a link into it
        if page is not None and href.startswith(page + "#"):
            href = href.removeprefix(page)
        # markdown-it percent-encodes link targets; the TOC compares them as text.
        anchor = unquote(href.removeprefix("#"))
        col = first_column(self.builder.lines, line)
        if manual and not href.startswith("#"):
            where = f"links past this file ({href[:80]})" if href else "links to nothing"
            self.diagnostics.append(Diagnostic(
                SourceLoc(self.path, line, col), "warning",
                f"TOC entry '{one_line(text)[:60]}' {where}: it is left out with the table "
                "of contents; to keep it, write it under a heading", "toc-outside"))
        self.toc.append(TocEntry(text, anchor, depth, SourceLoc(self.path, line, col)))
