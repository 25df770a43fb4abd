"""markdown-it's syntax tree of a document, its inline nodes made only when asked for."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Self

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.support.collector import collector_paused

LINE_BREAKS = ("softbreak", "hardbreak")
"""The inline nodes that end a line of a paragraph."""


def line_end(children: Sequence[SyntaxTreeNode], start: int = 0) -> int:
    """Where the line starting at ``children[start]`` ends among a paragraph's inline
    ``children``: the index of its line break, or their count on the last line."""
    return next((i for i in range(start, len(children)) if children[i].type in LINE_BREAKS),
                len(children))


class _LazyTree(SyntaxTreeNode):
    """markdown-it's syntax tree, the nodes inside an inline token (or an image) made only
    when they are asked for.

    Most never are: ``NodeBuilder`` reads an inline token's children as the flat tokens
    they are, so building their nodes up front was a sixth of a cold parse.
    """

    _pending: Sequence[Token] | None = None

    type: str = "root"
    """markdown-it's ``type``, worked out once: the survey, the walker and the checks ask
    each node for it again and again, and markdown-it works it out from the tokens anew."""

    def __init__(self, tokens: Sequence[Token] = (), *, create_root: bool = True) -> None:
        if not create_root and len(tokens) == 1 and tokens[0].children:
            super().__init__()  # an empty node, then made this token's
            self.token = tokens[0]
            self._pending = tokens[0].children
            self.type = self.token.type
            return
        super().__init__(tokens, create_root=create_root)
        if self.token is not None:
            self.type = self.token.type
        elif self.nester_tokens is not None:
            self.type = self.nester_tokens.opening.type.removesuffix("_open")

    def _set_children_from_tokens(self, tokens: Sequence[Token]) -> None:
        # markdown-it's own copies the tokens inside a container once for every container
        # around them, and makes each node by slicing again: read here once, in order,
        # with a stack of the containers open (each made at its closing token).
        made = type(self)
        children: list[_LazyTree] = []
        opened: list[tuple[Token, list[_LazyTree]]] = []
        for token in tokens:
            if token.nesting == 1:
                opened.append((token, children))
                children = []
            elif token.nesting == -1:
                if not opened:
                    raise ValueError("Invalid token nesting")
                opening, outer = opened.pop()
                container = made([opening, token], create_root=False)
                container.children = children
                for child in children:
                    child.parent = container
                outer.append(container)
                children = outer
            else:
                children.append(made([token], create_root=False))
        if opened:
            raise ValueError(f"unclosed tokens starting {opened[0][0]}")
        for child in children:
            child.parent = self
        self._children.extend(children)

    @property
    def children(self) -> list[Self]:
        pending = self._pending
        if pending is not None:
            self._pending = None
            self._set_children_from_tokens(pending)
        return self._children

    @children.setter
    def children(self, value: list[Self]) -> None:
        self._pending = None
        self._children = value

    # A node holds its parent weakly: with a parent and its children holding each other,
    # a dropped tree (every token of the file with it) waited for the cycle collector,
    # which then looked through the whole file's tokens and nodes at once.  Dropped, it
    # is now freed at once.  A node's parent lives as long as anyone walks down to it.
    @property
    def parent(self) -> Self | None:
        holder = self._parent
        return holder() if holder is not None else None

    @parent.setter
    def parent(self, value: Self | None) -> None:
        self._parent = weakref.ref(value) if value is not None else None


def syntax_tree(tokens: Sequence[Token]) -> SyntaxTreeNode:
    """The syntax tree of a document's tokens, as ``SyntaxTreeNode(tokens)`` makes it."""
    with collector_paused():
        return _LazyTree(tokens)
