"""Formulas → image files in the cache, each keyed on exactly what its engine is handed.

A formula goes through up to three steps, each cached on its own input:

1. TeX → typst math (``tex-<key>.json``), keyed on the TeX and the converter's code;
2. typst math → image (``math-<key>.png``), keyed on the typst source, ``display``, the
   template bytes and the versions of typst and the fonts;
3. for what typst could not draw, TeX → mathtext image (``math-<key>.png`` too), keyed on
   the mathtext string, its settings and matplotlib's version.

A mathtext image is never stored under a typst key, so once typst draws again (after a
build where it could not start) the typst image is made; a failure is stored under the
key of the step that failed, with its reason, and is not retried until that input changes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from builder.model import Formula
from builder.render import typstengine
from builder.render.checkedfiles import CheckedFiles
from builder.render.formulamemo import formula_memo
from builder.render.formulas import (
    REFUSED,
    Converted,
    Drawn,
    TypstMath,
    conversion_key,
    convert_formulas,
    converter_fingerprint,
    mathtext_images,
    mathtext_key,
    typst_images,
    typst_key,
)
from builder.render.imagecheck import png_intact
from builder.render.media import MediaFile
from builder.render.typstcheck import is_safe_typst
from builder.support.atomic import atomic_write_bytes
from builder.support.safefile import read_regular

# Big enough that one sandboxed call amortises its start-up, small enough to spread over cores.
FORMULA_BATCH = 64
# Converting takes about 0.2 ms a formula, against about 0.3 s to start a sandboxed child.
CONVERT_BATCH = 1000
T = TypeVar("T")
_NOT_SAVED = "the drawing was not saved"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RenderedFormula:
    """A formula's image in the cache, as cards and the PDF use it, with its size and
    baseline offset in em.  (An engine's fresh drawing, in memory in a worker before it is
    stored, is a ``formulas.FormulaImage``.)"""

    image: MediaFile
    width_em: float
    height_em: float
    depth_em: float
    """How far the image reaches below the text baseline."""
    engine: str
    typst: str | None
    """The typst math the image was compiled from (the PDF typesets it); None for mathtext."""


@dataclass
class FormulaResults:
    images: dict[Formula, RenderedFormula] = field(default_factory=dict)
    failures: dict[Formula, str] = field(default_factory=dict)
    """Why no engine could draw a formula."""
    drawn: int = 0
    """Formulas an engine drew (or failed to) in this build, not taken from the cache."""
    typst_unavailable: str | None = None
    """Why typst could not start, when formulas went to mathtext for that."""


def draw_formulas(formulas: Sequence[Formula], cache_dir: Path, executor: Executor,
                  progress: Callable[[int], None] | None = None,
                  checked: CheckedFiles | None = None) -> FormulaResults:
    """Look up every formula in ``cache_dir``, draw those missing there with ``executor``.

    ``checked`` knows the cache files already checked; without it, this call records its
    own checks.  Within a watch, the images the last build found are taken first
    (``formulamemo``)."""
    record = checked if checked is not None else CheckedFiles(cache_dir)
    memo = formula_memo(cache_dir)
    if memo is None:
        results = _draw_formulas(formulas, cache_dir, executor, progress, record)
    else:
        images, others = memo.known(formulas)
        log.info("%s: %d formula image(s) as the last build found them, %d looked up",
                 cache_dir, len(images), len(others))
        results = _draw_formulas(others, cache_dir, executor, progress, record) if others \
            else FormulaResults()
        results.images.update(images)
        if results.typst_unavailable is None:
            memo.remember(results.images, record.recorded)
        else:  # drawn with mathtext for want of typst, which may start next time
            memo.forget()
    if checked is None:
        record.save()
    return results


def _draw_formulas(formulas: Sequence[Formula], cache_dir: Path, executor: Executor,
                   progress: Callable[[int], None] | None, checked: CheckedFiles
                   ) -> FormulaResults:
    results = FormulaResults()
    texs = list(dict.fromkeys(f.tex for f in formulas))
    conversions = _convert(texs, cache_dir, executor, checked)
    if any(isinstance(c, TypstMath) for c in conversions.values()):
        # Formulas then go to mathtext, not cached as typst's.
        results.typst_unavailable = typstengine.problem()
    first, compiled = _typst_step(formulas, conversions, results, cache_dir, executor,
                                  progress, checked)
    fallback = [f.tex for f in formulas if isinstance(first[f], str)
                and not str(first[f]).startswith(REFUSED)]
    second, drawn = _mathtext_step(list(dict.fromkeys(fallback)), cache_dir, executor,
                                   progress, checked)
    newly = [f for f in formulas if f in compiled or f.tex in drawn]
    results.drawn = len(set(newly))
    for formula in newly:
        log.debug("drawing %s", formula)
    for formula in formulas:
        one, other = first[formula], second.get(formula.tex)
        if isinstance(one, RenderedFormula):
            results.images[formula] = one
        elif isinstance(other, RenderedFormula):
            results.images[formula] = other
        else:
            results.failures[formula] = "; ".join(r for r in (one, other) if r)
    return results


def _convert(texs: list[str], cache_dir: Path, executor: Executor, checked: CheckedFiles
             ) -> dict[str, Converted]:
    if not texs:
        return {}
    # Taken from the record: finding the converter's modules means parsing them.
    fingerprint = checked.derived("converter", converter_fingerprint)
    found = {tex: _load_conversion(tex, fingerprint, cache_dir, checked) for tex in texs}
    missing = [tex for tex, converted in found.items() if converted is None]
    converted = _in_batches(executor, _convert_and_store, missing, cache_dir,
                            size=CONVERT_BATCH)
    return {tex: c for tex, c in {**found, **dict(zip(missing, converted, strict=True))}.items()
            if c is not None}


def _typst_step(formulas: Sequence[Formula], conversions: dict[str, Converted],
                results: FormulaResults, cache_dir: Path, executor: Executor,
                progress: Callable[[int], None] | None, checked: CheckedFiles
                ) -> tuple[dict[Formula, RenderedFormula | str], set[Formula]]:
    """Each formula's typst image, or why it has none (its conversion's failure, a cached
    or new compile failure, or typst not starting: that one is not stored); and the
    formulas compiled in this build."""
    first: dict[Formula, RenderedFormula | str] = {}
    wanted: dict[str, tuple[str, bool]] = {}
    for formula in formulas:
        converted = conversions[formula.tex]
        if isinstance(converted, str):
            first[formula] = converted
        elif results.typst_unavailable is not None:
            first[formula] = f"typst: cannot start ({results.typst_unavailable})"
        else:
            key = typst_key(converted.src, formula.display)
            cached = _load_image(key, cache_dir, converted.src, checked)
            if cached is None:
                wanted[key] = (converted.src, formula.display)
            else:
                first[formula] = cached
    keys = list(wanted)
    drawn = dict(zip(keys, _in_batches(executor, _typst_and_store,
                                       [(k, *wanted[k]) for k in keys], cache_dir,
                                       progress), strict=True))
    compiled = {f for f in formulas if f not in first}
    for formula in compiled:
        converted = conversions[formula.tex]
        assert isinstance(converted, TypstMath)
        key = typst_key(converted.src, formula.display)
        first[formula] = _adopt(drawn[key], key, cache_dir, converted.src, checked) \
            or _NOT_SAVED
    return first, compiled


def _mathtext_step(texs: list[str], cache_dir: Path, executor: Executor,
                   progress: Callable[[int], None] | None, checked: CheckedFiles
                   ) -> tuple[dict[str, RenderedFormula | str], set[str]]:
    """Each formula's mathtext image, or why it has none; and the formulas drawn now."""
    done: dict[str, RenderedFormula | str] = {}
    for tex in texs:
        cached = _load_image(mathtext_key(tex), cache_dir, None, checked)
        if cached is not None:
            done[tex] = cached
    missing = [tex for tex in texs if tex not in done]
    keys = [mathtext_key(tex) for tex in missing]
    metas = _in_batches(executor, _mathtext_and_store, list(zip(keys, missing, strict=True)),
                        cache_dir, progress)
    for tex, key, meta in zip(missing, keys, metas, strict=True):
        done[tex] = _adopt(meta, key, cache_dir, None, checked) or _NOT_SAVED
    return done, set(missing)


