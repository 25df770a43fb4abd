"""The package's collection is the one genanki writes for the same notes, byte for byte.

``builder.anki.apkg`` writes the note and card rows and the collection's deck and note type
JSON itself, in a few statements; genanki's ``Package.write_to_db`` (one statement per row,
every deck's JSON re-read and re-written per deck) followed by the note times from the lock
is the reference it is held to here.
"""

from __future__ import annotations

import itertools
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.anki import apkg, collectionrows
from builder.anki.notefields import packed, unpacked

# The reference warns of the stray "<" some of these notes hold on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Field contained the following invalid HTML")

CSS = ".card { color: black; }"
MTIME = 1_700_000_000


def genanki_collection(path: Path, notes: list[apkg.NoteData], notetype_mtime: int) -> bytes:
    """The collection as genanki writes it, with each note's and card's time set after."""
    model = apkg._note_type(CSS)
    decks: dict[str, genanki.Deck] = {}
    for data in notes:
        deck = decks.setdefault(data.deck, genanki.Deck(apkg.deck_id(data.deck), data.deck))
        deck.add_note(genanki.Note(model=model, fields=list(unpacked(data.fields)),
                                   tags=list(data.tags), guid=data.guid))
    connection = sqlite3.connect(":memory:")
    cursor = connection.cursor()
    genanki.Package([decks[name] for name in sorted(decks)]).write_to_db(
        cursor, notetype_mtime, itertools.count(notetype_mtime * 1000))
    ids = dict(cursor.execute("SELECT guid, id FROM notes").fetchall())
    cursor.executemany("UPDATE notes SET mod = ? WHERE id = ?",
                       [(n.mtime, ids[n.guid]) for n in notes])
    cursor.execute("UPDATE cards SET mod = (SELECT mod FROM notes WHERE notes.id = cards.nid)")
    cursor.execute("UPDATE col SET crt = ?, mod = ?", (notetype_mtime, notetype_mtime))
    connection.commit()
    return _vacuumed(connection, path)


def builder_collection(path: Path, notes: list[apkg.NoteData], notetype_mtime: int) -> bytes:
    connection = sqlite3.connect(":memory:")
    apkg._write_collection(connection, notes, CSS, notetype_mtime)
    return _vacuumed(connection, path)


def _packed(notes: list[apkg.NoteData], which: int = 1) -> list[apkg.NoteData]:
    """``notes``, every ``which``-th with its fields packed, as a kept note holds them
    (``builder.anki.notefields``)."""
    return [n._replace(fields=packed(n.fields)) if i % which == 0 else n
            for i, n in enumerate(notes)]


def _vacuumed(connection: sqlite3.Connection, path: Path) -> bytes:
    path.unlink(missing_ok=True)
    connection.execute("VACUUM INTO ?", (str(path),))
    connection.close()
    return path.read_bytes()


def rows(db: bytes, tmp: Path) -> dict[str, list[tuple[object, ...]]]:
    path = tmp / "rows.anki2"
    path.write_bytes(db)
    connection = sqlite3.connect(path)
    try:
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
                for table in ("col", "notes", "cards")}
    finally:
        connection.close()


def note(n: int, deck: str, question: str = "", answer: str = "", section: str = "",
         tags: tuple[str, ...] = (), mtime: int = MTIME) -> apkg.NoteData:
    key = f"{deck} / {n}"
    return apkg.NoteData(key, apkg.guid_for(key),
                         (question or f"Q{n}?", answer or f"<p>A{n}</p>", section,
                          f"notes/a.md:{n}", key), tags, deck, mtime)


SAMPLE = [
    note(1, "面试::基础", "什么是<b>过拟合</b>？", "<ul><li>训练好</li><li>测试差</li></ul>",
         "基础", ("面试::基础",), MTIME + 5),
    note(2, "面试::基础", "42", "a number as the sort field: the column stores an integer"),
    note(3, "面试", "x < y &amp; <i>z</i>", "1 < 2", "", ("面试", "two::tags")),
    note(4, "Alpha", "", "no question, a section: still a card", "S", (), MTIME + 9),
    note(5, "Alpha", "", "no question, no section: genanki writes the note without a card"),
    note(6, "面试::进阶::深层", "Deep?", "\x1f-free", "进阶 / 深层", ("t",), MTIME + 1),
]


