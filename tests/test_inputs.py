"""The up-to-date record's inputs: each recorded by the code that reads it
(builder.support.inputs)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.support import inputs
from builder.support.inputs import PRESENT, Inputs, recording, unchanged

from .conftest import write

BUILDER = Path(__file__).resolve().parents[1] / "builder"

READS_ELSEWHERE = {
    "anki/apkg.py": "the media it packs (looked up) and, for --diff, the decks it replaces",
    "render/assets.py": "the image cache",
    "build/run.py": "compares the lock it is about to save with the file",
    "support/codeversion.py": "the builder's own sources (the record's settings hash them)",
    "render/formulas.py": "the builder's own template",
    "render/formulacache.py": "the formula cache's own records",
    "render/checkedfiles.py": "the image cache's record of the files it checked",
    "render/fontcoverage.py": "the builder's own table of what the pinned fonts can draw",
    "anki/htmlpreview.py": "the media it copies beside the page (looked up) and its own copies",
    "render/imagecheck.py": "checks a picture the resolver looked up (recorded as a lookup)",
    "render/images.py": "resolves pictures: each lookup is recorded with its outcome",
    "parse/cache.py": "the parse cache and its secret",
    "pdf/typeset.py": "its own templates, memo and outputs, and pictures already looked up",
    "pdf/parts.py": "the PDF part cache",
    "render/printcopy.py": "pictures already looked up (their media name holds their hash), "
                           "and its own copies of them in the cache",
    "pdf/stack.py": "the frame and parts of the sheet it joins, typeset by this build",
    "support/sandbox.py": "its own memory use",
    "parse/source.py": "read_source: for commands that record nothing (toc, explain)",
    "build/toc_update.py": "the toc command rewrites files; it builds nothing",
    "build/uptodate.py": "the record itself",
    "support/atomic.py": "lock files",
    "support/safefile.py": "the bounded reader that inputs.read_bytes and the picture lookups "
                           "call",
}
"""Modules that open files other than a build's inputs, and why."""

_READ = re.compile(r"(?<!inputs)\.read_bytes\(|(?<!inputs)\.read_text\(|\bopen\(")


def test_every_file_a_build_reads_goes_through_the_record() -> None:
    """A module that starts reading a new input directly fails here, and must either read
    it through ``builder.support.inputs`` or say above why it is no input."""
    reading = sorted(str(path.relative_to(BUILDER)) for path in BUILDER.rglob("*.py")
                     if path.name != "inputs.py" and _READ.search(path.read_text("utf-8")))
    unexplained = [name for name in reading if name not in READS_ELSEWHERE]
    assert not unexplained, f"read files without recording them: {unexplained}"


def test_reads_are_recorded_with_their_bytes_and_absence(tmp_path: Path) -> None:
    here, gone, looked = tmp_path / "a.md", tmp_path / "missing.toml", tmp_path / "other.md"
    here.write_text("one", encoding="utf-8")
    looked.write_text("x", encoding="utf-8")
    record = Inputs()
    with recording(record):
        assert inputs.read_bytes(here) == b"one"
        assert not inputs.is_file(gone)
        assert inputs.exists(looked)
        with pytest.raises(FileNotFoundError):
            inputs.read_bytes(tmp_path / "nope.md")
        inputs.looked_up("pic.png", "a.md", "img-pic-123.png")
    assert record.files[str(looked)] == PRESENT
    assert record.files[str(gone)] is None and record.files[str(tmp_path / "nope.md")] is None
    assert record.lookups() == [("pic.png", "a.md", "img-pic-123.png")]
    assert unchanged(record.files)
    looked.write_text("changed, but only its presence was looked at", encoding="utf-8")
    assert unchanged(record.files)
    for change in (lambda: here.write_text("two", encoding="utf-8"),
                   lambda: gone.write_text("[tool.build-deck]\n", encoding="utf-8"),
                   lambda: looked.unlink()):
        snapshot = dict(record.files)
        change()
        assert not unchanged(snapshot)
        for path in (here, gone):
            path.unlink(missing_ok=True)
        here.write_text("one", encoding="utf-8")
        looked.write_text("x", encoding="utf-8")


def test_outside_a_build_nothing_is_recorded(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", "x")
    assert inputs.read_bytes(path) == b"x"  # no recorder: a plain read


def test_the_record_holds_what_the_build_read(tmp_path: Path) -> None:
    import json

    write(tmp_path / "notes" / "n.md", "---\ndeck: n\n---\n## S\n### Q?\nA.\n")
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    (record_file,) = Path("dist/.cache").glob("build-*.json")
    files = json.loads(record_file.read_text(encoding="utf-8"))["files"]
    source, lock = tmp_path / "notes" / "n.md", tmp_path / "notes" / "build-deck.lock"
    import hashlib

    assert files[str(source)] == hashlib.sha256(source.read_bytes()).hexdigest()
    # The lock as this build saved it, not as it found it (absent).
    assert files[str(lock)] == hashlib.sha256(lock.read_bytes()).hexdigest()
    # Every pyproject.toml that could silence warnings was looked for.
    assert str(tmp_path / "notes" / "pyproject.toml") in files
    assert str(tmp_path / "pyproject.toml") in files


def test_sha256_hashes_other_bytes_anew_and_the_last_bytes_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    first, second = b"lock line\n" * 1000, b"lock line\n" * 999 + b"lock lime\n"
    assert inputs.sha256(first) == hashlib.sha256(first).digest()
    # The same length and almost the same bytes: hashed, not taken for the last ones.
    assert inputs.sha256(second) == hashlib.sha256(second).digest()
    assert inputs.sha256(first) == hashlib.sha256(first).digest()
    calls: list[bytes] = []
    real = hashlib.sha256

    def counting(data: bytes) -> Any:
        calls.append(data)
        return real(data)

    monkeypatch.setattr(hashlib, "sha256", counting)
    assert inputs.sha256(first) == real(first).digest() and calls == []
    copy = bytes(bytearray(first))  # equal, another object: hashed again
    assert inputs.sha256(copy) == real(first).digest() and calls == [copy]


def test_the_files_modified_last_are_checked_first(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file checked is read and hashed whole, and the first one changed ends the
    check: the one edited since (modified last) is checked first, a file gone before it."""
    files = {}
    for n, name in enumerate(("a.md", "b.md", "c.md")):
        path = write(tmp_path / name, name)
        os.utime(path, ns=(10**18, 10**18 + n))
        files[name] = path
    record = Inputs()
    with recording(record):
        for path in files.values():
            inputs.read_bytes(path)
        inputs.exists(tmp_path / "pyproject.toml")
    checked: list[str] = []
    real = inputs._now

    def now(path: Path, recorded: str | None) -> str | None:
        checked.append(path.name)
        return real(path, recorded)

    monkeypatch.setattr(inputs, "_now", now)
    assert unchanged(record.files)
    # pyproject.toml was not there: it cannot be looked at, and comes first.
    assert checked == ["pyproject.toml", "c.md", "b.md", "a.md"]
    # b.md edited: the check reads it before the other sources, and no other.
    write(files["b.md"], "edited")
    os.utime(files["b.md"], ns=(10**18, 10**18 + 5))
    checked.clear()
    assert not unchanged(record.files)
    assert checked == ["pyproject.toml", "b.md"]
    # a.md deleted (older than the others): checked first all the same.
    write(files["b.md"], "b.md")
    files["a.md"].unlink()
    checked.clear()
    assert not unchanged(record.files)
    assert checked == ["a.md"]
