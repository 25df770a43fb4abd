"""TeX formulas → PNG images, through typst (via tex2typst) with matplotlib mathtext behind it.

Images are drawn at ``PX_PER_EM`` pixels per em (3× a 16 px card font, sharp on
phones) and measured, so a card can size them in ``em`` and put their baseline
on the text's baseline.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import struct
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, cast

from builder.sandbox import SandboxError, run_limited
from builder.texmath import to_typst
from builder.typstcheck import Unknown, Unsafe, check_typst_math

log = logging.getLogger(__name__)

RENDER_VERSION = "3"
"""Part of every formula's cache key: bump it when the drawing changes."""
FONT_PT = 10.0
PX_PER_EM = 48
_PPI = PX_PER_EM / FONT_PT * 72
# Budget of one typst compile: a batch that takes longer is split until the formula
# that stalls it stands alone (a batch of 64 takes about a second).
TYPST_SECONDS = 5.0
TYPST_SECONDS_EACH = 0.1
TYPST_MEMORY = 2 << 30


@cache
def renderer_fingerprint() -> str:
    """What else shapes a formula image: the template and the drawing libraries' versions."""
    from importlib.metadata import PackageNotFoundError, version

    template = files("builder").joinpath("templates/formula.typ").read_bytes()
    parts = [hashlib.sha256(template).hexdigest()[:16]]
    for package in ("typst", "tex2typst", "matplotlib"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=?")
    return ";".join(parts)


@dataclass(frozen=True, slots=True)
class FormulaImage:
    """A formula drawn as a PNG, with its size and baseline offset in em."""

    png: bytes
    width_em: float
    height_em: float
    depth_em: float
    """How far the image reaches below the text baseline."""
    engine: str
    typst: str | None
    """The typst math that compiled, for the PDF; None when another engine drew it."""


@dataclass(frozen=True, slots=True)
class FormulaFailure:
    """No engine could draw the formula; ``reason`` says why."""

    reason: str


FormulaOutcome = FormulaImage | FormulaFailure


def render_formulas(items: list[tuple[str, bool]]) -> list[FormulaOutcome]:
    """Draw each (tex, display) pair: typst first, mathtext for what typst cannot draw.

    typst only ever sees math that ``check_typst_math`` passed; a formula whose typst
    holds code is refused outright (no engine draws it).
    """
    outcomes: list[FormulaOutcome | None] = [None] * len(items)
    sources: list[tuple[int, str]] = []
    reasons: dict[int, str] = {}
    for index, (tex, _display) in enumerate(items):
        try:
            src = to_typst(tex)
        except Exception as exc:  # tex2typst raises bare ValueError/RuntimeError variants
            reasons[index] = f"tex2typst: {_first_line(exc)}"
            continue
        try:
            check_typst_math(src)
        except Unsafe as exc:
            outcomes[index] = FormulaFailure(f"refused: its typst would run code ({exc})")
            continue
        except Unknown as exc:
            reasons[index] = f"typst: {exc}"
            continue
        sources.append((index, src))
    _typst_bisect(sources, items, outcomes, reasons)
    for index, (tex, display) in enumerate(items):
        if outcomes[index] is None:
            outcomes[index] = _mathtext(tex, display, reasons.get(index, ""))
    return [o for o in outcomes if o is not None]


def _typst_bisect(sources: list[tuple[int, str]], items: list[tuple[str, bool]],
                  outcomes: list[FormulaOutcome | None], reasons: dict[int, str]) -> None:
    """Compile many formulas at once; on failure split the batch to find the bad ones.

    One bad formula aborts a whole typst compile, so a batch that fails is halved
    until each failure stands alone; good batches cost one compile.
    """
    if not sources:
        return
    batch = [(src, items[i][1]) for i, src in sources]
    try:
        images = run_limited(_typst_batch, batch, memory_bytes=TYPST_MEMORY,
                             seconds=TYPST_SECONDS + TYPST_SECONDS_EACH * len(batch))
    except SandboxError as exc:  # a bad formula must never abort or stall the build
        if len(sources) == 1:
            reasons[sources[0][0]] = f"typst: {_first_line(exc)}"
            return
        middle = len(sources) // 2
        _typst_bisect(sources[:middle], items, outcomes, reasons)
        _typst_bisect(sources[middle:], items, outcomes, reasons)
        return
    for (index, _src), image in zip(sources, images, strict=True):
        outcomes[index] = image


def _typst_batch(batch: list[tuple[str, bool]]) -> list[FormulaImage]:
    import typst

    from builder.fonts import typst_fonts

    template = files("builder").joinpath("templates/formula.typ")
    payload = json.dumps([{"src": src, "display": display} for src, display in batch])
    compiler = typst.Compiler(str(template), font_paths=typst_fonts(),
                              ignore_system_fonts=True, sys_inputs={"items": payload})
    compiled = compiler.compile(format="png", ppi=_PPI)
    if compiled is None:
        raise RuntimeError("typst produced no pages")
    pages: list[bytes] = [compiled] if isinstance(compiled, bytes) else list(compiled)
    measures = json.loads(compiler.query("<measure>", field="value"))
    images = []
    for png, (src, _display), m in zip(pages, batch, measures, strict=True):
        height = float(m["h"])
        images.append(FormulaImage(
            png=png, width_em=float(m["w"]) / FONT_PT, height_em=height / FONT_PT,
            depth_em=(height - float(m["asc"])) / FONT_PT, engine="typst", typst=src,
        ))
    return images


def _mathtext(tex: str, display: bool, typst_reason: str) -> FormulaOutcome:
    from matplotlib import mathtext, rc_context
    from matplotlib.font_manager import FontProperties

    from builder.fonts import matplotlib_cjk_family

    # Computer Modern matches typst's look and has sized operators and \cal; a custom
    # fontset (the only way to reach a CJK face) draws \sum at text size, so it is
    # kept for formulas that hold CJK text.
    settings: dict[str, Any] = {"mathtext.fontset": "cm"}
    if any(unicodedata.east_asian_width(char) in ("W", "F") for char in tex):
        family = matplotlib_cjk_family()
        settings = {"mathtext.fontset": "custom", "mathtext.rm": family,
                    "mathtext.it": "DejaVu Serif:italic", "mathtext.bf": "DejaVu Serif:bold",
                    "mathtext.cal": "DejaVu Serif:italic", "mathtext.sf": "DejaVu Sans",
                    "mathtext.tt": "DejaVu Sans Mono",
                    "font.family": [family, "DejaVu Sans"]}
    buffer = io.BytesIO()
    try:
        with rc_context(cast(Any, settings)):
            depth_px = mathtext.math_to_image(
                f"${tex}$", buffer, prop=FontProperties(size=FONT_PT), dpi=_PPI, format="png")
    except Exception as exc:  # mathtext raises ValueError and others on unsupported TeX
        reason = "; ".join(r for r in (typst_reason, f"mathtext: {_last_line(exc)}") if r)
        return FormulaFailure(reason)
    png = buffer.getvalue()
    width, height = _png_size(png)
    return FormulaImage(png=png, width_em=width / PX_PER_EM, height_em=height / PX_PER_EM,
                        depth_em=float(depth_px) / PX_PER_EM, engine="mathtext", typst=None)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def _last_line(exc: BaseException) -> str:
    # mathtext repeats the TeX and a caret first; the reason is on the last line.
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
