"""A build that finds nothing changed since the last one writes nothing and says the same.

Whether a build was skipped shows in what it prints: a build that works writes its
deck ("wrote dist/n.apkg"); a skipped one leaves it ("unchanged dist/n.apkg").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import builder.build.gather
import builder.build.run
import builder.build.uptodate
from builder.anki.apkg import read_fields
from builder.build.gather import Gathered
from builder.cli import main

from .conftest import write
from .test_pdf import _tiny_png

NOTES = """---
deck: n
---
## 基础
### 什么是过拟合？
训练集好、测试集差，$L = \\frac{1}{n}\\sum_i \\ell_i$。

![图](fig.png)

### 空的问题？
"""
APKG = "dist/n.apkg"


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(main, ["build", "notes", *args])
    assert result.exit_code == code, result.output
    return result


def skipped(result: Result) -> bool:
    if f"wrote {APKG}" in result.output:
        return False
    assert f"unchanged {APKG}" in result.output, result.output
    return True


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    _tiny_png(tmp_path / "notes" / "fig.png")
    return write(tmp_path / "notes" / "n.md", NOTES)


@pytest.fixture
def gathers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the builds that read and parsed their sources."""
    calls: list[int] = []
    real = builder.build.gather.gather

    def counting(*args: Any, **kwargs: Any) -> Gathered:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(builder.build.gather, "gather", counting)
    return calls


def test_an_unchanged_rebuild_writes_nothing_and_reports_the_same(
        notes: Path, gathers: list[int]) -> None:
    first = run()
    assert "empty answer" in first.output  # a warning, to be reported again
    outputs = {p: p.stat().st_mtime_ns for p in Path("dist").glob("n.*")}
    assert len(outputs) == 2
    again = run()
    assert skipped(again) and len(gathers) == 1
    assert {p: p.stat().st_mtime_ns for p in outputs} == outputs
    forced = run("--force")
    assert not skipped(forced) and len(gathers) == 2
    # Word for word what a build that does the work prints, warnings included.
    assert again.output == forced.output.replace(f"wrote {APKG}", f"unchanged {APKG}")
    assert "images: 0 rendered, 1 from cache" in again.output
    assert "changes: none since the last build" in again.output


def test_a_build_with_errors_is_never_skipped(notes: Path) -> None:
    """Errors are to be fixed, and a diagram that failed to draw is tried again."""
    notes.write_text(NOTES + "\n```diagram\ntype: no-such-diagram\n```\n", encoding="utf-8")
    first = run(code=1)
    again = run(code=1)
    assert not skipped(again)
    errors = [line for line in first.output.splitlines() if ": error: " in line]
    assert errors and errors == [line for line in again.output.splitlines()
                                 if ": error: " in line]


def test_touching_a_file_without_changing_it_is_still_up_to_date(notes: Path) -> None:
    run()
    os.utime(notes, ns=(1, 1))
    assert skipped(run())
    assert skipped(run("--jobs", "1"))  # workers change how fast, not what


def _edit_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notes = tmp_path / "notes" / "n.md"
    notes.write_text(NOTES.replace("测试集差", "测试集很差"), encoding="utf-8")


def _add_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "notes" / "m.md", "---\ndeck: n\n---\n## 另\n### 新问题？\n新答案。\n")


def _edit_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with (tmp_path / "notes" / "fig.png").open("ab") as image:
        image.write(b"edited")


def _remove_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes" / "fig.png").unlink()


def _silence_in_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", '[tool.build-deck]\nignore = ["empty-answer"]\n')


def _delete_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes" / "build-deck.lock").unlink()


def _delete_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dist" / "n.pdf").unlink()


def _replace_apkg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = tmp_path / "dist" / "n.apkg"
    data = deck.read_bytes()
    deck.unlink()
    deck.write_bytes(data)  # same bytes, another file: not the one the build wrote


def _new_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")


def _new_builder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builder.build.uptodate, "code_version", lambda *args: "another release")


@pytest.mark.parametrize("change", [
    _edit_source, _add_file, _edit_image, _remove_image, _silence_in_pyproject, _delete_lock,
    _delete_pdf, _replace_apkg, _new_day, _new_builder,
])
def test_any_change_to_what_a_build_reads_or_wrote_builds_again(
        tmp_path: Path, notes: Path, monkeypatch: pytest.MonkeyPatch,
        change: Callable[[Path, pytest.MonkeyPatch], None]) -> None:
    run()
    assert skipped(run())
    change(tmp_path, monkeypatch)
    assert not skipped(run())
    assert skipped(run())