@pytest.mark.parametrize("kept", [0, 1, 2])
@pytest.mark.parametrize("decks", [1, 2, 3, 4])
def test_collection_is_genankis_byte_for_byte(tmp_path: Path, decks: int, kept: int) -> None:
    # 1, 2 and 3 decks: genanki's note type JSON differs from the second deck on.
    names = sorted({n.deck for n in SAMPLE})[:decks]
    notes = [n for n in SAMPLE if n.deck in names]
    expected = genanki_collection(tmp_path / "genanki.anki2", notes, MTIME)
    # ``kept``: every note's fields packed (1), every other note's (2), or none (0).
    written = builder_collection(tmp_path / "builder.anki2",
                                 _packed(notes, kept) if kept else notes, MTIME)
    assert rows(written, tmp_path) == rows(expected, tmp_path)
    assert written == expected


@pytest.mark.parametrize("kept", [False, True])
def test_rows_hold_what_the_notes_say(tmp_path: Path, kept: bool) -> None:
    """Not only genanki's: each note's own guid, fields, tags and time, its card in its deck."""
    db = rows(builder_collection(tmp_path / "c.anki2", _packed(SAMPLE) if kept else SAMPLE,
                                 MTIME), tmp_path)
    by_guid = {row[1]: row for row in db["notes"]}
    for data in SAMPLE:
        row = by_guid[data.guid]
        assert row[3] == data.mtime
        assert row[5] == " " + " ".join(data.tags) + " "
        fields = unpacked(data.fields)
        assert row[6] == "\x1f".join(fields)
        assert str(row[7]) == fields[0]
        cards = [card for card in db["cards"] if card[1] == row[0]]
        assert [(card[2], card[4]) for card in cards] == (
            [] if not (fields[0] or fields[2]) else
            [(apkg.deck_id(data.deck), data.mtime)])


def test_a_tag_with_a_space_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="space"):
        builder_collection(tmp_path / "c.anki2", [note(1, "D", tags=("a b",))], MTIME)


_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\x1f"),
                max_size=30)


@st.composite
def notes_lists(draw: st.DrawFn) -> list[apkg.NoteData]:
    count = draw(st.integers(0, 12))
    decks = draw(st.lists(st.sampled_from(["A", "A::b", "B", "设计::C", "z"]),
                          min_size=count, max_size=count))
    return [apkg.NoteData(
        f"k{i}", apkg.guid_for(f"k{i}"),
        (draw(_text), draw(_text), draw(st.sampled_from(["", "S"])), f"f.md:{i}", f"k{i}"),
        tuple(draw(st.lists(st.text("ab:_", min_size=1, max_size=4), max_size=2))),
        deck, MTIME + draw(st.integers(0, 100))) for i, deck in enumerate(decks)]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=notes_lists(), notetype_mtime=st.integers(1, 2**31))
def test_any_notes_give_genankis_collection(tmp_path: Path, notes: list[apkg.NoteData],
                                             notetype_mtime: int) -> None:
    expected = genanki_collection(tmp_path / "g.anki2", notes, notetype_mtime)
    assert builder_collection(tmp_path / "b.anki2", notes, notetype_mtime) == expected
    assert builder_collection(tmp_path / "p.anki2", _packed(notes, 2), notetype_mtime) \
        == expected


