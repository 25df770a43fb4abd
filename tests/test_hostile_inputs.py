"""Hostile input, round 2 (issue 17): caches that cannot run code, a validated lock,
bounded nesting, real size limits, safe file names."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

from builder.anki.lock import LOCK_VERSION
from builder.cli import main

from .conftest import import_apkg, imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection

NOTE = "---\ndeck: 敌意\n---\n## 甲\n### 什么是过拟合？\n训练集好、测试集差。\n"


@pytest.fixture
def _own_config_home(tmp_path: Path) -> Path:
    """The config home every test has (tests/conftest.py): where the cache secret lives."""
    home = tmp_path / "config-home"
    assert os.environ["XDG_CONFIG_HOME"] == str(home)
    return home


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["--format", "apkg", *args])


class _Planted:
    """Unpickling this calls ``os.system``: the attack a shared cache folder allows."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def _planted_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Planted(marker))


@pytest.mark.parametrize("kind", ["parsed", "notes"])
def test_a_planted_cache_entry_with_the_right_key_line_never_runs(tmp_path: Path,
                                                                 kind: str) -> None:
    write(tmp_path / "notes" / "a.md", NOTE)
    assert run("notes").exit_code == 0
    (entry,) = (tmp_path / "dist" / ".cache").glob(f"{kind}-*.pickle")
    key_line = entry.read_bytes().split(b"\n", 1)[0] + b"\n"
    marker = tmp_path / "PWNED"
    for forged in (b"", b"0" * 64 + b"\n"):  # no tag; a tag made without the secret
        entry.write_bytes(key_line + forged + _planted_pickle(marker))
        result = run("notes", "--force")
        assert result.exit_code == 0, result.output
        assert not marker.exists()
    # An edit reads the file's last entry whatever its key (to parse one question again):
    # a planted one is not read either.
    entry.write_bytes(b"1" * 64 + b"\n" + b"0" * 64 + b"\n" + _planted_pickle(marker))
    write(tmp_path / "notes" / "a.md", NOTE + "\nOne more line.\n")
    result = run("notes")
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert (tmp_path / "dist" / "敌意.apkg").exists()


def test_the_cache_secret_lives_outside_the_cache_and_only_the_user_reads_it(
        tmp_path: Path, _own_config_home: Path) -> None:
    write(tmp_path / "notes" / "a.md", NOTE)
    assert run("notes").exit_code == 0
    key = _own_config_home / "build-deck" / "cache.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) >= 32
    assert not any(key.read_bytes() in p.read_bytes()
                   for p in (tmp_path / "dist").rglob("*") if p.is_file())


THREE = ("---\ndeck: 锁\n---\n## 甲\n### 问一？\n答一的内容。\n### 问二？\n答二的内容。\n"
         "### 问三？\n答三的内容。\n")


