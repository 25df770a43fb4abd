"""A diagram parameter written as YAML 1.2 reads a number (``1e-06``, ``1E-2``), which
PyYAML (YAML 1.1) reads as text: drawn with that number; a block drawn before keeps its
parameters, so its picture keeps its name."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import Diagram
from builder.parse.document import parse_text
from builder.render.diagrams import validate

from .conftest import FIXTURES


def _diagrams() -> tuple[list[Diagram], list[str]]:
    text = (FIXTURES / "diagram-yaml11-floats.md").read_text("utf-8")
    doc = parse_text(text, "f.md", validate_diagram=validate)
    return ([d for card in doc.cards for d in card.diagrams],
            [f"{d.loc.line}: {d.message} [{d.code}]" for d in doc.diagnostics])


def test_yaml12_numbers_are_read_as_numbers_and_others_keep_their_verdict() -> None:
    diagrams, said = _diagrams()
    assert [(d.kind, dict(d.params)) for d in diagrams] == [
        ("gradient-descent", {"learning_rate": 1e-06, "lang": "zh"}),
        ("loss-curves", {"noise": 0.01, "lang": "zh"}),
        ("gradient-descent", {"learning_rate": 0.5, "methods": ["sgd"], "lang": "zh"}),
    ]
    # Read as 1000, which is then refused for its size, not for being text.
    assert said == ["21: gradient-descent: parameter 'learning_rate' must be a number from "
                    "1e-06 to 10 (got 1000.0) [diagram-param]"]


def test_a_block_read_before_keeps_the_parameters_its_picture_is_named_by() -> None:
    diagrams, _said = _diagrams()
    assert diagrams[-1].canonical == json.dumps(
        {"type": "gradient-descent", "learning_rate": 0.5, "methods": ["sgd"], "lang": "zh"},
        sort_keys=True, ensure_ascii=False)


def test_the_build_draws_all_but_the_number_out_of_range(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(FIXTURES / "diagram-yaml11-floats.md", tmp_path / "f.md")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["f.md"])
    assert result.exit_code == 1, result.output  # the one refused
    assert "images: 3 rendered" in result.output, result.output
    errors = re.findall(r":(\d+):\d+: error: .*\[(diagram-\w+)\]", result.output)
    assert errors == [("21", "diagram-param")], result.output
