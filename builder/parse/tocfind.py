"""Tables of contents an author wrote by hand, found among a file's top-level blocks.

A ``[TOC]`` marker (the editor draws it), a list of links under a heading or line that
names a TOC ("目录", "Contents"), or a list of links to the file's own headings at its
top.  They are never a card (``builder.parse.document``) and ``toc --check`` compares them with the
headings (``builder.checks.toc``).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from markdown_it.tree import SyntaxTreeNode

from builder.parse.bold import plain
from builder.parse.callouts import CALLOUT, CALLOUT_TITLE
from builder.parse.htmldetails import only_closes, opening_summary
from builder.parse.htmllinks import only_links
from builder.parse.phrases import asks_outright, is_toc_marker, is_toc_title

_TOC_TITLE_MAX = 40
"""Longest line (characters) read as a TOC title or marker."""


def toc_blocks(nodes: Sequence[SyntaxTreeNode], anchors: set[str],
               *, past_the_file: bool = False, path: str = "") -> set[int]:
    """Return the first lines (0-based) of the blocks that are a table of contents.

    A ``[TOC]`` marker; a heading or line naming one ("目录", "Contents") with the
    list of links after it; a list of links to the file's own headings.  With
    ``past_the_file``, a list under a TOC title may also link past the file, as long as
    most of its links point into it (``[7. 代码实现](demo.ipynb)`` closing a "目录"): such
    a list is no card, but ``toc`` leaves it alone, so as not to drop those links.

    ``path`` is the file's: a link to it by name or URL
    (``https://github.com/o/r/blob/main/Notes.md#q1-what``) is a link to its own heading.
    A TOC may come in groups, each list under a heading of its own ("## Deep Neural
    Networks", "## Computer Vision"): a list that is all its heading holds and whose links
    all reach the file's own headings, before any heading with text of its own, is one,
    and so is each such list right after it,
    whose links may be left empty (``[Q23: …]()``, questions not answered yet); the
    headings over the groups are the TOC's.
    """
    found: set[int] = set()
    headings = 0
    answered = False  # a heading with text of its own came before: past the file's head
    for index, node in enumerate(nodes):
        start = node.map[0] if node.map else -1
        headings += node.type == "heading"
        if node.type == "paragraph" and node.children \
                and len(node.children[0].content) <= _TOC_TITLE_MAX \
                and is_toc_marker(plain(node.children[0].children)):
            found.add(start)
        elif node.type in ("bullet_list", "ordered_list"):
            titled = index > 0 and _names_toc(nodes[index - 1])
            # Only at the top (before or under the title, or its own "## 目录" there) may
            # a list be taken on its title or on its look: further down, a "目录" list is
            # as likely part of an answer, and is a TOC only when most of its links reach
            # the file's own headings.
            top = headings - (titled and nodes[index - 1].type == "heading") <= 1
            group = _group(nodes, index, found)
            if group == "first" and answered:
                group = ""  # a section's own contents further down: left where it is
            if (titled or top) and is_link_list(
                    node, anchors, titled and top, past_the_file=past_the_file and top,
                    path=path):
                found.add(start)
                before = nodes[index - 1].map if titled else None
                if before:
                    found.add(before[0])
                found.update(_folded_end(nodes, index))
            elif group and is_link_list(node, anchors, group == "next", path=path,
                                        blank=group == "next"):
                found.update(_group_lines(nodes, index))
        elif node.type == CALLOUT and _folded_toc(node, anchors, path):
            found.add(start)
        if node.type != "heading" and headings > 1 and nodes[index - 1].type == "heading" \
                and start not in found:
            answered = True  # (text under the first heading, the title's, is the head's)
    return found


def _group_lines(nodes: Sequence[SyntaxTreeNode], index: int) -> list[int]:
    """The first lines of a TOC group's blocks: its heading, its list, and a rule
    closing the TOC (``---`` before the first question)."""
    blocks = [nodes[index - 1], nodes[index]]
    if index + 1 < len(nodes) and nodes[index + 1].type == "hr":
        blocks.append(nodes[index + 1])
    return [block.map[0] for block in blocks if block.map]


def _group(nodes: Sequence[SyntaxTreeNode], index: int, found: set[int]) -> str:
    """``first`` when the list at ``index`` is all a heading that does not ask holds (a
    TOC's group, if its links say so), ``next`` when a group of a TOC found comes right
    before its heading, else ``""``."""
    heading = nodes[index - 1] if index else None
    if heading is None or heading.type != "heading" or (
            index + 1 < len(nodes) and nodes[index + 1].type not in ("heading", "hr")):
        return ""
    if heading.children and asks_outright(plain(heading.children[0].children)):
        return ""  # a question whose answer is a list of links: an answer, not a TOC
    before = nodes[index - 2] if index >= 2 else None
    if before is not None and before.map and before.map[0] in found \
            and before.type in ("bullet_list", "ordered_list"):
        return "next"
    return "first"


def _folded_toc(node: SyntaxTreeNode, anchors: set[str], path: str) -> bool:
    """A box titled as a TOC that holds only a list of links into the file: a folded
    TOC (``<details>`` then ``<summary>Table of Contents</summary>``, as doctoc writes it,
    its list in Markdown or in HTML)."""
    if len(node.children) != 2:  # a title and one list; an empty box has neither
        return False
    title, body = node.children
    if title.type != CALLOUT_TITLE or not title.children \
            or not is_toc_title(plain(title.children[0].children)):
        return False
    if body.type == "html_block":  # the list written in HTML: <ol><li><a href="#…">
        targets = [own_link(t, path) for t in only_links(body.content) or []]
        return bool(targets) and all(t is not None and t.startswith("#") for t in targets)
    return body.type in ("bullet_list", "ordered_list") \
        and is_link_list(body, anchors, True, path=path)


def _folded_end(nodes: Sequence[SyntaxTreeNode], index: int) -> list[int]:
    """The first line of the HTML block that closes a folded TOC's list (``</p></details>``)
    after the block opening it (``<details><summary>目录</summary><p>``)."""
    after = nodes[index + 1] if index + 1 < len(nodes) else None
    if index == 0 or nodes[index - 1].type != "html_block" or after is None \
            or after.type != "html_block" or not after.map or not only_closes(after.content):
        return []
    return [after.map[0]]


def _names_toc(node: SyntaxTreeNode) -> bool:
    if node.type == "html_block":  # a folded TOC's opening tags
        summary = opening_summary(node.content)
        return summary is not None and len(summary) <= _TOC_TITLE_MAX and is_toc_title(summary)
    if node.type not in ("heading", "paragraph") or not node.children \
            or len(node.children[0].content) > _TOC_TITLE_MAX:
        return False
    return is_toc_title(plain(node.children[0].children))


def is_link_list(node: SyntaxTreeNode, anchors: set[str], titled: bool,
                 *, past_the_file: bool = False, path: str = "", blank: bool = False) -> bool:
    """True for a list whose items are links within the file (most to its own headings);
    ``blank``: empty links (``[Q23: …]()``) count as within it."""
    targets = [own_link(t, path) for t in _link_targets(node)]
    if not targets or None in targets:
        return False
    targets = _one_page_anchors(targets, anchors)
    inside = [t for t in targets if t is not None and (t.startswith("#") or (blank and not t))]
    if titled and past_the_file:
        return len(inside) * 2 > len(targets)
    if len(inside) < len(targets) or (not titled and len(targets) < 2):
        return False
    own = sum(unquote(t[1:]) in anchors for t in inside if t)
    return titled or own * 2 >= len(inside)


def _one_page_anchors(targets: list[str | None], anchors: set[str]) -> list[str | None]:
    """Links that all go to one page elsewhere, most of them at this file's own headings by
    their anchors, read as links to those headings: a TOC copied along with the notes
    from the chat or site they were written in
    (``https://chatgpt.com/c/67…#-common-evaluation-metrics``)."""
    page = one_page(targets)
    if page is None or len(targets) < 2:
        return targets
    fragments = [urlsplit(str(t)).fragment for t in targets]
    own = sum(unquote(f) in anchors for f in fragments)
    return [f"#{f}" for f in fragments] if own * 2 > len(targets) else targets


def one_page(hrefs: Sequence[str | None]) -> str | None:
    """The one page elsewhere every link goes to, each at an anchor of it
    (``https://site/page#a``, ``…#b``), or None."""
    parts = [urlsplit(h) for h in hrefs if h]
    if not parts or len(parts) < len(hrefs) or not all(p.netloc and p.fragment for p in parts):
        return None
    pages = {p._replace(fragment="").geturl() for p in parts}
    return pages.pop() if len(pages) == 1 else None


def link_targets(node: SyntaxTreeNode) -> list[str | None]:
    """Each item's link target in a list (nested lists' too), None for an item that is
    not one link."""
    return _link_targets(node)


def own_link(href: str | None, path: str) -> str | None:
    """``#anchor`` for a link to the file at ``path`` itself, by name or URL
    (``Notes.md#q1``, ``https://github.com/o/r/blob/main/Notes.md#q1``); any other link
    as it is."""
    if not href or not path or "#" not in href or href.startswith("#"):
        return href
    page = path.replace("\\", "/").rsplit("/", 1)[-1]
    parts = urlsplit(href)
    name = unquote(parts.path).rstrip("/").rsplit("/", 1)[-1]
    if parts.fragment and name.casefold() == page.casefold() \
            and parts.scheme in ("", "http", "https"):
        return "#" + parts.fragment
    return href


def _link_targets(node: SyntaxTreeNode) -> list[str | None]:
    """One entry per list item: the href of its one link, None if the item is not a link."""
    targets: list[str | None] = []
    for item in node.children:
        position = len(targets)
        href: str | None = None
        for child in item.children:
            if child.type in ("bullet_list", "ordered_list"):
                targets += _link_targets(child)
            elif child.type == "paragraph" and child.children:
                links = [c for c in child.children[0].children if c.type == "link"]
                rest = plain([c for c in child.children[0].children if c.type != "link"])
                if len(links) == 1 and not rest.strip(" \t-–—·.0123456789"):
                    href = str(links[0].attrs.get("href", ""))
        targets.insert(position, href)
    return targets
