"""The real client: every package built here is imported with Anki's own library."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main

from .conftest import SEED, import_apkg, imported_notes

if TYPE_CHECKING:
    from anki.cards import CardId
    from anki.collection import Collection
    from anki.notes import Note, NoteId

DECK_FILE = "dist/deep-learning-interview.apkg"
BN_QUESTION = "详细介绍一下Batch Normalization（怎么计算均值、方差，怎么反向传播等）"


def build(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def seed_tree(tmp_path: Path) -> Path:
    source = tmp_path / "source_md" / "deep-learning-interview.md"
    source.parent.mkdir()
    shutil.copy(SEED, source)
    return source


def answer_one_card(col: Collection, note_id: NoteId) -> CardId:
    """Review a note's card with the real scheduler; return the card id."""
    from anki.scheduler.v3 import CardAnswer, Scheduler

    card = col.get_card(col.find_cards(f"nid:{note_id}")[0])
    col.decks.select(card.did)
    sched = col.sched
    assert isinstance(sched, Scheduler), "the v3 scheduler answers cards"
    sched.reposition_new_cards([card.id], starting_from=0, step_size=1,
                               randomize=False, shift_existing=True)
    queued = sched.get_queued_cards(fetch_limit=50)
    entry = next(q for q in queued.cards if q.card.id == card.id)
    card.start_timer()
    sched.answer_card(sched.build_answer(card=card, states=entry.states, rating=CardAnswer.GOOD))
    return card.id


def reviews_of(col: Collection, card_id: CardId) -> int:
    """How many reviews Anki's log holds for one card."""
    assert col.db is not None, "an open collection has a database"
    return int(col.db.scalar("select count() from revlog where cid = ?", card_id))


def note_by_question(col: Collection, question: str) -> Note:
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        if note["Question"] == question:
            return note
    raise AssertionError(f"no note {question!r}")


def test_seed_imports_with_decks_tags_and_no_empty_cards(
        tmp_path: Path, collection: Collection) -> None:
    seed_tree(tmp_path)
    build("--format", "apkg", "--math", "mathjax")
    log = import_apkg(collection, Path(DECK_FILE))
    assert len(log.new) == 19  # 20 questions, one with an empty answer left out
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert {"deep-learning-interview", "deep-learning-interview::深度学习"} <= names
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        assert note.tags == ["deep-learning-interview::深度学习"]
        (card,) = note.cards()
        assert collection.decks.name(card.did) == "deep-learning-interview::深度学习"
        front = card.question()
        back = card.answer()
        assert note["Question"] and note["Question"] in front
        answer = re.sub(r"<[^>]+>|\s|&nbsp;", "", note["Answer"])
        assert answer, f"empty back for {note['Question']}"
        assert note["Answer"] in back
    assert not collection.find_notes('"Question:写一下卷积的实现"')
    bn = note_by_question(collection, BN_QUESTION)
    assert r"\(Z_l = W ⋅ A_{l − 1} + b\)" in bn.cards()[0].answer()
    sgd = note_by_question(collection, "批梯度下降、随机梯度下降和mini-batch梯度下降的区别？")
    assert "<b>随机梯度下降</b>是每次使用一条数据来更新梯度" in sgd.cards()[0].answer()


def test_edit_rebuild_reimport_updates_in_place_and_keeps_history(
        tmp_path: Path, collection: Collection) -> None:
    source = seed_tree(tmp_path)
    build("--format", "apkg")
    import_apkg(collection, Path(DECK_FILE))
    note = note_by_question(collection, "全连接层的作用")
    card_id = answer_one_card(collection, note.id)
    reviews = reviews_of(collection, card_id)
    assert reviews == 1
    before = collection.note_count()

    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("融合各通道之间的信息。", "融合各通道之间的信息（已修改）。"),
                      encoding="utf-8")
    build("--format", "apkg")  # at once: the same second as the first build
    log = import_apkg(collection, Path(DECK_FILE))

    assert len(log.new) == 0
    assert [u.fields[0] for u in log.updated] == ["全连接层的作用"]
    assert collection.note_count() == before
    edited = collection.get_note(note.id)
    assert "融合各通道之间的信息（已修改）。" in edited["Answer"]
    card = collection.get_card(card_id)
    assert card.reps == 1 and card.type != 0
    assert reviews_of(collection, card_id) == 1


def test_unchanged_rebuild_reimports_as_no_change(tmp_path: Path, collection: Collection) -> None:
    seed_tree(tmp_path)
    build("--format", "apkg")
    first = import_apkg(collection, Path(DECK_FILE))
    assert len(first.new) == 19
    build("--format", "apkg")
    again = import_apkg(collection, Path(DECK_FILE))
    assert len(again.new) == 0 and len(again.updated) == 0
    assert len(again.duplicate) == 19


def test_formula_images_resolve_to_media_in_the_collection(tmp_path: Path,
                                                           collection: Collection) -> None:
    seed_tree(tmp_path)
    build("--format", "apkg")
    import_apkg(collection, Path(DECK_FILE))
    media_dir = Path(collection.media.dir())
    sources: list[str] = []
    for nid in collection.find_notes(""):
        for card in collection.get_note(nid).cards():
            sources += re.findall(r'<img[^>]* src="([^"]+)"', card.answer())
    assert sources, "the seed has formulas; they should be images"
    for name in sources:
        assert (media_dir / name).stat().st_size > 0, name
    assert set(p.name for p in media_dir.iterdir()) == set(sources)
    bn = note_by_question(collection, BN_QUESTION)
    assert 'alt="Z_l = W ⋅ A_{l − 1} + b"' in bn["Answer"]
    assert "\\(" not in bn["Answer"]


def test_tags_and_decks_survive_spaces_in_section_names(
        tmp_path: Path, collection: Collection) -> None:
    source = tmp_path / "notes.md"
    source.write_text("---\ndeck: My Deck\ntags: [dl basics]\n---\n"
                      "## 深度 学习\u3000面试\n### Q\nA\n", encoding="utf-8")
    build("notes.md", "--format", "apkg", "--math", "mathjax")
    (note,) = imported_notes(collection, Path("dist/My Deck.apkg"))
    assert sorted(note.tags) == ["My_Deck::深度_学习_面试", "dl_basics"]
    assert note.deck == "My Deck::深度 学习\u3000面试"
    assert all(d.id != 1 for d in collection.decks.all_names_and_ids() if d.name != "Default")
