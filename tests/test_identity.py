"""Review history survives rewording and moving; the change report; reproducible outputs."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from builder.anki import identity
from builder.anki.identity import question_similarity, simhash, sketch_similarity
from builder.anki.lock import handle
from builder.cli import main
from builder.parse.questiontext import INVISIBLE, drop_invisible

from .conftest import import_apkg, write
from .test_anki import answer_one_card, note_by_question, reviews_of

if TYPE_CHECKING:
    from anki.cards import CardId
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportResponse
    from anki.notes import NoteId

NOTES = """---
deck: 面试
---
## 基础
### 什么是过拟合？
模型在训练集上表现很好，但在验证集和测试集上表现差，说明它记住了训练数据的噪声。
### 为什么要做数据归一化？
让各个特征处在相近的尺度上，梯度下降更稳定、收敛更快。
## 进阶
### Batch Normalization 的作用？
对每个 mini-batch 的激活做标准化，缓解内部协变量偏移，可以使用更大的学习率。
"""


OVERFIT = ("### 什么是过拟合？\n"
           "模型在训练集上表现很好，但在验证集和测试集上表现差，说明它记住了训练数据的噪声。\n")
OVERFIT_TWINS = (OVERFIT.replace("什么是过拟合？", "什么叫过拟合？")
                 + OVERFIT.replace("什么是过拟合？", "何为过拟合？"))


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, ["--format", "apkg", *args])
    assert result.exit_code == 0, result.output
    return result


def deck() -> Path:
    return Path("dist/面试.apkg")


def first_build_with_review(tmp_path: Path, col: Collection,
                            question: str) -> tuple[NoteId, CardId]:
    write(tmp_path / "notes" / "a.md", NOTES)
    run("notes")
    import_apkg(col, deck())
    note = note_by_question(col, question)
    return note.id, answer_one_card(col, note.id)


def assert_updated_in_place(col: Collection, log: ImportResponse.Log, note_id: NoteId,
                            card_id: CardId, question: str, notes: int = 3,
                            added: int = 0) -> None:
    assert len(log.new) == added, [n.fields[0] for n in log.new]
    assert col.note_count() == notes
    assert col.get_note(note_id)["Question"] == question
    card = col.get_card(card_id)
    assert card.reps == 1
    assert reviews_of(col, card_id) == 1


def test_reworded_question_keeps_its_note_and_history(
        tmp_path: Path, collection: Collection) -> None:
    note_id, card_id = first_build_with_review(tmp_path, collection, "什么是过拟合？")
    source = tmp_path / "notes" / "a.md"
    source.write_text(NOTES.replace("什么是过拟合？", "过拟合是什么？怎么判断？"), encoding="utf-8")
    result = run("notes")
    assert "changes: 1 renamed/moved" in result.output
    assert "renamed  notes/a.md:5  过拟合是什么？怎么判断？  (was '什么是过拟合？' in notes/a.md)" \
        in result.output
    log = import_apkg(collection, deck())
    assert len(log.updated) == 1
    assert_updated_in_place(collection, log, note_id, card_id, "过拟合是什么？怎么判断？")


def test_question_moved_to_another_section_and_file_keeps_history(
        tmp_path: Path, collection: Collection) -> None:
    question = "为什么要做数据归一化？"
    note_id, card_id = first_build_with_review(tmp_path, collection, question)
    block = "### 为什么要做数据归一化？\n让各个特征处在相近的尺度上，梯度下降更稳定、收敛更快。\n"
    write(tmp_path / "notes" / "a.md", NOTES.replace(block, ""))
    write(tmp_path / "notes" / "b.md", "---\ndeck: 面试\n---\n## 数据\n" + block)
    result = run("notes")
    assert "changes: 1 renamed/moved" in result.output
    log = import_apkg(collection, deck())
    assert_updated_in_place(collection, log, note_id, card_id, question)
    assert collection.get_note(note_id).tags == ["面试::数据"]


def test_small_edits_to_question_and_answer_are_still_recognised(
        tmp_path: Path, collection: Collection) -> None:
    note_id, card_id = first_build_with_review(tmp_path, collection, "Batch Normalization 的作用？")
    edited = NOTES.replace("Batch Normalization 的作用？", "Batch Normalization 有什么作用？") \
        .replace("可以使用更大的学习率。", "因此可以使用更大的学习率。")
    write(tmp_path / "notes" / "a.md", edited)
    assert "1 renamed/moved" in run("notes").output
    log = import_apkg(collection, deck())
    assert_updated_in_place(collection, log, note_id, card_id, "Batch Normalization 有什么作用？")


def test_two_rewordings_competing_for_one_note_are_not_guessed(
        tmp_path: Path, collection: Collection) -> None:
    note_id, _card_id = first_build_with_review(tmp_path, collection, "什么是过拟合？")
    old, twins = OVERFIT, OVERFIT_TWINS
    write(tmp_path / "notes" / "a.md", NOTES.replace(old, twins))
    lock = (tmp_path / "notes" / "build-deck.lock").read_bytes()
    checked = CliRunner().invoke(main, ["check", "notes"])
    assert checked.exit_code == 0
    assert (tmp_path / "notes" / "build-deck.lock").read_bytes() == lock  # read, not written
    unlocked = CliRunner().invoke(main, ["check", "notes", "--no-lock"])
    assert "[ambiguous-rename]" not in unlocked.output
    result = CliRunner().invoke(main, ["--format", "apkg", "notes"])
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if "[ambiguous-rename]" in line]
    assert len(warnings) == 2
    # check reports what the build then reports.
    assert [line for line in checked.output.splitlines() if "[ambiguous-rename]" in line] \
        == warnings
    assert warnings[0].startswith("notes/a.md:5:5: warning: cannot tell which question "
                                  "replaces '什么是过拟合？'")
    assert "2 added" in result.output and "renamed" not in result.output
    log = import_apkg(collection, deck())
    assert len(log.new) == 2 and len(log.updated) == 0
    assert collection.get_note(note_id)["Question"] == "什么是过拟合？"


def test_explicit_handle_settles_an_ambiguous_rewording(
        tmp_path: Path, collection: Collection) -> None:
    note_id, card_id = first_build_with_review(tmp_path, collection, "什么是过拟合？")
    old, twins = OVERFIT, OVERFIT_TWINS
    write(tmp_path / "notes" / "a.md", NOTES.replace(old, twins))
    ambiguous = run("notes")  # the author builds, reads the warning, does not import
    handle = ambiguous.output.split("add {#")[1].split("}")[0]
    settled = twins.replace("何为过拟合？", "何为过拟合？ {#" + handle + "}")
    write(tmp_path / "notes" / "a.md", NOTES.replace(old, settled))
    result = run("notes")
    assert "renamed  notes/a.md:7  何为过拟合？  (was '什么是过拟合？' in notes/a.md)" \
        in result.output
    log = import_apkg(collection, deck())
    assert [n.fields[0] for n in log.new] == ["什么叫过拟合？"]
    assert_updated_in_place(collection, log, note_id, card_id, "何为过拟合？", notes=4, added=1)


def test_deleted_question_is_reported_and_found_by_the_printed_search(
        tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    run("notes")
    import_apkg(collection, deck())
    block = "### 为什么要做数据归一化？\n让各个特征处在相近的尺度上，梯度下降更稳定、收敛更快。\n"
    write(tmp_path / "notes" / "a.md", NOTES.replace(block, ""))
    result = run("notes")
    assert "changes: 1 removed" in result.output
    assert "removed  为什么要做数据归一化？  (was in notes/a.md)" in result.output
    search = Path("dist/removed-notes.txt").read_text(encoding="utf-8").splitlines()[-1]
    found = collection.find_notes(search)
    assert [collection.get_note(n)["Question"] for n in found] == ["为什么要做数据归一化？"]
    again = run("notes")
    assert "changes: none" in again.output  # reported once, not on every build
    write(tmp_path / "notes" / "a.md", NOTES)
    back = run("notes")
    assert "1 added" in back.output and not Path("dist/removed-notes.txt").exists()


def test_building_one_file_does_not_report_the_others_removed(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    write(tmp_path / "notes" / "b.md", "---\ndeck: 面试\n---\n## 数据\n### 另一个问题\n答案\n")
    run("notes")
    result = run("notes/b.md", "--lock", "notes/build-deck.lock")
    assert "removed" not in result.output


def test_unchanged_rebuild_in_the_same_second_changes_nothing(tmp_path: Path,
                                                              collection: Collection) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    run("notes")
    import_apkg(collection, deck())
    result = run("notes", "--force")  # written again, not skipped as up to date
    assert "changes: none since the last build" in result.output
    log = import_apkg(collection, deck())
    assert len(log.new) == 0 and len(log.updated) == 0


def test_lines_added_above_a_question_do_not_make_it_changed(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    run("notes")
    write(tmp_path / "notes" / "a.md", NOTES.replace("## 基础\n", "## 基础\n\n\n\n"))
    assert "changes: none since the last build" in run("notes").output


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_outputs_are_byte_identical_across_builds_and_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    write(tmp_path / "one" / "notes" / "a.md", NOTES + "\n公式 $\\frac{a}{b}$\n```diagram\n"
          "type: pooling\n```\n")
    monkeypatch.chdir(tmp_path / "one")
    CliRunner().invoke(main, ["notes"], catch_exceptions=False)
    first = {p.name: sha(p) for p in Path("dist").iterdir()
            if p.is_file() and not p.name.startswith(".")}
    shutil.rmtree("dist")
    CliRunner().invoke(main, ["notes"], catch_exceptions=False)
    assert {p.name: sha(p) for p in Path("dist").iterdir()
            if p.is_file() and not p.name.startswith(".")} == first
    shutil.copytree(tmp_path / "one" / "notes", tmp_path / "two" / "notes")
    monkeypatch.chdir(tmp_path / "two")
    CliRunner().invoke(main, ["notes"], catch_exceptions=False)
    assert {p.name: sha(p) for p in Path("dist").iterdir()
            if p.is_file() and not p.name.startswith(".")} == first
    assert set(first) == {"面试.apkg", "面试.pdf"}


def test_similarity_measures() -> None:
    assert question_similarity("什么是过拟合？", "什么是过拟合?") == 1.0
    assert question_similarity("什么是过拟合？", "为什么要归一化？") < 0.5
    text = "对每个 mini-batch 的激活做标准化，缓解内部协变量偏移，可以使用更大的学习率。"
    assert sketch_similarity(simhash(text), simhash(text.replace("可以", "因此可以"))) >= 0.85
    other = "完全不同的一段答案文字，讲的是别的东西。"
    assert sketch_similarity(simhash(text), simhash(other)) < 0.8


def _simhash_bit_by_bit(text: str) -> str:
    """The SimHash definition, one bit at a time: the column-counting version must agree."""
    from builder.parse.questiontext import normalise_question
    folded = normalise_question(text)
    grams = [folded[i:i + 3] for i in range(max(1, len(folded) - 2))]
    votes = [0] * 64
    for gram in grams:
        bits = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")
        for i in range(64):
            votes[i] += 1 if bits >> i & 1 else -1
    return f"{sum(1 << i for i in range(64) if votes[i] > 0):016x}"


@pytest.mark.parametrize("text", [
    "", "a", "ab", "abc", "abcd", "梯度消失", "x = 1", NOTES, NOTES * 40,
    "残差连接 $y = F(x) + x$ **梯度**直接回传。",
    "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(3000)),
    "abcd",  # two trigrams: bits they split evenly are not set
    # 70,000 trigrams, all alike: every count past what a 16-bit field holds
    "a" * 70_002,
])
def test_simhash_matches_its_definition(text: str) -> None:
    assert simhash(text) == _simhash_bit_by_bit(text)


def test_unchanged_answers_reuse_their_sketch_from_the_lock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builder.anki.identity
    write(tmp_path / "notes" / "a.md", NOTES)
    run("notes")
    sketched: list[str] = []
    real = builder.anki.identity.simhash

    def sketching(text: str) -> str:
        sketched.append(text)
        return real(text)

    monkeypatch.setattr(builder.anki.identity, "simhash", sketching)
    run("notes")
    assert sketched == []
    write(tmp_path / "notes" / "a.md", NOTES.replace("收敛更快", "收敛明显更快"))
    run("notes")
    assert len(sketched) == 1 and "收敛明显更快" in sketched[0]


def test_no_lock_neither_reads_nor_writes_the_lock(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    result = run("notes", "--no-lock")
    assert not (tmp_path / "notes" / "build-deck.lock").exists()
    assert "changes:" not in result.output


def test_diff_prints_old_and_new_text(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    run("notes")
    write(tmp_path / "notes" / "a.md", NOTES.replace("收敛更快", "收敛明显更快"))
    lines = run("notes", "--diff").output.splitlines()
    assert "  changed  notes/a.md:7  为什么要做数据归一化？" in lines
    assert "    -让各个特征处在相近的尺度上，梯度下降更稳定、收敛更快。" in lines
    assert "    +让各个特征处在相近的尺度上，梯度下降更稳定、收敛明显更快。" in lines


def test_lock_is_sorted_one_note_per_line(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    run("notes")
    lines = (tmp_path / "notes" / "build-deck.lock").read_text(encoding="utf-8").splitlines()
    notes = [line for line in lines if line.startswith('  "')]
    assert len(notes) == 3 and notes == sorted(notes)
    assert all('"guid"' in line and '"changed"' in line for line in notes)


def test_an_unrelated_question_replacing_a_deleted_one_is_added_not_a_rename(
        tmp_path: Path, collection: Collection) -> None:
    """A deleted question and a new one on another topic share nothing: the new note gets a
    GUID of its own (Anki adds it) and the old one is reported removed, its review history
    left where it is, not handed to an unrelated card."""
    note_id, card_id = first_build_with_review(tmp_path, collection, "什么是过拟合？")
    unrelated = ("### 卷积核的大小怎么选？\n"
                 "常用 3×3：两层 3×3 的感受野等于一层 5×5，参数更少，非线性更多。\n")
    write(tmp_path / "notes" / "a.md", NOTES.replace(OVERFIT, unrelated))
    result = run("notes")
    assert "changes: 1 added, 1 removed" in result.output, result.output
    assert "added    notes/a.md:5  卷积核的大小怎么选？" in result.output
    assert "removed  什么是过拟合？  (was in notes/a.md)" in result.output
    assert "renamed" not in result.output
    log = import_apkg(collection, deck())
    assert [n.fields[0] for n in log.new] == ["卷积核的大小怎么选？"]
    assert len(log.updated) == 0
    assert collection.get_note(note_id)["Question"] == "什么是过拟合？"
    assert reviews_of(collection, card_id) == 1


_INVISIBLE_OR_NOT = st.text(st.sampled_from([*map(chr, INVISIBLE), "a", "梯", " ", "\n", "👩",
                                             "\u200d", "\u00ad"]), max_size=40)


@given(_INVISIBLE_OR_NOT)
def test_invisible_characters_are_dropped_as_the_table_says(text: str) -> None:
    assert drop_invisible(text) == text.translate(INVISIBLE)


# --- a crowd of vanished entries (identity.CROWD) and the notes beside it ----------------

_SHARED = "待补充：这道题的答案还没有写，先占一个位置。"


def _crowd_match(questions: list[str], fresh: list[tuple[str, str]],
                 ) -> tuple[identity.Matching, dict[str, str]]:
    """Match ``fresh`` (question, answer) notes against a lock whose vanished entries ask
    ``questions``, all with the one answer ``_SHARED``; return the matching and each new
    key's question."""
    from builder.anki.lock import Lock, LockEntry
    from builder.model import SourceLoc

    entries = {f"d / old / {q}": LockEntry(f"g{i}", "h", 0, q, "n.md",
                                           identity.answer_hash(_SHARED))
               for i, q in enumerate(questions)}
    notes = [identity.CurrentNote(f"d / new / {q}", q, answer, SourceLoc("n.md", i + 1))
             for i, (q, answer) in enumerate(fresh)]
    return (identity.match(Lock(entries), notes, lambda _: True),
            {n.key: n.question for n in notes})


