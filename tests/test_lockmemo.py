"""The lock memo (``builder.anki.lock.Memo``): a lock a build saved is read back without
its checks and rewritten from its own lines, and only that lock."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.anki import identity, lock
from builder.cli import main
from builder.model import SourceLoc

from .conftest import write

NOTES = """---
deck: 面试
---
## 基础
### 什么是过拟合？
模型在训练集上表现很好，但在验证集上表现差。
### 为什么要做数据归一化？
让各个特征处在相近的尺度上，梯度下降更稳定。
## 进阶
### Batch Normalization 的作用？
对每个 mini-batch 的激活做标准化，可以使用更大的学习率。
### Dropout 为什么有效？
随机丢弃神经元，相当于训练许多子网络的集成。
"""

EDITS = [
    NOTES.replace("梯度下降更稳定", "梯度下降更稳定、收敛更快"),  # an answer changed
    NOTES.replace("什么是过拟合？", "什么叫过拟合？"),  # a question reworded
    NOTES.replace("### Dropout 为什么有效？\n随机丢弃神经元，相当于训练许多子网络的集成。\n",
                  ""),  # a question removed
    NOTES.replace("## 进阶\n", "## 进阶\n### 学习率怎么选？\n先用 warmup，再余弦退火。\n"),
    NOTES,  # the removed question back
]


def build(folder: Path, epoch: int, monkeypatch: pytest.MonkeyPatch, *extra: str) -> bytes:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    monkeypatch.chdir(folder)  # the lock names the files as the build was given them
    result = CliRunner().invoke(main, ["build", "notes", "-o", "out", "--format", "apkg",
                                       *extra])
    assert result.exit_code == 0, result.output
    return (folder / "notes" / "build-deck.lock").read_bytes()


@pytest.fixture
def recalled(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each lock read was recalled from the memo."""
    seen: list[bool] = []
    real = lock.Memo.recall

    def recall(self: lock.Memo, path: Path, data: bytes) -> lock.Lock | None:
        found = real(self, path, data)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(lock.Memo, "recall", recall)
    return seen


def test_each_lock_is_what_a_build_without_the_memo_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recalled: list[bool]) -> None:
    """After each edit, the lock rewritten from the remembered one's lines is the lock a
    build that reads it as JSON and writes every line writes, byte for byte (an entry
    the edit changed does not keep its old line)."""
    with_memo, without = tmp_path / "memo", tmp_path / "plain"
    for folder in (with_memo, without):
        write(folder / "notes" / "a.md", NOTES)
        build(folder, 1_700_000_000, monkeypatch)
    for step, text in enumerate(EDITS, start=1):
        for folder in (with_memo, without):
            write(folder / "notes" / "a.md", text)
        shutil.rmtree(without / "out" / ".cache")  # no memo: read and checked whole
        kept = build(with_memo, 1_700_000_000 + 10 * step, monkeypatch)
        plain = build(without, 1_700_000_000 + 10 * step, monkeypatch)
        assert kept == plain
        assert kept == lock.encode(lock.read(with_memo / "notes" / "build-deck.lock")[0])
    # Every build of the memo's folder after its first (which found no lock) recalled the
    # lock the last one saved.
    assert recalled == [True, False] * len(EDITS)


def test_a_lock_changed_since_it_was_saved_is_read_as_it_is_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recalled: list[bool]) -> None:
    """A lock edited after the build that saved it (by hand, a checkout) is not the one
    remembered: its entries are read from the file, and checked."""
    write(tmp_path / "notes" / "a.md", NOTES)
    path = tmp_path / "notes" / "build-deck.lock"
    build(tmp_path, 1_700_000_000, monkeypatch)
    data = json.loads(path.read_text(encoding="utf-8"))
    key = sorted(data["notes"])[0]
    data["notes"][key]["guid"] = "handpicked"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    written = build(tmp_path, 1_700_000_100, monkeypatch)
    assert recalled == [False]
    assert json.loads(written)["notes"][key]["guid"] == "handpicked"
    # The lock the second build saved is recalled by the third.
    assert build(tmp_path, 1_700_000_200, monkeypatch, "--force") == written
    assert recalled == [False, True]


