"""A long table in an answer costs the cheat sheet memory in proportion to its rows.

The sheet template used to gather a table's cells with a fold of ``acc + row``, which copies
every row so far for each row: 3,000 rows took 480 MB, a 280 KB notes file of 20,000 rows
ran past 8 GB.  Memory is measured in a child process (its peak resident size), not time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

pypdf = __import__("pytest").importorskip("pypdf")

ROWS = 6000
MEMORY_LIMIT_MB = 800
"""The whole child peaked at ~420 MB with linear cells, ~1,540 MB with the quadratic fold."""

_CHILD = textwrap.dedent("""
    import json, resource, sys
    from pathlib import Path
    from builder.parse import limits
    from builder.parse.document import parse_text
    from builder.pdf.typeset import write_pdf

    # The template's memory per row is measured here, not the caps that keep such a table
    # from typst in a build (1,000 rows a table; the answer cap charges each cell).
    limits.MAX_ANSWER_CHARS = 10 ** 7
    from builder.render.assets import render_assets

    rows, target = int(sys.argv[1]), Path(sys.argv[2])
    text = ("## 表\\n### 长表？\\n\\n| 名称 | 值 |\\n|---|---|\\n"
            + "".join(f"| r{i} | v{i} |\\n" for i in range(rows)) + "\\n末行之后。\\n")
    doc = parse_text(text, "table.md")
    assets = render_assets([], [], target.parent / "cache")
    write_pdf(target, "T", "T", [doc], assets, date="2024-05-01")
    # VmHWM, not RUSAGE_SELF: the latter keeps the parent's size at fork across exec (a
    # test process of 900 MB would be measured, not this one).
    status = Path("/proc/self/status").read_text()
    own_kb = int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:")))
    peak_kb = max(own_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"peak_mb": peak_kb / 1024}))
""")


def test_long_table_is_typeset_in_linear_memory(tmp_path: Path) -> None:
    target = tmp_path / "table.pdf"
    done = subprocess.run([sys.executable, "-c", _CHILD, str(ROWS), str(target)],
                          capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"]
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    # Every row is printed: the first, the last, and the paragraph after the table.
    assert "r0" in text and f"r{ROWS - 1}" in text and "v2999" in text
    assert "末行之后" in text.replace(" ", "").replace("\n", "")
    assert peak < MEMORY_LIMIT_MB, f"{ROWS} table rows took {peak:.0f} MB"
