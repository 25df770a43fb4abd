"""A one-shot ``.apkg`` build reads an unchanged file's notes as its last build kept them,
not its parse (``builder.build.notecache.StoredFile``): the deck, the lock and every
diagnostic stay what a cold build gives, and the parse is read when a kept note no longer
fits."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

import builder.parse.cache
from builder.cli import main

from .conftest import import_apkg, package_notes, write
from .imagefiles import png

if TYPE_CHECKING:
    from anki.collection import Collection

APKG = ["--format", "apkg"]
A = "---\ndeck: Kept\n---\n## S\n\n### Alpha?\n\nFirst answer with $a^2$.\n"
B = ("---\ndeck: Kept\n---\n## S\n\n### Beta?\n\nSecond answer with $b^2$.\n\n"
     "### Gamma?\n\nA picture ![g](g.png) and $c$.\n\n### Delta?\n\n")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """Count the cache entries unpickled, by kind and file."""
    counted: Counter[tuple[str, str]] = Counter()
    real = builder.parse.cache.ParseCache._read

    def counting(self: builder.parse.cache.ParseCache, shown: str, key: str | None) -> Any:
        found = real(self, shown, key)
        if found is not None:
            counted[(self.kind, Path(shown).name)] += 1
        return found

    monkeypatch.setattr(builder.parse.cache.ParseCache, "_read", counting)
    return counted


def _build(folder: Path, *options: str, command: str = "build") -> Result:
    with contextlib.chdir(folder):  # the lock names files as the build was given them
        result = CliRunner().invoke(main, [command, "notes", "-o", "out", *options],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _deck(folder: Path) -> dict[str, tuple[str, ...]]:
    """Every note of the deck by its Key field: GUID, all fields and tags."""
    return {fields[4]: (guid, *fields, tags)
            for guid, fields, tags in package_notes(folder / "out" / "Kept.apkg")}


def _warnings(result: Result) -> list[str]:
    """The diagnostics printed."""
    return sorted(line for line in result.output.splitlines()
                  if ": warning:" in line or ": note:" in line)


def _cold(tmp_path: Path, texts: dict[str, str], *options: str) -> tuple[Path, Result]:
    """A cold build of ``texts`` in a new folder (its lock copied from the warm one)."""
    folder = tmp_path / f"cold-{len(list(tmp_path.glob('cold-*')))}"
    for name, text in texts.items():
        write(folder / "notes" / name, text)
    (folder / "notes" / "g.png").write_bytes(png())
    lock = tmp_path / "warm" / "notes" / "build-deck.lock"
    if lock.exists():
        (folder / "notes" / "build-deck.lock").write_bytes(lock.read_bytes())
    return folder, _build(folder, *options)


def _warm(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    warm = tmp_path / "warm"
    texts = {"a.md": A, "b.md": B}
    for name, text in texts.items():
        write(warm / "notes" / name, text)
    (warm / "notes" / "g.png").write_bytes(png())
    _build(warm, *APKG)
    return warm, texts


def _edit_first_answer(warm: Path, texts: dict[str, str]) -> None:
    """Edit a.md's first answer in the ``warm`` folder, and in ``texts`` (for a cold build)."""
    texts["a.md"] = A.replace("First answer", "First answer, edited,")
    write(warm / "notes" / "a.md", texts["a.md"])


def test_an_unchanged_file_gives_its_kept_notes_and_is_not_loaded(
        tmp_path: Path, reads: Counter[tuple[str, str]], collection: Collection) -> None:
    warm, texts = _warm(tmp_path)
    _edit_first_answer(warm, texts)
    reads.clear()
    warm_run = _build(warm, *APKG)
    assert reads[("parsed", "b.md")] == 0, "the unchanged file's parse is not loaded"
    assert reads[("notes", "b.md")] == 1
    # Its kept notes hold what a build needs: the deck (GUIDs, fields, tags, the picture
    # card made again), the lock, the diagnostics of its parse and its notes.
    lock = (warm / "notes" / "build-deck.lock").read_bytes()
    cold, cold_run = _cold(tmp_path, texts, *APKG)
    assert _deck(warm) == _deck(cold)
    assert lock == (cold / "notes" / "build-deck.lock").read_bytes()
    assert _warnings(warm_run) == _warnings(cold_run)
    assert any("empty-answer" in line for line in _warnings(warm_run))
    assert _warnings(_build(warm, command="check")) == _warnings(warm_run)
    import_apkg(collection, warm / "out" / "Kept.apkg")
    media = Path(collection.media.dir())
    gamma = collection.get_note(collection.find_notes("Gamma")[0])["Answer"]
    assert 'src="' in gamma and all((media / name).exists() for name in
                                    (part.split('"', 1)[0] for part in
                                     gamma.split('src="')[1:]))


