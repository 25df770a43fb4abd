"""Include lines of other tools, which build-deck does not follow: named, since the text
they stand for reaches no card.

MkDocs' pymdownx.snippets writes ``--8<-- "docs/code/mobius.cpp:core"`` (often alone in
a code fence) for a file's text, or a section of it, pasted in when the site is built.
The card and the sheet show the line as written; the code it names is not read (it may
lie outside the notes, or be cut by section markers only MkDocs reads).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from builder.model import Diagnostic, Document, Node, SourceLoc, one_line, walk_all

_SNIPPET = re.compile(r"[ \t>]*(-+8<-+)(?:[ \t]+(\S.*?))?[ \t]*$")
"""A snippet line, in a quote or indented in a box as it may be: the scissors, then
what it includes (a quoted path, ``path:section``, ``path:3:10``), if on the line."""
_BLOCKS = frozenset({"code_block", "paragraph"})


def snippet_includes(doc: Document, lines: Sequence[str]) -> list[Diagnostic]:
    """A warning at each ``--8<--`` line of a code block or paragraph: what it names is
    left out."""
    nodes: tuple[Node, ...] = tuple(n for section in doc.sections for n in (
        *section.intro, *(n for card in section.cards for n in card.answer)))
    found: list[Diagnostic] = []
    seen: set[int] = set()
    for node in walk_all(nodes):
        if node.kind not in _BLOCKS or not 0 < node.line <= len(lines) \
                or "8<" not in (node.text if node.kind == "code_block" else lines[node.line - 1]
                                + "".join(lines[node.line:node.end_line])):
            continue
        for number in range(node.line, min(node.end_line or node.line, len(lines)) + 1):
            match = _SNIPPET.match(lines[number - 1])
            if match is None or number in seen:
                continue
            seen.add(number)
            named = f" {one_line(match.group(2))[:80]}" if match.group(2) else ""
            found.append(Diagnostic(
                SourceLoc(doc.path, number, match.start(1) + 1), "warning",
                f"'{match.group(1)}{named}' is a MkDocs snippet include, not followed: the "
                "file's text is in no card (the line is shown as written); paste it in to "
                "keep it", "snippet-include"))
    return found
