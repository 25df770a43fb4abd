"""Updating a real Anki collection from the released deck to the reviewed one keeps history.

The released deck (main at a06c307, before the expert review) is pinned with its lock
under tests/fixtures/deck-a06c307, so this stays a test of *that* upgrade while the deck
keeps changing, and needs no git history (CI clones afresh).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.anki.lock import LOCK_NAME
from builder.anki.lock import read as read_lock
from builder.cli import main

from .conftest import FIXTURES, import_apkg
from .test_anki import answer_one_card

RELEASED = FIXTURES / "deck-a06c307"
CURRENT = Path(__file__).resolve().parents[1] / "source_md"
DECK_FILE = "deep-learning-interview.md"
PACKAGE = Path("dist/深度学习面试.apkg")


def build() -> str:
    result = CliRunner().invoke(main, ["source_md", "--format", "apkg", "-j", "1"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ": warning:" not in result.output, result.output
    return result.output


def install(tree: Path, source: Path, lock: Path) -> None:
    shutil.copyfile(source / DECK_FILE, tree / DECK_FILE)
    shutil.copyfile(lock, tree / LOCK_NAME)


def history(col: Any) -> dict[str, tuple[int, int, list[tuple[Any, ...]]]]:
    """GUID → (note id, card id, every revlog row of the card)."""
    rows: dict[str, tuple[int, int, list[tuple[Any, ...]]]] = {}
    for guid, nid in col.db.all("select guid, id from notes"):
        (cid,) = col.find_cards(f"nid:{nid}")
        rows[guid] = (nid, cid, col.db.all("select * from revlog where cid = ? order by id", cid))
    return rows


@pytest.mark.parametrize("lock_used", ["committed", "released"])
def test_reviewed_cards_keep_ids_and_history_across_the_review(
        tmp_path: Path, collection: Any, lock_used: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'committed': a user pulls the new notes with the new lock.  'released': an author's
    tree still holds the old lock, so the build itself must match every reworded question."""
    tree = tmp_path / "source_md"
    tree.mkdir()
    install(tree, RELEASED, RELEASED / LOCK_NAME)
    # The user's deck was built when the release was: today's builder draws some of its
    # pictures anew, and must not date those notes later than the review's lock does.
    released, problems = read_lock(RELEASED / LOCK_NAME)
    assert problems == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH",
                       str(max(entry.changed for entry in released.entries.values())))
    build()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    first: Any = import_apkg(collection, PACKAGE)
    assert len(first.new) == 20
    old_fronts = {guid: collection.get_note(nid)["Question"]
                  for guid, nid in collection.db.all("select guid, id from notes")}
    for nid in collection.find_notes(""):
        answer_one_card(collection, nid)
    before = history(collection)
    assert all(len(revlog) == 1 for _, _, revlog in before.values())

    new_lock = CURRENT / LOCK_NAME if lock_used == "committed" else RELEASED / LOCK_NAME
    install(tree, CURRENT, new_lock)
    output = build()
    if lock_used == "committed":
        # The committed lock is what today's builder writes for today's deck, so that
        # ``pip install . && build-deck`` on a fresh clone changes nothing: a change that
        # renames the deck's pictures (their names hash the code that draws them) must
        # come with the lock a build then writes.
        assert "changes: none" in output, output
        assert (tree / LOCK_NAME).read_bytes() == (CURRENT / LOCK_NAME).read_bytes()
    log: Any = import_apkg(collection, PACKAGE)

    assert len(log.new) == 0 and collection.note_count() == 20
    assert history(collection) == before
    fronts = {guid: collection.get_note(nid)["Question"] for guid, (nid, _, _) in before.items()}
    assert len(set(fronts.values())) == 20
    renamed = {old_fronts[g]: fronts[g] for g in fronts if fronts[g] != old_fronts[g]}
    assert renamed == {
        "为什么负梯度方向是函数局部值最快的方向？": "为什么负梯度方向是函数局部下降最快的方向？",
        "空洞卷积的思想？或者说相比如标准卷积有什么改进？":
            "空洞卷积的思想？相比标准卷积有什么改进？",
        "讲一讲faster_rcnn": "讲一讲Faster R-CNN",
        "为什么RNN不用Relu函数而要用tanh函数？": "为什么RNN不用ReLU函数而要用tanh函数？",
    }
    conv = next(nid for nid, _, _ in before.values()
                if collection.get_note(nid)["Question"] == "写一下卷积的实现")
    assert "conv2d_backward" in collection.get_note(conv)["Answer"], "the update was applied"
    for _, cid, _ in before.values():
        card = collection.get_card(cid)
        assert card.reps == 1 and card.type != 0
