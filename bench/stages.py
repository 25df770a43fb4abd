"""Where a build's CPU goes, stage by stage (issue 18's cold ``.apkg``-only build).

    cd WORKSPACE   # from ``python bench/generate.py 2000 WORKSPACE``, built once before
    rm -f out/*.apkg out/.cache/parsed-* out/.cache/notes-* out/.cache/build-* build-deck.lock
    PYTHONPATH=/path/to/checkout python /path/to/checkout/bench/stages.py \\
        build notes -o out --lock build-deck.lock --format apkg --math mathjax

runs the build in this process with the named functions below timed, and prints each
stage's CPU seconds (``time.process_time``) on stderr.  Each second goes to the innermost
stage running, so the rows add up to the build; a stage's row is its own time less the
stages it calls.  Imports done lazily inside a stage count in that stage.  The last rows
give the CPU of the whole process (``resource``), start and shutdown included.

Build once before measuring with the same checkout: the first build after a code change
checks every cached picture again (``checked-files.json``), which a cold build in
``bench/peers.py`` does not pay.  The machine is shared: take the median of a few runs.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

START = time.process_time()

STAGES = (
    ("builder.parse.markdown", "tokenize", "markdown-it tokens (with our rules and repairs)"),
    ("builder.parse.document", "syntax_tree", "syntax tree"),
    ("builder.parse.document", "file_structure", "structure: survey, strays, bold lines, TOC"),
    ("builder.parse.document", "Walker.visit", "tokens to model nodes (walker)"),
    ("builder.parse.document", "Walker.finish", "tokens to model nodes (walker)"),
    ("builder.parse.document", "prose_lines", "parse: language counts"),
    ("builder.parse.document", "headings_of", "parse: headings and anchors"),
    ("builder.parse.footnotesettle", "answer_diagnostics", "parse: answer diagnostics"),
    ("builder.parse.document", "without_control_chars", "parse: control characters"),
    ("builder.parse.document", "parse_parts", "parse: the rest"),
    ("builder.build.sourceparse", "missing_figures", "checks"),
    ("builder.build.sourceparse", "unbalanced_dollars", "checks"),
    ("builder.checks.rawhtml", "check_document", "checks"),
    ("builder.checks.ankimarkup", "check_document", "checks"),
    ("builder.build.sourceparse", "parse_source", "checks"),
    ("builder.anki.cardhtml", "capped_answer", "card HTML: answers"),
    ("builder.anki.html", "code_html", "card HTML: code highlighting (Pygments)"),
    ("builder.anki.html", "_sanitised", "card HTML: sanitising (nh3)"),
    ("builder.anki.notes", "assemble", "notes: questions, media, tags"),
    ("builder.anki.identity", "simhash", "identity: answer sketches"),
    ("builder.anki.stamp", "stamp", "identity: GUIDs, lock, changes"),
    ("builder.build.run", "_write_deck", "write the .apkg"),
    ("builder.parse.cache", "pickled_result", "caches: pickling"),
    ("builder.build.run", "_write", "caches: writing; lock"),
    ("builder.build.gather", "gather", "gather, settle, report"),
    ("builder.build.settle", "settled", "gather, settle, report"),
    ("builder.cli", "run", "gather, settle, report"),
)

spent: dict[str, float] = {}
running: list[list[Any]] = []  # [stage, when it last resumed]


def timed(function: Callable[..., Any], stage: str) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        now = time.process_time()
        if running:  # the caller pauses
            outer = running[-1]
            spent[outer[0]] = spent.get(outer[0], 0.0) + now - outer[1]
        running.append([stage, now])
        try:
            return function(*args, **kwargs)
        finally:
            end = time.process_time()
            inner, resumed = running.pop()
            spent[inner] = spent.get(inner, 0.0) + end - resumed
            if running:
                running[-1][1] = end
    return wrapper


def instrument() -> None:
    """Wrap each stage's function where it is defined and wherever it was imported."""
    for module_name, name, stage in STAGES:
        module = importlib.import_module(module_name)
        if "." in name:
            holder_name, attribute = name.split(".")
            holder = getattr(module, holder_name)
            setattr(holder, attribute, timed(holder.__dict__[attribute], stage))
            continue
        original = getattr(module, name, None)
        if original is None:
            print(f"stages: {module_name}.{name} not found; its time goes to its caller",
                  file=sys.stderr)
            continue
        wrapped = timed(original, stage)
        for loaded in list(sys.modules.values()):
            if getattr(loaded, "__name__", "").startswith("builder") \
                    and getattr(loaded, name, None) is original:
                setattr(loaded, name, wrapped)


def report(imported: float) -> None:
    """Print each stage's seconds, most first (at exit: a build may end the process
    itself once it has run the exit handlers)."""
    ended = time.process_time()
    rows = [("start: imports", imported - START),
            *sorted(spent.items(), key=lambda row: -row[1])]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rows += [("in this script", ended - START),
             ("process so far (user + sys)", usage.ru_utime + usage.ru_stime)]
    width = max(len(stage) for stage, _ in rows)
    for stage, seconds in rows:
        print(f"{stage:<{width}}  {seconds:6.3f}", file=sys.stderr)
    sys.stderr.flush()


def main() -> None:
    import builder.build.gather  # what the build imports lazily: now, not in a stage
    import builder.build.settle
    import builder.cli

    atexit.register(report, time.process_time())
    instrument()
    sys.argv = ["build-deck", *sys.argv[1:]]
    builder.cli.run()


if __name__ == "__main__":
    main()
