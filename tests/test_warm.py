"""What keeps builds cheap: imports off the `.apkg` path, parses kept warm between builds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from builder.build.config import configure
from builder.build.run import build
from builder.build.session import Session, in_session
from builder.parse.cache import ParseCache

from .conftest import write

ROOT = Path(__file__).resolve().parents[1]

NOTES = "## S\n\n### Q one?\n\nAn answer with $x^2$ and `code`.\n\n```python\nprint(1)\n```\n"


def test_an_apkg_build_loads_no_drawing_library(tmp_path: Path) -> None:
    """matplotlib, numpy, Pillow and typst cost ~1 s to import: a MathJax `.apkg` with no
    diagram needs none of them (the PDF's missing-glyph check is not made for it)."""
    write(tmp_path / "notes" / "a.md", NOTES + "\n### 中文问题？\n\n回答 ☃ 𝔸。\n")
    code = ("import sys\nfrom builder.cli import run\n"
            "try:\n"
            "    run(['build', 'notes', '--format', 'apkg', '--math', 'mathjax', '-j', '1'])\n"
            "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
            "print(sorted(m for m in ('matplotlib', 'numpy', 'PIL', 'typst', 'tex2typst')"
            " if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
    assert (tmp_path / "dist" / "a.apkg").exists()


def test_a_session_keeps_each_parse_in_memory(tmp_path: Path) -> None:
    """Within a watch session an unchanged file's parse is the one kept in memory: neither
    read back from the cache folder nor parsed again, even with the cache folder gone."""
    import shutil

    write(tmp_path / "notes" / "a.md", NOTES)
    config = configure({"sources": (Path("notes"),), "formats": ("apkg",), "math": "mathjax",
                        "jobs": 1})
    with in_session(Session()) as session:
        build(config)
        kept = dict(session.parsed)
        assert len(kept) == 1
        shutil.rmtree(config.cache)
        cache = ParseCache(config.cache)
        ((folder, shown), (key, result)), = kept.items()
        assert cache.get(shown, key) is result
        # Outside the session the same lookup finds nothing: the folder is gone.
    assert ParseCache(config.cache).get(shown, key) is None
    assert folder == config.cache
