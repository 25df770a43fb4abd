"""A source file's bytes → the text that is parsed: UTF-8 checked, control characters out.

Everything here reports where in the file a problem is, as ``path:line:col``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.model import Diagnostic, SourceLoc
from builder.support.safefile import read_regular

# Control characters other than tab and line ends, anywhere in a source: no Markdown
# means them, Anki drops them on import (an answer of only those arrives blank) and
# typst breaks the line at them.  Those Python counts as white space become a space.
# NUL becomes U+FFFD, as CommonMark says, so the author sees where it was.
CONTROL_CHARS: dict[int, str | None] = {
    code: " " if chr(code) in "\x0b\x0c\x1c\x1d\x1e\x1f\x85" else "\ufffd" if code == 0
    else None
    for code in [*(c for c in range(0x20) if chr(c) not in "\t\n\r"), *range(0x7F, 0xA0)]
}
"""The control characters, as a ``str.translate`` table: removed, made a space, or (NUL)
made U+FFFD."""
_DONE = {" ": "replaced by a space", "\ufffd": "replaced by U+FFFD", None: "removed"}
_CONTROL = re.compile("[" + "".join(re.escape(chr(code)) for code in CONTROL_CHARS) + "]")

MAX_COMBINING_RUN = 30
"""Marks stacked on one character beyond this are removed: Unicode's stream-safe limit
(UAX #15). One letter with 500,000 accents made typst allocate without end and abort
the whole build; no writing system stacks more than a few."""
# The blocks of marks that stack on any letter (Zalgo text), variation selectors and
# the zero-width joiner: each joins the character before it into one grapheme.
_MARK = ("\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f"
         "\u0e31-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff\u200d\u20d0-\u20ff"
         "\u302a-\u302f\u3099\u309a\ufe00-\ufe0f\ufe20-\ufe2f\U000e0100-\U000e01ef")
_EXCESS_MARKS = re.compile(f"[{_MARK}]{{{MAX_COMBINING_RUN}}}([{_MARK}]+)")


class SourceError(Exception):
    """A source file that cannot be read at all; carries its location."""

    def __init__(self, loc: SourceLoc, message: str, code: str = "source") -> None:
        super().__init__(f"{loc}: error: {message}")
        self.loc = loc
        self.message = message
        self.code = code


def _too_large_message(size: int) -> str:
    return (f"file is {size / 2**20:.1f} MB, over the {MAX_SOURCE_BYTES // 2**20} MB limit "
            "for one Markdown file; split it into several files")


MAX_SOURCE_BYTES = 1024 * 1024
"""A larger Markdown file is refused (split it into several). Measured on 2 shared cores:
realistic notes cost about 20 s of CPU per MB (parse, formulas, PDF), hostile shapes
more (2 MB of ``[`` took over 120 s, 2 MB of ``*a`` 70 s and 600 MB; 1 MB of ``[`` 14 s).
Volume is not bounded by size: 1 MB of table rows still peaks at 1.27 GB (see README).
The largest real notes file seen is 80 KB."""


def too_large(path: Path) -> bool:
    """Whether ``path`` is over ``MAX_SOURCE_BYTES``, told without reading it."""
    try:
        return path.stat().st_size > MAX_SOURCE_BYTES
    except OSError:
        return False


def outside(path: Path, root: Path) -> bool:
    """Whether ``path`` (under ``root``) is a link that leads out of ``root``: shared
    notes could otherwise pull ``~/.ssh/…`` or another user's files into a deck."""
    try:
        target = path.resolve(strict=True)
        return not target.is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):  # a loop, or a link to nothing: reading it reports it
        return False


def read_source(path: Path, display: str) -> str:
    """Read a Markdown file as UTF-8 (BOM allowed), with a precise error otherwise."""
    try:
        if too_large(path):
            raise SourceError(SourceLoc(display, 1), _too_large_message(path.stat().st_size),
                              "file-too-large")
        data = read_regular(path, MAX_SOURCE_BYTES + 1)  # one more: "too large" below
    except OSError as exc:
        raise SourceError(SourceLoc(display, 1), f"cannot read file: {exc.strerror}") from exc
    return decode_source(data, display)


def decode_source(data: bytes, display: str) -> str:
    """Decode a Markdown file's bytes as UTF-8 (BOM allowed), with a precise error otherwise."""
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(SourceLoc(display, 1), _too_large_message(len(data)), "file-too-large")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # UTF-32's little-endian mark starts as UTF-16's does: told apart first.
    for marks, unicode in (((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "UTF-32"),
                           ((b"\xff\xfe", b"\xfe\xff"), "UTF-16")):
        if data.startswith(marks):
            raise SourceError(SourceLoc(display, 1), f"file is {unicode} (it starts with a "
                              f"byte-order mark), not UTF-8; convert it with "
                              f"`iconv -f {unicode} -t UTF-8`")
    if looks_binary(data):
        raise SourceError(SourceLoc(display, 1), _not_utf8_message(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # Counted in characters, as every other column: the line's UTF-8 before it.
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8",
                                                                             "replace")) + 1
        surrogate = _SURROGATE.match(data, exc.start)
        message = (_surrogate_message(surrogate.group()) if surrogate
                   else _mixed_message(data, exc.start) if _mostly_utf8(data)
                   else _not_utf8_message(data))
        raise SourceError(SourceLoc(display, line, col), message) from exc


_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
"""A UTF-16 surrogate written as if it were a character (CESU-8, WTF-8): UTF-8 has none."""


def _surrogate_message(encoded: bytes) -> str:
    code = encoded.decode("utf-8", "surrogatepass")
    return (f"file is not UTF-8: it holds a UTF-16 surrogate (U+{ord(code):04X}) written "
            "as a character (CESU-8 or WTF-8: half of an emoji or rare character, split by "
            "the tool that wrote it); retype that character")


def _mostly_utf8(data: bytes) -> bool:
    """Whether more of the file's non-ASCII text is UTF-8 than is not: a note written in
    UTF-8 into which a line in another encoding was pasted.  Converting the whole file
    from that encoding would garble the rest."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= bad > 0


def _mixed_message(data: bytes, start: int) -> str:
    shown = data[start:start + 1].decode("cp1252", "replace").replace("\ufffd", "")
    guess = f" ('{shown}' in cp1252?)" if shown else ""
    return (f"file is not UTF-8 throughout: its other accented or non-Latin text is "
            f"UTF-8, but not byte 0x{data[start]:02X} here{guess}; retype "
            "the text written in another encoding (converting the whole file would "
            "garble the rest)")


MAX_CONTROL_SHARE = 0.05
"""A file whose first 8 KB are more than this share NUL and other control bytes is binary
(or UTF-16 without a byte-order mark, half NULs); a stray NUL in notes is not."""
_BINARY_CONTROLS = bytes(c for c in range(0x20) if c not in b"\t\n\r\x0c")


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` is a binary file (or UTF-16 text), not Markdown with a stray NUL."""
    head = data[:8192]
    if b"\x00" not in head:
        return False
    controls = len(head) - len(head.translate(None, _BINARY_CONTROLS))
    # (More than three: one stray NUL in a one-line note is not a fifth of a binary.)
    return controls > max(3, MAX_CONTROL_SHARE * len(head))


def _not_utf8_message(data: bytes) -> str:
    # Not UTF-8 and holding a NUL: no legacy text encoding has one either.
    if b"\x00" in data[:8192]:
        return "file is binary or UTF-16, not UTF-8 Markdown" + _utf16_hint(data[:8192])
    for encoding in ("gb18030", "big5", "shift_jis", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return (f"file is not UTF-8 (it looks like {encoding}); convert it with "
                f"`iconv -f {encoding} -t utf-8`")
    return "file is not UTF-8 text"


def _utf16_hint(head: bytes) -> str:
    """Which UTF-16 the NULs say a file is, when they are the high bytes of text: every
    other byte, and a quarter of those at least (the Markdown's own marks, Latin text)."""
    for unicode, high, low in (("UTF-16LE", head[1::2], head[0::2]),
                               ("UTF-16BE", head[0::2], head[1::2])):
        if low.count(0) < 0.05 * len(low) < high.count(0) / 5 and len(head) % 2 == 0:
            return f" (it looks like {unicode}: convert it with `iconv -f {unicode} -t UTF-8`)"
    return ""


def source_lines(text: str) -> list[str]:
    """Split text into lines numbered as markdown-it numbers them (CRLF, CR and LF end a line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def without_control_chars(text: str, path: str) -> tuple[str, list[Diagnostic], ColumnMap]:
    """Return ``text`` without control characters, a warning for each line that had any,
    and the map from the cleaned text's columns back to the file's."""
    if not _CONTROL.search(text) and not _EXCESS_MARKS.search(text):
        return text, [], ColumnMap()
    diagnostics = []
    removed: dict[int, tuple[int, ...]] = {}
    for number, line in enumerate(source_lines(text), 1):
        excess = [m.span(1) for m in _EXCESS_MARKS.finditer(line)]
        if excess:
            diagnostics.append(Diagnostic(
                SourceLoc(path, number, excess[0][0] + 1), "warning",
                f"more than {MAX_COMBINING_RUN} combining marks on one character; "
                "the rest are removed", "combining-marks"))
        found = list(_CONTROL.finditer(line))
        gone = sorted([*(c for a, b in excess for c in range(a, b)),
                       *(m.start() for m in found if CONTROL_CHARS[ord(m.group())] is None)])
        if gone:
            removed[number] = tuple(gone)
        if not found:
            continue
        first = found[0].group()
        done = _DONE[CONTROL_CHARS[ord(first)]]
        more = f" (and {len(found) - 1} more on this line)" if len(found) > 1 else ""
        diagnostics.append(Diagnostic(
            SourceLoc(path, number, found[0].start() + 1), "warning",
            f"control character U+{ord(first):04X} {done}{more}", "control-chars"))
    text = _EXCESS_MARKS.sub(lambda m: m.group()[:MAX_COMBINING_RUN], text)
    return text.translate(CONTROL_CHARS), diagnostics, ColumnMap(removed)


@dataclass(frozen=True)
class ColumnMap:
    """Where columns of text cleaned by ``without_control_chars`` are in the file.

    Diagnostics are found in the cleaned text; an editor jumps to the file's columns.
    """

    removed: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Line → 0-based columns (in the file) of the characters taken out."""

    def original(self, diagnostic: Diagnostic) -> Diagnostic:
        """Return ``diagnostic`` with its column counted in the file, not the cleaned text."""
        gaps = self.removed.get(diagnostic.loc.line)
        if not gaps or diagnostic.code in ("control-chars", "combining-marks"):
            return diagnostic
        column = diagnostic.loc.col - 1
        for gap in gaps:
            if gap <= column:
                column += 1
        return replace(diagnostic, loc=replace(diagnostic.loc, col=column + 1))
