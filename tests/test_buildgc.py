"""A build sets what it loads and makes aside from Python's cycle collector
(``gc.freeze``, see ``builder.build.parsejobs.look_up_parses``) only while it runs."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.build import parsejobs
from builder.cli import main

from .conftest import write

NOTES = "## 基础\n### 什么是过拟合？\n训练集上好，验证集上差。\n"


@pytest.fixture
def frozen_while_building(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many objects were set aside when each build had looked up its parses."""
    counts: list[int] = []
    real = parsejobs.look_up_parses

    def looking_up(*args: object, **kwargs: object) -> list[parsejobs.ParseJob]:
        jobs = real(*args, **kwargs)  # type: ignore[arg-type]
        counts.append(gc.get_freeze_count())
        return jobs

    monkeypatch.setattr("builder.build.gather.look_up_parses", looking_up)
    return counts


@pytest.mark.parametrize("command", [["build", "--format", "apkg"], ["check"]])
def test_the_collector_gets_back_what_a_command_set_aside(
        tmp_path: Path, command: list[str], frozen_while_building: list[int]) -> None:
    """After ``build`` and ``check``, even one that fails, nothing stays set aside: a
    process that goes on (a watch, the tests) collects its garbage as before."""
    write(tmp_path / "notes" / "a.md", NOTES)
    assert gc.get_freeze_count() == 0
    result = CliRunner().invoke(main, [*command, "notes"])
    assert result.exit_code == 0, result.output
    assert frozen_while_building and frozen_while_building[0] > 0
    assert gc.get_freeze_count() == 0
    (tmp_path / "notes" / "build-deck.lock").write_text("{not json", encoding="utf-8")
    write(tmp_path / "notes" / "a.md", NOTES + "### 新问题？\n新答案。\n")
    result = CliRunner().invoke(main, [*command, "notes"])
    assert result.exit_code != 0 and "lock" in result.output, result.output
    assert len(frozen_while_building) == 2
    assert gc.get_freeze_count() == 0
