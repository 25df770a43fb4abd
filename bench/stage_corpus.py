"""Stage the real-notes corpus from git snapshots already on this machine (issue 15).

    python bench/stage_corpus.py /work/.mirror /work/corpus
    python bench/stage_corpus.py /work/.mirror /work/corpus --manifest bench/corpus_manifest.tsv

The corpus is public interview notes written by other people; their licences keep them
out of this repository, so only the list is committed (``bench/corpus_manifest.tsv``):
one row per file, notes and the pictures they show alike, with the repository, the
commit, the path, and the git blob SHA-1 of the file's bytes.

Every file is written to ``CORPUS/<owner>__<name>/<path>`` byte for byte (``git show``
of the blob, never a checkout, so no line-ending or filter conversion touches it) and
its bytes are checked against the recorded blob hash before they are kept. A copy of
the manifest, with a ``local`` column naming each staged file, is written to
``CORPUS/MANIFEST.tsv`` for ``bench/corpus.py``.

Nothing is downloaded: each repository must already be a git directory under MIRROR,
named ``<owner>+<name>`` (the layout the workplace's snapshot tool leaves:
``<owner>+<name>/repo`` holding either a bare repository or a ``.git`` folder). A
repository or commit that is missing is reported, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

BENCH = Path(__file__).resolve().parent
MANIFEST = BENCH / "corpus_manifest.tsv"
COLUMNS = (
    "repo", "commit", "path", "role", "site_root", "expected_questions", "blob_sha", "notes",
)


@dataclass(frozen=True)
class Entry:
    repo: str
    commit: str
    path: str
    role: str
    site_root: str
    expected_questions: str
    blob_sha: str
    notes: str

    @property
    def local(self) -> str:
        """Where the file lives inside the staged corpus, relative to its root."""
        return f"{self.repo.replace('/', '__')}/{self.path}"


class StageError(Exception):
    """A file could not be staged as recorded."""


def read_manifest(path: Path) -> list[Entry]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Entry(**{name: row[name] or "" for name in COLUMNS}) for row in rows]


def git_blob_sha(data: bytes) -> str:
    """The SHA-1 git gives a blob of these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def find_git_dir(mirror: Path, repo: str) -> Path:
    base = mirror / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (candidate / "objects").is_dir():
            return candidate
    raise StageError(f"{repo}: no git directory under {base} (fetch the repository first)")


def blob_bytes(git_dir: Path, entry: Entry) -> bytes:
    done = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "blob", f"{entry.commit}:{entry.path}"],
        capture_output=True, check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise StageError(f"{entry.repo}@{entry.commit[:12]}:{entry.path}: {message}")
    return done.stdout


def safe_target(corpus: Path, entry: Entry) -> Path:
    """The staged file's path; a manifest row may not point outside the corpus."""
    parts = PurePosixPath(entry.local).parts
    if ".." in parts or PurePosixPath(entry.path).is_absolute():
        raise StageError(f"{entry.repo}:{entry.path}: path leaves the corpus folder")
    return corpus.joinpath(*parts)


def stage_one(mirror: Path, corpus: Path, entry: Entry) -> None:
    target = safe_target(corpus, entry)
    data = blob_bytes(find_git_dir(mirror, entry.repo), entry)
    actual = git_blob_sha(data)
    if actual != entry.blob_sha:
        raise StageError(
            f"{entry.repo}:{entry.path}: blob {actual}, manifest says {entry.blob_sha}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def write_local_manifest(corpus: Path, entries: list[Entry]) -> None:
    with (corpus / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow([*COLUMNS, "local"])
        for entry in entries:
            writer.writerow([*(getattr(entry, name) for name in COLUMNS), entry.local])


def stage(mirror: Path, corpus: Path, entries: list[Entry]) -> list[str]:
    """Stage every entry; return the problems (empty when all were staged and verified)."""
    problems: list[str] = []
    staged: list[Entry] = []
    for entry in entries:
        try:
            stage_one(mirror, corpus, entry)
        except StageError as error:
            problems.append(str(error))
        else:
            staged.append(entry)
    write_local_manifest(corpus, staged)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirror", type=Path, help="folder holding <owner>+<name> git directories")
    parser.add_argument("corpus", type=Path, help="folder to stage the corpus into")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    args = parser.parse_args(argv)
    entries = read_manifest(args.manifest)
    args.corpus.mkdir(parents=True, exist_ok=True)
    problems = stage(args.mirror, args.corpus, entries)
    for problem in problems:
        print(f"stage_corpus: {problem}", file=sys.stderr)
    notes = sum(entry.role == "notes" for entry in entries)
    print(f"staged {len(entries) - len(problems)} of {len(entries)} files "
          f"({notes} notes) into {args.corpus}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
