"""YAML with very many keys is refused after a bounded amount of reading.

1 MB of front matter ``k0: 1 … k99999: 1`` took ~10 s of CPU (15 s on the shared cores):
PyYAML reads in pure Python, twice (the guard, then the loading), and the front matter
was parsed as Markdown as well, to look for the headings of a front matter that runs on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it.token import Token

from builder.cli import main
from builder.parse.frontmatter_cut import repair_front_matter
from builder.support.yamlload import MAX_YAML_NODES, YamlRefused, load_yaml_with_places


def test_a_document_of_max_nodes_loads_and_one_more_is_refused_where_it_is() -> None:
    items = MAX_YAML_NODES - 1  # and the list itself
    data, _, _ = load_yaml_with_places("- 1\n" * items)
    assert data == [1] * items
    with pytest.raises(YamlRefused) as refused:
        load_yaml_with_places("- 1\n" * (items + 1))
    assert refused.value.problem == f"more than {MAX_YAML_NODES:,} keys, values and items"
    assert refused.value.place == (items, 2)
    with pytest.raises(YamlRefused):  # keys and values count, nested ones too
        load_yaml_with_places("a:\n" + "".join(f"  k{i}: 1\n" for i in range(items // 2)))


def test_front_matter_of_100000_keys_is_an_error_and_the_notes_still_build(
        tmp_path: Path) -> None:
    keys = "".join(f"k{i}: 1\n" for i in range(100_000))
    (tmp_path / "n.md").write_text(f"---\ndeck: Mine\n{keys}---\n## S\n### Q?\nA\n",
                                   encoding="utf-8")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--no-lock"])
    # As the error says: not even the deck name before the limit is taken.
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.apkg")) == ["n.apkg"]
    assert "n.md:5001:8: error: front matter is not valid YAML: more than 10,000 keys, " \
           "values and items; the file's settings (deck, tags, lang…) are not used " \
           "[front-matter]" in result.output
    assert "1 deck(s), 1 card(s), 1 error(s)" in result.output


def _front(content: str) -> list[Token]:
    token = Token("front_matter", "", 0)
    token.content, token.map = content, [0, content.count("\n") + 2]
    return [token]


def test_front_matter_with_no_heading_line_is_not_parsed_as_markdown() -> None:
    def refuse(text: str, env: dict[str, object]) -> list[Token]:
        raise AssertionError(f"parsed as Markdown: {text[:40]!r}")

    for content in ("a: 1\n\nb: 2", "a: 1\n# a comment, no blank line above",
                    "a: |\n\n    # four spaces: code, no heading", "\n\t# a tab: code"):
        tokens = _front(content)
        assert repair_front_matter(content, tokens, refuse, refuse) == tokens
    with pytest.raises(AssertionError):  # a line that may be a heading, after a blank one
        repair_front_matter("", _front("a: 1\n\n   ## Q?"), refuse, refuse)