def test_a_note_no_crowd_holds_keeps_the_crowd_entry_its_question_names() -> None:
    """Ten vanished entries share a placeholder answer (a crowd: more than CROWD), and
    so do two new questions, which cannot be told apart and are new.  The question of
    one entry is asked again with a real answer: it keeps that entry's note (it was made
    new without a word when the crowd's entries were set aside whole)."""
    olds = [f"旧题 {i}？" for i in range(9)] + ["什么是 BN？"]
    assert len(olds) > identity.CROWD
    matching, questions = _crowd_match(olds, [("新题 1？", _SHARED), ("新题 2？", _SHARED),
                                              ("什么是 BN？", "对每个 mini-batch 做标准化。")])
    assert {questions[new]: old for new, old in matching.renames.items()} \
        == {"什么是 BN？": "d / old / 什么是 BN？"}
    warned = [(d.loc.line, d.code) for d in matching.diagnostics]
    assert warned == [(1, "ambiguous-rename"), (2, "ambiguous-rename")], matching.diagnostics


def test_a_note_no_crowd_holds_that_could_be_two_crowd_entries_is_reported() -> None:
    """The question asked again is the question of two entries of the crowd: which one
    it replaces is not guessed, and the author is told, with the handles to choose by."""
    # The same question twice, under two keys (in two sections once).
    olds = [f"旧题 {i}？" for i in range(8)] + ["什么是 BN？", "什么是 BN？"]
    from builder.anki.lock import Lock, LockEntry
    from builder.model import SourceLoc

    entries = {f"d / old{i} / {q}": LockEntry(f"g{i}", "h", 0, q, "n.md",
                                              identity.answer_hash(_SHARED))
               for i, q in enumerate(olds)}
    notes = [identity.CurrentNote("d / new / a", "新题？", _SHARED, SourceLoc("n.md", 1)),
             identity.CurrentNote("d / new / b", "什么是 BN？", "对每个 mini-batch 做标准化。",
                                  SourceLoc("n.md", 2))]
    matching = identity.match(Lock(entries), notes, lambda _: True)
    assert matching.renames == {}
    about_bn = [d for d in matching.diagnostics if d.loc.line == 2]
    assert about_bn and all(d.code == "ambiguous-rename" for d in about_bn)
    assert all("cannot tell which question replaces '什么是 BN？'" in d.message
               for d in about_bn), about_bn
    handles = {handle(f"g{i}") for i in (8, 9)}
    assert {h for h in handles if any(f"{{#{h}}}" in d.message for d in about_bn)} \
        == handles, about_bn


def test_notes_beside_a_crowd_of_thousands_make_pairs_in_proportion(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """4,000 new questions share the placeholder answer with 4,000 vanished entries, and
    4,000 more ask again, each with an answer of its own, the question of one of those
    entries: each of these keeps its entry, and the pairs looked at are one each (not
    4,000 × 4,000)."""
    count = 4000
    looked_at: list[int] = []
    real = identity._accept_unique

    def counting(pairs: list[tuple[str, identity.CurrentNote]], *args: object) -> None:
        looked_at.append(len(pairs))
        real(pairs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(identity, "_accept_unique", counting)
    olds = [f"旧题 {i}？" for i in range(count)]
    fresh = [(f"新题 {i}？", _SHARED) for i in range(count)] \
        + [(q, f"这是第 {i} 道题自己的答案，写全了。") for i, q in enumerate(olds)]
    matching, questions = _crowd_match(olds, fresh)
    assert len(matching.renames) == count
    assert all(f"d / old / {questions[new]}" == old for new, old in matching.renames.items())
    assert len(matching.diagnostics) == count  # one for each crowded question
    assert sum(looked_at) <= 2 * count, looked_at
