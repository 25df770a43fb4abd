"""The fonts shipped by pinned PyPI packages, so output never depends on the machine.

Noto Sans CJK draws Chinese; ``manimgx-fonts`` adds Noto Sans (so Latin text keeps
Latin punctuation: "What’s", not a full-width ’), Noto Sans Symbols, Noto Emoji and Noto
Sans for other scripts.  A character none of them has would print as a tofu box, so
``missing_glyphs`` finds those characters: the PDF shows a marker and a warning says where.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from builder.model import Diagnostic, SourceLoc
from builder.parse.source import source_lines

CJK_FAMILY = "Noto Sans CJK SC"
"""Family name of the Simplified Chinese face inside both font collections."""

MISSING_GLYPH = "missing-glyph"
MAX_REPORTED_LINES = 20
"""Lines reported one by one; a file full of such characters gets one more line for the rest."""

_DRAWN_WITHOUT_GLYPH = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Categories typst lays out without a glyph: controls, joiners, spaces, line breaks."""
_NEVER_DRAWN = frozenset({"Co", "Cs"})
"""Private-use code points (an icon font's) and surrogates: whatever a font maps there,
it is not the character the author meant.  (Unassigned ones are looked up: Python's
Unicode may be older than the emoji font's.)"""


@cache
def regular_cjk_font() -> Path:
    """Noto Sans CJK Regular collection (works in matplotlib and typst)."""
    import noto_cjk_sans_otc

    return Path(str(noto_cjk_sans_otc.FONT_PATH))


@cache
def variable_cjk_font() -> Path:
    """Noto Sans CJK variable collection: gives typst a real bold."""
    import manimgx_fonts_cjk

    return Path(manimgx_fonts_cjk.__file__).with_name("NotoSansCJK-VF.otf.ttc")


@cache
def noto_fonts_dir() -> Path:
    """Folder of Noto Sans, Noto Sans Symbols, Noto Emoji and Noto Sans for other scripts."""
    import manimgx_fonts

    return Path(manimgx_fonts.__file__).parent


@cache
def matplotlib_cjk_family() -> str:
    """Register the CJK font with matplotlib once and return its family name."""
    from matplotlib import font_manager

    # matplotlib registers every face of a collection, so the SC face is found by name.
    font_manager.fontManager.addfont(str(regular_cjk_font()))
    return CJK_FAMILY


@cache
def matplotlib_fallback_families() -> tuple[str, ...]:
    """Register Noto Sans Symbols and Noto Emoji with matplotlib once; return their names.

    Listed after the CJK face, matplotlib draws the symbols and emoji it lacks with them.
    """
    from matplotlib import font_manager

    for name in ("NotoSansSymbols[wght].ttf", "NotoEmoji[wght].ttf"):
        font_manager.fontManager.addfont(str(noto_fonts_dir() / name))
    return ("Noto Sans Symbols", "Noto Emoji")


def typst_font_dirs(*, bold: bool = False) -> list[str]:
    """Folders typst should load fonts from (typst wants folders, not files)."""
    dirs = [str(regular_cjk_font().parent), str(noto_fonts_dir())]
    if bold:
        dirs.append(str(variable_cjk_font().parent))
    return dirs


def typst_fonts(*, bold: bool = False) -> Any:
    """typst's fonts (``typst.Fonts``) from ``typst_font_dirs``, searched once per process.

    Given folders instead, every ``typst.Compiler`` searches them again: about 30 ms a
    compiler, and a build makes one for every batch of formulas and every PDF part.
    """
    return _typst_fonts(bold)


@cache
def _typst_fonts(bold: bool) -> Any:
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                       font_paths=typst_font_dirs(bold=bold))


DRAWABLE_TABLE = Path(__file__).with_name("fonts_drawable.txt")
"""The code points of the pinned font files, as ranges: read from the fonts once (by
``write_drawable_table``) so that checking notes loads no font library (matplotlib's
import alone takes half a second).  The tests compare it with the font files."""


