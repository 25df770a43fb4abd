"""Flashcard-tool lines of hostile length are read in linear work: a NeuraCache micro
line ``a : a : … ⚡️ x`` (a pattern's backtracking took 39 s at 80,000 characters) and
a ``#card`` line ending in many tags.  Each in a child process with a CPU limit: a
reader gone quadratic again runs out of it instead of hanging the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def _run(child: str) -> None:
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          cwd=_ROOT, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "done", done.stderr[-800:]


def test_a_long_micro_line_is_read_in_linear_work() -> None:
    _run(_MICRO_CHILD)
