"""Typeset notes to a PDF in a child process and give its peak memory (its own peak
resident size, ``VmHWM``), for tests that bound what hostile notes cost: memory, not time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

_CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from builder.parse.document import parse_text
    from builder.pdf.typeset import write_pdf
    from builder.render.assets import render_assets

    source, target, style, deck, title = sys.argv[1:6]
    doc = parse_text(Path(source).read_text("utf-8"), Path(source).name)
    assets = render_assets([], [], Path(target).parent / "cache")
    write_pdf(Path(target), deck, title, [doc], assets, date="2024-05-01", style=style)
    status = Path("/proc/self/status").read_text()
    own_kb = int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:")))
    print(json.dumps({"peak_mb": own_kb / 1024}))
""")


def typeset_peak_mb(text: str, target: Path, style: str, *, deck: str = "T",
                    title: str = "T") -> float:
    """Write ``text`` beside ``target`` (same name, ``.md``), typeset it there in ``style``
    in a child process, and return the child's peak memory in MB."""
    source = target.with_suffix(".md")
    source.write_text(text, encoding="utf-8")
    # typst lays pages out on rayon's threads, and its peak depends on how many ran at
    # once (a long-answer deck: 470-537 MB over runs); on one thread it is the same
    # every run, so a bound can sit between the fixed and the broken template.
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(source), str(target), style, deck, title],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "RAYON_NUM_THREADS": "1"})
    return float(json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"])