@cache
def _drawable() -> frozenset[int]:
    """Every code point one of the pinned font files has a glyph for."""
    points: set[int] = set()
    for line in DRAWABLE_TABLE.read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            first, _, last = line.partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


def write_drawable_table() -> None:
    """Write ``DRAWABLE_TABLE`` from the font files (after a font pin changes)."""
    ranges: list[list[int]] = []
    for point in sorted(drawable_in_font_files()):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    lines = [f"{a:x}" if a == b else f"{a:x}-{b:x}" for a, b in ranges]
    DRAWABLE_TABLE.write_text("# Code points the pinned fonts draw: builder.render.fonts.write_"
                              "drawable_table() writes this file from them.\n"
                              + "\n".join(lines) + "\n", encoding="ascii")


def drawable_in_font_files() -> frozenset[int]:
    """Every code point one of the pinned font files has a glyph for, read from them.

    The faces of the Noto CJK collections share one character map (44,810 code points in
    each face of both), so the first face stands for both collections.  matplotlib's
    FreeType binding reads the maps in about 10 ms (fontTools took 140 ms).
    """
    from matplotlib.ft2font import FT2Font

    points: set[int] = set(FT2Font(str(regular_cjk_font())).get_charmap())
    for path in sorted(noto_fonts_dir().iterdir()):
        if path.suffix in (".ttf", ".otf"):
            points.update(FT2Font(str(path)).get_charmap())
    return frozenset(points)


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

    import typst

    with tempfile.TemporaryDirectory(prefix="build-deck-glyphs-") as folder:
        probe = Path(folder) / "probe.typ"
        probe.write_text(_PROBE, encoding="utf-8")
        try:
            pdf = typst.Compiler(str(probe), font_paths=typst_fonts(bold=True),
                                 ignore_system_fonts=True,
                                 sys_inputs={"chars": " ".join(chars)}).compile(format="pdf")
        except Exception:  # typst cannot start: the PDF stage says so; trust the files
            return frozenset()
    if not isinstance(pdf, bytes):
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


_CJK = ("\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
        "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff")
_CJK_PUNCTUATION = re.compile(f"[“‘—…]+(?=[{_CJK}])|(?<=[{_CJK}])[”’—…]+")
"""Quotes, dashes and ellipses touching Chinese, Japanese or Korean (“你好”, ——, ……):
punctuation of that text, drawn full-width by the CJK font.  Elsewhere the Latin font
draws them, so "What’s" keeps a narrow apostrophe."""


def with_cjk_punctuation(payload: object) -> None:
    """Split CJK punctuation out of a PDF JSON's text nodes, in place, as ``cjk`` nodes.

    The template draws ``cjk`` nodes with the CJK font first.  A show rule in the template
    could find them too, but it would run over every piece of text of a large sheet.
    """
    if isinstance(payload, dict):
        for value in payload.values():
            with_cjk_punctuation(value)
    elif isinstance(payload, list):
        if any(_is_cjk_text(item) for item in payload):
            payload[:] = [piece for item in payload for piece in _split_text(item)]
        for item in payload:
            with_cjk_punctuation(item)


def _is_cjk_text(node: object) -> bool:
    return (isinstance(node, dict) and node.get("kind") == "text"
            and isinstance(node.get("text"), str) and _CJK_PUNCTUATION.search(node["text"])
            is not None)


def _split_text(node: object) -> list[object]:
    if not _is_cjk_text(node):
        return [node]
    assert isinstance(node, dict)
    text: str = node["text"]
    pieces: list[object] = []
    start = 0
    for match in _CJK_PUNCTUATION.finditer(text):
        if match.start() > start:
            pieces.append({"kind": "text", "text": text[start:match.start()]})
        pieces.append({"kind": "cjk", "text": match.group()})
        start = match.end()
    if start < len(text):
        pieces.append({"kind": "text", "text": text[start:]})
    return pieces


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
