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
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from measure import BenchError, BenchTimeout, Sample, measure
from report import Result, builder_digest, find, machine, source_state, table, targets

BENCH = Path(__file__).resolve().parent
LARGE = 10_000
"""Sizes from here on use ``--large-runs`` and skip the --jobs comparison by default."""

SCENARIOS = ("floor", "apkg-mathjax", "apkg-mathjax-warm", "cold-j1", "cold-j2", "cold", "nochange",
             "nochange-force", "edit-answer", "edit-formula", "help")
SMOKE_SCENARIOS = ("floor", "apkg-mathjax", "cold", "nochange", "nochange-force", "edit-answer",
                   "edit-formula", "help")
_ANSWER_PHRASE = "是深度学习里常考的知识点"
_FORMULA_START = "核心公式是 $"


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

    def warm_build(*extra: str) -> Callable[[int], Sample]:
        def one(_run: int) -> Sample:
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
                    for stale in [*ws.out.glob("*.apkg"), *ws.out.glob(".cache/parsed-*"),
                                  *ws.out.glob(".cache/notes-*")]:
                        stale.unlink()
                    ws.lock.unlink(missing_ok=True)
                    return ws.build("--format", "apkg", "--math", "mathjax")

                result = Result(scenario, size, _repeat(runs, label, apkg_warm))
                result.notes.append("no lock, .apkg, parse and notes caches deleted, "
                                    "image cache kept")
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
                jobs = {"cold": (), "cold-j1": ("--jobs", "1"), "cold-j2": ("--jobs", "2")}
                samples = _repeat(runs, label, cold(*jobs[scenario]))
                warm = True  # the last cold build left out, cache and lock in step with the notes
                results.append(Result(scenario, size, samples))
            elif scenario in ("nochange", "nochange-force"):
                ensure_warm()
                # --force: through every stage, each finding its work done (caches, PDF memo).
                force = ("--force",) if scenario == "nochange-force" else ()
                result = Result(scenario, size, _repeat(runs, label, warm_build(*force)),
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
            one = find(results, "cold-j1", r.size)
            if one:
                r.notes.append(f"speed-up over --jobs 1: {one.seconds / r.seconds:.2f}×")
        if r.scenario in ("apkg-mathjax", "apkg-mathjax-warm"):
            floor = find(results, "floor", r.size)
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
