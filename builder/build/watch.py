"""``build-deck watch``: build, then build again after every save, in one process.

The process stays up, so what a one-shot build pays on every run is paid once: the
imports (markdown-it, genanki, typst, matplotlib), and each file's parse, kept in
memory (``builder.parse.cache.kept_in_memory``).  Drawn pictures and typeset PDF parts
come from the cache folder, as in any build; the up-to-date record skips a save that
changed nothing.  PDFs are typeset in worker processes, as in any build, not here:
typst keeps a memo of all it compiled for the life of its process (measured: ~100 MB
more after each save of a 2,000-question sheet), so the watcher's memory stays flat.
The worker that typeset a save's part and joined the sheet is kept for the next save
(``builder.pdf.jobs.warm_workers``), and replaced after a few; so is the JSON of every
card a save did not touch (``builder.pdf.cardmemo``), what the last save found of each
formula in the image cache (``builder.render.formulamemo``) and the bytes of the files it
packed (``builder.support.keptbytes``), each taken again only while its file keeps its stat.

A save is built once the files have been quiet for a moment (``QUIET_MS``), so an
editor's several writes, or a file caught mid-write, make one build.  A build with
errors writes nothing (``builder.build.session.Session``): the last good outputs stay, and the
next good save builds.  One watcher per output folder: a second is refused at once.
"""

from __future__ import annotations

import contextlib
import logging
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from builder.build.config import (
    MARKDOWN_SUFFIXES,
    WATCH_LOCK,
    BuildConfig,
    display_path,
    lock_path,
)
from builder.build.session import Session, in_session
from builder.model import Diagnostic, SourceLoc
from builder.parse.projectsettings import PYPROJECT, TABLE, key_place
from builder.pdf.cardmemo import kept_card_json
from builder.pdf.jobs import warm_workers
from builder.render.formulamemo import kept_formulas
from builder.render.images import IMAGE_SUFFIXES
from builder.support.atomic import TEMP_PREFIX, FolderTaken, held_alone
from builder.support.interrupts import interrupt_handled
from builder.support.keptbytes import kept_file_bytes

if TYPE_CHECKING:
    from watchfiles import Change

log = logging.getLogger(__name__)

QUIET_MS = 50
"""A save is built once no file has changed for this long.  watchfiles' own default:
an editor's writes of one save (a backup, the file, a rename) come within a few
milliseconds, and a file still being written after it is built again when its last
write lands, so waiting longer only delays every save."""
READ_SUFFIXES = frozenset({*MARKDOWN_SUFFIXES, *IMAGE_SUFFIXES})
"""Files whose saving starts a build: notes and the pictures they show."""
MOST_MS = 2000
"""A stream of changes (a checkout, a sync) is built after this long at the latest."""
ARMED_MS = 300
"""How long the watcher waits before it comes back empty-handed: the first time, to start
the first build once it is armed; then now and then, which costs nothing."""


class WatchError(Exception):
    """Watching cannot start; the message says why, in one line."""


@dataclass(frozen=True)
class Watched:
    """What one watcher looks at, and what it leaves alone."""

    folders: tuple[Path, ...]
    """Every source folder, and the folder of every source file."""
    ignored: tuple[Path, ...]
    """What builds write: the output and cache folders and the lock."""

    @classmethod
    def of(cls, config: BuildConfig) -> Watched:
        folders = {(source if source.is_dir() else source.parent).resolve()
                   for source in config.sources}
        return cls(tuple(sorted(folders)),
                   (config.out_dir.resolve(), config.cache.resolve(),
                    lock_path(config).resolve()))

    def wants(self, path: str) -> bool:
        """Whether a change at ``path`` may change a build: a file of a kind builds read
        (Markdown, pictures, pyproject.toml) or a folder, and not one a build wrote.

        Anything else is left alone, or a log the watcher's own output goes to, kept
        in a watched folder, would start a build at every line it prints."""
        changed = Path(path)
        if changed.name.startswith(TEMP_PREFIX):  # the lock's, being written beside it
            return False
        if not (changed.suffix.lower() in READ_SUFFIXES or changed.name == PYPROJECT
                or changed.is_dir()):
            return False
        return not any(changed == place or changed.is_relative_to(place)
                       for place in self.ignored)

    def shown(self) -> str:
        return ", ".join(display_path(folder) for folder in self.folders)


