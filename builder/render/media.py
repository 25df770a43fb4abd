"""A file a card or the PDF names: drawn formulas and diagrams, and the notes' pictures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A file to pack into the deck, referenced from cards by its flat ``name``."""

    name: str
    path: Path
