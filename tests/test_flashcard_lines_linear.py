"""Flashcard-tool lines of hostile length are read in linear work: a NeuraCache micro
line ``a : a : … ⚡️ x`` (a pattern's backtracking took 39 s at 80,000 characters) and
a ``#card`` line ending in many tags.  Each in a child process with a CPU limit: a
reader gone quadratic again runs out of it instead of hanging the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

_ROOT = Path(__file__).resolve().parent.parent

_MICRO_CHILD = """
import resource
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
from builder.parse.markdown import tokenize_file
from builder.parse.microcards import micro_lines
from builder.parse.syntaxtree import syntax_tree
# ~1 MB lines: ~5 s of CPU in all when linear; the pattern this replaced needed hours.
lines = {"a : " * 250_000 + "\\u26a1\\ufe0f x": None,
         "a : " * 250_000 + "\\u26a1\\ufe0f": "a",
         "q : " + "a : " * 250_000 + "\\U0001f9e0 #t": "q",
         "a " * 500_000 + ": \\u26a1\\ufe0f " + "#t " * 1000: None,
         "q : a \\u26a1\\ufe0f" + " #t" * 300_000: "q"}
for line, front in lines.items():
    (paragraph,) = syntax_tree(tokenize_file(line + "\\n", {}, "n.md")).children
    found = micro_lines(paragraph)
    card = None if found is None else found[0].card
    assert (card and card.front) == front, (line[:20], card and card.front)
print("done")
"""

_TAGS_CHILD = """
import resource
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
from builder.parse.markdown import tokenize_file
from builder.parse.outlinecards import tagged_item, tagged_paragraph
from builder.parse.syntaxtree import syntax_tree
# 1.5 MB of tags ending a #card line and a Logseq item: ~3 s when linear; gathering
# each at the front of a list was quadratic (~40 s each on an idle machine).
tags = " #a" * 500_000
text = "q" + tags + " #card\\nanswer\\n"
found = tagged_paragraph(syntax_tree(tokenize_file(text, {}, "n.md")).children[0])
assert found is not None and found.tags == ("a",) and found.question.text == "q"
text = "- q #card" + tags + " #b\\n  - a\\n"
outline = syntax_tree(tokenize_file(text, {}, "n.md")).children[0]
found = tagged_item(outline.children[0])
assert found is not None and found.tags == ("a", "b") and found.question.text == "q"
print("done")
"""


def _run(child: str) -> None:
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          cwd=_ROOT, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "done", done.stderr[-800:]


def test_a_long_micro_line_is_read_in_linear_work() -> None:
    _run(_MICRO_CHILD)


def test_a_tagged_line_of_many_tags_is_read_in_linear_work() -> None:
    _run(_TAGS_CHILD)


def test_a_card_line_takes_at_most_64_of_its_tags(collection: Collection) -> None:
    """As a tag line's: the first 64, in order, and a warning naming the first left out,
    for a ``#card`` line and a micro line alike."""
    result = build_fixture(FIXTURES / "card-line-many-tags.md", "--no-lock")
    assert result.exit_code == 0, result.output
    for line, tag in ((3, "t64"), (7, "m64")):
        assert (f"n.md:{line}:1: warning: a card takes at most 64 tags: #{tag} and the tags "
                "after it are left out of the cards [too-many-tags]") in result.output, \
            result.output
    (package,) = Path("dist").glob("*.apkg")
    tags = {note["Question"]: set(note.tags) for note in imported_notes(collection, package)}
    assert tags["What is a tag?"] >= {f"t{i}" for i in range(64)}, tags
    assert not {f"t{i}" for i in range(64, 70)} & tags["What is a tag?"], tags
    micro = tags["Which tags does a card keep?"]
    assert micro >= {f"m{i}" for i in range(64)} and not {"m64", "m65"} & micro, micro
