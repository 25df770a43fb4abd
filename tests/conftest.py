"""Shared helpers: real Anki collections, throwaway source trees, CLI runs."""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .ankimedia import WATCH, packages_under

if TYPE_CHECKING:
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportResponse
    from click.testing import Result

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "deep-learning-interview.md"


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in its own folder so outputs and locks never leak between tests."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # The parse cache's signing secret lives in the config home: keep tests' own.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "broken_media(reason): this test builds packages whose pictures are missing on "
        "purpose; skip the after-test real-Anki media check and say why.",
    )
    # Tests press Ctrl-C (SIGINT) on the processes they start, as a terminal does.  A
    # suite started in the background (``nohup … &``, some CI runners) has SIGINT
    # ignored, and every process it starts would ignore it too: a watch then never ends.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(
        f"real-Anki media check: {len(WATCH.checked)} distinct packages whole, "
        f"{WATCH.imports} of them imported only by the after-test check")


@pytest.fixture(scope="session", autouse=True)
def _watch_package_writes() -> Iterator[None]:
    """Keep the bytes of every package the builder writes in this process, including those
    written to folders gone before the test ends; the per-test check below imports them."""
    from builder.anki import apkg

    original = apkg.write_apkg

    def write_and_watch(target: Path, *args: Any, **kwargs: Any) -> None:
        original(target, *args, **kwargs)
        WATCH.note_written(target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(apkg, "write_apkg", write_and_watch)
        yield
    WATCH.check(WATCH.take_written())


@pytest.fixture(autouse=True)
def _every_package_shows_its_pictures(request: pytest.FixtureRequest,
                                      tmp_path: Path) -> Iterator[None]:
    """After each test, import every package it built (in this process or by a child
    process under its folder) that no test imported itself into a fresh real Anki
    collection, and assert every picture every note shows is there and not empty."""
    yield
    written = WATCH.take_written()
    marker = request.node.get_closest_marker("broken_media")
    if marker is not None:
        assert marker.args and str(marker.args[0]).strip(), "broken_media needs a reason"
        return
    WATCH.check([*written, *packages_under(tmp_path)])


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    """A fresh, empty Anki collection (the real client)."""
    from anki.collection import Collection

    folder = tmp_path / "anki-profile"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_apkg(col: Collection, package: Path) -> ImportResponse.Log:
    """Import a package the way the desktop dialog does by default; return Anki's log."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(
        package_path=os.fspath(package.resolve()),
        options=ImportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, merge_notetypes=False,
        ),
    )
    log = col.import_anki_package(request).log
    # Every deck a test imports must show all its pictures in the real client.
    from .ankimedia import missing_media

    missing = missing_media(col)
    assert not missing, f"pictures missing in Anki after importing {package}: {missing}"
    WATCH.note_checked(package)
    return log


@dataclass(frozen=True)
class ImportedNote:
    """One note as the real Anki holds it after an import: what tests read of it."""

    fields: dict[str, str]
    """Each field by its name (Question, Answer, Section, Source, Key), in that order."""
    tags: list[str]
    deck: str
    """The deck of its card."""
    guid: str

    def __getitem__(self, name: str) -> str:
        return self.fields[name]


def imported_notes(col: Collection, *packages: Path) -> list[ImportedNote]:
    """Import ``packages`` into ``col`` as ``import_apkg`` does (asserting that every
    picture a note shows is in the media folder), then return every note ``col`` holds,
    in Anki's order, each with its one card's deck."""
    for package in packages:
        import_apkg(col, package)
    notes = []
    for note_id in col.find_notes(""):
        note = col.get_note(note_id)
        (card_id,) = note.card_ids()  # one card a note: the note type has one template
        notes.append(ImportedNote(dict(note.items()), list(note.tags),
                                  col.decks.name(col.get_card(card_id).did), note.guid))
    return notes


def answers_by_question(notes: Iterable[ImportedNote]) -> dict[str, str]:
    """Each note's Answer by its Question (no two notes of a deck ask the same)."""
    found: dict[str, str] = {}
    for note in notes:
        assert note["Question"] not in found, f"two notes ask {note['Question']!r}"
        found[note["Question"]] = note["Answer"]
    return found


def build_fixture(fixture: Path, *args: str) -> Result:
    """Copy ``fixture`` into the test's folder as ``n.md`` and build it there with the
    CLI (``build-deck n.md ARGS``); the outputs land in ``dist/``."""
    import shutil

    from click.testing import CliRunner

    from builder.cli import main

    shutil.copy(fixture, Path.cwd() / "n.md")
    return CliRunner().invoke(main, ["n.md", *args])


def build_fixture_deck(name: str, formats: str = "apkg") -> tuple[Result, Path]:
    """Copy ``tests/fixtures/NAME.md`` into ``notes/`` of the test's folder and build its
    ``.apkg`` (and the other ``formats``) there with the CLI, no lock; return the result
    and the package."""
    import shutil

    from click.testing import CliRunner

    from builder.cli import main

    source = Path.cwd() / "notes" / f"{name}.md"
    source.parent.mkdir()
    shutil.copy(FIXTURES / f"{name}.md", source)
    result = CliRunner().invoke(main, ["build", "notes", "--format", formats, "--no-lock"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (package,) = Path("dist").glob("*.apkg")
    return result, package


def imported_answer(col: Collection, package: Path) -> str:
    """Import ``package`` (a deck of one note) and return that note's answer field."""
    (note,) = imported_notes(col, package)
    return note["Answer"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count whole parses made in this process, by file name (small builds parse here;
    a splice parses its questions alone and is not counted)."""
    import builder.build.sourceparse
    import builder.parse.document

    calls: Counter[str] = Counter()
    real = builder.parse.document.parse_parts

    def counting(text: str, path: str, *args: Any, **kwargs: Any) -> Any:
        calls[Path(path).name] += 1
        return real(text, path, *args, **kwargs)

    monkeypatch.setattr(builder.build.sourceparse, "parse_parts", counting)
    return calls


@pytest.fixture
def typeset(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The questions of each PDF part typst typesets in this process, in order."""
    from builder.pdf import typeset as pdf

    counts: list[int] = []
    real = pdf.typeset_part

    def counting(part: dict[str, Any], media: dict[str, Path], out: Path) -> Any:
        counts.append(part["count"])
        return real(part, media, out)

    monkeypatch.setattr(pdf, "typeset_part", counting)  # jobs imports it when it typesets
    return counts


def package_notes(package: Path) -> list[tuple[str, tuple[str, ...], str]]:
    """Every note row of an ``.apkg`` as written (not imported): GUID, fields, tags."""
    import sqlite3
    import tempfile
    import zipfile

    with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.anki2"
        db.write_bytes(archive.read("collection.anki2"))
        connection = sqlite3.connect(db)
        try:
            rows = connection.execute("SELECT guid, flds, tags FROM notes").fetchall()
        finally:
            connection.close()
    return [(guid, tuple(flds.split("\x1f")), tags) for guid, flds, tags in rows]
