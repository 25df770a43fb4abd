"""Edits of a notes file, each parsed whole and spliced (``builder.build.sourceparse``):
the harness of tests/test_splice.py, also run by hand on real notes."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path

from builder.build.sourceparse import ParsedSource, parse_source, splice_source
from builder.model import Card
from builder.parse.options import ParseOptions

SNIPPETS = (
    "plain words added", "又一句中文说明。", "", "```", "```python", "~~~", "$$", "$x + y$",
    "$$ a^2 $$", "# A title", "## A section", "### A question?", "#### A part",
    "**A bold question?**", "**粗体问题？**", "1. **What is it?**", "[ref]: https://example.com",
    "see [ref] and [ref][]", "<!-- TOC -->", "<!-- /TOC -->", "[TOC]", "---", "===",
    "- item", "- [link](#a-question)", "> quoted", "| a | b |", "|---|---|",
    "![pic](missing.png)", "<img src=x onerror=alert(1)>", "    indented code", "<div>",
    "</div>", "<!--", "-->", "[sound:x.mp3]", "\\(x\\)", "\\[", "\\]", "{#an-id}",
    "答：见下图", "Q: what?", "* * *", "1) item", "   ", "\t", "$5 and $10",
    # Callouts, containers, admonitions and footnotes (builder.parse.callouts): a ::: opened
    # or closed by an edit may reach across the question headings after it.
    "::: tip", ":::", "::: details 点击查看答案", "::::", ":::: warning", "> [!NOTE]",
    "> [!faq]- Why?", "> [!question] 为什么？", "!!! note \"Title\"", "??? question \"Q?\"",
    "    indented body", "x^[inline note]", "see [^undefined]", "#flashcards/deck/sub",
)


def deep(value: object) -> object:
    """``value`` as nested tuples of every field, those equality leaves out included."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(deep(getattr(value, f.name))
                                        for f in dataclasses.fields(value)))
    if isinstance(value, (tuple, list)):
        return tuple(deep(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, deep(v)) for k, v in value.items())
    return value


def shown(result: ParsedSource) -> object:
    """What a build reads of a result: the document, and the diagnostics in the order
    they are reported (by place; same-place ones in the order found)."""
    ordered = sorted(result.diagnostics, key=lambda d: (d.loc.path, d.loc.line, d.loc.col))
    return deep(result.document), deep(ordered), deep(result.columns)


def _moved_right(moved: tuple[tuple[Card, Card], ...], patched: ParsedSource) -> bool:
    """Each moved question is one of the new document's, the same question on other
    lines."""
    cards = patched.document.cards if patched.document is not None else ()
    return all(any(now is card for card in cards) and was.loc.line != now.loc.line
               and (was.key, was.question_text) == (now.key, now.question_text)
               for was, now in moved)


def edits(text: str, seed: int, count: int) -> Iterator[str]:
    """``count`` edited versions of ``text``: lines changed, added, removed, in one place
    or (one version in three) in several places at once."""
    rng = random.Random(seed)
    lines = text.split("\n")
    for _ in range(count):
        new = list(lines)
        for _place in range(1 if rng.randrange(3) else rng.randrange(2, 5)):
            _edit_once(new, rng)
        yield "\n".join(new)


def _edit_once(lines: list[str], rng: random.Random) -> None:
    at = rng.randrange(len(lines))
    kind = rng.randrange(4)
    snippet = rng.choice(SNIPPETS)
    if kind == 0:
        lines[at] = lines[at] + " " + snippet
    elif kind == 1:
        lines[at:at] = [snippet]
    elif kind == 2 and len(lines) > 1:
        del lines[at]
    else:
        lines[at:at] = ["", snippet, "", rng.choice(SNIPPETS)]


def check_file(path: Path, tmp: Path, seed: int, count: int,
               options: ParseOptions | None = None) -> tuple[int, int, list[str]]:
    """Edit ``path`` ``count`` times; return how many were spliced, how many edits, and
    a description of each splice that differed from the whole parse."""
    options = options or ParseOptions()
    original = path.read_bytes().decode("utf-8", "replace")
    target = tmp / path.name
    target.write_text(original, encoding="utf-8")
    first = parse_source(target, target.name, options)
    spliced, wrong = 0, []
    for index, text in enumerate(edits(original, seed, count)):
        data = text.encode("utf-8")
        target.write_bytes(data)
        whole = parse_source(target, target.name, options, data)
        found = splice_source(first, target, target.name, options, data, True)
        if found is None:
            continue
        patched, moved, _edited = found
        spliced += 1
        if shown(patched) != shown(whole) or not _moved_right(moved, patched):
            wrong.append(f"{path.name} edit {index}")
        # The next edit splices onto a splice, as a watch does.
        again = splice_source(patched, target, target.name, options, data, True)
        if again is not None and shown(again[0]) != shown(whole):
            wrong.append(f"{path.name} edit {index} (spliced twice)")
    return spliced, count, wrong
