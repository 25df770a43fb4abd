"""The benchmark's smoke run: it completes, prints its table, and rebuilds render only what changed.

Only correctness is checked here (image counts from the build's own summary line);
timings are machine- and load-dependent and are never asserted on.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _rows(output: str) -> dict[str, list[str]]:
    """Map each table row's scenario to its cells."""
    rows: dict[str, list[str]] = {}
    for line in output.splitlines():
        if line.startswith("| ") and not line.startswith("| scenario"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells
    return rows


def test_smoke_run_prints_table_and_renders_only_changes(tmp_path: Path) -> None:
    report = tmp_path / "bench.md"
    completed = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--smoke", "--workdir", str(tmp_path / "work"),
         "--markdown", str(report)],
        capture_output=True, text=True, timeout=900, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    assert "| scenario | size | median s | peak RSS MB | images rendered | notes |" in out
    assert report.read_text(encoding="utf-8").strip() == out.strip()
    rows = _rows(out)
    header = ["scenario", "size", "median s", "peak RSS MB", "images rendered", "notes"]
    rendered = header.index("images rendered")
    assert rows["no-change rebuild"][1] == "200"
    assert rows["no-change rebuild"][rendered] == "0"
    # Through the caches (not skipped as up to date): still nothing drawn.
    assert rows["no-change rebuild, --force (no up-to-date skip)"][rendered] == "0"
    assert rows["rebuild after editing one formula"][rendered] == "1"
    assert int(rows["rebuild after editing one answer"][rendered]) <= 1
    # The cold build drew every formula and diagram: 200 inline, 40 display, 4 diagrams.
    assert rows["cold full build (.apkg + PDF)"][rendered] == "244"
    assert "PASS  no-change rebuild at 200 renders 0" in out
    assert "PASS  rebuild after editing one formula at 200 renders exactly 1" in out


def test_generate_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        subprocess.run([sys.executable, str(BENCH / "generate.py"), "120", str(tmp_path / name)],
                       check=True, capture_output=True)
    first = sorted((tmp_path / "a").rglob("*.*"))
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in sorted((tmp_path / "b").rglob("*.*"))]
    for path in first:
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    text = (tmp_path / "a" / "notes" / "part-001.md").read_text(encoding="utf-8")
    assert text.startswith("---\ndeck: Bench\n---\n")
    assert text.count("\n### ") == 120
    assert text.count("\n## ") == 3  # 50 questions a section
    assert text.count("```diagram") == 2  # every 50th card
