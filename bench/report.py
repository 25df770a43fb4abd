"""The benchmark's report: one table, the machine it ran on, and a verdict per target."""

from __future__ import annotations

import hashlib
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from measure import Sample

REPO = Path(__file__).resolve().parent.parent
LABELS = {
    "floor": "genanki-only floor (.apkg)",
    "apkg-mathjax": "cold .apkg only, --math mathjax",
    "apkg-mathjax-warm": ".apkg only, --math mathjax, diagrams cached",
    "cold-j1": "cold full build, --jobs 1",
    "cold-j2": "cold full build, --jobs 2",
    "cold": "cold full build (.apkg + PDF)",
    "nochange": "no-change rebuild",
    "nochange-force": "no-change rebuild, --force (no up-to-date skip)",
    "edit-answer": "rebuild after editing one answer",
    "edit-formula": "rebuild after editing one formula",
    "help": "build-deck --help start-up",
}


@dataclass
class Result:
    scenario: str
    size: int | None
    samples: list[Sample]
    notes: list[str] = field(default_factory=list)
    expected: str = ""
    """The image-count rule this scenario must satisfy, if any."""
    ok: bool | None = None

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return statistics.median(s.rss_mb for s in self.samples)

    @property
    def tree_mb(self) -> float:
        return statistics.median(s.tree_mb for s in self.samples)

    @property
    def other_cores(self) -> float | None:
        known = [s.other_cores for s in self.samples if s.other_cores is not None]
        return statistics.median(known) if known else None

    @property
    def failed(self) -> bool:
        return any(s.failed for s in self.samples)

    @property
    def timed_out(self) -> bool:
        return any(s.timed_out for s in self.samples)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def rendered(self) -> list[int | None]:
        return [s.rendered for s in self.samples]


# -- report --------------------------------------------------------------------------------

