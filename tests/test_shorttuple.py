"""NamedTuples made without their constructor (``builder.support.shorttuple``): each
short path gives as many values as its class has fields, and a class that grows a field
stops its maker at once."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, NamedTuple, cast

import pytest

from builder.anki import apkg, kept, lock, stamp
from builder.model import Settings, SourceLoc
from builder.support import shorttuple

PACKAGE = Path(__file__).resolve().parent.parent / "builder"


def _whole(made: tuple[object, ...]) -> None:
    """``made`` holds a value for each of its class's fields, as its constructor would."""
    cls: Any = type(made)
    assert len(made) == len(cls._fields), (cls.__name__, len(made), cls._fields)
    assert cls(*made) == made


def _stored(hashes: kept.NoteHashes | None) -> kept.StoredNote:
    loc = SourceLoc("a.md", 3, 1)
    return kept.StoredNote(
        "k1", None, "Q?", loc, False, (), (), ("Deck", cast(Settings, None), "a.md"), "",
        ("Q?", "A.", "S", "a.md:3", "k1"), ("t",), "Deck", (("x.png", "/tmp/x.png"),),
        b"A.", (), hashes)


def test_a_kept_note_is_assembled_whole_under_its_key_and_another() -> None:
    hashes = kept.NoteHashes("a", "guid", "c")
    for key, wanted in (("k1", hashes), ("k2", None)):
        note = _stored(hashes).assembled(key)
        _whole(note)
        _whole(note.note)
        assert note.hashes == wanted and note.note.key == key
        assert note.note.fields[4] == key


def test_stamped_notes_are_whole() -> None:
    note = _stored(None).assembled("k1")
    decks = stamp._stamped([[note]], {"k1": "g"}, {"k1": 7})
    assert decks == ((apkg.NoteData("k1", "g", note.note.fields, ("t",), "Deck", 7),),)
    _whole(decks[0][0])


@pytest.mark.parametrize("removed", [False, True])
def test_a_remembered_lock_entry_is_whole(removed: bool) -> None:
    entry = lock.LockEntry("g", "h", 5, "Q?", "a.md", "ah", "sk", 9 if removed else None)
    value = entry._asdict()
    if not removed:
        del value["removed"]  # as ``encode`` writes a live entry
    recalled = lock._recalled_entry(value)
    _whole(recalled)
    assert recalled == entry


def test_a_maker_refuses_a_class_with_another_number_of_fields() -> None:
    class Grown(NamedTuple):
        a: int
        b: int
        c: int = 0  # added later, with a default: the callers still give two

    with pytest.raises(TypeError, match="Grown"):
        shorttuple.maker(Grown, 2)
    assert shorttuple.maker(Grown, 3)((1, 2, 3)) == Grown(1, 2, 3)


def test_every_maker_matches_its_class_and_none_bypasses_them() -> None:
    assert len(shorttuple.MAKERS) >= 4
    for cls, arity in shorttuple.MAKERS:
        assert len(cls._fields) == arity, cls  # type: ignore[attr-defined]
    # Anywhere else, ``tuple.__new__`` would skip the check.
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "shorttuple.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "__new__" \
                    and isinstance(node.value, ast.Name) and node.value.id == "tuple":
                pytest.fail(f"{path}:{node.lineno}: tuple.__new__ outside shorttuple.maker")