def test_a_pdf_build_loads_the_parse(tmp_path: Path, reads: Counter[tuple[str, str]]) -> None:
    """The PDF shows the parse itself: kept notes cannot stand for it."""
    warm, _ = _warm(tmp_path)
    both = ("--format", "apkg,pdf", "--math", "mathjax")
    _build(warm, *both)
    write(warm / "notes" / "a.md", A.replace("First answer", "First answer, edited,"))
    reads.clear()
    _build(warm, *both)
    assert reads[("parsed", "b.md")] == 1
    text = "".join(page.extract_text() for page in PdfReader(warm / "out" / "Kept.pdf").pages)
    assert "Beta" in text and "edited" in text


def test_kept_notes_drawn_otherwise_are_made_again_from_the_parse(
        tmp_path: Path, reads: Counter[tuple[str, str]]) -> None:
    """MathJax notes kept, then an image-math build of the same bytes: every formula
    card shows pictures now, so the file's parse is read and its notes made again."""
    warm, texts = _warm(tmp_path)
    _build(warm, *APKG, "--math", "mathjax")
    reads.clear()
    _build(warm, *APKG, "--math", "image")
    assert reads[("parsed", "b.md")] == 1
    cold, _ = _cold(tmp_path, texts, *APKG, "--math", "image")
    assert _deck(warm) == _deck(cold)
    assert "<img" in _deck(warm)["Kept / S / beta?"][2]


def test_a_key_an_edit_takes_is_given_up_by_the_kept_note(tmp_path: Path) -> None:
    """An edit adds, in a file read earlier, the question an unchanged file asks: that
    file's kept note takes the next key, as a cold build gives it, and is reported."""
    warm, texts = _warm(tmp_path)
    texts["a.md"] = A + "\n### Beta?\n\nAsked in a.md too.\n"
    write(warm / "notes" / "a.md", texts["a.md"])
    warm_run = _build(warm, *APKG)
    cold, cold_run = _cold(tmp_path, texts, *APKG)
    deck = _deck(warm)
    assert deck == _deck(cold)
    assert "Kept / S / beta? #2" in deck and "Asked in a.md" in deck["Kept / S / beta?"][2]
    assert _warnings(warm_run) == _warnings(cold_run)
    assert any("duplicate question" in line for line in _warnings(warm_run))


def test_cards_left_out_again_when_empty_answers_are_no_longer_kept(tmp_path: Path) -> None:
    """Notes kept by a ``--keep-empty`` build include empty answers' cards: a build
    without it leaves them out again."""
    warm, texts = tmp_path / "warm", {"a.md": A, "b.md": B}
    for name, text in texts.items():
        write(warm / "notes" / name, text)
    (warm / "notes" / "g.png").write_bytes(png())
    _build(warm, *APKG, "--keep-empty")
    assert "Kept / S / delta?" in _deck(warm)
    _build(warm, *APKG)
    cold, _ = _cold(tmp_path, texts, *APKG)
    assert _deck(warm) == _deck(cold)
    assert "Kept / S / delta?" not in _deck(warm)