def test_a_memo_entry_not_signed_by_this_user_is_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recalled: list[bool]) -> None:
    """The memo lives in the cache folder, which may be shared: an entry planted there
    under another secret says nothing about the lock."""
    write(tmp_path / "notes" / "a.md", NOTES)
    build(tmp_path, 1_700_000_000, monkeypatch)
    build(tmp_path, 1_700_000_000, monkeypatch, "--force")
    assert recalled == [True]  # signed by this user: used
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "someone-else"))
    build(tmp_path, 1_700_000_000, monkeypatch, "--force")
    assert recalled == [True, False]


def entry(guid: str, **changes: Any) -> lock.LockEntry:
    return lock.LockEntry(guid, "0123456789abcdef0123", 1_700_000_000, "q", "a.md",
                          "abc", "00ff00ff00ff00ff")._replace(**changes)


@pytest.mark.parametrize(("entries", "whole"), [
    ({"a": entry("g1"), "b": entry("g2")}, True),
    ({"a": entry("g1"), "b": entry("g1")}, False),  # one GUID: reading drops one
    ({"a": entry("g1", sketch="not hex")}, False),
    ({"a": entry("")}, False),
    ({"a": entry("g1", changed=2**40)}, False),  # SOURCE_DATE_EPOCH far in the future
])
def test_only_a_lock_that_reads_back_whole_is_remembered(
        tmp_path: Path, entries: dict[str, lock.LockEntry], whole: bool) -> None:
    """A lock that ``read`` would not give back as it is (an entry dropped or refused) is
    not remembered: its next read checks it."""
    memo = lock.Memo(tmp_path / "cache")
    new = lock.Lock(entries, "hash", 1_700_000_000)
    data = lock.encode(new)
    memo.remember(tmp_path / "build-deck.lock", data, new, lock.Lock())
    memo.cache.save()
    recalled = lock.Memo(tmp_path / "cache").recall(tmp_path / "build-deck.lock", data)
    assert (recalled == new) is whole
    assert recalled is None or recalled.lines is not None


def test_a_recalled_lock_keeps_the_lines_of_the_entries_it_still_holds(tmp_path: Path
                                                                        ) -> None:
    """Unit check of ``encode``: a line is copied only for the very entry it was written
    for; an entry replaced under the same key is written anew."""
    old = lock.Lock({"a": entry("g1"), "b": entry("g2")}, "hash", 7)
    data = lock.encode(old)
    memo = lock.Memo(tmp_path / "cache")
    memo.remember(tmp_path / "l", data, old, lock.Lock())
    memo.cache.save()
    previous = lock.Memo(tmp_path / "cache").recall(tmp_path / "l", data)
    assert previous is not None
    changed = lock.Lock({**previous.entries, "b": entry("g2", hash="f" * 20)}, "hash", 7)
    assert lock.encode(changed, previous) == lock.encode(changed)
    assert b"f" * 20 in lock.encode(changed, previous)


@pytest.mark.parametrize("change", [
    {}, {"question": "what else?"}, {"path": "b.md"}, {"answer_text": "another answer"},
    {"guid": "g9"}, {"content": "f" * 20}])
def test_update_keeps_an_entry_only_when_it_would_make_it_again(change: dict[str, str]
                                                                 ) -> None:
    """``identity.update`` keeps the previous entry itself (whose line the lock file then
    copies) only for a note whose entry would come out the same; any difference (a
    question moved to another file keeps its key) gives a new entry."""
    note = identity.CurrentNote("k", change.get("question", "what?"),
                                change.get("answer_text", "an answer"),
                                SourceLoc(change.get("path", "a.md"), 3))
    old = lock.LockEntry("g1", "0" * 20, 1_700_000_000, "what?", "a.md",
                         identity.CurrentNote("k", "", "an answer", SourceLoc("", 1)).answer_hash,
                         identity.simhash("an answer"))
    previous = lock.Lock({"k": old}, "type", 1)
    new, _report = identity.update(
        previous, [(note, change.get("guid", "g1"), change.get("content", "0" * 20))],
        identity.Matching(), lambda entry: True, "type", 1_700_000_500)
    entry = new.entries["k"]
    assert (entry is old) is (not change)
    assert entry == (old if not change else lock.LockEntry(
        change.get("guid", "g1"), change.get("content", "0" * 20),
        1_700_000_500 if "guid" in change or "content" in change else old.changed,
        note.question, note.loc.path, note.answer_hash, identity.simhash(note.answer_text)))


