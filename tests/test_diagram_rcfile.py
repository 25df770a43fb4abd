"""A diagram's pixels depend on nothing its picture name does not hash.

The name hashes the drawing code and the versions of what draws (``diagram_fingerprint``):
settings matplotlib reads from the user's ``matplotlibrc`` must not reach the picture, or
two machines give different images under one name.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.render import assets
from builder.support import codeversion

_ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import hashlib
from builder.render.diagrams import save
for kind in ("activation", "pooling"):
    for data in save(kind, {}, ["png", "svg"], 200):
        print(kind, hashlib.sha256(data).hexdigest())
"""

_RCFILE = """\
axes.linewidth: 4
savefig.bbox: tight
lines.linewidth: 5
font.size: 20
figure.facecolor: black
image.cmap: magma
axes.grid: True
"""


def _drawn(config: Path, cwd: Path) -> str:
    env = {**os.environ, "MPLCONFIGDIR": str(config), "PYTHONPATH": str(_ROOT)}
    done = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False)
    assert done.returncode == 0, done.stderr[-800:]
    return done.stdout


def test_a_users_matplotlibrc_leaves_the_pictures_unchanged(tmp_path: Path) -> None:
    """The same diagrams, drawn with a matplotlibrc in MPLCONFIGDIR (and one in the working
    folder, which matplotlib reads first), give the same PNG and SVG bytes as without."""
    config, work = tmp_path / "mplconfig", tmp_path / "work"
    config.mkdir()
    work.mkdir()
    plain = _drawn(config, work)
    assert len(plain.splitlines()) == 4
    (config / "matplotlibrc").write_text(_RCFILE, encoding="utf-8")
    assert _drawn(config, work) == plain
    (config / "matplotlibrc").unlink()
    (work / "matplotlibrc").write_text(_RCFILE, encoding="utf-8")
    assert _drawn(config, work) == plain


@pytest.mark.parametrize("library", ["matplotlib", "numpy", "kiwisolver", "Pillow"])
def test_the_libraries_that_draw_name_the_pictures(
        library: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another version of matplotlib or of what it computes, lays out and writes PNGs
    with renames every picture."""
    real = codeversion.installed_version
    assets.diagram_fingerprint.cache_clear()
    before = assets.diagram_fingerprint()
    monkeypatch.setattr(codeversion, "installed_version",
                        lambda name: "0.0-other" if name == library else real(name))
    assets.diagram_fingerprint.cache_clear()
    codeversion.modules_version.cache_clear()
    try:
        assert assets.diagram_fingerprint() != before
    finally:
        monkeypatch.setattr(codeversion, "installed_version", real)
        assets.diagram_fingerprint.cache_clear()
        codeversion.modules_version.cache_clear()
    assert assets.diagram_fingerprint() == before


def test_svg_clip_ids_are_numbered_by_the_hashed_drawing_code() -> None:
    """The SVG's clip ids are made stable where the picture name's hash covers it."""
    from builder.render.diagrams import save

    svg = save("pooling", {"seed": 1}, ["svg"], 100)[0]
    assert b'<clipPath id="clip1"' in svg and b'<clipPath id="p' not in svg
