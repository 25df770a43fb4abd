"""Hostile picture addresses met in s9's attack on the new parse code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

_LONG = 50_000


@pytest.mark.parametrize("address", [
    "https://cdn.nlark.com/yuque/__latex/a.svg#card=math&code=" + "%00%0A" * _LONG + "&id=x",
    "https://example.com/" + "a" * _LONG + ".png",
])
def test_a_huge_refused_picture_address_gives_a_short_diagnostic(tmp_path: Path,
                                                                   address: str) -> None:
    (tmp_path / "notes.md").write_text(f"## Q\n\n![]({address})\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if "notes.md:3:1" in line]
    assert len(lines) == 1, result.output[:2000]
    assert "[image-path]" in lines[0] or "[remote-image]" in lines[0]
    assert "characters)" in lines[0]
    assert len(lines[0]) < 1_000


_MANY_UNCLOSED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_CPU, (15, 15))
from markdown_it import MarkdownIt
from builder.parse.spacedimages import spaced_images_plugin
md = MarkdownIt("commonmark")
spaced_images_plugin(md)
md.parse(("![](x y " * 3000 + "\\n\\n") * 120)
print("parsed")
"""


def test_many_unclosed_spaced_images_do_not_walk_each_path() -> None:
    # 360,000 unclosed ``![](x y`` each walked 1,000 characters took about half a minute of
    # CPU; the RLIMIT_CPU guard kills such a walk, a search per image passes it easily.
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", _MANY_UNCLOSED], capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "parsed"
