"""What a PDF worker process does as it starts (``builder.pdf.jobs``)."""

from __future__ import annotations

import logging
import signal
import tempfile
from pathlib import Path

from builder.support.parentwatch import end_with_parent

log = logging.getLogger(__name__)

_WARM_UP: dict[str, object] = {
    "lang": "zh", "paper": "a4", "columns": 2, "count": 1,
    "sections": [{"title": "热身", "cards": [{
        "n": 1, "loc": "", "q": [{"kind": "strong", "children": [{"kind": "text", "text": "问"}]}],
        "a": [{"kind": "paragraph", "children": [
            {"kind": "text", "text": "答 answer "}, {"kind": "code", "text": "x"},
            {"kind": "math", "math": {"typst": "x^2", "display": False}}]}]}]}],
}
"""A part of one question: Chinese, Latin, bold, code and a formula, which load the fonts."""


def ignore_interrupts() -> None:
    """Start a PDF worker: Ctrl-C reaches the whole process group, and the build stops its
    workers itself; a build ended otherwise (SIGKILL) ends them by ending."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent()


def start_kept_worker(scratch: Path) -> None:
    """Start a worker of ``warm_workers`` ready for the next save, before it comes: typst
    and its fonts loaded (by a tiny part, typeset in a folder in ``scratch``, which the
    watch removes: a worker stopped meanwhile leaves its own) and the stacker's qpdf.
    Failing only means the first job loads them."""
    ignore_interrupts()
    from builder.pdf.stack import load_qpdf
    from builder.pdf.typeset import typeset_part
    from builder.pdf.words import WORDS

    try:
        with tempfile.TemporaryDirectory(prefix="build-deck-pdf-", dir=scratch) as folder:
            typeset_part({**_WARM_UP, "words": WORDS["zh"]}, {}, Path(folder) / "warm.pdf")
        load_qpdf()
    except Exception as exc:  # whatever it is, the first job meets it and says it
        log.debug("PDF worker not warmed up: %s", exc)
