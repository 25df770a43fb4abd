"""The ``toc`` command: rewrite each file's ``<!-- TOC -->`` block from its headings.

Only the lines between the two markers change: everything outside the block
stays byte for byte, line endings (CRLF stays CRLF) and a BOM included. The new
block keeps the old one's style: bullet, indent width, blank lines around it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from builder.checks.toc import (
    TocBlock,
    Wanted,
    compare,
    find_block,
    has_marker,
    manual_block,
    wanted_entries,
)
from builder.model import Diagnostic, SourceLoc
from builder.parse.document import ParseOptions, parse_text
from builder.parse.markdown import make_parser, too_many_tokens
from builder.parse.nesting import TooManyTokens
from builder.parse.source import SourceError, read_source, source_lines
from builder.parse.tocread import TOC_END, TOC_START
from builder.support.atomic import atomic_write_bytes

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class TocStyle:
    """How an existing block writes its entries; the defaults serve an empty block."""

    marker: str = "-"
    """``-``, ``*`` or ``+``; or ``.`` or ``)`` after a number for an ordered list."""
    ordered: bool = False
    margin: int = 0
    """Spaces before a top-level bullet."""
    indent: int = 2
    """Extra spaces per nesting level."""
    gap: int = 1
    """Spaces between the bullet and the link."""
    blank_before: int = 1
    blank_after: int = 1


@dataclass
class TocUpdate:
    """The outcome for one file."""

    path: str
    changed: bool = False
    written: bool = False
    note: str | None = None
    """Why the file was left alone (no block, unreadable), when it was."""
    diagnostics: list[Diagnostic] = field(default_factory=list)


def update_file(path: Path, shown: str, *, check: bool,
                options: ParseOptions | None = None) -> TocUpdate:
    """Bring one file's TOC up to date (or, with ``check``, report that it is not)."""
    update = TocUpdate(shown)
    try:
        text = read_source(path, shown)
    except SourceError as exc:
        update.diagnostics.append(Diagnostic(exc.loc, "error", exc.message, exc.code))
        update.note = "not read"
        return update
    try:
        new_text = rebuild(text, shown, update, options)
    except (SourceError, TooManyTokens) as exc:  # its Markdown is too large a parse
        error = exc if isinstance(exc, SourceError) else too_many_tokens(exc, shown)
        update.diagnostics.append(Diagnostic(error.loc, "error", error.message, error.code))
        update.note = "not read"
        return update
    if new_text is None or new_text == text:
        return update
    update.changed = True
    if not check:
        _write(path, new_text)
        update.written = True
    return update


def rebuild(text: str, shown: str, update: TocUpdate,
            options: ParseOptions | None = None) -> str | None:
    """Return ``text`` (BOM removed) with its TOC block regenerated, or None when it has none.

    Differences found go into ``update.diagnostics``; a missing block into ``update.note``.
    """
    tokens = make_parser().parse(text)
    block = find_block(tokens) or manual_block(tokens, source_lines(text))
    if block is None:
        update.note = ("[TOC] is drawn by the editor, nothing to check; left alone"
                       if has_marker(tokens) else
                       f"no {TOC_START} … {TOC_END} block; left alone")
        return None
    doc = parse_text(text, shown, options)
    physical = physical_lines(text)
    old_block = physical[block.start + 1:block.end]
    newline = _newline_of(physical[max(block.start, 0)])
    style = detect_style(tokens, block, source_lines(text))
    new_block = [line + newline for line in render(wanted_entries(doc), style)]
    if new_block == old_block:
        return text
    update.diagnostics += compare(doc, source_lines(text)) or [_first_difference(
        shown, block, old_block, new_block)]
    return "".join([*physical[:block.start + 1], *new_block, *physical[block.end:]])


def physical_lines(text: str) -> list[str]:
    """Split text into lines with their endings, breaking only at CRLF, CR and LF."""
    lines: list[str] = []
    for piece in text.splitlines(keepends=True):
        # str.splitlines also breaks at form feeds, U+2028 and the like; markdown-it does not.
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def _newline_of(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    return "\r" if line.endswith("\r") else "\n"


def detect_style(tokens: Sequence[Token], block: TocBlock, lines: Sequence[str]) -> TocStyle:
    """Read bullet, indents and blank lines off the entries already in the block."""
    items = [t for t in tokens if t.type == "list_item_open" and t.map
             and block.start < t.map[0] < block.end]
    if not items:
        return TocStyle()
    first = items[0]
    first_line = lines[first.map[0]] if first.map else ""
    margin = len(first_line) - len(first_line.lstrip(" "))
    ordered = first.markup in (".", ")")
    marker_width = len(first.info) + 1 if ordered else 1
    after = first_line[margin + marker_width:]
    indents = {len(lines[t.map[0]]) - len(lines[t.map[0]].lstrip(" ")) - margin
               for t in items if t.map}
    deeper = [i for i in indents if i > 0]
    body = lines[block.start + 1:block.end]
    return TocStyle(
        marker=first.markup, ordered=ordered, margin=margin,
        indent=min(deeper) if deeper else max(2, marker_width + 1),
        gap=max(1, len(after) - len(after.lstrip(" "))),
        blank_before=_count_blank(body), blank_after=_count_blank(body[::-1]))


def _count_blank(lines: Sequence[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count


def render(wanted: Sequence[Wanted], style: TocStyle) -> list[str]:
    """Return the block's lines (without line endings) for these entries."""
    counters: list[int] = []
    lines = [""] * style.blank_before
    for entry in wanted:
        del counters[entry.depth + 1:]
        counters += [0] * (entry.depth + 1 - len(counters))
        counters[entry.depth] += 1
        bullet = f"{counters[entry.depth]}{style.marker}" if style.ordered else style.marker
        text = escape_link_text(entry.heading.text)
        lines.append(f"{' ' * (style.margin + style.indent * entry.depth)}{bullet}"
                     f"{' ' * style.gap}[{text}](#{entry.heading.anchor})")
    return lines + [""] * style.blank_after


def escape_link_text(text: str) -> str:
    """Backslash-escape what would turn a heading's plain text into markup inside ``[…]``."""
    out: list[str] = []
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if char in "\\[]`" or (char == "<" and (after.isalpha() or after in "/!?")):
            out.append("\\" + char)
        elif char == "*" and not (before.isdigit() and after.isdigit()):
            out.append("\\*")
        elif char == "_" and not (before.isalnum() and after.isalnum()):
            out.append("\\_")
        else:
            out.append(char)
    return "".join(out)


def _first_difference(shown: str, block: TocBlock, old: list[str], new: list[str]
                      ) -> Diagnostic:
    index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                 min(len(old), len(new)))
    return Diagnostic(SourceLoc(shown, block.start + 2 + index), "warning",
                      "TOC block is out of date; run `build-deck toc` to rewrite it",
                      "toc-outdated")


def _write(path: Path, text: str) -> None:
    """Write the new text atomically, keeping the BOM and the file's permissions."""
    target = path.resolve()
    mode = target.stat().st_mode & 0o7777
    bom = BOM if target.read_bytes().startswith(BOM) else b""
    atomic_write_bytes(target, bom + text.encode("utf-8"))
    os.chmod(target, mode)
