"""TeX formulas → PNG images, through typst (via tex2typst) with matplotlib mathtext behind it.

Images are drawn at ``PX_PER_EM`` pixels per em (3× a 16 px card font, sharp on
phones) and measured, so a card can size them in ``em`` and put their baseline
on the text's baseline.

Every step runs in sandboxed children with a time and memory budget (tex2typst alone is
exponential in nested ``\\frac``). typst only ever sees math that ``check_typst_math``
passed; a formula whose typst holds code is refused outright. The steps are chained, with
a cache between them and the fallback to mathtext, in ``builder.render.formulacache``.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar, cast

from builder.parse.texsyntax import tokens
from builder.render import typstengine
from builder.render.texmath import to_typst
from builder.render.texspaces import typst_spaces
from builder.render.typstcheck import Unknown, Unsafe, check_typst_math
from builder.support.sandbox import SandboxError, run_limited

RENDER_VERSION = "4"
"""Part of every formula's cache key: bump it when our drawing code changes in a way the
engines' inputs do not show (the image sizes, the mathtext settings)."""
FONT_PT = 10.0
PX_PER_EM = 48
_PPI = PX_PER_EM / FONT_PT * 72
# Budget of one sandboxed batch: a batch that takes longer is split until the formula
# that stalls it stands alone (a batch of 64 takes about a second; the margin is for
# busy machines, where a budget too tight would cost good formulas their image).
TYPST_SECONDS = 10.0
TYPST_SECONDS_EACH = 0.1
# tex2typst is exponential in nested \frac: 16 levels (the most allowed) take 0.5 s.
CONVERT_SECONDS = 10.0
CONVERT_SECONDS_EACH = 0.6
# A mathtext child imports matplotlib first (a second or more on a busy machine).
MATHTEXT_SECONDS = 10.0
MATHTEXT_SECONDS_EACH = 0.3
MAX_TEX_CHARS = 5000
MAX_TEX_DEPTH = 16
TYPST_MEMORY = 2 << 30
_FONT_PACKAGES = ("noto-cjk-sans-otc", "manimgx-fonts-cjk", "manimgx-fonts")


def _versions(*packages: str) -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in packages:
        try:
            found.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package}=?")
    return found


@cache
def typst_fingerprint() -> str:
    """What shapes a typst formula image besides its source: the template bytes, typst's
    version and the fonts'."""
    template = files("builder").joinpath("templates/formula.typ").read_bytes()
    return ";".join([hashlib.sha256(template).hexdigest(), *_versions("typst", *_FONT_PACKAGES)])


@cache
def mathtext_fingerprint() -> str:
    """What shapes a mathtext image besides its string: matplotlib's version and the fonts'."""
    return ";".join(_versions("matplotlib", *_FONT_PACKAGES))


@cache
def converter_fingerprint() -> str:
    """What turns TeX into typst: our converter and its check, and tex2typst."""
    from builder.support.codeversion import modules_version

    return modules_version(("builder.render.texmath", "builder.render.texspaces",
                            "builder.parse.texsyntax", "builder.render.typstcheck"),
                           ("tex2typst", "typst"))