def test_a_source_label_named_otherwise_makes_the_notes_again(tmp_path: Path) -> None:
    """The same file given from another source folder: its Source line names it from
    there, so its kept notes (which name it from the first) no longer fit."""
    warm = tmp_path / "warm"
    write(warm / "notes" / "sub" / "a.md", A)
    write(warm / "notes" / "b.md", B.replace("![g](g.png)", ""))
    _build(warm, *APKG)
    with contextlib.chdir(warm):
        result = CliRunner().invoke(main, ["build", "notes/sub", "notes/b.md", "-o", "out",
                                           "--lock", "notes/build-deck.lock", *APKG],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _deck(warm)["Kept / S / alpha?"][4] == "sub/a.md:6"


def test_check_reads_kept_notes_and_reports_what_the_build_did(
        tmp_path: Path, reads: Counter[tuple[str, str]]) -> None:
    warm, _ = _warm(tmp_path)
    write(warm / "notes" / "a.md", A + "\n### Alpha?\n\nAsked twice.\n")
    built = _build(warm, *APKG)
    reads.clear()
    checked = _build(warm, *APKG, command="check")
    assert reads[("parsed", "b.md")] == 0 and reads[("notes", "b.md")] == 1
    assert _warnings(checked) == _warnings(built)
    assert any("empty-answer" in line for line in _warnings(checked))


def test_an_entry_renamed_to_the_other_kind_is_not_read(tmp_path: Path) -> None:
    """A file's parse and its notes share a key: the kind is signed too, so a notes
    entry renamed to a parse entry (or the other way) is parsed again, not crashed on."""
    warm, texts = _warm(tmp_path)
    cache = warm / "out" / ".cache"
    for entry in cache.glob("notes-*.pickle"):
        twin = cache / entry.name.replace("notes-", "parsed-")
        twin.write_bytes(entry.read_bytes())
    texts["b.md"] = B + "\nMore.\n"  # a miss for the notes: the (planted) parse is read
    write(warm / "notes" / "b.md", texts["b.md"])
    _build(warm, *APKG)
    _build(warm, *APKG, "--math", "mathjax", "--force")
    cold, _ = _cold(tmp_path, texts, *APKG, "--math", "mathjax")
    assert _deck(warm) == _deck(cold)


def test_kept_formulas_are_the_parsed_ones_drawn_and_reported_in_place(
        tmp_path: Path, reads: Counter[tuple[str, str]]) -> None:
    """A kept note holds its card's formulas as plain values (``StoredNote``): made again
    they are the parse's (TeX, display, place), so an image build with one file unchanged
    draws its formulas as a cold build does, reports its undrawable one where it is
    written, and reads no parse of it."""
    warm, texts = _warm(tmp_path)
    texts["c.md"] = ("---\ndeck: Kept\n---\n## S\n\n### Epsilon?\n\n"
                     "Inline $e^{i\\pi}$, then\n   $\\nosuchmacro{x}$ and\n\n$$\\sum_i x_i$$\n")
    write(warm / "notes" / "c.md", texts["c.md"])
    _build(warm, *APKG)
    _edit_first_answer(warm, texts)
    reads.clear()
    warm_run = _build(warm, *APKG)
    assert reads[("parsed", "c.md")] == 0 and reads[("notes", "c.md")] == 1
    cold, cold_run = _cold(tmp_path, texts, *APKG)
    assert _deck(warm) == _deck(cold)
    assert _warnings(warm_run) == _warnings(cold_run)
    assert [line.split(": warning")[0] for line in _warnings(warm_run)
            if "formula-render" in line] == ["notes/c.md:9:4"]
    assert _deck(warm)["Kept / S / epsilon?"][2].count("<img") == 2


def _changes(result: Result) -> list[str]:
    """The change report's lines (``changed  notes/b.md:6  Beta?``)."""
    return sorted(line.strip() for line in result.output.splitlines()
                  if line.startswith("  ") and line.split()[0] in
                  {"added", "changed", "renamed", "removed"})


@pytest.mark.parametrize("edit", [
    ("Second answer", "Second answer, reworded,"),
    ("deck: Kept\n", "deck: Kept\ntags: [extra]\n"),  # the content alone, not the answer
])
def test_kept_notes_against_an_older_lock_are_stamped_as_a_cold_build_stamps_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str]) -> None:
    """An unchanged file's kept notes carry what stamping them found (their GUID, content
    and answer hashes): a lock checked out from before that file's last edit holds other
    entries for them, so they are stamped again (re-dated, reported changed), not kept
    with the older entries' times."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    warm, texts = _warm(tmp_path)
    lock = warm / "notes" / "build-deck.lock"
    older = lock.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700001000")
    texts["b.md"] = B.replace(*edit)
    write(warm / "notes" / "b.md", texts["b.md"])
    _build(warm, *APKG)
    lock.write_bytes(older)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700002000")
    _edit_first_answer(warm, texts)
    cold, cold_run = _cold(tmp_path, texts, *APKG)  # against the older lock too
    warm_run = _build(warm, *APKG)
    assert lock.read_bytes() == (cold / "notes" / "build-deck.lock").read_bytes()
    assert _deck(warm) == _deck(cold)
    assert _changes(warm_run) == _changes(cold_run)
    assert any("Beta?" in line and line.startswith("changed") for line in _changes(warm_run))
    beta = json.loads(lock.read_text())["notes"]["Kept / S / beta?"]
    assert beta["changed"] == 1700002000


def test_kept_notes_beside_a_renamed_question_keep_their_identities(tmp_path: Path) -> None:
    """A question reworded in one file while the other's notes are kept: the kept notes
    stay in the lock (not removed, not matched to the reworded one), which keeps its GUID."""
    warm, texts = _warm(tmp_path)
    guids = {key: note[0] for key, note in _deck(warm).items()}
    # And a question answered as the kept Alpha is: added, not taken for Alpha moved.
    texts["b.md"] = B.replace("### Beta?", "### Beta, reworded?") \
        + "\n### Zeta?\n\nFirst answer with $a^2$.\n"
    cold, cold_run = _cold(tmp_path, texts, *APKG)
    write(warm / "notes" / "b.md", texts["b.md"])
    warm_run = _build(warm, *APKG)
    assert _deck(warm) == _deck(cold)
    assert _changes(warm_run) == _changes(cold_run)
    assert _deck(warm)["Kept / S / beta, reworded?"][0] == guids["Kept / S / beta?"]
    assert _deck(warm)["Kept / S / alpha?"][0] == guids["Kept / S / alpha?"]
    assert [line.split()[0] for line in _changes(warm_run)] == ["added", "renamed"]


@pytest.mark.parametrize("field, value", [
    ("question", "Alpha, as the lock had it?"), ("file", "notes/elsewhere.md"),
    ("answer", "0123456789ab"), ("sketch", None), ("guid", "planted-guid"),
    ("removed", 1600000000),
])
def test_a_kept_note_whose_lock_entry_was_edited_is_stamped_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, value: object) -> None:
    """A lock entry edited by hand (or merged) for an unchanged file's kept note: the note
    is stamped against it as a cold build stamps it (the entry written anew), not
    taken as settled."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    warm, texts = _warm(tmp_path)
    lock = warm / "notes" / "build-deck.lock"
    data = json.loads(lock.read_text())
    alpha = data["notes"]["Kept / S / alpha?"]
    if value is None:
        del alpha[field]
    else:
        alpha[field] = value
    lock.write_text(json.dumps(data, indent=1))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700001000")
    texts["b.md"] = B.replace("Second answer", "Second answer, reworded,")
    cold, cold_run = _cold(tmp_path, texts, *APKG)
    write(warm / "notes" / "b.md", texts["b.md"])
    warm_run = _build(warm, *APKG)
    assert lock.read_bytes() == (cold / "notes" / "build-deck.lock").read_bytes()
    assert _deck(warm) == _deck(cold)
    assert _changes(warm_run) == _changes(cold_run)
    assert json.loads(lock.read_text())["notes"]["Kept / S / alpha?"] != alpha


