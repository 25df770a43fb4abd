"""Every node of the model knows where it starts in the source: line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.model import Node, walk_all
from builder.parse.document import parse_file

from .conftest import FIXTURES

PLACES = FIXTURES / "node-places.md"

# What the source shows where a node starts.
_STARTS = {"strong": ("**", "__"), "em": ("*", "_"), "s": ("~~",), "code_inline": ("`",),
           "link": ("[",), "image": ("![",), "math_inline": ("$",)}


def _nodes() -> list[Node]:
    doc = parse_file(PLACES, "node-places.md")
    nodes = [*doc.section_headings, *(n for s in doc.sections for n in s.intro),
             *(n for c in doc.cards for n in (*c.question, *c.answer))]
    return list(walk_all(tuple(nodes)))


def _written(node: Node, lines: list[str]) -> str:
    return lines[node.line - 1][node.col - 1:]


def test_every_node_has_a_line_and_a_column() -> None:
    nodes = _nodes()
    assert {n.kind for n in nodes} >= {"paragraph", "text", "em", "strong", "s", "code_inline",
                                       "link", "image", "html_inline", "math_inline",
                                       "math_block", "hardbreak", "blockquote", "bullet_list",
                                       "ordered_list", "list_item", "table", "td",
                                       "code_block", "html_block"}
    lines = PLACES.read_text(encoding="utf-8").splitlines()
    assert all(0 < n.line <= len(lines) and n.col >= 1 for n in nodes), [
        n for n in nodes if not (0 < n.line <= len(lines) and n.col >= 1)]


@pytest.mark.parametrize("kind", sorted(_STARTS))
def test_an_inline_node_starts_where_its_markup_is_written(kind: str) -> None:
    lines = PLACES.read_text(encoding="utf-8").splitlines()
    placed = [n for n in _nodes() if n.kind == kind]
    assert placed
    for node in placed:
        assert _written(node, lines).startswith(_STARTS[kind]), (node, _written(node, lines))


def test_text_and_raw_html_start_where_they_are_written() -> None:
    lines = PLACES.read_text(encoding="utf-8").splitlines()
    for node in _nodes():
        if node.kind == "html_inline" or (node.kind == "text" and "\\" not in lines[node.line - 1]
                                          and "&" not in node.text):
            assert _written(node, lines).startswith(node.text), (node, _written(node, lines))


def test_places_of_some_nodes_exactly() -> None:
    found = {(n.kind, n.text or n.attr("src") or n.attr("href"), n.line, n.col)
             for n in _nodes()}
    assert {("link", "x", 10, 6), ("image", "p.png", 10, 16), ("html_inline", "<b>", 10, 30),
            ("strong", "", 12, 10), ("link", "y", 12, 47), ("text", "gone", 15, 13),
            ("ordered_list", "", 17, 4), ("strong", "", 17, 16), ("html_inline", "<i>", 21, 11),
            ("text", "第一行", 35, 7), ("math_inline", "z", 36, 5), ("image", "q.png", 36, 13),
            ("math_block", "y = x^2", 23, 1), ("code_block", "print(1)\n", 27, 1),
            ("heading", "", 1, 1), ("heading", "", 5, 1), ("text", "标题", 1, 3),
            } <= found
    # A line break is where its line ends.
    breaks = [n for n in _nodes() if n.kind in ("softbreak", "hardbreak")]
    lines = PLACES.read_text(encoding="utf-8").splitlines()
    assert breaks and all(n.col == len(lines[n.line - 1]) + 1 for n in breaks)


def test_a_file_with_control_characters_is_placed_in_the_parsed_text(tmp_path: Path) -> None:
    """Nodes are in the parsed text's columns; diagnostics are mapped to the file's by the
    collector (the same map for every stage)."""
    source = tmp_path / "n.md"
    source.write_text("## S\n### Q\n\x07a ![x](p.png)\n", encoding="utf-8")
    (image,) = [n for n in walk_all(parse_file(source, "n.md").cards[0].answer)
                if n.kind == "image"]
    assert (image.line, image.col) == (3, 3)


def test_checks_place_what_they_find_from_the_model(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A figure word split by markup, a `$` after an escape and an entity, raw HTML in a
    list: each reported where it is written."""
    from click.testing import CliRunner

    from builder.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.md").write_text(
        "## S $s\n### Q\n- 一项\n  - 如**图**所示 &amp; \\$a 和 $b\n\n"
        "  <span onclick=\"x\">t</span> 和 <script>x</script>\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "n.md"])
    lines = result.output.splitlines()
    assert "n.md:4:5: warning: the answer to 'Q' refers to a figure ('如图') but has no image " \
        "or diagram [missing-figure]" in lines, result.output
    assert [line.split(": ")[0] for line in lines if "[unbalanced-dollar]" in line] == \
        ["n.md:1:6", "n.md:4:26"], result.output
    assert [line.split(": ")[0] for line in lines if "[html-removed]" in line] == \
        ["n.md:6:1"], result.output


def test_for_example_an_image_is_no_figure_word(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """例如图像 (for example, images) and 如图像分类 (such as image classification), seen in
    the corpus, point at no figure; 如图所示 does."""
    from click.testing import CliRunner

    from builder.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.md").write_text(
        "## S\n### Q\n例如图像的边缘，如图像分类。\n### R\n比如图像，如图所示。\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "n.md"])
    assert [line.split(": ")[0] for line in result.output.splitlines()
            if "[missing-figure]" in line] == ["n.md:5:6"], result.output
