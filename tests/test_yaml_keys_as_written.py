"""A YAML key that is not a string (``~``, ``true``, ``0x10``) is named as written in the
messages about it, not as Python prints the loaded value ('None', 'True', '16')."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES

FIXTURE = FIXTURES / "yaml-keys-not-strings.md"


def test_front_matter_and_diagram_keys_are_named_as_written(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_text(FIXTURE.read_text("utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "n.md"])
    lines = result.output.splitlines()
    assert "n.md:3:1: warning: unknown front matter keys '~', 'true' (known: " in lines[0]
    assert "n.md:10:1: error: pooling: unknown parameter '~' (allowed: " in lines[1]
    # The first unknown key is named; YAML 1.1 reads 0x10 as 16 and Off as false.
    assert "n.md:18:1: error: loss-curves: unknown parameter '0x10' (allowed: " in lines[2]
    assert not any(word in result.output for word in ("'None'", "'True'", "'16'"))
    assert result.exit_code == 1