def test_what_making_a_kept_note_found_is_reported_again(
        tmp_path: Path, reads: Counter[tuple[str, str]]) -> None:
    """A kept note brings what making it found (an answer cut at the limit), reported by
    the build that keeps it as by a cold one."""
    from builder.parse.limits import MAX_ANSWER_CHARS

    long = "\n\n".join(f"Paragraph {n} " + "long answer text " * 40
                       for n in range(MAX_ANSWER_CHARS // 600 + 2))
    texts = {"a.md": A, "c.md": f"---\ndeck: Kept\n---\n## S\n\n### Long?\n\n{long}\n"}
    warm = tmp_path / "warm"
    for name, text in texts.items():
        write(warm / "notes" / name, text)
    first = _build(warm, *APKG)
    assert any("answer-too-long" in line for line in _warnings(first))
    _edit_first_answer(warm, texts)
    reads.clear()
    warm_run = _build(warm, *APKG)
    assert reads[("notes", "c.md")] == 1 and reads[("parsed", "c.md")] == 0
    _, cold_run = _cold(tmp_path, texts, *APKG)
    assert [line for line in _warnings(warm_run) if "answer-too-long" in line] \
        == [line for line in _warnings(first) if "answer-too-long" in line]
    assert _warnings(warm_run) == _warnings(cold_run)
