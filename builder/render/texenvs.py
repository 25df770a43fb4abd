"""Environments as real notes write them, rewritten at the TeX level for tex2typst.

- ``\\left\\{ \\begin{aligned} … \\end{aligned} \\right.``: typst's ``lr`` cannot break
  lines, so the second row was drawn outside the brace; the rows become typst's
  ``cases`` (set in display style, as amsmath sets aligned rows), keeping ``&``.
- ``eqnarray``: its rcl columns become aligned's rl.
- ``\\{ … \\right.``: a ``\\right`` whose ``\\left`` was left out pairs with the brace.
"""

from __future__ import annotations

from builder.parse.texsyntax import Group, Node, tex_of

BRACED_ROWS = "zzbracedrows"
"""Pseudo-environment: rows of an aligned-like environment inside ``\\left\\{ … \\right.``."""
DISPLAY_ROWS = "\\zzdisplayrows"
"""Pseudo-command around those rows: amsmath sets aligned rows in display style, also
inline, where typst's cases would shrink them."""
# Environments whose rows typst draws with alignment points.
_ROW_ENVS = frozenset({"aligned", "align", "align*", "split", "gathered", "gather",
                       "gather*", "eqnarray", "eqnarray*"})
# eqnarray's three columns (rcl) are aligned's two: its second & per row goes.
_THREE_COLUMNS = frozenset({"eqnarray", "eqnarray*"})


def pair_right(nodes: list[Node]) -> list[Node]:
    """``\\{ … \\right.`` as ``\\left\\{ … \\right.``: authors often drop the ``\\left``."""
    depth = 0
    for index, node in enumerate(nodes):
        if node == "\\left":
            depth += 1
        elif node == "\\right":
            if depth:
                depth -= 1
                continue
            for back in range(index - 1, -1, -1):
                if nodes[back] in ("\\{", "\\lbrace", "(", "[") and (
                        back == 0 or nodes[back - 1] != "\\left"):
                    return pair_right([*nodes[:back], "\\left", *nodes[back:]])
            return nodes
    return nodes


def third_columns(nodes: list[Node]) -> list[Node]:
    """Drop the second ``&`` of each row of an eqnarray (rcl columns → aligned's rl)."""
    out: list[Node] = []
    inside = False
    count = 0
    i = 0
    while i < len(nodes):
        node = nodes[i]
        name = nodes[i + 1] if i + 1 < len(nodes) else ""
        if node in ("\\begin", "\\end") and isinstance(name, Group) \
                and tex_of(name.items).strip() in _THREE_COLUMNS:
            inside, count = node == "\\begin", 0
        elif inside and node == "\\\\":
            count = 0
        elif inside and node == "&":
            count += 1
            if count == 2:
                i += 1
                continue
        out.append(node)
        i += 1
    return out


def braced_rows(nodes: list[Node]) -> list[Node]:
    """``\\left\\{ \\begin{aligned} … \\end{aligned} \\right.`` as typst's cases.

    typst's ``lr`` cannot break lines, so an aligned body inside it drew its second row
    outside the brace; ``cases`` keeps every row inside and keeps the ``&`` alignment.
    """
    solid = [(index, node) for index, node in enumerate(nodes)
             if not (isinstance(node, str) and node.isspace())]
    for k in range(len(solid) - 5):
        (a, left), (_b, brace), (_c, begin), (_d, name) = solid[k:k + 4]
        if left != "\\left" or brace not in ("\\{", "\\lbrace") or begin != "\\begin" \
                or not isinstance(name, Group):
            continue
        env = tex_of(name.items).strip()
        if env not in _ROW_ENVS:
            continue
        end = _matching_end(solid, k + 4, env)
        if end is None or end + 3 >= len(solid) or solid[end + 2][1] != "\\right" \
                or solid[end + 3][1] != ".":
            continue
        body_start, body_end = solid[k + 4][0], solid[end][0]
        body = ["\\begin", Group([BRACED_ROWS]), *nodes[body_start:body_end],
                "\\end", Group([BRACED_ROWS])]
        rows = [*nodes[:a], DISPLAY_ROWS, Group(body)]
        return rows + braced_rows(nodes[solid[end + 3][0] + 1:])
    return nodes


def _matching_end(solid: list[tuple[int, Node]], start: int, env: str) -> int | None:
    """Index in ``solid`` of the ``\\end`` closing the environment opened before ``start``."""
    depth = 0
    for k in range(start, len(solid) - 1):
        node, after = solid[k][1], solid[k + 1][1]
        if node in ("\\begin", "\\end") and isinstance(after, Group) \
                and tex_of(after.items).strip() == env:
            if node == "\\begin":
                depth += 1
            elif depth:
                depth -= 1
            else:
                return k
    return None