OPTIONS = {
    "sources": ["notes/n.md"], "formats": ["--format", "apkg"], "math": ["--math", "mathjax"],
    "keep_empty": ["--keep-empty"], "lock_path": ["--lock", "other.lock"],
    "cache_dir": ["--cache-dir", "other-cache"], "parse": ["--no-breaks"],
    "paper": ["--paper", "letter"], "columns": ["--columns", "3"],
    "pdf_style": ["--pdf-style", "cards"], "diff": ["--diff"], "site_root": ["--site-root", "img"],
}
"""For each BuildConfig field that shapes a build, arguments that change it (``out_dir``,
``strict`` and ``use_lock`` have tests of their own)."""


def test_every_option_is_covered() -> None:
    from dataclasses import fields

    from builder.build.config import BuildConfig

    # The settings file and its problems come from a pyproject.toml, hashed as a file.
    shaping = {f.name for f in fields(BuildConfig)} - {"jobs", "force", "settings_file",
                                                       "diagnostics"}
    assert shaping == set(OPTIONS) | {"out_dir", "strict", "use_lock"}


@pytest.mark.parametrize("field", sorted(OPTIONS))
def test_other_options_build_again(notes: Path, field: str) -> None:
    changed = OPTIONS[field] if field == "sources" else ["notes", *OPTIONS[field]]

    def build(*args: str) -> str:
        result = CliRunner().invoke(main, ["build", *args])
        assert result.exit_code == 0, result.output
        return result.output

    build("notes")
    assert "wrote dist/n." in build(*changed)
    assert "wrote dist/n." not in build(*changed)  # now that one is up to date
    assert "wrote dist/n." in build("notes")


def test_each_output_folder_has_its_own_record(notes: Path) -> None:
    run()
    assert "wrote out/n.apkg" in run("-o", "out").output
    assert skipped(run())
    assert "unchanged out/n.apkg" in run("-o", "out").output


def test_without_the_lock_every_build_writes(notes: Path) -> None:
    run("--no-lock")
    assert not skipped(run("--no-lock"))


def test_strict_is_not_passed_by_an_earlier_build_with_warnings(notes: Path) -> None:
    run()
    strict = run("--strict", code=1)
    assert "empty answer" in strict.output and "nothing written" in strict.output
    assert skipped(run())