def _key(*parts: object) -> str:
    blob = json.dumps([RENDER_VERSION, *parts, FONT_PT, PX_PER_EM], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def conversion_key(tex: str, fingerprint: str | None = None) -> str:
    """Key of a formula's conversion to typst (the typst source, or why there is none);
    ``fingerprint`` is ``converter_fingerprint()`` when the caller has it already."""
    return _key("tex2typst", tex, converter_fingerprint() if fingerprint is None
                else fingerprint)


def typst_key(src: str, display: bool) -> str:
    """Key of a typst image: exactly what the template is handed, and what compiles it."""
    return _key("typst", src, display, typst_fingerprint())


def mathtext_key(tex: str) -> str:
    """Key of a mathtext image: the string mathtext is handed and the settings it draws
    with (mathtext draws inline and display alike)."""
    return _key("mathtext", mathtext_input(tex), _mathtext_settings(tex),
                mathtext_fingerprint())


@dataclass(frozen=True, slots=True)
class FormulaImage:
    """A formula as an engine drew it: PNG bytes in memory (in a sandboxed child), with its
    size and baseline offset in em.  ``formulacache`` stores it; the build then uses the
    stored file, a ``formulacache.RenderedFormula``."""

    png: bytes
    width_em: float
    height_em: float
    depth_em: float
    """How far the image reaches below the text baseline."""
    engine: str


@dataclass(frozen=True, slots=True)
class TypstMath:
    """A formula converted to typst math that ``check_typst_math`` passed."""

    src: str


Converted = TypstMath | str
"""A formula's conversion: its typst math, or why there is none (``REFUSED`` first when
no engine may draw it)."""
REFUSED = "refused: "
"""Reason prefix of a formula no engine may draw (its typst would run code)."""
_PRELOAD = ("builder.render.formulas", "tex2typst", "typst")
Drawn = FormulaImage | str
"""What a sandboxed batch gives for each formula: its image, or why it was not drawn."""
T = TypeVar("T")
R = TypeVar("R")


def convert_formulas(texs: list[str]) -> list[Converted]:
    """Convert each TeX formula to checked typst math, in sandboxed children."""
    refused: dict[int, Converted] = {i: f"{REFUSED}{problem}" for i, tex in enumerate(texs)
                                     if (problem := _too_complex(tex))}
    rest = _bisect([i for i in range(len(texs)) if i not in refused], texs, _convert_batch,
                   CONVERT_SECONDS, CONVERT_SECONDS_EACH, "tex2typst")
    return [refused[i] if i in refused else rest[i] for i in range(len(texs))]


def typst_images(items: list[tuple[str, bool]]) -> list[Drawn]:
    """Compile each (checked typst math, display) pair to an image, in sandboxed children."""
    drawn = _bisect(list(range(len(items))), items, _typst_batch, TYPST_SECONDS,
                    TYPST_SECONDS_EACH, "typst")
    return [drawn[i] for i in range(len(items))]


def mathtext_images(texs: list[str]) -> list[Drawn]:
    """Draw each formula with matplotlib's mathtext, in sandboxed children."""
    drawn = _bisect(list(range(len(texs))), texs, _mathtext_batch, MATHTEXT_SECONDS,
                    MATHTEXT_SECONDS_EACH, "mathtext")
    return [drawn[i] for i in range(len(texs))]


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


def _bisect(indices: list[int], items: Sequence[T], draw: Callable[[list[T]], list[R]],
            seconds: float, each: float, engine: str) -> dict[int, R | str]:
    """Run ``draw`` on many items in one sandboxed call; on failure split the batch.

    One bad formula aborts a whole typst compile (or stalls a batch past its budget),
    so a batch that fails is halved until each failure stands alone; good batches
    cost one call.
    """
    found: dict[int, R | str] = {}

    def run(part: list[int]) -> None:
        if not part:
            return
        try:
            drawn = run_limited(draw, [items[i] for i in part],
                                seconds=seconds + each * len(part),
                                memory_bytes=TYPST_MEMORY, preload=_PRELOAD)
        except SandboxError as exc:  # a bad formula must never abort or stall the build
            if len(part) == 1:
                found[part[0]] = f"{engine}: {_first_line(exc)}"
                return
            run(part[:len(part) // 2])
            run(part[len(part) // 2:])
            return
        found.update(zip(part, drawn, strict=True))

    run(indices)
    return found


def _convert_batch(batch: list[str]) -> list[Converted]:
    """Convert each formula and check its typst (in a child)."""
    results: list[Converted] = []
    for tex in batch:
        spaced, unit = typst_spaces(tex)
        if unit is not None:
            results.append(f"typst: {unit}")
            continue
        try:
            src = to_typst(spaced)
            check_typst_math(src)
        except Unsafe as exc:
            results.append(f"{REFUSED}its typst would run code ({exc})")
        except Unknown as exc:
            results.append(f"typst: {exc}")
        except Exception as exc:  # tex2typst raises bare ValueError/RuntimeError variants
            results.append(f"tex2typst: {_first_line(exc)}")
        else:
            results.append(TypstMath(src))
    return results


def _mathtext_batch(batch: list[str]) -> list[Drawn]:
    return [_mathtext(tex) for tex in batch]


def _typst_batch(batch: list[tuple[str, bool]]) -> list[FormulaImage]:
    if not batch:
        return []
    template = files("builder").joinpath("templates/formula.typ")
    payload = json.dumps([{"src": src, "display": display} for src, display in batch])
    compiler = typstengine.Compiler(Path(str(template)), inputs={"items": payload})
    pages = compiler.png(ppi=_PPI)
    if not pages:
        raise RuntimeError("typst produced no pages")
    measures = json.loads(compiler.query("<measure>", field="value"))
    images = []
    for png, _item, m in zip(pages, batch, measures, strict=True):
        height = float(m["h"])
        images.append(FormulaImage(
            png=png, width_em=float(m["w"]) / FONT_PT, height_em=height / FONT_PT,
            depth_em=(height - float(m["asc"])) / FONT_PT, engine="typst",
        ))
    return images


def mathtext_input(tex: str) -> str:
    """The exact string handed to mathtext for a formula."""
    return f"${tex}$"


def _mathtext_settings(tex: str) -> dict[str, Any]:
    # Computer Modern matches typst's look and has sized operators and \cal; a custom
    # fontset (the only way to reach a CJK face) draws \sum at text size, so it is
    # kept for formulas that hold CJK text.
    if not any(unicodedata.east_asian_width(char) in ("W", "F") for char in tex):
        return {"mathtext.fontset": "cm"}
    from builder.render.fonts import CJK_FAMILY

    # mathtext sets letters, CJK ones too, in the italic face and has no fallback face for
    # it but Computer Modern: a DejaVu italic drew each 汉字 as a dummy box.  Upright
    # Latin variables beside the CJK text are the price.
    return {"mathtext.fontset": "custom", "mathtext.rm": CJK_FAMILY,
            "mathtext.it": f"{CJK_FAMILY}:italic", "mathtext.bf": "DejaVu Serif:bold",
            "mathtext.cal": "DejaVu Serif:italic", "mathtext.sf": "DejaVu Sans",
            "mathtext.tt": "DejaVu Sans Mono", "font.family": [CJK_FAMILY, "DejaVu Sans"]}


def _mathtext(tex: str) -> Drawn:
    from matplotlib import mathtext, rc_context
    from matplotlib.font_manager import FontProperties

    from builder.render.fonts import matplotlib_cjk_family

    settings = _mathtext_settings(tex)
    if settings["mathtext.fontset"] == "custom":
        matplotlib_cjk_family()  # registers the face the settings name
    buffer = io.BytesIO()
    try:
        with rc_context(cast(Any, settings)):
            depth_px = mathtext.math_to_image(mathtext_input(tex), buffer,
                                              prop=FontProperties(size=FONT_PT), dpi=_PPI,
                                              format="png")
    except Exception as exc:  # mathtext raises ValueError and others on unsupported TeX
        return f"mathtext: {_last_line(exc)}"
    png = buffer.getvalue()
    width, height = _png_size(png)
    return FormulaImage(png=png, width_em=width / PX_PER_EM, height_em=height / PX_PER_EM,
                        depth_em=float(depth_px) / PX_PER_EM, engine="mathtext")


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
