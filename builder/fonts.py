"""The CJK fonts shipped by pinned PyPI packages, so output never depends on the machine."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

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
def matplotlib_cjk_family() -> str:
    """Register the CJK font with matplotlib once and return its family name."""
    from matplotlib import font_manager

    # matplotlib registers every face of a collection, so the SC face is found by name.
    font_manager.fontManager.addfont(str(regular_cjk_font()))
    return CJK_FAMILY


def typst_font_dirs(*, bold: bool = False) -> list[str]:
    """Folders typst should load fonts from (typst wants folders, not files)."""
    dirs = [str(regular_cjk_font().parent)]
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
