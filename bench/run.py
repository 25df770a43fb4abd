"""Benchmark build-deck on synthetic decks and check the performance targets (issue 8).

    python bench/run.py                     # sizes 200 and 2000, 3 runs each
    python bench/run.py --sizes 200,2000,20000 --large-runs 1
    python bench/run.py --smoke             # size 200, 1 run, no --jobs comparison (CI)

Every measurement is a fresh process; each figure is the median of ``--runs`` runs
(``--large-runs`` for sizes of 10000 and more). Wall time is measured around the
child; peak memory is the child's max RSS from ``os.wait4`` (the largest single
process of its tree, workers included once reaped), and the sum over the whole
process tree is sampled from /proc as well (``tree`` in the notes column).
The notes also give the CPU time of the build (all its processes) and the CPU the
rest of the machine used meanwhile (``other load``, from /proc/stat): timings taken
while someone else's tests run are not comparable. ``--jobs 1`` and ``--jobs 2``
runs alternate, so both see the same background load.

The build's own summary line ("images: N rendered, M from cache") gives how many
images each build drew; the no-change rebuild must draw none and the one-formula
edit exactly one, whatever the timings.

Exit status: 0 unless a build fails, or ``--check-targets`` is given and a target fails.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LARGE = 10_000
"""Sizes from here on use ``--large-runs`` and skip the --jobs comparison by default."""

SCENARIOS = ("floor", "apkg-mathjax", "apkg-mathjax-warm", "cold-j1", "cold-j2", "cold", "nochange",
             "edit-answer", "edit-formula", "help")
SMOKE_SCENARIOS = ("floor", "apkg-mathjax", "cold", "nochange", "edit-answer",
                   "edit-formula", "help")
LABELS = {
    "floor": "genanki-only floor (.apkg)",
    "apkg-mathjax": "cold .apkg only, --math mathjax",
    "apkg-mathjax-warm": ".apkg only, --math mathjax, diagrams cached",
    "cold-j1": "cold full build, --jobs 1",
    "cold-j2": "cold full build, --jobs 2",
    "cold": "cold full build (.apkg + PDF)",
    "nochange": "no-change rebuild",
    "edit-answer": "rebuild after editing one answer",
    "edit-formula": "rebuild after editing one formula",
    "help": "build-deck --help start-up",
}
_IMAGES = re.compile(r"images: (\d+) rendered, (\d+) from cache")
_SUMMARY = re.compile(r"\d+ deck\(s\), \d+ card\(s\)")
_ANSWER_PHRASE = "是深度学习里常考的知识点"
_FORMULA_START = "核心公式是 $"


class BenchError(Exception):
    """A build failed or its output could not be read; the benchmark cannot go on.

    ``sample`` is the failed build's measurement, when there was one.
    """

    def __init__(self, message: str, sample: Sample | None = None) -> None:
        super().__init__(message)
        self.sample = sample


class BenchTimeout(Exception):
    """A build ran past ``--timeout`` and was killed; ``sample`` is what was measured."""

    def __init__(self, sample: Sample) -> None:
        super().__init__(f"killed after {sample.seconds:.0f} s")
        self.sample = sample


# -- measuring one process -----------------------------------------------------------------

@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_mb: float
    """Max RSS of the child (os.wait4): its largest single process."""
    tree_mb: float
    """Largest sampled sum of RSS over the child and its descendants."""
    cpu_seconds: float
    """User + system time of the child and its reaped descendants (rendering workers)."""
    rendered: int | None
    reused: int | None
    output: str
    timed_out: bool = False
    """Killed at the timeout: ``seconds`` is a lower bound."""
    failed: bool = False
    """The build exited with an error."""
    other_cores: float | None = None
    """CPU the rest of the machine used meanwhile, in cores (other users' load)."""


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped (Linux /proc only)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self._stop_event.is_set():
            children = _children_map()
            todo, total = [self.pid], 0
            while todo:
                pid = todo.pop()
                total += _rss_kb(pid)
                todo.extend(children.get(pid, ()))
            self.peak_kb = max(self.peak_kb, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _busy_seconds() -> float | None:
    """CPU time all processes on the machine have used so far (Linux /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal: everything but idle and iowait.
    ticks = [int(v) for v in fields[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def measure(cmd: Sequence[str], cwd: Path, timeout: float) -> Sample:
    """Run ``cmd`` in a fresh process; return its wall time, memory and image counts."""
    env = {k: v for k, v in os.environ.items() if k not in ("BUILD_DECK_OUT",)}
    with tempfile.TemporaryFile() as log:
        busy_before = _busy_seconds()
        start = time.perf_counter()
        # A session of its own, so a timeout can stop the build's rendering workers too.
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            elapsed = time.perf_counter() - start
            busy_after = _busy_seconds()
            timer.cancel()
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    other = None
    if busy_before is not None and busy_after is not None and elapsed > 0:
        other = max(0.0, (busy_after - busy_before - cpu) / elapsed)
    rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    rendered = reused = None
    found = _IMAGES.search(output)
    if found:
        rendered, reused = int(found.group(1)), int(found.group(2))
    elif _SUMMARY.search(output):
        rendered = reused = 0  # the summary leaves out the images part when there were none
    sample = Sample(elapsed, rss_mb, max(sampler.peak_kb / 1024, rss_mb), cpu, rendered,
                    reused, output, timed_out=proc.returncode != 0 and killed.is_set(),
                    failed=proc.returncode != 0, other_cores=other)
    if sample.timed_out:
        raise BenchTimeout(sample)
    if sample.failed:
        tail = "\n".join(output.splitlines()[-15:])
        raise BenchError(f"{' '.join(cmd)} exited with {proc.returncode} in {cwd}:\n{tail}",
                         sample)
    return sample


# -- one size's workspace ------------------------------------------------------------------

@dataclass
class Workspace:
    """A generated deck of ``size`` questions and the build's folders beside it."""

    root: Path
    size: int
    timeout: float
    files_per_deck: int = 0
    """Passed to generate.py: 0 puts every card in one deck."""
    original: dict[Path, str] = field(default_factory=dict)

    @property
    def notes(self) -> Path:
        return self.root / "notes"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def lock(self) -> Path:
        return self.root / "build-deck.lock"

    def generate(self) -> None:
        subprocess.run([sys.executable, str(BENCH / "generate.py"), str(self.size),
                        str(self.root), "--files-per-deck", str(self.files_per_deck)],
                       check=True, stdout=subprocess.DEVNULL)
        self.original = {p: p.read_text(encoding="utf-8")
                         for p in sorted(self.notes.glob("*.md"))}

    def clean(self) -> None:
        """Empty the cache and outputs and remove the lock: the next build is cold."""
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.root / "floor", ignore_errors=True)
        self.lock.unlink(missing_ok=True)

    def restore(self) -> None:
        for path, text in self.original.items():
            path.write_text(text, encoding="utf-8", newline="\n")

    def build_cmd(self, *extra: str) -> list[str]:
        # The cache is the default OUT/.cache, so deleting the out folder empties it.
        return [*build_deck(), "build", "notes", "-o", "out",
                "--lock", self.lock.name, *extra]

    def build(self, *extra: str) -> Sample:
        return measure(self.build_cmd(*extra), self.root, self.timeout)

    def floor(self) -> Sample:
        return measure([sys.executable, str(BENCH / "floor.py"), "cards.json",
                        "floor/floor.apkg"], self.root, self.timeout)

    def _card_file(self, index: int) -> tuple[Path, str, int]:
        """Return the file holding card ``index`` (0-based), its text and its heading's offset."""
        heading = f"### Q{index + 1:05d} "
        for path, text in self.original.items():
            at = text.find(heading)
            if at >= 0:
                return path, text, at
        raise BenchError(f"card {index} not found in {self.notes}")

    def edit_answer(self, index: int, run: int) -> None:
        """Change the text (not the formulas) of card ``index``'s answer."""
        path, text, at = self._card_file(index)
        spot = text.index(_ANSWER_PHRASE, at) + len(_ANSWER_PHRASE)
        edited = text[:spot] + f"（第 {run} 次修改，edited）" + text[spot:]
        path.write_text(edited, encoding="utf-8", newline="\n")

    def edit_formula(self, index: int, run: int) -> None:
        """Change card ``index``'s inline formula to one no earlier state had."""
        path, text, at = self._card_file(index)
        start = text.index(_FORMULA_START, at) + len(_FORMULA_START)
        end = text.index("$", start)
        edited = text[:end] + f" + c_{{{run}}}" + text[end:]
        path.write_text(edited, encoding="utf-8", newline="\n")


def card_assets(index: int) -> int:
    """How many images card ``index`` has (see generate.py): its formulas and diagram."""
    return 1 + (index % 5 == 4) + (index % 50 == 49)


# -- scenarios -----------------------------------------------------------------------------

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


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _repeat(runs: int, label: str, one: Callable[[int], Sample]) -> list[Sample]:
    samples = []
    for run in range(1, runs + 1):
        sample = one(run)
        shown = "-" if sample.rendered is None else sample.rendered
        _log(f"  {label} run {run}/{runs}: {sample.seconds:.2f} s, {sample.rss_mb:.0f} MB, "
             f"rendered {shown}")
        samples.append(sample)
    return samples


def run_size(ws: Workspace, scenarios: Sequence[str], runs: int) -> list[Result]:
    results: list[Result] = []
    size = ws.size
    answer_card, formula_card = size // 2 + 1, size // 2 + 2
    warm = False

    def cold(*extra: str) -> Callable[[int], Sample]:
        def one(_run: int) -> Sample:
            ws.clean()
            return ws.build(*extra)
        return one

    def ensure_warm() -> None:
        nonlocal warm
        if not warm:
            ws.restore()
            ws.build()
            warm = True

    for scenario in scenarios:
        try:
            label = f"[{size}] {scenario}"
            if scenario == "floor":
                results.append(Result(scenario, size, _repeat(runs, label, lambda _r: ws.floor())))
            elif scenario == "apkg-mathjax":
                warm = False
                results.append(Result(scenario, size, _repeat(
                    runs, label, cold("--format", "apkg", "--math", "mathjax"))))
            elif scenario == "apkg-mathjax-warm":
                # Informational: the pipeline without drawing (the diagrams come from the cache).
                warm = False
                ws.clean()
                ws.build("--format", "apkg", "--math", "mathjax")

                def apkg_warm(_run: int) -> Sample:
                    # Parsing is measured: only the drawn diagrams may come from the cache.
                    for stale in [*ws.out.glob("*.apkg"), *ws.out.glob(".cache/parsed-*")]:
                        stale.unlink()
                    ws.lock.unlink(missing_ok=True)
                    return ws.build("--format", "apkg", "--math", "mathjax")

                result = Result(scenario, size, _repeat(runs, label, apkg_warm))
                result.notes.append("no lock, .apkg and parse cache deleted, image cache kept")
                results.append(result)
            elif scenario in ("cold-j1", "cold-j2") and {"cold-j1", "cold-j2"} <= set(scenarios):
                # Alternated, run by run, so both see the same background load.
                if scenario == "cold-j1":
                    one, two = cold("--jobs", "1"), cold("--jobs", "2")
                    pairs = [(_repeat(1, f"{label} ({run}/{runs})", one)[0],
                              _repeat(1, f"[{size}] cold-j2 ({run}/{runs})", two)[0])
                             for run in range(1, runs + 1)]
                    note = "alternated with the other --jobs run"
                    results.append(Result("cold-j1", size, [a for a, _b in pairs], [note]))
                    results.append(Result("cold-j2", size, [b for _a, b in pairs], [note]))
                    warm = True
            elif scenario in ("cold", "cold-j1", "cold-j2"):
                extra = {"cold": (), "cold-j1": ("--jobs", "1"), "cold-j2": ("--jobs", "2")}
                samples = _repeat(runs, label, cold(*extra[scenario]))
                warm = True  # the last cold build left out, cache and lock in step with the notes
                results.append(Result(scenario, size, samples))
            elif scenario == "nochange":
                ensure_warm()
                result = Result(scenario, size, _repeat(runs, label, lambda _r: ws.build()),
                                expected="renders 0")
                result.ok = all(r == 0 for r in result.rendered)
                results.append(result)
            elif scenario == "edit-answer":
                ensure_warm()

                def edit_answer(run: int) -> Sample:
                    ws.edit_answer(answer_card, run)
                    return ws.build()

                bound = card_assets(answer_card)
                result = Result(scenario, size, _repeat(runs, label, edit_answer),
                                expected=f"renders ≤ {bound} (card {answer_card + 1}'s assets)")
                result.ok = all(r is not None and r <= bound for r in result.rendered)
                result.notes.append(f"text of Q{answer_card + 1:05d} changed")
                results.append(result)
                ws.restore()
                warm = False
            elif scenario == "edit-formula":
                ensure_warm()

                def edit_formula(run: int) -> Sample:
                    ws.edit_formula(formula_card, run)
                    return ws.build()

                result = Result(scenario, size, _repeat(runs, label, edit_formula),
                                expected="renders exactly 1")
                result.ok = all(r == 1 for r in result.rendered)
                result.notes.append(f"inline formula of Q{formula_card + 1:05d} changed")
                results.append(result)
                ws.restore()
                warm = False
        except BenchError as exc:
            if exc.sample is None:
                raise
            reason = next((line.strip() for line in reversed(exc.sample.output.splitlines())
                           if line.strip()), f"no output, {str(exc).splitlines()[0]}")
            _log(f"  [{size}] {scenario}: build failed: {reason}")
            results.append(Result(scenario, size, [exc.sample], notes=[
                f"BUILD FAILED: {reason}", "the size's later scenarios were skipped"]))
            break
        except BenchTimeout as exc:
            shown = exc.sample
            _log(f"  [{size}] {scenario}: killed after {shown.seconds:.0f} s (--timeout)")
            results.append(Result(scenario, size, [shown], notes=[
                "killed at the --timeout: the time is a lower bound",
                "the size's later scenarios were skipped"]))
            break
    return results


def build_deck() -> list[str]:
    """The command users run: the ``build-deck`` script beside this Python, else ``-m builder``."""
    script = Path(sys.executable).with_name("build-deck")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "builder"]


