"""A rebuild parses only the files that changed, and reports exactly what a fresh parse would."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import builder.build.gather
import builder.build.parsejobs
import builder.build.sourceparse
import builder.parse.document
from builder.anki.apkg import read_fields
from builder.cli import main

from .conftest import write

A = "---\ndeck: 缓存\n---\n## 甲\n### 什么是过拟合？\n训练集好、测试集差。\n"
B = "---\ndeck: 缓存\n---\n## 乙\n### 为什么归一化？\n尺度相近，收敛更快。\n### 空的？\n"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, ["notes", "--format", "apkg", *args])
    assert result.exit_code == 0, result.output
    return result


def answers() -> set[str]:
    return {answer for _q, answer in read_fields(Path("dist/缓存.apkg")).values()}


def test_only_changed_files_are_parsed_again(tmp_path: Path, parsed: Counter[str]) -> None:
    write(tmp_path / "notes" / "a.md", A)
    write(tmp_path / "notes" / "b.md", B)
    run()
    assert parsed == {"a.md": 1, "b.md": 1}
    run("--force")  # not skipped as up to date: parsed from the cache
    assert parsed == {"a.md": 1, "b.md": 1}
    write(tmp_path / "notes" / "b.md", B.replace("收敛更快", "收敛明显更快"))
    run()
    # One answer changed: only that question is parsed again (builder.parse.splice).
    assert parsed == {"a.md": 1, "b.md": 1}
    assert any("收敛明显更快" in answer for answer in answers())
    write(tmp_path / "notes" / "b.md", B.replace("### 空的？", "### 新的？\n答。\n### 空的？"))
    run()
    assert parsed == {"a.md": 1, "b.md": 2}  # a question added: the file is parsed whole
    assert any(answer == "<p>答。</p>" for answer in answers())


def test_cached_files_report_the_same_diagnostics(tmp_path: Path, parsed: Counter[str]) -> None:
    write(tmp_path / "notes" / "a.md", A)
    write(tmp_path / "notes" / "b.md", B)
    first = run()
    again = run("--force")
    assert parsed["b.md"] == 1
    warnings = [line for line in first.output.splitlines() if ": warning: " in line]
    assert warnings and warnings[0].startswith("notes/b.md:7:5: warning: empty answer")
    assert [line for line in again.output.splitlines() if ": warning: " in line] == warnings


def test_same_deck_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  parsed: Counter[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    write(tmp_path / "notes" / "a.md", A)
    write(tmp_path / "notes" / "b.md", B)
    run()
    fresh = Path("dist/缓存.apkg").read_bytes()
    run("--force")
    assert parsed == {"a.md": 1, "b.md": 1}
    assert Path("dist/缓存.apkg").read_bytes() == fresh


def test_options_and_damaged_entries_mean_a_new_parse(tmp_path: Path,
                                                      parsed: Counter[str]) -> None:
    write(tmp_path / "notes" / "a.md", A)
    run()
    run("--no-breaks")  # another option can give another document
    assert parsed["a.md"] == 2
    entries = list(Path("dist/.cache").glob("parsed-*.pickle"))
    assert len(entries) == 1  # one entry per file, replaced, never piling up
    # The notes kept beside it would spare an .apkg build the parse: damaged alike.
    (kept,) = Path("dist/.cache").glob("notes-*.pickle")
    entries[0].write_bytes(b"not a pickle")
    kept.write_bytes(b"not a pickle")
    run("--no-breaks", "--force")
    assert parsed["a.md"] == 3
    assert answers() == {"<p>训练集好、测试集差。</p>"}
    # The right key, then a pickle cut short (a full disk, say): parsed again, not crashed.
    for damaged in (entries[0], kept):
        entry = damaged.read_bytes()
        damaged.write_bytes(entry[:len(entry) // 2])
    run("--no-breaks", "--force")
    assert parsed["a.md"] == 4
    assert answers() == {"<p>训练集好、测试集差。</p>"}


def test_check_and_strict_builds_store_nothing(tmp_path: Path, parsed: Counter[str]) -> None:
    write(tmp_path / "notes" / "b.md", B)
    assert CliRunner().invoke(main, ["check", "notes"]).exit_code == 0
    strict = CliRunner().invoke(main, ["notes", "--strict"])
    assert strict.exit_code == 1 and "empty answer" in strict.output
    assert not Path("dist").exists()
    run()
    run("--force")
    assert parsed == {"b.md": 3}


def test_a_file_saved_during_the_build_is_parsed_as_it_was_hashed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache stores what it was keyed by, even if the editor saves mid-build."""
    source = write(tmp_path / "notes" / "a.md", A)
    later = A.replace("训练集好", "训练集很好")
    real = builder.build.parsejobs.look_up_parses
    meanwhile = [later]

    def save_meanwhile(*args: Any) -> object:
        found = real(*args)
        if meanwhile:
            source.write_text(meanwhile.pop(), encoding="utf-8")
        return found

    monkeypatch.setattr(builder.build.gather, "look_up_parses", save_meanwhile)
    run()
    assert answers() == {"<p>训练集好、测试集差。</p>"}
    run()
    assert answers() == {"<p>训练集很好、测试集差。</p>"}
    write(tmp_path / "notes" / "a.md", A)  # back to the first text: its cache entry is right
    run()
    assert answers() == {"<p>训练集好、测试集差。</p>"}


