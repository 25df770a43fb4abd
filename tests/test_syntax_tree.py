"""The parser's syntax tree, whose inline nodes are made only when asked for, is the tree
markdown-it's own ``SyntaxTreeNode`` makes, node for node; and the model's inline nodes,
read off markdown-it's flat inline tokens, are those its syntax tree holds."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.model import Node
from builder.parse.csdnpictures import MARK as CSDN_MARK
from builder.parse.markdown import NodeBuilder, tokenize
from builder.parse.source import source_lines
from builder.parse.syntaxtree import syntax_tree

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = [
    "A ![alt *with* emphasis\nand a break](a%20b.png) and **bold _nested_** text.\n",
    "- item with `code` and [a *link*](https://example.com)\n  - nested $x^2$ item\n",
    "| a | b |\n|:--|--:|\n| **c** | ![d](e.png) |\n",
    "> quote with <span>html</span>\n>\n> ```python\n> code\n> ```\n",
    "# Title\n\n## Question *with* **markup** [a link](https://x.org)?\n\n"
    "Answer $$y$$ with\\\nhard break.\n",
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

    from builder.support.collector import collector_paused

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


def _expected_inline(nodes: list[SyntaxTreeNode], breaks: bool) -> list[tuple[object, ...]]:
    """Inline nodes as read off markdown-it's own syntax tree (kinds, texts, attributes)."""
    out: list[tuple[object, ...]] = []
    for node in nodes:
        kind = node.type
        if kind in ("softbreak", "hardbreak"):
            out.append(("hardbreak" if breaks else kind,))
        elif kind in ("html_inline", "text", "code_inline"):
            content = node.content
            # "[[^2]]": the brackets around a citation are not the text's.
            if (kind == "text" and content.startswith("]") and len(out) > 1
                    and out[-1][0] == "footnote_ref" and out[-2][0] == "text"
                    and str(out[-2][1]).endswith("[")):
                content = content[1:]
                before = str(out[-2][1])[:-1]
                if before:
                    out[-2] = ("text", before)
                else:
                    del out[-2]
            if content or kind == "html_inline":
                out.append((kind, content))
        elif kind.startswith("math"):
            out.append(("math_inline",))
        elif kind == "link":
            out.append(("link", node.attrs.get("href", ""),
                        _expected_inline(node.children, breaks)))
        elif kind == "image":
            alt = "".join(" " if c.type in ("softbreak", "hardbreak") else c.content
                          for c in node.children) or node.content
            out.append(("image", unquote(str(node.attrs.get("src", ""))), alt))
        elif kind == "footnote_ref" and node.meta.get("inline_note"):  # ^[the note]
            out.append(("footnote_inline", _expected_inline(node.children, breaks)))
        elif kind == "footnote_ref" and node.meta.get("undefined"):  # kept as written
            out.append(("text", f"[^{node.meta['label']}]"))
        elif kind == "footnote_ref":
            out.append(("footnote_ref", node.meta["label"]))
        else:
            out.append((kind, _expected_inline(node.children, breaks)))
    return out


def _expected_block(node: SyntaxTreeNode, breaks: bool) -> list[tuple[object, ...]]:
    children: list[tuple[object, ...]] = []
    for child in node.children:
        if child.type == "inline":
            children += _expected_inline(child.children, breaks)
        else:
            children += _expected_block(child, breaks)
    # An empty container (a list item the author left blank, ``04.``) is still one.
    return [(node.type, children)] if node.children or node.type in _CONTAINERS \
        else [(_CODE.get(node.type, node.type),)]


def _read(nodes: tuple[Node, ...]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for node in nodes:
        if node.kind in ("hardbreak", "softbreak"):
            out.append((node.kind,))
        elif node.kind in ("html_inline", "text", "code_inline"):
            out.append((node.kind, node.text))
        elif node.kind == "math_inline":
            out.append(("math_inline",))
        elif node.kind == "link":
            out.append(("link", node.attr("href"), _read(node.children)))
        elif node.kind == "image":
            out.append(("image", node.attr("src"), node.attr("alt")))
        elif node.kind == "footnote_ref":
            out.append(("footnote_ref", node.attr("label")))
        elif node.kind == "footnote_def":  # markdown-it's footnote_reference
            out.append(("footnote_reference", _read(node.children)))
        elif node.children or node.kind in _CONTAINERS:
            out.append((node.kind, _read(node.children)))
        else:
            out.append((_CODE.get(node.kind, node.kind),))
    return out


_CODE = {"fence": "code", "code_block": "code", "diagram": "code"}


_CONTAINERS = frozenset({"paragraph", "heading", "bullet_list", "ordered_list", "list_item",
                         "blockquote", "table", "thead", "tbody", "tr", "th", "td", "strong",
                         "em", "s", "mark"})


@pytest.mark.parametrize("breaks", [True, False])
@pytest.mark.parametrize("text", [
    *SAMPLES, *(text for p in sorted(FIXTURES.glob("*.md"))
                # CSDN's failed-copy text is read as the picture it names: the builder's
                # reading, not markdown-it's (tests/test_csdn_pictures.py).
                if CSDN_MARK not in (text := p.read_text(encoding="utf-8")))])
def test_inline_nodes_read_flat_are_those_of_the_tree(text: str, breaks: bool) -> None:
    tokens = tokenize(text)
    tree = SyntaxTreeNode(tokens)
    builder = NodeBuilder("n.md", source_lines(text), lambda kind, params: None, breaks=breaks)
    for block in tree.children:
        if block.type in ("front_matter", "fence", "code_block", "html_block", "hr",
                          "math_block"):
            continue
        expected = _expected_block(block, breaks)
        assert _read((builder.block(block),)) == expected
        if block.type == "heading":  # a question: its inline nodes on their own
            inline = block.children[0].children
            assert _read(tuple(builder.inline(inline, 1))) == _expected_inline(inline, breaks)


def test_a_dropped_tree_is_freed_without_the_cycle_collector() -> None:
    """Nodes hold their parents weakly: a file's tree and its tokens go when dropped, not
    at the next full collection, which then looked through them all at once."""
    import gc
    import weakref

    tree = syntax_tree(tokenize("# Title\n\n- an *item*\n\n> quote ![a](b.png)\n"))
    nodes = list(tree.walk())
    assert all(child.parent is node for node in nodes for child in node.children)
    refs = [weakref.ref(node) for node in nodes]
    gc.disable()
    try:
        del tree, nodes
        assert [ref() for ref in refs] == [None] * len(refs)
    finally:
        gc.enable()


@pytest.mark.parametrize("tokens", [
    [Token("paragraph_close", "p", -1)],
    [Token("paragraph_open", "p", 1), Token("inline", "", 0)],
])
def test_unbalanced_tokens_are_refused_as_markdown_it_refuses_them(tokens: list[Token]) -> None:
    with pytest.raises(ValueError):
        SyntaxTreeNode(tokens)
    with pytest.raises(ValueError):
        syntax_tree(tokens)