def help_command() -> list[str]:
    return [*build_deck(), "--help"]


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


def _find(results: list[Result], scenario: str, size: int | None) -> Result | None:
    return next((r for r in results if r.scenario == scenario and r.size == size), None)


def targets(results: list[Result]) -> list[Verdict]:
    verdicts: list[Verdict] = []

    def verdict(name: str, passed: bool | None, detail: str) -> None:
        status = "SKIP" if passed is None else "PASS" if passed else "FAIL"
        verdicts.append(Verdict(name, status, detail))

    # "Parse + write, no rendering": the run with the diagrams already drawn, if measured.
    apkg = _find(results, "apkg-mathjax-warm", 2000) or _find(results, "apkg-mathjax", 2000)
    floor = _find(results, "floor", 2000)
    if apkg and floor:
        ratio = apkg.seconds / floor.seconds
        verdict(".apkg-only (mathjax) at 2000 ≤ 2× floor and ≤ 0.37 s",
                ratio <= 2 and apkg.seconds <= 0.37,
                f"{apkg.seconds:.3f} s = {ratio:.1f}× the floor's {floor.seconds:.3f} s")
    else:
        verdict(".apkg-only (mathjax) at 2000 ≤ 2× floor and ≤ 0.37 s", None, "not measured")
    same = _find(results, "nochange", 2000)
    if same and apkg:
        ratio = same.seconds / apkg.seconds
        verdict("no-change rebuild at 2000 ≤ 1.5× .apkg-only and renders nothing",
                ratio <= 1.5 and bool(same.ok),
                f"{same.seconds:.3f} s = {ratio:.2f}× .apkg-only's {apkg.seconds:.3f} s; "
                f"rendered {_fmt_rendered(same.rendered)}")
    else:
        verdict("no-change rebuild at 2000 ≤ 1.5× .apkg-only and renders nothing", None,
                "not measured")
    one, two = _find(results, "cold-j1", 2000), _find(results, "cold-j2", 2000)
    if one and two:
        speedup = one.seconds / two.seconds
        verdict("--jobs 2 ≥ 1.7× faster than --jobs 1 (cold, 2000)", speedup >= 1.7,
                f"{one.seconds:.2f} s / {two.seconds:.2f} s = {speedup:.2f}×")
    else:
        verdict("--jobs 2 ≥ 1.7× faster than --jobs 1 (cold, 2000)", None, "not measured")
    big, small = _find(results, "cold", 20000), _find(results, "cold", 2000)
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
    start = _find(results, "help", None)
    if start:
        verdict("build-deck --help ≤ 0.3 s", start.seconds <= 0.3, f"{start.seconds:.3f} s")
    else:
        verdict("build-deck --help ≤ 0.3 s", None, "not measured")
    for r in results:
        if r.expected:
            verdict(f"{LABELS[r.scenario]} at {r.size} {r.expected}", r.ok,
                    f"rendered {_fmt_rendered(r.rendered)}")
    return verdicts


