"""Formulas and diagrams → image files, cached by a hash of everything that shapes them.

Like Sphinx's imgmath: each image is named by the hash of its source and the
settings that drew it; an existing file is reused; a failure is remembered with
its reason so it is reported again without being retried.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import Diagram, Formula
from builder.render.checkedfiles import CheckedFiles
from builder.render.imagecheck import png_intact, svg_intact
from builder.render.media import MediaFile
from builder.support.atomic import atomic_write_bytes

if TYPE_CHECKING:
    from builder.render.formulacache import FormulaResults, RenderedFormula

log = logging.getLogger(__name__)

DIAGRAM_VERSION = "1"
DIAGRAM_DPI = 200

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class RenderedDiagram:
    png: MediaFile
    svg: Path | None
    """Present when the build asked for vector images (for the PDF)."""


@dataclass
class Assets:
    """Everything the asset stage produced, looked up by the model's objects."""

    formulas: dict[Formula, RenderedFormula] = field(default_factory=dict)
    formula_failures: dict[Formula, str] = field(default_factory=dict)
    diagrams: dict[Diagram, RenderedDiagram] = field(default_factory=dict)
    diagram_failures: dict[Diagram, str] = field(default_factory=dict)
    rendered: int = 0
    """How many images were drawn in this build (0 when everything came from the cache)."""
    reused: int = 0
    typst_unavailable: str | None = None
    """Why typst could not start in this build, when formulas went to mathtext for that."""


@functools.cache
def diagram_fingerprint() -> str:
    """What draws a diagram besides its parameters: our drawing code (the diagrams package
    and the builder modules it imports, which hold nothing else) and the versions of the
    fonts, matplotlib and what it draws with (numpy's arithmetic, kiwisolver's layout,
    Pillow's PNG writer).  The rest of the builder is left out: a new release that leaves
    the drawing alone keeps every deck's picture names, so no note changes."""
    import pkgutil

    from builder.render import diagrams
    from builder.support.codeversion import modules_version

    kinds = tuple(f"builder.render.diagrams.{m.name}"
                  for m in pkgutil.iter_modules(diagrams.__path__))
    return modules_version(("builder.render.diagrams", *kinds),
                           ("matplotlib", "numpy", "kiwisolver", "Pillow",
                            "noto-cjk-sans-otc", "manimgx-fonts-cjk", "manimgx-fonts"))


def diagram_key(diagram: Diagram, fingerprint: str | None = None) -> str:
    """Hash everything that shapes a diagram image: what the drawing code is handed (kind
    and parameters), its resolution, and the code and matplotlib that draw it
    (``fingerprint``, when the caller has ``diagram_fingerprint()`` already)."""
    blob = json.dumps([DIAGRAM_VERSION, diagram.canonical, DIAGRAM_DPI,
                       diagram_fingerprint() if fingerprint is None else fingerprint],
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def render_assets(
    formulas: Iterable[Formula],
    diagrams: Iterable[Diagram],
    cache_dir: Path,
    *,
    jobs: int = 1,
    start_progress: Callable[[int], Progress] | None = None,
    vector: bool = True,
    pool: Executor | None = None,
) -> Assets:
    """Draw every formula and diagram not already in ``cache_dir``; return them all.

    ``vector`` asks for each diagram's SVG too (the PDF uses it; cards use the PNG).
    ``start_progress`` is called with the number of images to draw when that will
    take more than about a second; the callback it returns is told of each one drawn.
    ``pool`` is a process pool to use; without one, a pool is started when the work
    is large enough to pay for it.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    assets = Assets()
    checked = CheckedFiles(cache_dir)
    unique_formulas = list(dict.fromkeys(formulas))
    unique_diagrams = list(dict.fromkeys(diagrams))
    stems = _diagram_stems(unique_diagrams, checked)
    todo_diagrams = [d for d in unique_diagrams
                     if not _load_diagram(stems[d], d, cache_dir, assets, vector, checked)]
    # Formulas are known to be cached only once their conversion is looked up: the work
    # is estimated from all of them, and each step reports what it draws.
    work = work_units(len(unique_formulas), len(todo_diagrams))
    progress = start_progress(len(unique_formulas) + len(todo_diagrams)) \
        if start_progress is not None and work >= 1 else None
    with nullcontext(pool) if pool is not None else worker_pool(jobs, work) as executor:
        # Diagrams first: they are the long tasks, and the formula batches fill in around them.
        # Workers write the cache files themselves, so this process only collects results.
        diagram_jobs = [executor.submit(_draw_and_store_diagram, d.kind, d.param_dict(),
                                        stems[d], cache_dir, vector)
                        for d in todo_diagrams]
        drawn = _formulas_drawn(unique_formulas, cache_dir, executor, progress, checked)
        for diagram, drawing in zip(todo_diagrams, diagram_jobs, strict=True):
            failure = drawing.result()
            if failure is not None or not _load_diagram(stems[diagram], diagram, cache_dir,
                                                        assets, vector, checked):
                assets.diagram_failures[diagram] = failure or "the drawing was not saved"
            if progress:
                progress(1)
    if drawn is not None:
        assets.formulas, assets.formula_failures = drawn.images, drawn.failures
        assets.typst_unavailable = drawn.typst_unavailable
    formulas_drawn = drawn.drawn if drawn is not None else 0
    assets.rendered = formulas_drawn + len(todo_diagrams)
    assets.reused = len(unique_formulas) + len(unique_diagrams) - assets.rendered
    checked.save()
    log.info("image cache %s: %d formula(s) and %d diagram(s) reused, %d and %d drawn; "
             "%d cached file(s) known checked by their stat",
             cache_dir, len(unique_formulas) - formulas_drawn,
             len(unique_diagrams) - len(todo_diagrams), formulas_drawn, len(todo_diagrams),
             checked.reused)
    for diagram in todo_diagrams:
        log.debug("drew %s", diagram)
    return assets


def _formulas_drawn(formulas: list[Formula], cache_dir: Path, executor: Executor,
                    progress: Callable[[int], None] | None, checked: CheckedFiles
                    ) -> FormulaResults | None:
    """``draw_formulas``, or None for no formulas: the formula engines' modules (~4 ms of
    CPU to import) are loaded only by a build with formulas to draw (never with MathJax)."""
    if not formulas:
        return None
    from builder.render.formulacache import draw_formulas

    return draw_formulas(formulas, cache_dir, executor, progress, checked)


class _SerialExecutor(Executor):
    """Runs jobs at once in this process: no pool start-up for small builds."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        from concurrent.futures import Future

        future: Future[object] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def work_units(formulas: int, diagrams: int, source_bytes: int = 0) -> int:
    """Estimate work in units of about the cost of starting a worker process (~1 s)."""
    return formulas // 300 + diagrams + source_bytes // 400_000


