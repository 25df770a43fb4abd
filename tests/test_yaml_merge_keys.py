"""YAML's merge key (``<<: {steps: 100}``) in a diagram block or the front matter is
merged as ``yaml.safe_load`` merges it: the loader that notes repeated keys constructed
``<<`` as a key and failed ("could not determine a constructor for the tag ...merge").
A key merged in and written again overrides it, as YAML means, with no warning; keys
written again are named as written and, past ten, counted on the last warning."""

from __future__ import annotations

from builder.parse.document import parse_text
from builder.render.diagrams import validate

from .conftest import FIXTURES

FIXTURE = FIXTURES / "diagram-merge-key.md"


def test_a_diagram_block_merges_and_overrides_without_a_warning() -> None:
    doc = parse_text(FIXTURE.read_text("utf-8"), "n.md", validate_diagram=validate)
    assert [(d.kind, dict(d.params)) for card in doc.cards for d in card.diagrams][:2] == [
        ("gradient-descent", {"steps": 100, "learning_rate": 0.2, "lang": "zh"}),
        ("gradient-descent", {"steps": 50, "learning_rate": 0.2, "seed": 7, "lang": "zh"})]
    # The one warning: '~' written twice, named as written (the key is None).
    assert [str(d) for d in doc.diagnostics if d.code == "diagram-yaml"] == [
        "n.md:27:3: warning: diagram key '~' is written again here (first 1 line above): "
        "only this value is read [diagram-yaml]"]


def test_front_matter_merges_with_keys_placed_where_written() -> None:
    doc = parse_text("---\ntitle: A\n<<: {dekc: X, deck: [1]}\ndeck: Y\n---\n\n# T\n\n"
                     "## Why?\n\nBecause.\n", "n.md")
    assert [card.key for card in doc.cards] == ["Y / why?"]
    # The merged 'deck: [1]', overridden, is neither read nor warned at.
    assert [str(d) for d in doc.diagnostics] == [
        "n.md:3:6: warning: unknown front matter key 'dekc' (did you mean 'deck'?) "
        "[front-matter]"]


def test_front_matter_with_only_a_merge_names_the_deck() -> None:
    doc = parse_text("---\n<<: {deck: X}\n---\n\n# T\n\n## Why?\n\nBecause.\n", "n.md")
    assert [card.key for card in doc.cards] == ["X / why?"]
    assert not doc.diagnostics


def test_keys_written_again_past_ten_are_counted_not_each_warned() -> None:
    body = "type: loss-curves\n" + "noise: 0.1\n" * 31
    doc = parse_text(f"# T\n\n## Why?\n\n```diagram\n{body}```\n", "n.md",
                     validate_diagram=validate)
    said = [d.message for d in doc.diagnostics if d.code == "diagram-yaml"]
    assert len(said) == 10
    assert said[-1].endswith("only this value is read; and 20 more keys written again, "
                             "not each named")
    assert [d.kind for card in doc.cards for d in card.diagrams] == ["loss-curves"]


def test_front_matter_keys_written_again_are_counted_too() -> None:
    doc = parse_text("---\n" + "title: A\n" * 13 + "---\n\n# T\n\n## Why?\n\nBecause.\n",
                     "n.md")
    said = [d.message for d in doc.diagnostics if d.code == "front-matter"]
    assert len(said) == 10
    assert said[-1].endswith("; and 2 more keys written again, not each named")
    assert not said[0].endswith("named")