def watch(config: BuildConfig, rebuild: Callable[[list[str]], None], *,
          started: Callable[[Watched], None] = lambda watched: None,
          stop: threading.Event | None = None) -> None:
    """Call ``rebuild`` at once, then again with the files changed after every save,
    until Ctrl-C (or ``stop`` is set); return then.

    ``rebuild`` builds and reports; it runs inside a ``builder.build.session.Session``, which
    keeps parses warm and the last good outputs on error.  Raise WatchError when
    another watcher writes to the same output folder, or a source folder is missing.
    """
    watched = Watched.of(config)
    missing = [folder for folder in watched.folders if not folder.is_dir()]
    if missing:
        raise WatchError(f"{display_path(missing[0])}: no such folder to watch")
    try:
        with held_alone(config.out_dir, WATCH_LOCK), in_session(Session()) as session, \
                _stored_at_the_end(session), warm_workers(), kept_card_json(), \
                kept_formulas(), kept_file_bytes():
            # The watcher is armed by the first step of the loop, which then comes back
            # empty-handed: the first build runs after it, so a save made while that
            # build runs (or the moment it ends) is seen, never lost.
            pending: list[str] | None = []
            while pending is not None:
                pending = _watch_once(watched, rebuild, started, pending, session, stop)
    except FolderTaken:
        raise WatchError(f"another build-deck watch is writing to "
                         f"{display_path(config.out_dir)}; stop it first") from None
    except KeyboardInterrupt:
        interrupt_handled()
        log.debug("watch stopped by Ctrl-C")
    except RuntimeError as exc:
        # Python 3.11 reports a Ctrl-C that lands while a class is made (a module being
        # imported) as "Error calling __set_name__", with the interrupt as its cause.
        if not isinstance(exc.__cause__, KeyboardInterrupt):
            raise
        interrupt_handled()
        log.debug("watch stopped by Ctrl-C, during an import")


def _watch_once(watched: Watched, rebuild: Callable[[list[str]], None],
                started: Callable[[Watched], None], pending: list[str], session: Session,
                stop: threading.Event | None) -> list[str] | None:
    """Watch the folders as they are now, building ``pending`` once armed; return the
    folders made anew since (None: the watch is over).

    A folder deleted takes its watch with it: one made again by that name (``rm -rf``
    and a checkout, a sync tool's swap) was never seen, and the watcher went deaf."""
    import watchfiles  # only this command needs it

    first = pending == []
    todo: list[str] | None = pending
    places = _places(watched)
    seen = _Filter(watched)
    for changes in watchfiles.watch(
            *watched.folders, watch_filter=seen, debounce=MOST_MS,
            step=QUIET_MS, stop_event=stop, raise_interrupt=True,
            yield_on_timeout=True, rust_timeout=ARMED_MS):
        if todo is not None:
            rebuild(todo)
            if first:
                started(watched)
            todo = None
        if changes:
            rebuild(_changed(changes))
        else:  # quiet: store what the last rebuilds parsed
            session.save_parses()
        now = _places(watched)
        # A folder made at once in a deleted one's place may take its inode number: its
        # deletion, seen or told, says it is another.
        seen.gone.update(f for f, place in zip(watched.folders, now, strict=True) if not place)
        anew = [folder for folder, old, new in zip(watched.folders, places, now, strict=True)
                if new != old or folder in seen.gone]
        if anew and None not in now:  # while one is missing, the last build said so
            return [display_path(folder) for folder in anew]
    return None


def _places(watched: Watched) -> list[tuple[int, int] | None]:
    """Which folder each watched path is (device and inode), None where there is none."""
    found: list[tuple[int, int] | None] = []
    for folder in watched.folders:
        try:
            info = folder.stat()
        except OSError:
            found.append(None)
            continue
        found.append((info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None)
    return found


@contextlib.contextmanager
def _stored_at_the_end(session: Session) -> Iterator[None]:
    """Store the session's last parses when the watch ends, Ctrl-C included."""
    try:
        yield
    finally:
        session.save_parses()


def pinned(config: BuildConfig, started: BuildConfig) -> BuildConfig:
    """``config`` (made anew for a rebuild) writing where the watch started writing.

    The watcher guards and ignores the output folder, cache and lock it started with; a
    pyproject.toml saved since cannot move them, or the new folder would be no one's to
    guard and the watcher's own writes there would start builds.  A warning says so."""
    places = {"out": lambda c: c.out_dir, "cache-dir": lambda c: c.cache, "lock": lock_path}
    moved = [name for name, where in places.items()
             if where(config).resolve() != where(started).resolve()]
    if not moved:
        return config
    project = config.settings_file or started.settings_file
    shown = display_path(project) if project is not None else PYPROJECT
    warning = Diagnostic(
        key_place(project, shown, moved[0]) if project is not None else SourceLoc(shown, 1),
        "warning", f"[tool.{TABLE}] {', '.join(moved)} changed since build-deck watch "
        f"started: its outputs stay in {display_path(started.out_dir)} until it is restarted",
        "config")
    return replace(config, out_dir=started.out_dir, cache_dir=started.cache_dir,
                   lock_path=started.lock_path, diagnostics=(*config.diagnostics, warning))


def _changed(changes: Iterable[tuple[Change, str]]) -> list[str]:
    """The files changed, as the author knows them: an editor's temporary files, made
    and gone within the save, are left out."""
    return sorted({display_path(Path(path)) for _change, path in changes
                   if Path(path).exists() or path.lower().endswith(MARKDOWN_SUFFIXES)})


class _Filter:
    """watchfiles' default filter (version control, editor swap and backup files) and
    nothing a build writes."""

    def __init__(self, watched: Watched) -> None:
        import watchfiles

        self._default = watchfiles.DefaultFilter()
        self._watched = watched
        self._deleted = watchfiles.Change.deleted
        self.gone: set[Path] = set()
        """The watched folders told deleted."""

    def __call__(self, change: Change, path: str) -> bool:
        if change == self._deleted and Path(path) in self._watched.folders:
            self.gone.add(Path(path))
        return bool(self._default(change, path)) and self._watched.wants(path)