def test_files_parsed_in_worker_processes_are_cached_alike(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: Counter[str]) -> None:
    """Large notes in several files are parsed by workers too, whose pickles go into the
    cache."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    answer = "批归一化让每层输入的分布稳定，**训练更快**，也能用更大的学习率。" * 8
    for name in ("a", "b"):  # ~770 KB each: enough to start parsing workers
        write(tmp_path / "notes" / f"{name}.md", "---\ndeck: 缓存\n---\n## 节\n" + "".join(
            f"### {name} 第 {i} 题？\n{answer}\n\n" for i in range(1000)))
    run("--jobs", "2", "--no-lock")
    # This process parses one file while a worker parses the other.
    assert sum(parsed.values()) == 1
    parsed.clear()
    in_workers = Path("dist/缓存.apkg").read_bytes()
    entries = sorted(Path("dist/.cache").glob("parsed-*.pickle"))
    assert len(entries) == 2
    # The notes kept beside them would spare the build its parses: gone.
    for kept in Path("dist/.cache").glob("notes-*.pickle"):
        kept.unlink()
    run("--jobs", "1", "--no-lock")
    assert not parsed  # the workers' entries were used
    assert Path("dist/缓存.apkg").read_bytes() == in_workers
    for entry in [*entries, *Path("dist/.cache").glob("notes-*.pickle")]:
        entry.unlink()
    run("--jobs", "1", "--no-lock")
    assert parsed == {"a.md": 1, "b.md": 1}
    assert Path("dist/缓存.apkg").read_bytes() == in_workers
    assert len(answers()) == 1


def test_an_entry_reads_as_its_kind_key_line_and_pickle_signed_together(tmp_path: Path) -> None:
    """The file an entry is: its key line, then the HMAC-SHA256 of kind, NUL, key line and
    pickle under the user's secret, then the pickle; a tag over any other bytes (the kind or
    the key left out) is not this user's, and the entry is parsed again."""
    import hashlib
    import hmac
    import pickle

    from builder.parse.cache import ParseCache, cache_secret

    cache = ParseCache(tmp_path / "cache")
    cache.put("n.md", "k" * 16, {"parsed": [1, 2]})
    cache.save()
    (entry,) = (tmp_path / "cache").iterdir()
    header, tag, pickled = entry.read_bytes().split(b"\n", 2)
    secret = cache_secret()
    assert secret is not None and header == b"k" * 16
    assert tag == hmac.new(secret, b"parsed\0" + header + b"\n" + pickled,
                           hashlib.sha256).hexdigest().encode("ascii")
    assert pickle.loads(pickled) == {"parsed": [1, 2]}
    assert ParseCache(tmp_path / "cache").get("n.md", "k" * 16) == {"parsed": [1, 2]}


def test_a_stale_entry_is_left_at_its_key_line(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry under another key (the file was edited) is not read past its key line:
    its pickle, megabytes for a long file, is only read for the key it was stored under."""
    from builder.parse import cache as parsecache
    from builder.support.safefile import read_rest

    cache = parsecache.ParseCache(tmp_path / "cache")
    cache.put("n.md", "k" * 16, {"parsed": [1, 2]})
    cache.save()
    rests: list[Path] = []

    def counted(handle: Any, status: Any, limit: int, path: Path) -> bytes:
        rests.append(path)
        return read_rest(handle, status, limit, path)

    monkeypatch.setattr(parsecache, "read_rest", counted)
    assert parsecache.ParseCache(tmp_path / "cache").get("n.md", "j" * 16) is None
    assert rests == []
    assert parsecache.ParseCache(tmp_path / "cache").get("n.md", "k" * 16) == {"parsed": [1, 2]}
    assert len(rests) == 1
