"""build-deck against ankdown (the fastest peer) and the floor, side by side (issue 18).

    python bench/peers.py                       # 2,000 questions, 3 interleaved runs
    python bench/peers.py --sizes 2000,20000 --ankdown /work/bench-venv/bin/ankdown

Each round runs every contender once, one after the other, so all see the same load
on a shared machine; each figure is the median over the rounds (wall time, and CPU
time of the whole process tree beside it, which other users' load disturbs less).

- **floor**: ``bench/floor.py``, markdown-it-py renders each answer, genanki packs it.
- **ankdown**: the same questions and answers as ankdown cards (``front % back ---``),
  one ``ankdown -r DIR -p OUT.apkg`` run, a whole cold build.
- **cold**: ``build-deck build --format apkg --math mathjax`` with no lock, no parse
  cache and no deck; the drawn diagrams stay in the image cache (drawing 40 diagrams
  takes ~16 s, and no peer draws any).
- **edit**: one answer edited, then the same build, the previous build's caches, lock
  and deck in place.
- **watch → apkg / → PDF**: one ``build-deck watch`` process (``--format apkg --math
  mathjax``, and the default formats for the PDF); the time from saving one answer to
  the output's being replaced, polled every 10 ms.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from measure import BenchError, Sample, measure
from report import source_state
from run import Workspace, build_deck

BENCH = Path(__file__).resolve().parent
APKG_ONLY = ("--format", "apkg", "--math", "mathjax")


@dataclass
class Figure:
    """One contender in one scenario: its samples, in seconds (wall, and CPU if known)."""

    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def shown(self) -> str:
        cpu = f", CPU {statistics.median(self.cpu):.2f} s" if self.cpu else ""
        spread = f" ({min(self.wall):.2f}–{max(self.wall):.2f})" if len(self.wall) > 1 else ""
        return f"{self.median:.2f} s{spread}{cpu}"


def ankdown_cards(cards_json: Path, folder: Path) -> int:
    """Write the benchmark's cards as one ankdown file; return how many."""
    data = json.loads(cards_json.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    blocks = [f"{card['question']}\n\n%\n\n{card['answer']}\n" for card in data["cards"]]
    (folder / "cards.md").write_text("\n---\n\n".join(blocks), encoding="utf-8")
    return len(blocks)


class WatchProcess:
    """A ``build-deck watch`` running in ``ws.root``, its output in a file."""

    def __init__(self, ws: Workspace, *extra: str) -> None:
        self.log = ws.root / "watch.log"
        self.out = ws.out
        command = [*build_deck(), "watch", "notes", "-o", "out", "--lock", ws.lock.name,
                   *extra]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=ws.root, stdout=log,
                                            stderr=subprocess.STDOUT)
        self._wait(lambda: "watching" in self.log.read_text("utf-8", "replace"), 3600)

    def _wait(self, done: Callable[[], bool], timeout: float) -> float:
        start = time.perf_counter()
        while not done():
            if self.process.poll() is not None:
                raise BenchError(f"watch exited: {self.log.read_text('utf-8', 'replace')}")
            if time.perf_counter() - start > timeout:
                raise BenchError(f"watch: nothing after {timeout:.0f} s")
            time.sleep(0.01)
        return time.perf_counter() - start

    def save_and_wait(self, edit: Callable[[], None], output: Path) -> tuple[float, float]:
        """Seconds from ``edit`` (a save) to ``output`` being replaced, and the CPU
        seconds the watching process (and its reaped workers) spent meanwhile."""
        before, cpu = _state(output), _cpu(self.process.pid)
        edit()
        seconds = self._wait(lambda: _state(output) != before, 600)
        return seconds, _cpu(self.process.pid) - cpu

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _cpu(pid: int) -> float:
    """CPU seconds of a process, its reaped children and its live descendants (the PDF
    workers a watch keeps between saves are still running when the PDF lands).  Linux
    /proc; 0 elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(b")") + 2:].split()
    # utime, stime, cutime, cstime: fields 14-17 of the line, 12-15 after the name.
    own = sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _state(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_ino


def _notes_in(package: Path) -> int:
    """How many notes a package holds (its collection, read with sqlite3)."""
    import sqlite3
    import zipfile

    with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "collection.anki2"
        database.write_bytes(archive.read("collection.anki2"))
        connection = sqlite3.connect(database)
        try:
            return int(connection.execute("SELECT count(*) FROM notes").fetchone()[0])
        finally:
            connection.close()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sample(figure: Figure, sample: Sample) -> None:
    if sample.failed:
        raise BenchError(f"{figure.name} failed:\n{sample.output[-2000:]}")
    figure.wall.append(sample.seconds)
    figure.cpu.append(sample.cpu_seconds)
    _log(f"  {figure.name}: {sample.seconds:.2f} s (CPU {sample.cpu_seconds:.2f} s)")


def one_shot(ws: Workspace, ankdown: Sequence[str], runs: int) -> dict[str, Figure]:
    """Cold builds and one-shot edits, interleaved with the floor and ankdown."""
    figures = {name: Figure(name) for name in ("floor", "ankdown", "cold", "edit")}
    cards = ankdown_cards(ws.root / "cards.json", ws.root / "ankdown")
    _log(f"[{ws.size}] {cards} ankdown cards")
    ws.clean()
    ws.build(*APKG_ONLY)  # draws the diagrams once, into the image cache
    for run in range(1, runs + 1):
        _sample(figures["floor"], ws.floor())
        _sample(figures["ankdown"], measure(
            [*ankdown, "-r", "ankdown", "-p", "ankdown.apkg"], ws.root, 3600))
        if run == 1:
            _log(f"  ankdown wrote {_notes_in(ws.root / 'ankdown.apkg')} notes")
        # The notes kept beside each parse would spare a build its parse: gone too.
        for stale in [*ws.out.glob("*.apkg"), *ws.out.glob(".cache/parsed-*"),
                      *ws.out.glob(".cache/notes-*"), *ws.out.glob(".cache/build-*")]:
            stale.unlink()
        ws.lock.unlink(missing_ok=True)
        ws.restore()
        _sample(figures["cold"], ws.build(*APKG_ONLY))
        ws.edit_answer(ws.size // 2 + 1, run)
        _sample(figures["edit"], ws.build(*APKG_ONLY))
    return figures


def watched(ws: Workspace, runs: int, extra: Sequence[str], output: Path,
            name: str) -> Figure:
    figure = Figure(name)
    ws.restore()
    watcher = WatchProcess(ws, *extra)
    try:
        for run in range(1, runs + 1):
            seconds, cpu = watcher.save_and_wait(
                functools.partial(ws.edit_answer, ws.size // 2 + 1, 100 + run), output)
            figure.wall.append(seconds)
            figure.cpu.append(cpu)
            _log(f"  {name}: {seconds:.2f} s (CPU {cpu:.2f} s)")
            time.sleep(1)  # let the build finish its record before the next save
    finally:
        watcher.stop()
    return figure


def _ratio(mine: Figure, other: Figure, name: str, goal: float) -> str:
    cpu = (f"; {statistics.median(mine.cpu) / statistics.median(other.cpu):.2f}×"
           if mine.cpu and other.cpu else "")
    return f"{mine.median / other.median:.2f}×{cpu} {name} (goal ≤ {goal}×)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000", help="comma-separated (default 2000)")
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--large-runs", type=int, default=1, help="rounds at 10,000 and up")
    parser.add_argument("--ankdown", default=shutil.which("ankdown") or "ankdown",
                        help="the ankdown command (pip install ankdown, in its own venv)")
    parser.add_argument("--no-watch", action="store_true", help="leave out the watch runs")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="build-deck-peers-"))
    started = time.strftime("%Y-%m-%d %H:%M")
    lines = [f"## build-deck vs ankdown vs the floor ({started}, builder {source_state()}, "
             f"load {os.getloadavg()[0]:.1f} at start)", "",
             "| questions | scenario | seconds (median, range, CPU) | ratio (wall; CPU) |",
             "|---|---|---|---|"]
    edits: dict[int, Figure] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        runs = args.large_runs if size >= 10_000 else args.runs
        ws = Workspace(workdir / f"n{size}", size, 3600)
        ws.generate()
        figures = one_shot(ws, [args.ankdown], runs)
        edits[size] = figures["edit"]
        rows = [("floor (markdown-it-py + genanki)", figures["floor"], ""),
                ("ankdown, cold", figures["ankdown"], ""),
                ("build-deck cold `.apkg`, `--math mathjax`", figures["cold"],
                 _ratio(figures["cold"], figures["floor"], "floor", 1.5)),
                ("build-deck one-shot edit → `.apkg`", figures["edit"],
                 _ratio(figures["edit"], figures["ankdown"], "ankdown", 1.5))]
        if not args.no_watch and size < 10_000:
            apkg = watched(ws, runs, APKG_ONLY, ws.out / "Bench.apkg", "watch save → .apkg")
            pdf = watched(ws, runs, (), ws.out / "Bench.pdf", "watch save → PDF")
            rows += [("watch save → `.apkg`", apkg,
                      _ratio(apkg, figures["ankdown"], "ankdown", 1.0)),
                     ("watch save → PDF", pdf, _ratio(pdf, figures["ankdown"], "ankdown", 3.0))]
        lines += [f"| {size:,} | {label} | {figure.shown()} | {ratio} |"
                  for label, figure, ratio in rows]
        ws.restore()
    if len(edits) > 1:
        small, large = min(edits), max(edits)
        lines += ["", f"One-shot edit at {large:,} against {small:,}: "
                  f"{_ratio(edits[large], edits[small], 'the smaller', 3.0)}"]
    print("\n".join(lines))
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
