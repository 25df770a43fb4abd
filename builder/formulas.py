"""TeX formulas → PNG images, through typst (via tex2typst) with matplotlib mathtext behind it.

Images are drawn at ``PX_PER_EM`` pixels per em (3× a 16 px card font, sharp on
phones) and measured, so a card can size them in ``em`` and put their baseline
on the text's baseline.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, cast

from builder.sandbox import SandboxError, run_limited
from builder.texmath import to_typst
from builder.texsyntax import tokens
from builder.typstcheck import Unknown, Unsafe, check_typst_math

RENDER_VERSION = "3"
"""Part of every formula's cache key: bump it when the drawing changes."""
FONT_PT = 10.0
PX_PER_EM = 48
_PPI = PX_PER_EM / FONT_PT * 72
# Budget of one sandboxed batch: a batch that takes longer is split until the formula
# that stalls it stands alone (a batch of 64 takes about a second; the margin is for
# busy machines, where a budget too tight would cost good formulas their image).
TYPST_SECONDS = 10.0
TYPST_SECONDS_EACH = 0.1
# A mathtext child imports matplotlib first (a second or more on a busy machine).
MATHTEXT_SECONDS = 10.0
MATHTEXT_SECONDS_EACH = 0.3
MAX_TEX_CHARS = 5000
MAX_TEX_DEPTH = 16
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


REFUSED = "refused: "
"""Reason prefix of a formula no engine may draw (its typst would run code)."""
_PRELOAD = ("builder.formulas", "tex2typst", "typst")
Drawn = FormulaImage | str
"""What a sandboxed batch gives for each formula: its image, or why it was not drawn."""


def render_formulas(items: list[tuple[str, bool]]) -> list[FormulaOutcome]:
    """Draw each (tex, display) pair: typst first, mathtext for what typst cannot draw.

    Both engines run in sandboxed children with a time and memory budget (tex2typst
    alone is exponential in nested ``\\frac``). typst only ever sees math that
    ``check_typst_math`` passed; a formula whose typst holds code is refused outright.
    """
    typst: dict[int, Drawn] = {i: f"{REFUSED}{problem}" for i, (tex, _) in enumerate(items)
                               if (problem := _too_complex(tex))}
    typst |= _bisect([i for i in range(len(items)) if i not in typst], items, _typst_batch,
                     TYPST_SECONDS, TYPST_SECONDS_EACH, "typst")
    retry = [i for i, drawn in typst.items()
             if isinstance(drawn, str) and not drawn.startswith(REFUSED)]
    mathtext = _bisect(retry, items, _mathtext_batch, MATHTEXT_SECONDS,
                       MATHTEXT_SECONDS_EACH, "mathtext")
    outcomes: list[FormulaOutcome] = []
    for index in range(len(items)):
        first, second = typst[index], mathtext.get(index)
        if isinstance(first, FormulaImage):
            outcomes.append(first)
        elif isinstance(second, FormulaImage):
            outcomes.append(second)
        else:
            outcomes.append(FormulaFailure("; ".join(r for r in (first, second) if r)))
    return outcomes


def _too_complex(tex: str) -> str | None:
    """Why ``tex`` is beyond any real formula, or None.

    tex2typst takes time exponential in the depth of nested ``\\frac`` (20 levels: 6 s),
    and every engine time quadratic in length; real formulas stay far below both limits.
    """
    if len(tex) > MAX_TEX_CHARS:
        return f"{len(tex):,} characters is too long to draw (the limit is {MAX_TEX_CHARS:,})"
    depth = deepest = 0
    for token in tokens(tex):
        if token in ("{", "\\left", "\\begin"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("}", "\\right", "\\end"):
            depth -= 1
    if deepest > MAX_TEX_DEPTH:
        return f"nested {deepest} levels deep, too deep to draw (the limit is {MAX_TEX_DEPTH})"
    return None


def _bisect(indices: list[int], items: list[tuple[str, bool]],
            draw: Callable[[list[tuple[str, bool]]], list[Drawn]], seconds: float,
            each: float, engine: str) -> dict[int, Drawn]:
    """Draw many formulas in one sandboxed call; on failure split the batch.

    One bad formula aborts a whole typst compile (or stalls a batch past its budget),
    so a batch that fails is halved until each failure stands alone; good batches
    cost one call.
    """
    if not indices:
        return {}
    batch = [items[i] for i in indices]
    try:
        drawn = run_limited(draw, batch, seconds=seconds + each * len(batch),
                            memory_bytes=TYPST_MEMORY, preload=_PRELOAD)
    except SandboxError as exc:  # a bad formula must never abort or stall the build
        if len(indices) == 1:
            return {indices[0]: f"{engine}: {_first_line(exc)}"}
        middle = len(indices) // 2
        return {**_bisect(indices[:middle], items, draw, seconds, each, engine),
                **_bisect(indices[middle:], items, draw, seconds, each, engine)}
    return dict(zip(indices, drawn, strict=True))


def _typst_batch(batch: list[tuple[str, bool]]) -> list[Drawn]:
    """Convert each formula, check its typst, and compile those that pass (in a child)."""
    results: list[Drawn] = []
    sources: list[tuple[int, str, bool]] = []
    for tex, display in batch:
        try:
            src = to_typst(tex)
            check_typst_math(src)
        except Unsafe as exc:
            results.append(f"{REFUSED}its typst would run code ({exc})")
        except Unknown as exc:
            results.append(f"typst: {exc}")
        except Exception as exc:  # tex2typst raises bare ValueError/RuntimeError variants
            results.append(f"tex2typst: {_first_line(exc)}")
        else:
            sources.append((len(results), src, display))
            results.append("")
    images = _typst_compile([(src, display) for _, src, display in sources])
    for (index, _src, _display), image in zip(sources, images, strict=True):
        results[index] = image
    return results


def _mathtext_batch(batch: list[tuple[str, bool]]) -> list[Drawn]:
    return [_mathtext(tex, display) for tex, display in batch]


def _typst_compile(batch: list[tuple[str, bool]]) -> list[FormulaImage]:
    if not batch:
        return []
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


def _mathtext(tex: str, display: bool) -> Drawn:
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
        return f"mathtext: {_last_line(exc)}"
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
