"""Which characters the PDF cannot draw: a marker in the PDF, and a warning that says where.

A character none of the pinned fonts has would print as a tofu box.  Most characters are
settled by the table of the font files' code points (``fontcoverage.drawable_code_points``);
the rest are asked of typst, which also draws with fonts built into it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from builder.model import Diagnostic, SourceLoc
from builder.parse.source import source_lines
from builder.render.typstengine import Compiler

MISSING_GLYPH = "missing-glyph"
MAX_REPORTED_LINES = 20
"""Lines reported one by one; a file full of such characters gets one more line for the rest."""

_DRAWN_WITHOUT_GLYPH = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Categories typst lays out without a glyph: controls, joiners, spaces, line breaks."""
_NEVER_DRAWN = frozenset({"Co", "Cs"})
"""Private-use code points (an icon font's) and surrogates: whatever a font maps there,
it is not the character the author meant.  (Unassigned ones are looked up: Python's
Unicode may be older than the emoji font's.)"""


def has_glyph(char: str) -> bool:
    """Whether the PDF can draw ``char`` (a single code point)."""
    return not missing_glyphs([char])


def _needs_lookup(char: str) -> bool:
    """False for characters drawn without a glyph and for those the pinned fonts have."""
    if ord(char) < 0x80 or _is_selector(char):
        return False
    category = unicodedata.category(char)
    return category not in _DRAWN_WITHOUT_GLYPH and (
        category in _NEVER_DRAWN or ord(char) not in _drawable())


@cache
def _drawable() -> frozenset[int]:
    """``fontcoverage.drawable_code_points``, its module loaded when a character is looked up:
    a build that checks no new text (an edit's kept questions) leaves it unloaded."""
    from builder.render.fontcoverage import drawable_code_points

    return drawable_code_points()


def _is_selector(char: str) -> bool:
    point = ord(char)
    # Variation selectors (emoji or text style) and skin-tone modifiers only change the
    # character before them; the emoji font draws that character in its own style.
    return 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF \
        or 0x1F3FB <= point <= 0x1F3FF


def missing_glyphs(texts: Iterable[str]) -> list[str]:
    """The distinct characters in ``texts`` that no font can draw, in code-point order."""
    seen: set[str] = set()
    for text in texts:
        seen.update(text)
    doubtful = "".join(sorted((c for c in seen if _needs_lookup(c)), key=ord))
    if not doubtful:
        return []
    never = {c for c in doubtful if unicodedata.category(c) in _NEVER_DRAWN}
    asked = "".join(c for c in doubtful if c not in never)
    drawn = _typst_draws(asked) if asked else frozenset()
    return [c for c in doubtful if c in never or c not in drawn]


_PROBE = """#set text(font: ("Noto Sans", "Noto Sans CJK SC"))
#sys.inputs.chars
"""
_TO_UNICODE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


@cache
def _typst_draws(chars: str) -> frozenset[str]:
    """Which of ``chars`` typst draws with a real glyph, from any font it has.

    typst also embeds fonts of its own (New Computer Modern Math, DejaVu Sans Mono,
    Libertinus) whose character maps are not files to read.  So ask typst: typeset the
    characters and read back the PDF's ToUnicode maps, which list every glyph drawn
    except the empty box (.notdef), which stands for no character.
    """
    import tempfile
    import zlib

    with tempfile.TemporaryDirectory(prefix="build-deck-glyphs-") as folder:
        probe = Path(folder) / "probe.typ"
        probe.write_text(_PROBE, encoding="utf-8")
        try:
            pdf = Compiler(probe, inputs={"chars": " ".join(chars)}, fonts="pinned-bold").pdf()
        except Exception:  # typst cannot start: the PDF stage says so; trust the files
            return frozenset()
    if pdf is None:
        return frozenset()
    drawn: set[str] = set()
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            data = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        if b"begincmap" in data:
            for _glyph, text in _TO_UNICODE.findall(data.split(b"beginbfchar", 1)[-1]):
                drawn.update(bytes.fromhex(text.decode("ascii")).decode("utf-16-be", "replace"))
    return frozenset(drawn)


def missing_glyph_pattern(chars: Iterable[str]) -> str | None:
    """A regular expression (Rust syntax, for a typst show rule) matching ``chars``."""
    listed = "".join(f"\\x{{{ord(c):X}}}" for c in chars)
    return f"[{listed}]" if listed else None


def with_missing_glyphs(payload: dict[str, object]) -> dict[str, object]:
    """A PDF's JSON with ``missing-glyphs``, the pattern its template marks, when needed."""
    import json

    pattern = missing_glyph_pattern(missing_glyphs([json.dumps(payload, ensure_ascii=False)]))
    return payload if pattern is None else {**payload, "missing-glyphs": pattern}



def marker(char: str) -> str:
    """The text the PDF shows in place of a character it cannot draw."""
    return f"U+{ord(char):04X}"


def missing_glyph_diagnostics(text: str, path: str) -> list[Diagnostic]:
    """A warning for each line of ``text`` holding a character the PDF cannot draw."""
    missing = missing_glyphs([text])
    if not missing:
        return []
    pattern = re.compile("[" + "".join(re.escape(c) for c in missing) + "]")
    diagnostics: list[Diagnostic] = []
    lines = [(number, line) for number, line in enumerate(source_lines(text), 1)
             if pattern.search(line)]
    for number, line in lines[:MAX_REPORTED_LINES]:
        found = list(pattern.finditer(line))
        first = found[0].group()
        others = sorted({m.group() for m in found[1:]} - {first}, key=ord)
        listed = ", ".join(marker(c) for c in others[:5]) + (", …" if len(others) > 5 else "")
        more = f" (also {listed} on this line)" if others else ""
        diagnostics.append(Diagnostic(
            SourceLoc(path, number, found[0].start() + 1), "warning",
            f"no font can draw {marker(first)} {_described(first)}"
            + f"{more}: the PDF shows [{marker(first)}] instead", MISSING_GLYPH))
    if len(lines) > MAX_REPORTED_LINES:
        number = lines[MAX_REPORTED_LINES][0]
        diagnostics.append(Diagnostic(
            SourceLoc(path, number), "warning",
            f"{len(lines) - MAX_REPORTED_LINES} more line(s) from here on have characters "
            "no font can draw (each marked in the PDF)", MISSING_GLYPH))
    return diagnostics


def _described(char: str) -> str:
    if unicodedata.category(char) == "Co":
        return "(a private-use character, e.g. from an icon font)"
    return unicodedata.name(char, "(not in this Python's Unicode tables)")
