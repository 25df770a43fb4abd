"""Hostile inputs met in s12's attack.  Work is bounded by counting what is done, or by
a CPU or memory limit in a child, never by timing."""

from __future__ import annotations

from markdown_it.tree import SyntaxTreeNode

from builder.parse.bold import paragraph_question
from builder.parse.markdown import tokenize


class _Counted(str):
    """Text that counts the characters its slices copy."""

    copied = 0

    def __getitem__(self, key: object) -> str:
        part = str.__getitem__(self, key)  # type: ignore[index]
        _Counted.copied += len(part)
        return part


def test_a_line_of_qualified_names_is_read_for_cards_without_copying_it_per_name() -> None:
    """Each ``::`` of a line was tried as an Obsidian card's separator by copying the
    text before and after it, even for ``std::move``: a 1 MB line of names took 51 s."""
    line = "a::b " * 2000
    paragraph = SyntaxTreeNode(tokenize(line + "\n")).children[0]
    (text,) = paragraph.children[0].children
    text.token.content = _Counted(text.token.content)  # type: ignore[union-attr]
    _Counted.copied = 0
    assert paragraph_question(paragraph) is None
    assert _Counted.copied <= 2 * len(line)