def worker_pool(jobs: int, work: int) -> Executor:
    """Return a process pool of up to ``jobs`` workers, or this process for small work."""
    if jobs <= 1 or work < 2:
        return _SerialExecutor()
    # Imported here: a build with nothing to draw or parse never loads multiprocessing.
    import multiprocessing

    from builder.render.processpool import QuietProcessPool

    # "spawn", not "fork": forking a process that holds typst's or Anki's threads can deadlock.
    context = multiprocessing.get_context("spawn")
    # Not max_tasks_per_child: on Python 3.11 a pool using it can stop replacing its
    # workers and hang.  Render workers therefore keep typst's memo (see pdfjobs).
    from builder.support.interrupts import interrupts_held

    with interrupts_held():  # its queues start multiprocessing's resource tracker
        return QuietProcessPool(max_workers=min(jobs, work), mp_context=context)


def in_processes(pool: Executor) -> bool:
    """Whether ``pool`` runs its jobs in other processes (``worker_pool``'s process pool),
    asked without loading multiprocessing: with no such pool made, its module is not loaded."""
    process = sys.modules.get("concurrent.futures.process")
    return process is not None and isinstance(pool, process.ProcessPoolExecutor)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


# -- diagrams ------------------------------------------------------------------------------

def _draw_diagram(kind: str, params: dict[str, object], vector: bool = True
                  ) -> tuple[bytes, bytes | None] | str:
    """Draw one diagram to PNG (and, with ``vector``, SVG) bytes, or return why it failed."""
    from builder.render.diagrams import save

    try:
        # Saved by the drawing code, whose hash names the picture (``diagram_fingerprint``).
        drawn = save(kind, params, ["png", "svg"] if vector else ["png"], DIAGRAM_DPI)
    except Exception as exc:  # a diagram bug must not abort the whole build
        return f"{type(exc).__name__}: {exc}"
    return drawn[0], drawn[1] if vector else None


def write_diagram(kind: str, params: dict[str, object], target: Path, fmt: str) -> None:
    """Draw a diagram into the file ``target`` as ``fmt`` (``png``, ``svg`` or ``pdf``), in
    one step: an interrupted write leaves the file as it was."""
    from builder.render.diagrams import save

    atomic_write_bytes(target, save(kind, params, [fmt], DIAGRAM_DPI)[0])


def _diagram_stems(diagrams: list[Diagram], checked: CheckedFiles) -> dict[Diagram, str]:
    if not diagrams:
        return {}
    # From the record when it has it: finding the drawing code's modules means parsing them.
    fingerprint = checked.derived("diagram", diagram_fingerprint)
    return {d: _diagram_stem(d, fingerprint) for d in diagrams}


def _diagram_stem(diagram: Diagram, fingerprint: str | None = None) -> str:
    return f"diagram-{diagram.kind}-{diagram_key(diagram, fingerprint)}"


def _load_diagram(stem: str, diagram: Diagram, cache_dir: Path, assets: Assets, vector: bool,
                  checked: CheckedFiles) -> bool:
    png, svg = cache_dir / f"{stem}.png", cache_dir / f"{stem}.svg"
    # A cached file cut short or emptied (a full disk, a killed copy) is drawn again.
    if not checked.check(png, _whole(png_intact)) or (
            vector and not checked.check(svg, _whole(svg_intact))):
        return False
    assets.diagrams[diagram] = RenderedDiagram(MediaFile(png.name, png),
                                               svg if svg.exists() else None)
    return True


def _whole(intact: Callable[[Path], bool]) -> Callable[[Path], bool | None]:
    """``intact`` as a finding to record: True, or None (nothing to record)."""
    return lambda path: True if intact(path) else None


def _draw_and_store_diagram(kind: str, params: dict[str, object], stem: str,
                            cache_dir: Path, vector: bool) -> str | None:
    """Draw one diagram into the cache (in a worker); return why it failed, or None."""
    drawn = _draw_diagram(kind, params, vector)
    if isinstance(drawn, str):
        return drawn
    # The SVG goes first: a PNG in the cache means the diagram is complete.
    if drawn[1] is not None:
        atomic_write_bytes(cache_dir / f"{stem}.svg", drawn[1])
    atomic_write_bytes(cache_dir / f"{stem}.png", drawn[0])
    return None


def media_of(files: Sequence[MediaFile]) -> dict[str, Path]:
    """Return the files to pack by the name the cards use for them, one per name, sorted.

    The name is the card's, never the file's own: a picture ``a/grid.png`` is packed
    as ``img-grid-<hash>.png``, the name its ``<img src>`` asks for.
    """
    by_name = {f.name: f.path for f in files}
    return {name: by_name[name] for name in sorted(by_name)}
