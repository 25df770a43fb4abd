"""What a build settles before it writes anything, and ``check`` reports alike: decks whose
media or file names cannot be written, and every note's GUID and time from the lock."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import TYPE_CHECKING

from builder.anki import lock
from builder.anki.stamp import Stamped, stamp
from builder.build.config import BuildConfig, BuildError, display_path, lock_path
from builder.model import Diagnostic, SourceLoc

if TYPE_CHECKING:  # the build imports this module before it knows it has to read anything
    from builder.build.gather import Assembled, DeckNotes, Gathered


def stamp_or_fail(gathered: Gathered, assembled: Assembled, checks: tuple[Diagnostic, ...],
                  config: BuildConfig) -> Stamped:
    """``stamp`` the notes; a lock that cannot be read fails the build, with what was found."""
    try:
        return stamp([deck.assembled for deck in assembled.decks],
                     lock_path(config) if config.use_lock else None, set(gathered.roots),
                     lock.Memo(config.cache) if config.use_lock else None)
    except lock.LockError as exc:
        raise BuildError("the lock file cannot be used",
                         gathered.reported(assembled.diagnostics, checks,
                                           [exc.diagnostic])) from exc


def check_output_names(gathered: Gathered, assembled: Assembled, config: BuildConfig
                       ) -> list[Diagnostic]:
    """Refuse decks whose files would overwrite each other ("a/b" and "a_b"; "Deck" and
    "deck" on a disk that ignores case); warn of names the file shows otherwise."""
    taken: dict[str, DeckNotes] = {}
    found: list[Diagnostic] = []
    for deck in assembled.decks:
        written = output_name(deck.name)
        if written != _cleaned(deck.name, keep_controls=True):
            # more than the characters a file name cannot hold at all (``/``, ``:`` …,
            # replaced as they always were)
            found.append(Diagnostic(
                SourceLoc(deck.files[0].path, 1), "warning",
                f"deck name {deck.name[:60]!r}{'…' if len(deck.name) > 60 else ''} is written "
                f"to the file {written!r} ({_why_renamed(deck.name)})", "output-name"))
        other = taken.setdefault(written.casefold(), deck)
        if other is not deck:
            raise BuildError(
                f"decks '{other.name}' ({other.files[0].path}) and "
                f"'{deck.name}' ({deck.files[0].path}) would both be "
                f"written to {display_path(config.out_dir / written)}.apkg; "
                "rename one (front matter 'deck:')",
                gathered.reported(assembled.diagnostics, found))
    return found


def _why_renamed(deck: str) -> str:
    """Why ``output_name`` writes the deck's name otherwise, each reason that applies."""
    cleaned = _cleaned(deck)
    reasons = [reason for reason, applies in (
        ("with control or text-direction characters", cleaned != _cleaned(deck, True)),
        ("a name Windows keeps for a device", _is_device(cleaned)),
        ("too long", len(cleaned.encode("utf-8")) + _is_device(cleaned) > MAX_NAME_BYTES),
    ) if applies]
    return ", and ".join(reasons)


def check_media_size(gathered: Gathered, assembled: Assembled) -> list[Diagnostic]:
    """Refuse a deck whose images are too large to share; warn of one slow to sync."""
    from builder.anki import notes

    found: list[Diagnostic] = []
    for deck in assembled.decks:
        files = {m.name: m.path for m in deck.media}
        total = sum(path.stat().st_size for path in files.values())
        if total > notes.MAX_MEDIA_BYTES:
            raise BuildError(
                f"deck '{deck.name}' would carry {total / 2**20:.0f} MB of images, over the "
                f"{notes.MAX_MEDIA_BYTES // 2**20} MB limit; shrink or remove some images",
                gathered.reported(assembled.diagnostics, found))
        if total > notes.LARGE_MEDIA_BYTES:
            first = deck.files[0]
            found.append(Diagnostic(
                SourceLoc(first.path, 1), "warning",
                f"deck '{deck.name}' carries {total / 2**20:.0f} MB of images; phones sync "
                "it slowly (consider --math mathjax or splitting the deck)", "media-size"))
    return found


MAX_NAME_BYTES = 150
"""Longest output file stem, in UTF-8 bytes: file systems allow 255 per name, and the
writer's temporary files add a prefix and a suffix."""


_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                              *(f"{port}{n}" for port in ("COM", "LPT")
                                for n in (*"123456789", "¹", "²", "³"))})
"""File names Windows takes for a device whatever their extension (``NUL.apkg``)."""


def output_name(deck: str) -> str:
    """Return a file name for a deck: its name with path-hostile characters replaced.

    Control and format characters go too: U+202E (right-to-left override) would show
    ``abc\u202egnp.exe.apkg`` as ``abcexe.png.apkg``.  A name too long for the file
    system is cut, with a hash of the whole name so two long names stay apart.
    """
    cleaned = _cleaned(deck)
    if _is_device(cleaned):
        cleaned = "_" + cleaned  # Windows opens the device: dist\CON.apkg is the console
    if len(cleaned.encode("utf-8")) <= MAX_NAME_BYTES:
        return cleaned
    tag = "-" + hashlib.sha256(deck.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    cut = cleaned.encode("utf-8")[:MAX_NAME_BYTES - len(tag)].decode("utf-8", "ignore")
    return cut.rstrip(" .") + tag


def _cleaned(deck: str, keep_controls: bool = False) -> str:
    """The deck's name with what a file name cannot hold replaced, control and format
    characters left out (unless ``keep_controls``), spaces and dots trimmed."""
    cleaned = "".join("_" if c in '<>:"/\\|?*' else c for c in deck
                      if keep_controls or (unicodedata.category(c)[0] != "C"
                                           and unicodedata.category(c) not in ("Zl", "Zp")))
    return cleaned.strip(" .") or "deck"


def _is_device(name: str) -> bool:
    """Whether Windows takes the file name for a device whatever its extension."""
    return name.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_DEVICES
