"""The parser's syntax tree, whose inline nodes are made only when asked for, is the tree
markdown-it's own ``SyntaxTreeNode`` makes, node for node."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.tree import SyntaxTreeNode

from builder.parse.markdown import syntax_tree, tokenize

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = [
    "A ![alt *with* emphasis\nand a break](a%20b.png) and **bold _nested_** text.\n",
    "- item with `code` and [a *link*](https://example.com)\n  - nested $x^2$ item\n",
    "| a | b |\n|:--|--:|\n| **c** | ![d](e.png) |\n",
    "> quote with <span>html</span>\n>\n> ```python\n> code\n> ```\n",
    "# Title\n\n## Question?\n\nAnswer $$y$$ with\\\nhard break.\n",
]


def _shape(node: SyntaxTreeNode) -> list[tuple[object, ...]]:
    return [(n.type, len(n.children), n.parent.type if n.parent else None) if n.is_root else
            (n.type, n.map, n.content, n.attrs, len(n.children), n.parent.type if n.parent
             else None, n.nester_tokens is not None) for n in node.walk()]


@pytest.mark.parametrize("text", [
    *SAMPLES, *(p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.md")))])
def test_the_tree_is_markdown_its_own(text: str) -> None:
    tokens = tokenize(text)
    ours, theirs = syntax_tree(tokens), SyntaxTreeNode(tokens)
    assert ours.pretty(show_text=True) == theirs.pretty(show_text=True)
    assert _shape(ours) == _shape(theirs)
    assert ours.to_tokens() == theirs.to_tokens() == tokens


def test_inline_nodes_are_made_when_first_asked_for() -> None:
    tree = syntax_tree(tokenize("Some *emphasis* here.\n"))
    inline = tree.children[0].children[0]
    assert inline.type == "inline"
    assert inline._children == []  # nothing made yet
    assert [c.type for c in inline.children] == ["text", "em", "text"]
    assert [c.parent for c in inline.children] == [inline] * 3
    assert inline.children[1].children[0].content == "emphasis"


def test_parsing_leaves_the_cycle_collector_as_it_found_it() -> None:
    import gc

    from builder.parse.markdown import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()  # held off while the tokens are made
    tokenize("# a\n\nb *c*\n")
    syntax_tree(tokenize("d\n"))
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        tokenize("e\n")
        assert not gc.isenabled()  # a caller's own pause is not ended
    finally:
        gc.enable()
