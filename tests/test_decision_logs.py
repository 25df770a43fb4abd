"""The cache and skip decisions are logged (``-v`` shows them), each by the module deciding."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import write

NOTES = "## 基础\n### 什么是过拟合？\n训练集好，测试集差：$E_{test} \\gg E_{train}$。\n"


def _build(caplog: pytest.LogCaptureFixture, *args: str) -> list[tuple[str, str]]:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="builder"):
        result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", *args],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [(r.name, r.getMessage()) for r in caplog.records if r.levelno == logging.INFO]


def test_each_cache_and_skip_decision_is_logged(tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    first = dict(_build(caplog))
    assert first["builder.build.uptodate"].startswith("building: no record of an earlier build")
    assert "0 of 1 file(s) parsed before, 1 to parse" in first["builder.build.gather"]
    assert "0 formula(s) and 0 diagram(s) reused, 1 and 0 drawn" in first["builder.render.assets"]

    again = _build(caplog)
    assert again == [("builder.build.uptodate",
                       "up to date: nothing changed since the last build (--force builds)")]

    write(tmp_path / "notes" / "a.md", NOTES + "\n### 什么是欠拟合？\n训练集也差。\n")
    edited = dict(_build(caplog))
    assert edited["builder.build.uptodate"] == ("building: a source, the lock or a pyproject.toml "
                                          "changed since the last build")

    forced = dict(_build(caplog, "--force"))
    assert forced["builder.build.run"] == "--force: built whether or not the outputs are up to date"
    assert "1 of 1 file(s) parsed before, 0 to parse" in forced["builder.build.gather"]
    assert "1 formula(s) and 0 diagram(s) reused, 0 and 0 drawn" in forced["builder.render.assets"]
