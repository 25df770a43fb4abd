"""typst, in one place: every compile, query and version check of the build goes through here.

Formulas, the glyph probe, the picture check and the PDF all ask typst something; here
they get a compiler that never sees the machine's fonts, only the pinned ones (or, for
the picture check, only typst's own).  typst is imported on first use, so the light
commands (``--help``, ``check``) never load it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

FontSet = Literal["pinned", "pinned-bold", "embedded"]
"""The fonts a compile sees: the pinned files (with the variable CJK font, which typst
instances into a real bold), or only the fonts built into typst."""


def problem() -> str | None:
    """Why typst cannot start here, or None (a missing or broken wheel)."""
    try:
        import typst  # noqa: F401
    except Exception as exc:  # a missing or broken wheel raises ImportError, OSError …
        text = str(exc).strip() or type(exc).__name__
        return text.splitlines()[0]
    return None


def version() -> str:
    """typst's version, as the library reports it ("" when it does not say or cannot start:
    then nothing it would make is made, and the compile says why)."""
    if problem() is not None:
        return ""
    import typst

    return str(getattr(typst, "__version__", ""))


@cache
def _fonts(bold: bool) -> Any:
    """typst's fonts (``typst.Fonts``) from the pinned folders, searched once per process.

    Given folders instead, every compiler searches them again: about 30 ms a compiler,
    and a build makes one for every batch of formulas and every PDF part.
    """
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                       font_paths=typst_font_dirs(bold=bold))


def typst_font_dirs(*, bold: bool = False) -> list[str]:
    """Folders typst should load fonts from (typst wants folders, not files)."""
    from builder.render.fonts import noto_fonts_dir, regular_cjk_font, variable_cjk_font

    dirs = [str(regular_cjk_font().parent), str(noto_fonts_dir())]
    if bold:
        dirs.append(str(variable_cjk_font().parent))
    return dirs


class Compiler:
    """One typst project (a main file, its root folder, its inputs), compiled or queried
    as often as a caller needs.  typst's own errors pass through unchanged."""

    def __init__(self, main: Path, *, root: Path | None = None,
                 inputs: Mapping[str, str] | None = None, fonts: FontSet = "pinned") -> None:
        import typst

        options: dict[str, Any] = {"ignore_system_fonts": True}
        if root is not None:
            options["root"] = str(root)
        if inputs is not None:
            options["sys_inputs"] = dict(inputs)
        if fonts != "embedded":
            options["font_paths"] = _fonts(fonts == "pinned-bold")
        self._compiler = typst.Compiler(str(main), **options)

    def pdf(self, *, inputs: Mapping[str, str] | None = None, timestamp: datetime | None = None,
            tagged: bool = True) -> bytes | None:
        """The PDF (None if typst gave something else); ``inputs`` replace the project's."""
        options: dict[str, Any] = {"format": "pdf"}
        if not tagged:
            options["pdf_tags"] = False
        if timestamp is not None:
            options["timestamp"] = timestamp
        if inputs is not None:
            options["sys_inputs"] = dict(inputs)
        pdf = self._compiler.compile(**options)
        return pdf if isinstance(pdf, bytes) else None

    def png(self, *, ppi: float) -> list[bytes]:
        """One PNG a page."""
        return _pages(self._compiler.compile(format="png", ppi=ppi))

    def svg(self) -> list[bytes]:
        """One SVG a page."""
        return _pages(self._compiler.compile(format="svg"))

    def query(self, selector: str, *, field: str, one: bool = False) -> str:
        """The JSON of what ``selector`` finds (its ``field``; only one element if ``one``)."""
        return str(self._compiler.query(selector, field=field, one=one))


def _pages(compiled: object) -> list[bytes]:
    if isinstance(compiled, bytes):
        return [compiled]
    return list(compiled) if isinstance(compiled, list) else []
