"""A key written twice in a diagram block is read as YAML reads it, the last value; the
first, perhaps the one meant, was dropped without a word.  Now a ``diagram-yaml``
warning points at the key written again and names the line of the first."""

from __future__ import annotations

from pathlib import Path

from builder.parse.document import parse_text
from builder.render.diagrams import validate

from .conftest import FIXTURES, build_fixture

FIXTURE = FIXTURES / "diagram-duplicate-key.md"
SAID = [
    "n.md:11:1: warning: diagram key 'learning_rate' is written again here (first 2 lines "
    "above): only this value is read [diagram-yaml]",
    "n.md:18:1: warning: diagram key 'type' is written again here (first 1 line above): "
    "only this value is read [diagram-yaml]",
    "n.md:25:33: warning: diagram key 'noise' is written again here (first earlier on this "
    "line): only this value is read [diagram-yaml]",
]


def test_the_repeated_key_is_warned_at_and_its_last_value_drawn() -> None:
    doc = parse_text(FIXTURE.read_text("utf-8"), "n.md", validate_diagram=validate)
    assert [str(d) for d in doc.diagnostics if d.code == "diagram-yaml"] == SAID
    assert [(d.kind, dict(d.params)) for card in doc.cards for d in card.diagrams] == [
        ("gradient-descent", {"learning_rate": 0.5, "methods": ["sgd"], "lang": "zh"}),
        ("loss-curves", {"noise": 0.1, "lang": "zh"}),
        ("loss-curves", {"noise": 0.2, "lang": "zh"})]


def test_the_build_says_so_and_draws_both(tmp_path: Path) -> None:
    result = build_fixture(FIXTURE, "--format", "apkg", "--no-lock")
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if "[diagram-yaml]" in line] == SAID
    assert "3 card(s), 0 error(s), 3 warning(s)" in result.output