def _lock_with(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """Build once, then rewrite the lock beside the sources with ``edit(data)``."""
    write(tmp_path / "notes" / "a.md", THREE)
    assert run("notes").exit_code == 0
    path = tmp_path / "notes" / "build-deck.lock"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _share_one_guid(data: dict[str, Any]) -> None:
    first, *rest = data["notes"].values()
    for entry in rest:
        entry["guid"] = first["guid"]


def test_a_lock_with_shared_guids_never_gives_notes_one_guid(tmp_path: Path,
                                                             collection: Collection) -> None:
    _lock_with(tmp_path, _share_one_guid)
    result = run("notes", "--force")
    assert result.exit_code == 0, result.output
    shared = [line for line in result.output.splitlines() if "[lock-entry]" in line]
    assert len(shared) == 2 and all("share GUID" in line for line in shared)
    guids = [note.guid for note in imported_notes(collection, tmp_path / "dist" / "锁.apkg")]
    assert len(guids) == 3 and len(set(guids)) == 3


def test_a_new_key_hashing_to_a_guid_the_lock_gives_another_note_gets_its_own(
        tmp_path: Path, collection: Collection) -> None:
    from builder.anki.apkg import guid_for

    def planted(data: dict[str, Any]) -> None:
        # The first note's entry is dropped, so its key's GUID is wanted by it, and
        # the lock gives that same GUID to the second note.
        keys = sorted(data["notes"])
        data["notes"][keys[1]]["guid"] = guid_for(keys[0])
        del data["notes"][keys[0]]

    _lock_with(tmp_path, planted)
    result = run("notes", "--force")
    assert result.exit_code == 0, result.output
    assert "is another note's too" in result.output
    guids = [note.guid for note in imported_notes(collection, tmp_path / "dist" / "锁.apkg")]
    assert len(guids) == 3 and len(set(guids)) == 3


@pytest.mark.parametrize("damage, message, code", [
    (lambda p: p.write_bytes(b'{"version": 2, "notes": {"\xff\xfe": {}}}'), "is not UTF-8",
     "lock-file"),
    (lambda p: p.write_text('{"version": "x", "notes": {}}'), "is not a lock version",
     "lock-file"),
    (lambda p: p.write_text("[" * 100_000), "nested too deeply", "lock-file"),
    (lambda p: p.write_text('{"version": 2, "notes": []}'), "is damaged", "lock-file"),
    (lambda p: p.write_text('{"version": 2}'), 'is damaged (it has no "notes" object)',
     "lock-file"),
    (lambda p: p.write_text('{"version": 2, "notes": {}, "notetype": []}'),
     'is damaged ("notetype" is not an object)', "lock-file"),
])
def test_a_lock_that_cannot_be_read_is_a_clear_error(tmp_path: Path, damage: Any,
                                                     message: str, code: str) -> None:
    write(tmp_path / "notes" / "a.md", THREE)
    damage(tmp_path / "notes" / "build-deck.lock")
    result = run("notes")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = [line for line in result.output.splitlines() if line.endswith(f"[{code}]")]
    assert line.startswith("notes/build-deck.lock:1:1: error: ") and message in line
    assert not (tmp_path / "dist" / "锁.apkg").exists()


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_lock_from_a_newer_build_deck_is_not_read_nor_overwritten(
        tmp_path: Path, command: str) -> None:
    """A newer lock may mean other things by the same fields: it is refused with its own
    code, before any output, and left as it was for the newer build-deck."""
    _lock_with(tmp_path, lambda data: data.update(version=LOCK_VERSION + 1))
    lock = tmp_path / "notes" / "build-deck.lock"
    before = lock.read_bytes()
    shutil.rmtree(tmp_path / "dist")
    write(tmp_path / "notes" / "a.md", THREE.replace("？", "吗？"))  # a change to build
    result = CliRunner().invoke(main, [command, "notes", "--force"] if command == "build"
                                else [command, "notes"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    expected = (f"notes/build-deck.lock:1:1: error: lock version {LOCK_VERSION + 1} is newer "
                f"than this build-deck reads ({LOCK_VERSION}); update build-deck [lock-version]")
    assert expected in result.output.splitlines()
    assert lock.read_bytes() == before
    assert not (tmp_path / "dist").exists()


def test_malformed_lock_entries_are_dropped_with_a_warning(tmp_path: Path) -> None:
    def malform(data: dict[str, Any]) -> None:
        first, second, _third = sorted(data["notes"])
        data["notes"][first] = "not an entry"
        data["notes"][second]["changed"] = "yesterday"

    _lock_with(tmp_path, malform)
    result = run("notes", "--force")
    assert result.exit_code == 0, result.output
    dropped = [line for line in result.output.splitlines() if "[lock-entry]" in line]
    assert len(dropped) == 2 and all("is malformed" in line for line in dropped)
    assert all(line.startswith("notes/build-deck.lock:1:") for line in dropped)


def test_a_lock_entry_without_its_time_says_so_in_words(tmp_path: Path) -> None:
    _lock_with(tmp_path, lambda data: data["notes"][min(data["notes"])].pop("changed"))
    result = run("notes", "--force")
    assert result.exit_code == 0, result.output
    (dropped,) = [line for line in result.output.splitlines() if "[lock-entry]" in line]
    assert dropped.startswith("notes/build-deck.lock:1:1: warning: lock entry ")
    assert 'is malformed (it has no "changed" time): dropped' in dropped, dropped


def _fields(collection: Collection, package: Path) -> list[str]:
    return [field for note in imported_notes(collection, package)
            for field in note.fields.values()]


def test_emphasis_nested_250_deep_is_a_warning_and_keeps_every_word(
        tmp_path: Path, collection: Collection) -> None:
    words = " ".join(f"w{i}" for i in range(250))
    answer = "".join(f"*{w} " for w in words.split()) + "核心" + " x*" * 250
    write(tmp_path / "n.md", f"## S\n### 问？\n{answer}\n")
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert "n.md:3:1: warning: emphasis nested more than 16 deep is kept as text " \
           "[nesting-depth]" in result.output
    (answer_field,) = [f for f in _fields(collection, tmp_path / "dist" / "n.apkg")
                       if "核心" in f]
    assert all(f"w{i}" in answer_field for i in range(250))
    assert answer_field.count("<i>") == 16 and answer_field.count("*") == 2 * (250 - 16)


def test_yaml_nested_500_deep_is_a_diagnostic(tmp_path: Path) -> None:
    deep = "[" * 500 + "]" * 500
    write(tmp_path / "n.md", f"## S\n### 图？\n```diagram\n{deep}\n```\n### 问？\n答。\n")
    write(tmp_path / "f.md", f"---\ndeck: {'[' * 5000}\n---\n## S\n### 问二？\n答二。\n")
    result = run("n.md", "f.md")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "n.md:4:65: error: diagram block is not valid YAML: nested more than 64 levels " \
           "deep [diagram-yaml]" in result.output
    assert "f.md:2:70: error: front matter is not valid YAML: nested more than 64 levels " \
           "deep; the file's settings (deck, tags, lang…) are not used " \
           "[front-matter]" in result.output


def test_a_one_line_answer_near_the_size_limit_is_cut_inside_its_block(tmp_path: Path,
                                                         collection: Collection) -> None:
    from builder.parse.limits import MAX_ANSWER_CHARS

    line = "".join(f"第{i}句 a & c. " for i in range(55_000))  # ~0.9 MB, one paragraph
    assert len(line) > 6 * MAX_ANSWER_CHARS
    write(tmp_path / "n.md", f"## S\n### 长？\n{line}\n\n第二段。\n")
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert ("n.md:2:5: warning: answer longer than 100,000 characters; the card keeps the "
            "first 100,000 and leaves out the rest (from block 1 of 2), the PDF about as much "
            "[answer-too-long]"
            in result.output)
    (answer,) = [f for f in _fields(collection, tmp_path / "dist" / "n.apkg") if "第0句" in f]
    assert len(answer) < MAX_ANSWER_CHARS + 200
    assert answer.startswith("<p>第0句 a &amp; c. 第1句")
    assert "第1000句" in answer and "第二段" not in answer and "2 more block" in answer


def test_a_file_over_1_mb_is_refused_unread_and_the_rest_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The size limit is what bounds a build's time and memory: a file over it is told
    apart by its size alone, never opened, and reported; the other files build as usual."""
    from builder.anki.apkg import read_fields
    from builder.parse.source import MAX_SOURCE_BYTES

    big = tmp_path / "notes" / "big.md"
    write(big, "## S\n### 大？\n" + "一段文字。\n\n" * (MAX_SOURCE_BYTES // 17 + 1))
    assert MAX_SOURCE_BYTES < big.stat().st_size < MAX_SOURCE_BYTES + 2**10
    write(tmp_path / "notes" / "small.md", NOTE)
    opened: list[Path] = []
    real_open = Path.open

    def spying_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self.resolve())
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spying_open)  # read_bytes and read_text go through it
    import os

    real_os_open = os.open

    def spying_os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(Path(path).resolve())
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spying_os_open)  # support.safefile reads through it
    result = run("notes")

    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == 1, result.output
    assert big.resolve() not in opened
    assert (tmp_path / "notes" / "small.md").resolve() in opened  # the spy sees reads
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors == ["notes/big.md:1:1: error: file is 1.0 MB, over the 1 MB limit for one "
                      "Markdown file; split it into several files [file-too-large]"]
    assert sorted(p.name for p in (tmp_path / "dist").iterdir() if not p.name.startswith(".")
                  ) == ["敌意.apkg"]
    fields = read_fields(tmp_path / "dist" / "敌意.apkg")
    assert [question for question, _answer in fields.values()] == ["什么是过拟合？"]


def test_the_pdf_cuts_a_huge_answer_too(tmp_path: Path) -> None:
    from pypdf import PdfReader

    line = " ".join(f"word{i}" for i in range(80_000)) + " LASTWORD"  # ~0.9 MB
    write(tmp_path / "n.md", f"## S\n### Long?\n{line}\n\nSECONDBLOCK\n")
    result = CliRunner().invoke(main, ["--format", "pdf", "--no-lock", "n.md"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(tmp_path / "dist" / "n.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "word0" in text and "word9000" in text
    assert "LASTWORD" not in text and "SECONDBLOCK" not in text
    assert "word79999" not in text


def test_a_md_link_leading_out_of_the_source_folder_is_not_read(tmp_path: Path) -> None:
    secret = write(tmp_path / "private" / "secret.md", "## S\n### 秘密？\nTOPSECRET\n")
    write(tmp_path / "notes" / "a.md", NOTE)
    (tmp_path / "notes" / "link.md").symlink_to(secret)
    (tmp_path / "notes" / "inside.md").symlink_to(tmp_path / "notes" / "a.md")
    result = run("notes")
    assert ("notes/link.md:1:1: error: a link to a file outside the source folder notes: "
            "not read [source-outside]") in result.output
    assert "inside.md:1:1: error" not in result.output  # a link within the folder is fine
    assert b"TOPSECRET" not in b"".join(p.read_bytes() for p in (tmp_path / "dist").rglob("*")
                                        if p.is_file())
    assert "秘密" not in result.output


@pytest.mark.parametrize("deck", ["长" * 300, "abc\u202egnp.exe", "a\u200fb\u0007c\u2028d"])
def test_deck_names_become_safe_file_names(tmp_path: Path, deck: str,
                                           collection: Collection) -> None:
    write(tmp_path / "n.md", f"---\ndeck: {json.dumps(deck)}\n---\n## S\n### 问？\n答。\n")
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert "[output-name]" in result.output
    (package,) = (tmp_path / "dist").glob("*.apkg")
    assert len(package.name.encode()) <= 160
    assert all((unicodedata.category(c)[0] != "C" and unicodedata.category(c)[0] != "Z")
               or c == " " for c in package.name)
    assert len(imported_notes(collection, package)) == 1


def test_two_long_deck_names_sharing_a_start_get_two_files(tmp_path: Path) -> None:
    write(tmp_path / "a.md", f"---\ndeck: {'长' * 300}甲\n---\n## S\n### 问？\n答。\n")
    write(tmp_path / "b.md", f"---\ndeck: {'长' * 300}乙\n---\n## S\n### 问？\n答。\n")
    result = run("a.md", "b.md")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "dist").glob("*.apkg"))) == 2


def test_a_lock_that_cannot_be_written_is_named(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import builder.anki.lock

    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(builder.anki.lock, "save", refuse)
    write(tmp_path / "notes" / "a.md", NOTE)
    result = run("notes")
    assert result.exit_code == 1
    assert "cannot write notes/build-deck.lock: Permission denied" in result.output
    assert "cannot write to dist" not in result.output


@pytest.mark.parametrize("field, value", [
    ("changed", 10**23), ("changed", -5), ("removed", 2**40), ("sketch", "zz"),
    ("guid", "a\nb"), ("guid", "x" * 1000),
])
def test_planted_lock_values_are_dropped_not_used(tmp_path: Path, field: str, value: Any,
                                                  collection: Collection) -> None:
    def plant(data: dict[str, Any]) -> None:
        for entry in data["notes"].values():
            entry[field] = value
            entry["hash"] = "changed"  # so the note is dated again from its lock time

    _lock_with(tmp_path, plant)
    result = run("notes", "--force")
    assert result.exit_code == 0, result.output
    assert result.output.count("[lock-entry]") == 3
    import_apkg(collection, tmp_path / "dist" / "锁.apkg")
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    assert len(notes) == 3 and all(0 < note.mod < 2**32 for note in notes)


def test_yaml_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    laughs = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    laughs += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    body = "\n".join(laughs)
    write(tmp_path / "a.md", f"---\n{body}\ntags: *a9\n---\n## S\n### 问？\n答。\n")
    write(tmp_path / "b.md", f"## S\n### 图？\n```diagram\n{body}\ntype: *a9\n```\n")
    result = run("a.md", "b.md")
    assert "a.md:3:10: error: front matter is not valid YAML: aliases (*name) are not " \
           "allowed; the file's settings (deck, tags, lang…) are not used " \
           "[front-matter]" in result.output
    assert "b.md:5:10: error: diagram block is not valid YAML: aliases (*name) are not " \
           "allowed [diagram-yaml]" in result.output


def test_a_cache_secret_others_can_read_is_replaced(tmp_path: Path,
                                                    _own_config_home: Path) -> None:
    key = _own_config_home / "build-deck" / "cache.key"
    key.parent.mkdir(parents=True)
    key.write_bytes(b"k" * 32)
    key.chmod(0o644)  # anyone who read it could sign a planted entry
    write(tmp_path / "notes" / "a.md", NOTE)
    assert run("notes").exit_code == 0
    assert key.read_bytes() != b"k" * 32
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
