"""What a watch's last build found of each formula's image, kept for its next save.

A build looks every formula up in the image cache: its conversion, its metadata and its
image, three files whose checks ``CheckedFiles`` takes from its record by their stat.  At
2,000 formulas that is some 7,000 lookups on each save of a ``build-deck watch``, for
formulas that did not change: a third of what the watcher did per save besides the PDF.
Within a watch (``kept_formulas``) each formula's image is remembered with the stat under
which ``CheckedFiles`` recorded it whole, and taken again while the image keeps that stat.
A formula not remembered, or whose image changed or went, is looked up as in any build;
so is a formula no engine could draw (a build retries it once its cache files go).

Only the stat recorded before the image was checked counts (the record keeps it only for
an image last changed more than a clock tick before, ``support.filestat.settled``): an
image damaged after its check, even in the same build, has another stat, and is looked
up again.  The cache's metadata and conversion files are not looked at again: what the
cards and the PDF use of them (the image's size, the typst) is in the finding itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from builder.model import Formula
from builder.render.media import MediaFile
from builder.support.filestat import path_signature


class _Drawn(Protocol):
    """A formula's drawing (``formulacache.RenderedFormula``)."""

    @property
    def image(self) -> MediaFile: ...


D = TypeVar("D", bound=_Drawn)


@dataclass
class FormulaMemo(Generic[D]):
    """One cache folder's formula images as the last build found them, each with the stat
    it was found whole under."""

    cache_dir: Path
    images: dict[Formula, tuple[D, str]] = field(default_factory=dict)

    def known(self, formulas: Sequence[Formula]) -> tuple[dict[Formula, D], list[Formula]]:
        """The images remembered for ``formulas`` whose files keep their stat, and the
        formulas to look up."""
        images: dict[Formula, D] = {}
        others: list[Formula] = []
        for formula in formulas:
            image = self.images.get(formula)
            if image is not None and path_signature(image[0].image.path) == image[1]:
                images[formula] = image[0]
            else:
                others.append(formula)
        return images, others

    def remember(self, drawn: Mapping[Formula, D],
                 recorded: Callable[[Path], str | None]) -> None:
        """Keep the images a build found whose files still have the stat ``recorded``
        gives (the one their check was recorded under); forget the rest, so the memo
        holds no more than the last build's formulas."""
        images: dict[Formula, tuple[D, str]] = {}
        for formula, image in drawn.items():
            path = image.image.path
            checked_under = recorded(path)
            if checked_under is not None and path_signature(path) == checked_under:
                images[formula] = (image, checked_under)
        self.images = images

    def forget(self) -> None:
        self.images = {}


_KEPT: ContextVar[list[FormulaMemo[Any]] | None] = ContextVar("kept_formulas", default=None)
"""Under ``kept_formulas``: the memo of the last build's cache folder, if any."""


@contextlib.contextmanager
def kept_formulas() -> Iterator[None]:
    """Remember the formula images of each build run in this block for the next one
    (``build-deck watch``); outside, every build looks each formula up."""
    token = _KEPT.set([])
    try:
        yield
    finally:
        _KEPT.reset(token)


def formula_memo(cache_dir: Path) -> FormulaMemo[Any] | None:
    """The memo of the cache folder ``cache_dir`` under ``kept_formulas`` (a new one when
    the last build used another folder), else None."""
    kept = _KEPT.get()
    if kept is None:
        return None
    if not kept or kept[0].cache_dir != cache_dir:
        kept[:] = [FormulaMemo[Any](cache_dir)]
    return kept[0]