def builder_digest() -> str:
    """Hash builder/'s code and templates: what the figures are figures of."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "builder").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".typ"):
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def source_state() -> str:
    """Name the build-deck code being measured: git revision and a hash of builder/."""
    try:
        revision = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                                  capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        revision = ""
    return f"{revision or 'unknown'}, builder/ sha256 {builder_digest()}"


def machine(source: str) -> list[str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"- CPU: {model}",
        f"- cores: {os.cpu_count()} logical ({usable} usable by this process)",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- OS: {platform.platform()}",
        f"- load average when the table was printed: {load}",
        f"- build-deck source: {source}",
    ]


def _fmt_rendered(values: list[int | None]) -> str:
    known = sorted({v for v in values if v is not None})
    if not known:
        return "–"
    return str(known[0]) if len(known) == 1 else "/".join(str(v) for v in values)


def table(results: list[Result]) -> list[str]:
    lines = ["| scenario | size | median s | peak RSS MB | images rendered | notes |",
             "|---|---:|---:|---:|---:|---|"]
    for r in results:
        times = [s.seconds for s in r.samples]
        notes = [f"{len(times)} run(s)"]
        if len(times) > 1:
            notes.append(f"range {min(times):.2f}–{max(times):.2f} s")
        if r.seconds >= 1:
            notes.append(f"CPU {r.cpu_seconds:.1f} s ({r.cpu_seconds / r.seconds:.2f} cores)")
        if r.tree_mb > r.rss_mb * 1.05:
            notes.append(f"tree {r.tree_mb:.0f} MB")
        if r.other_cores is not None and r.seconds >= 1:
            notes.append(f"other load {r.other_cores:.2f} cores")
        notes += r.notes
        if r.expected:
            notes.append(f"{r.expected}: {'ok' if r.ok else 'WRONG'}")
        size = "–" if r.size is None else str(r.size)
        median = (f"> {r.seconds:.0f}" if r.timed_out else
                  f"failed after {r.seconds:.1f}" if r.failed else f"{r.seconds:.3f}")
        lines.append(f"| {LABELS[r.scenario]} | {size} | {median} | {r.rss_mb:.0f} | "
                     f"{_fmt_rendered(r.rendered)} | {'; '.join(notes)} |")
    return lines


@dataclass(frozen=True)
class Verdict:
    name: str
    status: str
    """PASS, FAIL or SKIP."""
    detail: str

    def line(self) -> str:
        return f"{self.status}  {self.name}: {self.detail}"


def find(results: list[Result], scenario: str, size: int | None) -> Result | None:
    return next((r for r in results if r.scenario == scenario and r.size == size), None)


def targets(results: list[Result]) -> list[Verdict]:
    verdicts: list[Verdict] = []

    def verdict(name: str, passed: bool | None, detail: str) -> None:
        status = "SKIP" if passed is None else "PASS" if passed else "FAIL"
        verdicts.append(Verdict(name, status, detail))

    # "Parse + write, no rendering": the run with the diagrams already drawn, if measured.
    apkg = find(results, "apkg-mathjax-warm", 2000) or find(results, "apkg-mathjax", 2000)
    floor = find(results, "floor", 2000)
    if apkg and floor:
        ratio = apkg.seconds / floor.seconds
        verdict(".apkg-only (mathjax) at 2000 ≤ 2× floor and ≤ 0.37 s",
                ratio <= 2 and apkg.seconds <= 0.37,
                f"{apkg.seconds:.3f} s = {ratio:.1f}× the floor's {floor.seconds:.3f} s")
    else:
        verdict(".apkg-only (mathjax) at 2000 ≤ 2× floor and ≤ 0.37 s", None, "not measured")
    same = find(results, "nochange", 2000)
    if same and apkg:
        ratio = same.seconds / apkg.seconds
        verdict("no-change rebuild at 2000 ≤ 1.5× .apkg-only and renders nothing",
                ratio <= 1.5 and bool(same.ok),
                f"{same.seconds:.3f} s = {ratio:.2f}× .apkg-only's {apkg.seconds:.3f} s; "
                f"rendered {_fmt_rendered(same.rendered)}")
    else:
        verdict("no-change rebuild at 2000 ≤ 1.5× .apkg-only and renders nothing", None,
                "not measured")
    one, two = find(results, "cold-j1", 2000), find(results, "cold-j2", 2000)
    if one and two:
        speedup = one.seconds / two.seconds
        verdict("--jobs 2 ≥ 1.7× faster than --jobs 1 (cold, 2000)", speedup >= 1.7,
                f"{one.seconds:.2f} s / {two.seconds:.2f} s = {speedup:.2f}×")
    else:
        verdict("--jobs 2 ≥ 1.7× faster than --jobs 1 (cold, 2000)", None, "not measured")
    big, small = find(results, "cold", 20000), find(results, "cold", 2000)
    if big and big.failed:
        verdict("20000 ≤ 12× the 2000 time (cold full build) and peak memory ≤ 1.5 GB", False,
                f"the build failed after {big.seconds:.0f} s ({'; '.join(big.notes)})")
    elif big and small:
        ratio = big.seconds / small.seconds
        peak = max(max(r.rss_mb, r.tree_mb) for r in results if r.size == 20000)
        passed: bool | None = ratio <= 12 and peak <= 1536
        if big.timed_out and passed:
            passed = None  # killed early: neither met nor missed yet
        bound = "≥ " if big.timed_out else ""
        verdict("20000 ≤ 12× the 2000 time (cold full build) and peak memory ≤ 1.5 GB",
                passed,
                f"{bound}{big.seconds:.1f} s = {bound}{ratio:.1f}× {small.seconds:.1f} s; "
                f"peak {bound}{peak:.0f} MB (largest of process and sampled tree)")
    else:
        verdict("20000 ≤ 12× the 2000 time (cold full build) and peak memory ≤ 1.5 GB", None,
                "not measured (add 20000 to --sizes)")
    start = find(results, "help", None)
    if start:
        verdict("build-deck --help ≤ 0.3 s", start.seconds <= 0.3, f"{start.seconds:.3f} s")
    else:
        verdict("build-deck --help ≤ 0.3 s", None, "not measured")
    for r in results:
        if r.expected:
            verdict(f"{LABELS[r.scenario]} at {r.size} {r.expected}", r.ok,
                    f"rendered {_fmt_rendered(r.rendered)}")
    return verdicts
