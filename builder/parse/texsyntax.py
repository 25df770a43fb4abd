"""Reading TeX math as tokens and brace groups, for the pre-pass in ``builder.render.texmath``.

Arguments nest, so TeX is never taken apart with a regex over the whole text: it is
split into tokens (control words, escaped characters, runs of space, single
characters) and ``{...}`` groups, and commands take their arguments from that tree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)

MAX_GROUP_DEPTH = 64
"""Deeper ``{...}`` nesting is refused: everything that walks the tree recurses, and
``{`` 5,000 deep overflowed Python's stack (real formulas nest a few levels)."""


@dataclass(slots=True)
class Group:
    """A ``{...}`` group."""

    items: list[Node]


Node = str | Group


def tokens(tex: str) -> list[str]:
    """Control words, escaped characters, runs of space and single characters."""
    found: list[str] = _TOKEN.findall(tex)
    return found


def parse_tex(tex: str) -> list[Node]:
    """Tokens and brace groups; raises ValueError on unbalanced or too deep braces."""
    stack: list[list[Node]] = [[]]
    for token in _TOKEN.findall(tex):
        if token == "{":
            if len(stack) > MAX_GROUP_DEPTH:
                raise ValueError(f"braces nested more than {MAX_GROUP_DEPTH} deep")
            stack.append([])
        elif token == "}":
            if len(stack) == 1:
                raise ValueError("unbalanced '}'")
            items = stack.pop()
            stack[-1].append(Group(items))
        elif token[0] == "\\" and token[1:].isspace():
            stack[-1].append("\\ ")  # a control space, `\<newline>` too (tex2typst knows `\ `)
        else:
            stack[-1].append(token)
    if len(stack) != 1:
        raise ValueError("unbalanced '{'")
    return stack[0]


def tex_of(nodes: list[Node]) -> str:
    return "".join(n if isinstance(n, str) else "{" + tex_of(n.items) + "}" for n in nodes)


def without_spaces(nodes: list[Node]) -> list[Node]:
    return [n for n in nodes if not (isinstance(n, str) and n.isspace())]


def with_script_bases(nodes: list[Node]) -> list[Node]:
    """``nodes`` with an empty group before each script that has no base: at the start of
    the formula (``$_{v1}$``) or of a group that is no command's argument (``R2{_score}``).
    tex2typst writes ``#none`` for the missing base, which runs into the script as the
    typst code ``#none_s``. A command's argument (``\\text{_a}``) is left as written."""
    out: list[Node] = []
    last: Node = ""  # the node before, spaces aside
    for node in nodes:
        commanded = isinstance(last, str) and last[:1] == "\\"
        if isinstance(node, Group) and not commanded:
            node = Group(with_script_bases(node.items))
        out.append(node)
        if not (isinstance(node, str) and node.isspace()):
            last = node
    solid = without_spaces(out)
    return [Group([]), *out] if solid and solid[0] in ("^", "_") else out


_PAIRS = {"(": ")", "\uff08": "\uff09"}


def with_paired_parens(nodes: list[Node]) -> list[Node]:
    """``nodes`` with a parenthesis closed by the other width's made ASCII, as its
    partner: a Chinese input method types ``（`` where ``(`` was meant
    (``\\frac{（\\sum g_i)^2}{…}``).  Left so, the ASCII ``)`` has no partner in its group,
    and in typst it closes the ``frac(`` around it ("missing argument: denom")."""
    out = [Group(with_paired_parens(n.items)) if isinstance(n, Group) else n for n in nodes]
    opened: list[int] = []
    for index, node in enumerate(out):
        if isinstance(node, Group):
            continue
        if node in _PAIRS:
            opened.append(index)
        elif node in (")", "\uff09") and opened:
            start = opened.pop()
            if _PAIRS[str(out[start])] != node:
                out[start], out[index] = "(", ")"
    return out


def skip_space(nodes: Sequence[Node], i: int) -> int:
    while i < len(nodes) and isinstance(nodes[i], str) and str(nodes[i]).isspace():
        i += 1
    return i


def argument(nodes: list[Node], i: int) -> tuple[list[Node], int]:
    """The mandatory argument starting at ``i``: a group's items or one token."""
    i = skip_space(nodes, i)
    if i >= len(nodes):
        raise ValueError("missing argument")
    node = nodes[i]
    return (node.items if isinstance(node, Group) else [node]), i + 1


def optional(nodes: list[Node], i: int) -> tuple[list[Node] | None, int]:
    """An optional ``[...]`` argument starting at ``i`` (brackets inside groups are skipped)."""
    j = skip_space(nodes, i)
    if j >= len(nodes) or nodes[j] != "[":
        return None, i
    for k in range(j + 1, len(nodes)):
        if nodes[k] == "]":
            return nodes[j + 1:k], k + 1
    raise ValueError("unclosed '['")


def star(nodes: list[Node], i: int) -> tuple[bool, int]:
    j = skip_space(nodes, i)
    return (True, j + 1) if j < len(nodes) and nodes[j] == "*" else (False, i)
