"""Measure build-deck on real notes: what reaches Anki and the PDF, what is lost (issue 15).

    PYTHONPATH=$PWD python bench/corpus.py /work/corpus            # table
    PYTHONPATH=$PWD python bench/corpus.py /work/corpus --json     # machine output
    PYTHONPATH=$PWD python bench/corpus.py /work/corpus --details  # lost blocks, undrawn formulas

CORPUS is a folder staged by ``bench/stage_corpus.py``: its ``MANIFEST.tsv`` names each notes
file (``role`` notes, ``local`` path), its ``site_root`` and ``expected_questions``. Without a
manifest every ``*.md`` under CORPUS is measured, with no expected count.

Each notes file is built alone, the way a new user would: its repository folder is copied to
a temporary folder and ``python -m builder FILE -v`` runs there (every diagnostic; ``--site-root``
only where the manifest gives one), using the ``builder`` package of the checkout this script
belongs to (``--builder`` names another command, e.g. a fake one in tests). Then, per file:

a. media missing: every package is imported with the real ``anki`` library into a fresh
   collection (as Anki's import dialog does); every ``<img src>`` in every note field whose
   file is not in the collection's media folder, or is empty, is missing. Remote (``http:``…)
   sources are not media and are not counted. ``pictures`` also says how many of the local
   pictures the source shows (files that exist) a card shows, by identical bytes.
b. formulas drawn: ``$…$`` and ``$$…$$`` formulas are found in the source by the heuristic of
   ``corpus_source.find_formulas`` (markdown-it inline text, code spans masked; documented
   there). A formula is drawn when a formula image (``<img class="math">``) on a card carries
   its TeX as alt text: same TeX ignoring whitespace, else same letters and digits (so a
   whitespace or brace change still counts, prose paired into a formula does not); each image
   is matched once. Share = drawn / formulas. Undrawn ones are split into ``mathjax`` (left in
   ``\\(…\\)``/``\\[…\\]``), ``raw`` (still on a card as ``$TeX$`` text, whitespace ignored) and
   ``absent`` (lost with its block, or mangled on the way).
c. blocks accounted for: the source's top-level markdown-it blocks (front matter, TOC markers
   and ``<!-- TOC -->`` regions and blocks with no visible text or picture left out). A block is
   ``found`` when at least 80% of its text, compared as 12-character chunks of letters and digits
   (case-folded, NFKC), appears in a card field (including alt text), a deck name or the PDF's
   text (pypdf); a block holding only pictures is found when a card shows every one of them.
   Otherwise it is ``reported`` when a diagnostic (``path:line:col: severity: message [code]``)
   names one of its lines (or a ``lines A-B`` range meeting them), else ``lost``.
d. tracebacks: a Python traceback in the output, an exit status other than 0 or 1, or no end
   within ``--timeout``; and the build's wall time.
e. questions: notes in the collection against the manifest's ``expected_questions`` (issue 16);
   the total share is sum(min(cards, expected)) / sum(expected), so extra cards in one file
   never make up for questions missed in another.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus_metrics import Counts, measure_build

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    corpus: Path
    local: str
    site_root: str
    expected: int | None


@dataclass
class Run:
    exit_code: int | None
    seconds: float
    output: str
    out_dir: Path
    source_dir: Path

    @property
    def traceback(self) -> bool:
        return (self.exit_code not in (0, 1)
                or "Traceback (most recent call last)" in self.output)


@dataclass
class FileResult:
    file: str
    exit_code: int | None
    seconds: float
    traceback: bool
    expected_questions: int | None
    counts: Counts = field(default_factory=Counts)


def targets(corpus: Path) -> list[Target]:
    manifest = corpus / "MANIFEST.tsv"
    if not manifest.is_file():
        return [Target(corpus, p.relative_to(corpus).as_posix(), "", None)
                for p in sorted(corpus.rglob("*.md"))]
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t")
                if row.get("role", "notes") == "notes"]
    return [Target(corpus, row["local"], row.get("site_root") or "",
                   int(row["expected_questions"]) if row.get("expected_questions") else None)
            for row in rows]


def _split(local: str) -> tuple[str, str]:
    """The repository folder a notes file is staged in, and its path inside it."""
    top, _, rest = local.partition("/")
    return (top, rest) if rest else ("", local)


def build(target: Target, work: Path, timeout: float, builder: list[str]) -> Run:
    top, inside = _split(target.local)
    source_dir = work / "src"
    shutil.copytree(target.corpus / top if top else target.corpus, source_dir,
                    ignore=shutil.ignore_patterns("MANIFEST.tsv", "READY", "*.txt"))
    # -v: every diagnostic, as the build caps repeated ones for a reader (50 a code).
    command = [*builder, inside, "-v"]
    if target.site_root:
        command += ["--site-root", target.site_root]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=source_dir, env=env, capture_output=True,
                              text=True, errors="replace", timeout=timeout, check=False)
        code: int | None = done.returncode
        output = done.stdout + done.stderr
    except subprocess.TimeoutExpired as expired:
        code, output = None, f"timed out after {timeout:.0f} s\n{expired.stdout or ''!s}"
    seconds = time.perf_counter() - started
    return Run(code, seconds, output, source_dir / "dist", source_dir)


def measure(target: Target, timeout: float, keep: Path | None,
            builder: list[str]) -> FileResult:
    with tempfile.TemporaryDirectory(prefix="corpus-") as scratch:
        work = Path(scratch)
        run = build(target, work, timeout, builder)
        _, inside = _split(target.local)
        counts = measure_build(run.source_dir, inside, target.site_root, run.out_dir,
                               run.output, work / "anki")
        if keep is not None:
            dest = keep / target.local.replace("/", "__")
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(work, dest, ignore=shutil.ignore_patterns(".cache"))
            (dest / "output.txt").write_text(run.output, encoding="utf-8")
    return FileResult(target.local, run.exit_code, round(run.seconds, 2), run.traceback,
                      target.expected, counts)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def totals(results: list[FileResult]) -> dict[str, object]:
    total = Counts()
    for result in results:
        total.add(result.counts)
    expected = sum(r.expected_questions or 0 for r in results)
    return {
        "files": len(results),
        "tracebacks": sum(r.traceback for r in results),
        "seconds": round(sum(r.seconds for r in results), 1),
        "expected_questions": expected,
        "questions_share": _pct(sum(min(r.counts.cards, r.expected_questions or 0)
                                    for r in results), expected),
        "formulas_drawn_share": _pct(total.formulas_drawn, total.formulas),
        "blocks_accounted_share": _pct(total.blocks_found + total.blocks_reported,
                                       total.blocks),
        **{k: v for k, v in asdict(total).items() if not isinstance(v, list)},
    }


COLUMNS = ("file", "exit", "s", "cards/exp", "media miss/img", "pics shown/local",
           "formulas drawn/all", "blocks ok/all (lost)", "tb")


def row(result: FileResult) -> list[str]:
    c = result.counts
    exp = "?" if result.expected_questions is None else str(result.expected_questions)
    return [result.file[-60:], str(result.exit_code), f"{result.seconds:.1f}",
            f"{c.cards}/{exp}", f"{c.media_missing}/{c.media_images}",
            f"{c.pictures_shown}/{c.pictures_local}",
            f"{c.formulas_drawn}/{c.formulas}",
            f"{c.blocks_found + c.blocks_reported}/{c.blocks} ({c.blocks_lost})",
            "YES" if result.traceback else ""]


def table(results: list[FileResult]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row(r)) + " |" for r in results]
    t = totals(results)
    lines += [
        "",
        f"files: {t['files']}   tracebacks: {t['tracebacks']}   build time: {t['seconds']} s",
        f"media missing in Anki: {t['media_missing']} of {t['media_images']} card pictures;"
        f" local pictures shown: {t['pictures_shown']} of {t['pictures_local']}",
        f"formulas drawn: {t['formulas_drawn']} of {t['formulas']} ({t['formulas_drawn_share']});"
        f" mathjax {t['formulas_mathjax']}, raw {t['formulas_raw']},"
        f" absent {t['formulas_absent']}; unmatched formula images {t['formula_images_extra']}",
        f"blocks accounted for: {t['blocks_found']} found + {t['blocks_reported']} reported of"
        f" {t['blocks']} ({t['blocks_accounted_share']}); lost {t['blocks_lost']}",
        f"questions: {t['cards']} cards for {t['expected_questions']} expected"
        f" ({t['questions_share']})",
    ]
    return "\n".join(lines)


def details(results: list[FileResult], limit: int) -> str:
    out: list[str] = []
    for result in results:
        c = result.counts
        out.append(f"## {result.file}")
        out += [f"  lost block {example}" for example in c.lost_examples[:limit]]
        out += [f"  formula {example}" for example in c.formula_examples[:limit]]
        out += [f"  media {example}" for example in c.media_examples[:limit]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--details", action="store_true",
                        help="also list lost blocks, undrawn formulas and missing media")
    parser.add_argument("--limit", type=int, default=15, help="examples per file in --details")
    parser.add_argument("--only", default="", help="measure only files whose path contains this")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per build")
    parser.add_argument("--keep", type=Path, help="keep each build's folder and output here")
    parser.add_argument("--save", type=Path, help="also write the JSON to this file")
    parser.add_argument("--builder", type=shlex.split,
                        default=[sys.executable, "-m", "builder"],
                        help="command that builds one file [default: python -m builder]")
    args = parser.parse_args(argv)
    chosen = [t for t in targets(args.corpus.resolve()) if args.only in t.local]
    if not chosen:
        print(f"corpus: no notes files in {args.corpus}", file=sys.stderr)
        return 2
    results: list[FileResult] = []
    for target in chosen:
        results.append(measure(target, args.timeout, args.keep, args.builder))
        if not args.json:
            print(f"measured {target.local}", file=sys.stderr, flush=True)
    report = json.dumps({"files": [asdict(r) for r in results], "totals": totals(results)},
                        ensure_ascii=False, indent=1)
    if args.save:
        args.save.write_text(report + "\n", encoding="utf-8")
    if args.json:
        print(report)
    else:
        print(table(results))
        if args.details:
            print("\n" + details(results, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