def _in_batches(executor: Executor, work: Callable[[list[T], Path], list[Any]],
                items: list[T], cache_dir: Path,
                progress: Callable[[int], None] | None = None, *, size: int = FORMULA_BATCH
                ) -> list[Any]:
    batches = [items[i:i + size] for i in range(0, len(items), size)]
    jobs = [executor.submit(work, batch, cache_dir) for batch in batches]
    out: list[Any] = []
    for batch, job in zip(batches, jobs, strict=True):
        out += job.result()
        if progress is not None:
            progress(len(batch))
    return out


# -- the cache files (written in workers, read here) ---------------------------------------

def _load_conversion(tex: str, fingerprint: str, cache_dir: Path, checked: CheckedFiles
                     ) -> Converted | None:
    found = checked.check(cache_dir / f"tex-{conversion_key(tex, fingerprint)}.json",
                          _read_conversion)
    if found is None:
        return None
    kind, value = found
    return TypstMath(value) if kind == "typst" else value


def _read_conversion(path: Path) -> tuple[str, str] | None:
    """A conversion file's typst, ("typst", src), or its failure, ("failure", why)."""
    meta = _read_json(path)
    if meta is None:
        return None
    src = meta.get("typst")
    # The PDF evaluates this typst: a cache file is only trusted with math the check passes.
    if isinstance(src, str) and is_safe_typst(src):
        return "typst", src
    failure = meta.get("failure")
    return ("failure", failure) if isinstance(failure, str) and failure else None


