"""The fonts shipped by pinned PyPI packages, so output never depends on the machine.

Noto Sans CJK draws Chinese; ``manimgx-fonts`` adds Noto Sans (so Latin text keeps
Latin punctuation: "What’s", not a full-width ’), Noto Sans Symbols, Noto Emoji and Noto
Sans for other scripts.  This module knows the files and registers them with matplotlib,
and nothing else: diagram pictures are named by a hash of it (``render.assets.
diagram_fingerprint``), so what only typst (``render.typstengine``), the table of drawable
characters (``render.fontcoverage``) or the PDF's CJK punctuation (``pdf.cjkspacing``) needs
lives in those modules, and a change there renames no picture.
"""

from __future__ import annotations

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
