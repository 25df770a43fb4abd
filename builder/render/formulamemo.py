"""What a watch's last builds found for each formula, kept for its next save.

A build looks every formula up in the image cache: its conversion, its metadata and its
image, three files whose checks ``CheckedFiles`` takes from its record by their stat.  At
2,000 formulas that is some 7,000 lookups on each save of a ``build-deck watch``, for
formulas that did not change: a quarter of what the watcher does per save besides the
PDF.  Within a watch (``kept_formulas``) each formula's finding is remembered with the
stat of its image, and taken again while the image keeps that stat; a failure (typst or
mathtext could not draw it, as the cache recorded) is taken again as long as the TeX is
the same, as the cache does.  A formula not remembered, or whose image changed or went,
is looked up as in any build.

The stat is remembered only for an image last changed more than a clock tick before it
was taken (``checkedfiles.settled``): an image rewritten within the same tick could keep
it.  The cache's metadata and conversion files are not looked at again: they are this
process's own findings about them, made from the same TeX, and what the cards and the
PDF use of them (the size, the typst) is in the finding itself.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from builder.model import Formula
from builder.render.media import MediaFile
from builder.support.filestat import settled, signature


class _Drawn(Protocol):
    """A formula's drawing (``formulacache.RenderedFormula``)."""

    @property
    def image(self) -> MediaFile: ...


D = TypeVar("D", bound=_Drawn)
_KEPT: ContextVar[dict[Path, FormulaMemo[Any]] | None] = ContextVar("kept_formulas",
                                                                     default=None)


@dataclass
class FormulaMemo(Generic[D]):
    """One cache folder's formulas as the last build found them: each one's image and
    that image's stat, or why no engine could draw it."""

    images: dict[Formula, tuple[D, str]] = field(default_factory=dict)
    failures: dict[Formula, str] = field(default_factory=dict)

    def known(self, formulas: Sequence[Formula]
              ) -> tuple[dict[Formula, D], dict[Formula, str], list[Formula]]:
        """The images and failures remembered for ``formulas`` that still hold, and the
        formulas to look up."""
        images: dict[Formula, D] = {}
        failures: dict[Formula, str] = {}
        others: list[Formula] = []
        for formula in formulas:
            image = self.images.get(formula)
            if image is not None and _stat(image[0].image.path) == image[1]:
                images[formula] = image[0]
            elif formula in self.failures:
                failures[formula] = self.failures[formula]
            else:
                others.append(formula)
        return images, failures, others

    def remember(self, drawn: Mapping[Formula, D], failures: Mapping[Formula, str],
                 lasting: Callable[[str], bool]) -> None:
        """Keep what a build found: its images with their stats now, and its failures
        that ``lasting`` says the cache keeps too; forget the rest, so the memo holds no
        more than the last build's formulas."""
        now = time.time_ns()
        images: dict[Formula, tuple[D, str]] = {}
        for formula, image in drawn.items():
            try:
                info = os.stat(image.image.path)
            except OSError:
                continue
            if settled(info, now):
                images[formula] = (image, signature(info))
        self.images = images
        self.failures = {f: why for f, why in failures.items() if lasting(why)}


def _stat(path: Path) -> str | None:
    try:
        return signature(os.stat(path))
    except OSError:
        return None


@contextlib.contextmanager
def kept_formulas() -> Iterator[None]:
    """Remember the formulas of each build run in this block for the next one
    (``build-deck watch``); outside, every build looks each formula up."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def formula_memo(cache_dir: Path) -> FormulaMemo[Any] | None:
    """The memo of the cache folder ``cache_dir`` under ``kept_formulas``, else None."""
    kept = _KEPT.get()
    if kept is None:
        return None
    return kept.setdefault(cache_dir, FormulaMemo[Any]())