def _load_image(key: str, cache_dir: Path, typst: str | None, checked: CheckedFiles
                ) -> RenderedFormula | str | None:
    meta = checked.check(cache_dir / f"math-{key}.json", _read_json)
    return None if meta is None else _adopt(meta, key, cache_dir, typst, checked)


def _adopt(meta: dict[str, Any], key: str, cache_dir: Path, typst: str | None,
           checked: CheckedFiles) -> RenderedFormula | str | None:
    """A drawn formula from its metadata: its image, why it failed, or None if its image is
    missing or damaged."""
    if "failure" in meta:
        return str(meta["failure"])
    png = cache_dir / f"math-{key}.png"
    if not checked.check(png, _whole_png):
        return None
    try:
        return RenderedFormula(MediaFile(png.name, png), float(meta["width_em"]),
                               float(meta["height_em"]), float(meta["depth_em"]),
                               str(meta["engine"]), typst)
    except (KeyError, TypeError, ValueError):
        return None


def _whole_png(path: Path) -> bool | None:
    return True if png_intact(path) else None


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads(read_regular(path, 1 << 20).decode("utf-8"))  # it may be a FIFO
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _convert_and_store(texs: list[str], cache_dir: Path) -> list[Converted]:
    """Convert a batch of formulas (in a worker) and store each conversion."""
    converted = convert_formulas(texs)
    for tex, outcome in zip(texs, converted, strict=True):
        meta = ({"tex": tex, "typst": outcome.src} if isinstance(outcome, TypstMath)
                else {"tex": tex, "failure": outcome})
        _write_json(cache_dir / f"tex-{conversion_key(tex)}.json", meta)
    return converted


def _typst_and_store(items: list[tuple[str, str, bool]], cache_dir: Path
                     ) -> list[dict[str, Any]]:
    """Compile a batch of (key, typst, display) (in a worker); store and return each meta."""
    drawn = typst_images([(src, display) for _, src, display in items])
    return [_store(key, outcome, cache_dir) for (key, _, _), outcome
            in zip(items, drawn, strict=True)]


def _mathtext_and_store(items: list[tuple[str, str]], cache_dir: Path) -> list[dict[str, Any]]:
    """Draw a batch of (key, TeX) with mathtext (in a worker); store and return each meta."""
    drawn = mathtext_images([tex for _, tex in items])
    return [_store(key, outcome, cache_dir) for (key, _), outcome
            in zip(items, drawn, strict=True)]


def _store(key: str, drawn: Drawn, cache_dir: Path) -> dict[str, Any]:
    meta: dict[str, Any]
    if isinstance(drawn, str):
        meta = {"failure": drawn}
    else:
        # The image goes first: metadata without its image is never left behind.
        atomic_write_bytes(cache_dir / f"math-{key}.png", drawn.png)
        meta = {"width_em": round(drawn.width_em, 4),
                "height_em": round(drawn.height_em, 4), "depth_em": round(drawn.depth_em, 4),
                "engine": drawn.engine}
    _write_json(cache_dir / f"math-{key}.json", meta)
    return meta


def _write_json(path: Path, meta: dict[str, Any]) -> None:
    atomic_write_bytes(path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
