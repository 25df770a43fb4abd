"""Formulas drawn the way a build draws them: ``draw_formulas`` through a cache folder,
each batch run in this process (the serial executor a small build uses)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from builder.model import Formula, SourceLoc
from builder.render.assets import worker_pool
from builder.render.formulacache import RenderedFormula, draw_formulas

Drawn = RenderedFormula | str
"""A formula's image in the cache, or why no engine could draw it."""


def draw(items: Sequence[tuple[str, bool]], cache_dir: Path) -> list[Drawn]:
    """Each (tex, display) pair's image or failure, in order, drawn into ``cache_dir``."""
    formulas = [Formula(tex, display, SourceLoc("drawn.md", line, 1))
                for line, (tex, display) in enumerate(items, start=1)]
    results = draw_formulas(formulas, cache_dir, worker_pool(1, 0))
    assert set(results.images) | set(results.failures) == set(formulas)
    return [results.images.get(f) or results.failures[f] for f in formulas]


def draw_one(tex: str, cache_dir: Path, display: bool = False) -> Drawn:
    return draw([(tex, display)], cache_dir)[0]


def image(tex: str, cache_dir: Path, display: bool = False) -> RenderedFormula:
    """The formula's image; the test fails if no engine drew it."""
    drawn = draw_one(tex, cache_dir, display)
    assert isinstance(drawn, RenderedFormula), drawn
    return drawn
