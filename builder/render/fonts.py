"""The fonts shipped by pinned PyPI packages, so output never depends on the machine.

Noto Sans CJK draws Chinese; ``manimgx-fonts`` adds Noto Sans (so Latin text keeps
Latin punctuation: "What’s", not a full-width ’), Noto Sans Symbols, Noto Emoji and Noto
Sans for other scripts.  Which characters none of them draws is ``builder.render.glyphs``'
question; this module only knows the files (and registers them with matplotlib).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
"""Family name of the Simplified Chinese face inside both font collections."""


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



DRAWABLE_TABLE = Path(__file__).with_name("fonts_drawable.txt")
"""The code points of the pinned font files, as ranges: read from the fonts once (by
``write_drawable_table``) so that checking notes loads no font library (matplotlib's
import alone takes half a second).  The tests compare it with the font files."""


@cache
def drawable_code_points() -> frozenset[int]:
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