# -- main ----------------------------------------------------------------------------------

def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: sizes are comma-separated integers") \
            from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give at least one size ≥ 1")
    return sizes


def _scenarios(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(SCENARIOS)}")
    return chosen


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark build-deck on synthetic decks (issue 8).",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=[200, 2000],
                        help="comma-separated deck sizes (default 200,2000; 20000 is opt-in "
                             "and takes tens of minutes)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median; default 3)")
    parser.add_argument("--large-runs", type=int, default=1,
                        help=f"runs per figure for sizes ≥ {LARGE} (default 1)")
    parser.add_argument("--jobs-max-size", type=int, default=2000,
                        help="largest size at which --jobs 1 vs 2 is measured (default 2000)")
    parser.add_argument("--scenarios", type=_scenarios, default=None,
                        help=f"comma-separated subset of: {', '.join(SCENARIOS)}")
    parser.add_argument("--smoke", action="store_true",
                        help="fast check for CI: size 200, 1 run, no --jobs comparison")
    parser.add_argument("--check-targets", action="store_true",
                        help="exit 1 when a target fails (default: report only)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to generate and build (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--markdown", type=Path, default=None,
                        help="also write the report (table, machine, targets) to this file")
    parser.add_argument("--split-decks", type=int, default=0, metavar="K",
                        help="sizes over K questions are spread over decks of K (whole files "
                             "of 1000), e.g. to compare one big deck with several; 20000 "
                             "generated cards carry ~270 MB of images (default 0: one deck)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds before one build is killed (default 3600)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.large_runs < 1:
        parser.error("--runs and --large-runs must be at least 1")
    if args.smoke:
        args.sizes, args.runs = [200], 1
        args.scenarios = args.scenarios or list(SMOKE_SCENARIOS)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios: list[str] = args.scenarios or list(SCENARIOS)
    workdir: Path = args.workdir or Path(tempfile.mkdtemp(prefix="build-deck-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    started = time.perf_counter()
    source, digest = source_state(), builder_digest()
    try:
        for size in args.sizes:
            runs = args.large_runs if size >= LARGE else args.runs
            chosen = [s for s in scenarios if s != "help" and not (
                s in ("cold-j1", "cold-j2") and size > args.jobs_max_size)]
            _log(f"size {size}: {runs} run(s) of {', '.join(chosen)}")
            per_deck = args.split_decks // 1000 if args.split_decks else 0
            if per_deck and size > args.split_decks:
                _log(f"size {size}: decks of {per_deck * 1000} questions (--split-decks)")
            ws = Workspace(workdir / f"n{size}", size, args.timeout, per_deck)
            ws.generate()
            measured = run_size(ws, chosen, runs)
            if per_deck and size > args.split_decks:
                for r in measured:
                    r.notes.insert(0, f"{-(-size // args.split_decks)} decks (--split-decks)")
            results += measured
            ws.restore()
        if "help" in scenarios:
            cmd = help_command()
            help_runs = args.runs if args.smoke else max(args.runs, 5)
            results.append(Result("help", None, _repeat(
                help_runs, "help", lambda _r: measure(cmd, workdir, args.timeout))))
    except BenchError as exc:
        _log(f"error: {exc}")
        return 1
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    for r in results:
        if r.scenario == "cold-j2":
            one = _find(results, "cold-j1", r.size)
            if one:
                r.notes.append(f"speed-up over --jobs 1: {one.seconds / r.seconds:.2f}×")
        if r.scenario in ("apkg-mathjax", "apkg-mathjax-warm"):
            floor = _find(results, "floor", r.size)
            if floor:
                r.notes.append(f"{r.seconds / floor.seconds:.1f}× the floor")
    verdicts = targets(results)
    source_after = source_state()
    changed = [] if builder_digest() == digest else [
        f"**Warning: builder/ changed during the run** ({source} → {source_after}); "
        "the figures mix two versions of the code.", ""]
    report = [
        f"## build-deck benchmark ({time.strftime('%Y-%m-%d %H:%M')}, "
        f"{time.perf_counter() - started:.0f} s in all)", "",
        *changed, *table(results), "", "Machine:", "", *machine(source), "", "Targets:", "",
        "```",
        *(v.line() for v in verdicts), "```",
    ]
    text = "\n".join(report)
    print(text)
    if args.markdown is not None:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if any(r.failed for r in results):
        return 1  # a build that fails is not a performance figure
    if args.check_targets and any(v.status == "FAIL" for v in verdicts):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
