"""A diagram picture's name changes with what draws it, and with nothing else.

The name is part of the note's content: a name changed by an unrelated edit of the
builder shows every user "updated" notes at their next import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from builder.render import assets
from builder.support import codeversion

BUILDER = Path(assets.__file__).resolve().parents[1]

DRAWING = {"render/diagrams/__init__.py", "render/diagrams/_style.py",
           "render/diagrams/activation.py", "render/diagrams/dilated_conv.py",
           "render/diagrams/gradient_descent.py", "render/diagrams/loss_curves.py",
           "render/diagrams/pooling.py", "render/diagrams/receptive_field.py",
           "render/fonts.py", "support/languagecodes.py"}
"""The files that shape a diagram's pixels: the drawing code, the fonts it registers with
matplotlib and the language names its labels are chosen by."""


def _clear() -> None:
    codeversion.modules_version.cache_clear()
    assets.diagram_fingerprint.cache_clear()


@pytest.fixture
def fingerprint_after_edit(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], str]]:
    """``diagram_fingerprint()`` as it would be with a comment added to one builder file."""
    real = Path.read_bytes

    def edited(name: str) -> str:
        target = BUILDER / name

        def read_bytes(self: Path) -> bytes:
            data = real(self)
            return data + b"\n# an edit\n" if self.resolve() == target else data

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        _clear()
        try:
            return assets.diagram_fingerprint()
        finally:
            monkeypatch.setattr(Path, "read_bytes", real)
            _clear()

    _clear()
    yield edited
    _clear()


def test_only_the_drawing_code_names_the_pictures(
        fingerprint_after_edit: Callable[[str], str]) -> None:
    """A comment added to any builder module outside the drawing code (parse/language,
    support/atomic, the typst side, the asset stage itself …) keeps every picture's name;
    one added to any drawing module renames them."""
    before = assets.diagram_fingerprint()
    files = sorted(str(p.relative_to(BUILDER)) for p in BUILDER.rglob("*.py")
                   if "__pycache__" not in p.parts)
    assert set(files) >= DRAWING
    renamed = {name for name in files if fingerprint_after_edit(name) != before}
    assert renamed == DRAWING
    assert assets.diagram_fingerprint() == before