def test_the_package_holds_a_compact_collection_of_those_rows(tmp_path: Path) -> None:
    """The package's collection is SQLite's own bytes of the collection written (no
    ``VACUUM`` copy): it must hold the same rows, and no page left free; written again
    from the same notes, it is the same bytes."""
    notes = [note(n, "Big" if n % 3 else "Big::Sub", answer="<p>" + "答案很长。" * 300
                  + f"{n}</p>", tags=("t",)) for n in range(40)]
    package = tmp_path / "deck.apkg"
    apkg.write_apkg(package, notes, {}, css=CSS, notetype_mtime=MTIME)
    with zipfile.ZipFile(package) as archive:
        collection = archive.read("collection.anki2")
    assert rows(collection, tmp_path) == rows(builder_collection(
        tmp_path / "reference.anki2", notes, MTIME), tmp_path)
    path = tmp_path / "packed.anki2"
    path.write_bytes(collection)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA freelist_count").fetchone() == (0,)
    finally:
        connection.close()
    again = tmp_path / "again.apkg"
    apkg.write_apkg(again, notes, {}, css=CSS, notetype_mtime=MTIME)
    assert again.read_bytes() == package.read_bytes()


class _WithoutSerialize:
    """A connection as Python's sqlite3 gives it when its SQLite lacks the serialize API."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> object:
        if name == "serialize":
            raise AttributeError(name)
        return getattr(self._connection, name)


def test_a_sqlite_without_serialize_still_packs_the_same_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notes = [note(n, "Big", answer=f"<p>答案 {n}</p>", tags=("t",)) for n in range(20)]
    serialized = tmp_path / "serialized.apkg"
    apkg.write_apkg(serialized, notes, {}, css=CSS, notetype_mtime=MTIME)
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect",
                        lambda *args, **kwargs: _WithoutSerialize(connect(*args, **kwargs)))
    copied = tmp_path / "copied.apkg"
    apkg.write_apkg(copied, notes, {}, css=CSS, notetype_mtime=MTIME)
    packed = []
    for path in (serialized, copied):
        with zipfile.ZipFile(path) as archive:
            packed.append(archive.read("collection.anki2"))
    assert rows(packed[1], tmp_path) == rows(packed[0], tmp_path)


def test_cards_that_do_not_follow_their_note_are_written_by_their_rows() -> None:
    """A card whose id follows its note's is copied from the note's row in a run of one
    deck and template; from the first card that does not (a second template's), each
    card is written by its own row: every card holds its own id, note, deck, template and
    time, genanki's constants, and the cards go in in the order of their ids."""
    from genanki.apkg_schema import APKG_SCHEMA

    def collection() -> sqlite3.Connection:
        connection = sqlite3.connect(":memory:")
        connection.executescript(APKG_SCHEMA)
        connection.executemany("INSERT INTO notes VALUES(?,?,1,?,-1,'','','',0,0,'')",
                               [(nid, f"g{nid}", mod) for nid, mod in notes])
        return connection

    notes = [(10, 7), (12, 8), (14, 9), (16, 10), (19, 11)]
    connection = collection()
    cards = collectionrows.Cards()
    wanted = [(11, 10, 1, 0, 7), (13, 12, 1, 0, 8),  # one run
              (15, 14, 2, 0, 9),  # another deck: another run
              (17, 16, 2, 0, 10), (18, 16, 2, 1, 10),  # a second template: rows from here
              (20, 19, 2, 0, 11)]
    for card in wanted:
        cards.add(*card)
    assert cards.runs == [[1, 0, 10, 12], [2, 0, 14, 16]]
    cards.write(connection.cursor())
    written = connection.execute("SELECT * FROM cards ORDER BY rowid").fetchall()
    assert [row[:5] for row in written] == wanted
    assert {row[5:] for row in written} == {(-1, *[0] * 11, "")}
    # In that order, row by row: the same bytes (cells are laid out as they come).
    expected = collection()
    expected.executemany("INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,0,0,0,0,0,0,0,0,0,'')",
                         wanted)
    assert connection.serialize() == expected.serialize()


def test_kept_fields_pack_to_the_flds_column_and_back() -> None:
    fields = ("什么是<b>过拟合</b>？", "<p>A</p>", "", "notes/a.md:3", "面试 / 3")
    assert packed(fields) == "\x1f".join(fields).encode("utf-8")
    assert unpacked(packed(fields)) == fields
    # A field holding the separator would not unpack to itself: such a note stays whole.
    odd = ("Q\x1fx", "A", "", "a.md:1", "k")
    assert packed(odd) is odd