def test_a_build_that_failed_while_writing_is_never_taken_as_up_to_date(
        tmp_path: Path, notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deck was written, then the PDF failed: the first text's record is gone, so
    going back to the first text must rebuild the deck, which holds the second."""
    run()
    _edit_source(tmp_path, monkeypatch)

    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(builder.build.run, "_write_pdf", no_space)
        assert "No space left" in run(code=1).output
    assert any("测试集很差" in answer for _q, answer in read_fields(Path(APKG)).values())
    notes.write_text(NOTES, encoding="utf-8")
    assert not skipped(run())
    assert all("测试集很差" not in answer for _q, answer in read_fields(Path(APKG)).values())


def test_a_file_saved_during_the_build_is_built_again(
        tmp_path: Path, notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs are hashed before they are read: an edit saved mid-build is never taken
    as built."""
    real = builder.build.gather.gather

    def save_meanwhile(*args: Any, **kwargs: Any) -> Gathered:
        found = real(*args, **kwargs)
        _edit_source(tmp_path, monkeypatch)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(builder.build.gather, "gather", save_meanwhile)
        run()
    assert not skipped(run())
    assert any("测试集很差" in answer for _q, answer in read_fields(Path(APKG)).values())


def test_notes_of_a_file_outside_the_build_are_dropped_when_it_is_deleted(
        tmp_path: Path, notes: Path) -> None:
    other = write(tmp_path / "notes" / "m.md", "---\ndeck: n\n---\n## 另\n### 新问题？\n答。\n")
    run()
    only_n = ["--lock", "notes/build-deck.lock"]
    assert "wrote dist/n.apkg" in CliRunner().invoke(main, ["notes/n.md", *only_n]).output
    assert "unchanged dist/n.apkg" in CliRunner().invoke(main, ["notes/n.md", *only_n]).output
    other.unlink()
    result = CliRunner().invoke(main, ["notes/n.md", *only_n])
    assert "wrote dist/n.apkg" in result.output and "1 removed" in result.output


def test_every_runtime_library_counts_as_part_of_the_builder() -> None:
    """A new release of any dependency may draw or write differently: it must not skip."""
    import re
    import tomllib

    from builder.support.codeversion import RUNTIME_LIBRARIES

    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    assert sorted(RUNTIME_LIBRARIES) == sorted(re.split(r"[<>=!~ ;\[]", d, maxsplit=1)[0]
                                               for d in declared)


def test_an_image_only_the_pdf_shows_is_checked_too(tmp_path: Path) -> None:
    """A question that is only an image is left out of the deck but printed on the sheet."""
    image = _tiny_png(tmp_path / "notes" / "q.png")
    write(tmp_path / "notes" / "n.md", NOTES + "\n### ![](q.png)\n看图的答案。\n")
    run()
    assert skipped(run())
    with image.open("ab") as more:
        more.write(b"edited")
    result = run()
    assert "wrote dist/n.pdf" in result.output


def test_warnings_about_the_previous_lock_are_not_replayed(tmp_path: Path) -> None:
    """Two new questions that could each replace an old one are reported once: against
    the lock that build saved, a rebuild finds nothing to match."""
    answer = "过拟合是模型在训练集上表现好、在测试集上表现差的现象，需要正则化和更多数据来缓解。"
    source = write(tmp_path / "notes" / "n.md",
                   f"---\ndeck: n\n---\n## 基础\n### 什么是过拟合？\n{answer}\n")
    run()
    source.write_text(f"---\ndeck: n\n---\n## 基础\n### 过拟合是什么A？\n{answer}\n\n"
                      f"### 过拟合是什么B？\n{answer}\n", encoding="utf-8")
    assert "ambiguous-rename" in run().output
    again = run()
    assert skipped(again) and "ambiguous-rename" not in again.output
    forced = run("--force")
    assert again.output == forced.output.replace(f"wrote {APKG}", f"unchanged {APKG}")


def test_another_working_folder_builds_again(tmp_path: Path, notes: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Diagnostics name files relative to the working folder, so what a build prints
    depends on it."""
    notes.write_text(NOTES.replace("![图](fig.png)", ""), encoding="utf-8")  # no image lookups
    arguments = ["build", str(tmp_path / "notes"), "-o", str(tmp_path / "dist")]
    CliRunner().invoke(main, arguments)
    monkeypatch.chdir(tmp_path / "notes")
    result = CliRunner().invoke(main, arguments)
    assert "wrote " in result.output
    assert any(line.startswith("n.md:10:5: warning: empty answer")
               for line in result.output.splitlines())
    assert "unchanged " in CliRunner().invoke(main, arguments).output


def test_a_deleted_removed_notes_file_is_written_again(tmp_path: Path, notes: Path) -> None:
    notes.write_text(NOTES + "\n### 另一个问题？\n完全不同的另一个答案。\n", encoding="utf-8")
    run()
    notes.write_text(NOTES, encoding="utf-8")
    assert "1 removed" in run().output
    removed = tmp_path / "dist" / "removed-notes.txt"
    assert removed.exists()
    assert skipped(run())
    removed.unlink()
    assert not skipped(run()) and removed.exists()


@pytest.mark.parametrize("damage", [
    lambda r: r.__setitem__("files", []),
    lambda r: r.__setitem__("images", [[1, "notes/n.md"]]),
    lambda r: r["report"].pop("cards"),
    lambda r: r["report"].__setitem__("diagnostics", [[1, 2]]),
    lambda r: r.__setitem__("report", None),
    lambda r: r.__setitem__("outputs", []),
    "[" * 100_000,
    "not json",
])
def test_a_damaged_record_means_a_full_build(notes: Path, damage: object) -> None:
    import json

    run()
    (record,) = Path("dist/.cache").glob("build-*.json")
    if isinstance(damage, str):
        record.write_text(damage, encoding="utf-8")
    else:
        data = json.loads(record.read_text(encoding="utf-8"))
        damage(data)  # type: ignore[operator]
        record.write_text(json.dumps(data), encoding="utf-8")
    result = run()
    assert not skipped(result) and "Traceback" not in result.output
    assert skipped(run())  # and the record is whole again


def test_a_forced_build_leaves_a_record(notes: Path) -> None:
    run()
    assert not skipped(run("--force"))
    assert skipped(run())


def test_a_deck_without_pdf_is_not_built_again_the_next_day(
        notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    run("--format", "apkg")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1714521600 + 86400))
    assert skipped(run("--format", "apkg"))
    assert not skipped(run())  # the sheet shows the day


def test_the_templates_are_part_of_the_builder() -> None:
    from builder.support.codeversion import _sources

    found = [name for name, _data in _sources()]
    assert "templates/sheet.typ" in found and "build/uptodate.py" in found


def test_a_link_to_another_file_builds_again(tmp_path: Path) -> None:
    """The deck and lock name the file a link points to, so a new target is a change
    even when its text is the same."""
    text = NOTES.replace("![图](fig.png)", "")
    write(tmp_path / "notes" / "week1.md", text)
    link = tmp_path / "notes" / "current.md"
    link.symlink_to("week1.md")
    assert "wrote" in run().output  # builds notes/, whose link and target are both sources
    only = ["build", "notes/current.md"]
    CliRunner().invoke(main, only)
    assert "unchanged" in CliRunner().invoke(main, only).output
    (tmp_path / "notes" / "week1.md").rename(tmp_path / "notes" / "week2.md")
    link.unlink()
    link.symlink_to("week2.md")
    result = CliRunner().invoke(main, only)
    assert "wrote" in result.output and "notes/week2.md:10:5: warning" in result.output


@pytest.mark.skipif(sys.platform != "linux", reason="file names of any bytes: Linux only")
def test_folders_named_in_another_encoding_build_and_skip(tmp_path: Path) -> None:
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/t-\xff"))
    write(folder / "notes" / "n.md", NOTES.replace("![图](fig.png)", ""))
    # The real command: CliRunner's own output stream cannot take such a name.
    command: list[str | bytes] = [sys.executable, "-m", "builder", "build", "notes", "-o",
                                  b"out-\xfe"]
    for expected in (b"wrote", b"unchanged"):
        done = subprocess.run(command, cwd=folder, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        assert expected + b" out-\xfe/n.apkg" in done.stdout, done.stdout


def test_a_lock_with_other_line_ends_is_saved_again(tmp_path: Path, notes: Path) -> None:
    run()
    lock = tmp_path / "notes" / "build-deck.lock"
    lock.write_bytes(lock.read_bytes().replace(b"\n", b"\r\n"))  # a Windows checkout
    assert not skipped(run())
    assert b"\r\n" not in lock.read_bytes()
    assert skipped(run())


def test_two_output_folders_sharing_a_cache_keep_their_own_pdf(notes: Path) -> None:
    run("-o", "one", "--cache-dir", "cache")
    run("-o", "two", "--cache-dir", "cache", "--columns", "3")
    forced = CliRunner().invoke(main, ["build", "notes", "-o", "one", "--cache-dir", "cache",
                                       "--force"])
    assert "unchanged one/n.pdf" in forced.output  # the sheet of "two" did not replace its memo


def test_an_edit_saved_and_undone_around_a_build_is_built_again(
        tmp_path: Path, notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record holds the text the build parsed, not the text before it started: an edit
    saved just as the build began, then undone, must not leave the edited deck."""
    real = builder.build.gather.gather

    def save_first(*args: Any, **kwargs: Any) -> Gathered:
        _edit_source(tmp_path, monkeypatch)
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(builder.build.gather, "gather", save_first)
        run()
    assert any("测试集很差" in answer for _q, answer in read_fields(Path(APKG)).values())
    notes.write_text(NOTES, encoding="utf-8")  # undone
    assert not skipped(run())
    assert all("测试集很差" not in answer for _q, answer in read_fields(Path(APKG)).values())


@pytest.mark.parametrize("damage", ["folder", "file"])
def test_a_preview_missing_its_pictures_is_written_again(notes: Path, damage: str) -> None:
    """The preview page reads its pictures and formulas from ``n_media`` beside it: a build
    that took the page as up to date with that folder gone would leave every picture broken."""
    run("--format", "apkg,html")
    media = Path("dist/n_media")
    pictures = sorted(media.iterdir())
    assert len(pictures) == 2  # the picture and the formula
    assert skipped(run("--format", "apkg,html"))
    if damage == "folder":
        shutil.rmtree(media)
    else:
        pictures[0].unlink()
    assert not skipped(run("--format", "apkg,html"))
    assert sorted(media.iterdir()) == pictures