OTHER = """---
deck: 面试
---
## 基础
### 什么是梯度消失？
深层网络反向传播时梯度越来越小，前面的层几乎学不到东西。
### 残差连接有什么用？
让梯度可以绕过若干层直接回传，缓解梯度消失。
"""


def test_kept_notes_reuse_their_hashes_only_where_they_still_hold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes kept from the last build bring what stamping them hashed (``NoteHashes``):
    after each change the lock and deck are those of a build with no cache, which hashes
    every note, while the kept notes of an unchanged file are not hashed again.  The
    changes: an answer edited; the lock's GUID of a kept note changed by hand (its content
    hash covers the GUID); a question added to the first file that the second file's kept
    note has too (the kept note gets another key, so another Key field)."""
    hashed: list[tuple[str, ...]] = []
    real = lock.content_hash

    def counting(*parts: str) -> str:
        hashed.append(parts)
        return real(*parts)

    monkeypatch.setattr(lock, "content_hash", counting)
    with_cache, without = tmp_path / "kept", tmp_path / "plain"
    for folder in (with_cache, without):
        write(folder / "notes" / "a.md", NOTES)
        write(folder / "notes" / "b.md", OTHER)
        build(folder, 1_700_000_000, monkeypatch)

    def step(epoch: int, change: Callable[[Path], None]) -> list[str]:
        """Change both folders; build both; return the questions hashed with the cache."""
        for folder in (with_cache, without):
            change(folder)
        shutil.rmtree(without / "out" / ".cache")
        hashed.clear()
        kept = build(with_cache, epoch, monkeypatch)
        questions = [parts[0] for parts in hashed]
        assert kept == build(without, epoch, monkeypatch)
        assert (with_cache / "out" / "面试.apkg").read_bytes() == \
            (without / "out" / "面试.apkg").read_bytes()
        return questions

    def edit_answer(folder: Path) -> None:
        write(folder / "notes" / "a.md", EDITS[0])

    def new_guid(folder: Path) -> None:
        path = folder / "notes" / "build-deck.lock"
        data = json.loads(path.read_text(encoding="utf-8"))
        key = next(k for k, v in data["notes"].items() if v["file"] == "notes/b.md")
        data["notes"][key]["guid"] = "handpicked"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    def same_question(folder: Path) -> None:
        write(folder / "notes" / "a.md", EDITS[0] + "### 什么是梯度消失？\n另一个答案。\n")

    assert step(1_700_000_100, edit_answer) == ["为什么要做数据归一化？"]
    # The note whose GUID changed (and a.md's edited note, made again: its last parse
    # was not stored, ``builder.build.parsejobs``); not b.md's other note.
    assert sorted(step(1_700_000_200, new_guid)) == ["为什么要做数据归一化？", "什么是梯度消失？"]
    # The new question, and b.md's kept note of the same question, which took another key.
    assert step(1_700_000_300, same_question).count("什么是梯度消失？") == 2


def test_a_recalled_entry_is_read_by_its_names(tmp_path: Path) -> None:
    """A remembered lock's entries are taken in order when they hold what ``encode``
    writes (every field, or every one but ``removed``), and by name otherwise."""
    removed = entry("g2")._replace(removed=1_700_000_500)
    new = lock.Lock({"a": entry("g1"), "b": removed, "c": entry("g3")}, "hash", 7)
    data = lock.encode(new)
    reordered = b'{"hash": "0123456789abcdef0123", "guid": "g3", "changed": 1700000000'
    line = data.split(b"\n")[-4]
    assert line.startswith(b'  "c": {"guid": "g3"')
    data = data.replace(line[len(b'  "c": '):line.index(b', "question"')], reordered)
    memo = lock.Memo(tmp_path / "cache")
    memo.remember(tmp_path / "l", data, new, lock.Lock())
    memo.cache.save()
    recalled = lock.Memo(tmp_path / "cache").recall(tmp_path / "l", data)
    assert recalled is not None
    assert recalled.entries == new.entries
    assert [type(e) for e in recalled.entries.values()] == [lock.LockEntry] * 3
