"""What a build is asked to do, where its sources are, and how it fails."""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from builder.anki.lock import LOCK_NAME
from builder.model import Diagnostic, SourceLoc
from builder.parse.options import AUTO, ParseOptions
from builder.parse.projectsettings import NO_PROJECT, PYPROJECT, find_project, read_project
from builder.parse.source import outside
from builder.support.atomic import LOCK_FILE as EXCLUSIVE_FILE
from builder.support.settings import DEFAULT_FORMATS, SETTINGS
from builder.support.settings import FORMATS as FORMATS
from builder.support.walk import walk

log = logging.getLogger(__name__)

MathMode = Literal["image", "mathjax"]


class BuildError(Exception):
    """The build cannot go on; the message says why, in one line.

    ``diagnostics`` holds what was found before the build stopped, to print first.
    """

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass
class Reported:
    """Something that carries diagnostics and counts them (a build's or a check's result)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)


@dataclass(frozen=True)
class BuildConfig:
    """Everything one build needs; the CLI turns options into this."""

    sources: tuple[Path, ...] = (Path("source_md"),)
    out_dir: Path = Path("dist")
    formats: tuple[str, ...] = DEFAULT_FORMATS
    math: MathMode = "image"
    keep_empty: bool = False
    strict: bool = False
    use_lock: bool = True
    lock_path: Path | None = None
    cache_dir: Path | None = None
    jobs: int = 0
    """Worker processes for rendering; 0 means one per CPU."""
    parse: ParseOptions = field(default_factory=ParseOptions)
    paper: str = "a4"
    columns: int = 2
    pdf_style: str = "sheet"
    diff: bool = False
    """List every change with the old and new text, not just counts."""
    site_root: str = "."
    """Folder, inside the source tree, that site-root image paths (``/img/x.png``) start at."""
    force: bool = False
    """Build and write even when nothing changed since the last build
    (see ``builder.build.uptodate``)."""
    settings_file: Path | None = None
    """The pyproject.toml whose ``[tool.build-deck]`` settings were read, if any."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """What was wrong with those settings (reported with the build's diagnostics)."""

    @property
    def cache(self) -> Path:
        return self.cache_dir or self.out_dir / ".cache"


def strict_refuses(config: BuildConfig, reported: Reported) -> bool:
    """Whether ``--strict`` refuses a build or check: any error or warning (notes never)."""
    return config.strict and bool(reported.errors or reported.warnings)


DEFAULT_SOURCES = (Path("source_md"),)

_DEFAULTS: dict[str, Any] = {
    "sources": (), "out_dir": Path("dist"), "formats": DEFAULT_FORMATS, "math": "image",
    "section_level": None, "question_level": None, "question_style": None, "breaks": True,
    "keep_empty": False, "strict": False, "no_lock": False, "lock_path": None,
    "cache_dir": None, "jobs": 0, "site_root": ".", "paper": "a4", "columns": 2,
    "pdf_style": "sheet", "diff": False, "force": False, "source_line": "show",
}
"""Every option ``configure`` takes, by the name the command line gives it, and its default."""


def lock_path(config: BuildConfig) -> Path:
    """Return the lock file: given, or beside the first source."""
    if config.lock_path is not None:
        return config.lock_path
    first = config.sources[0]
    return (first if first.is_dir() else first.parent) / LOCK_NAME


REMOVED_FILE = "removed-notes.txt"
"""Written to the output folder: the Anki search for notes the Markdown no longer has."""
WATCH_LOCK = ".build-deck-watching"
"""Held in the output folder by ``watch`` (``build/watch``), so two never build into it."""
OUTPUT_SUFFIXES = tuple(f".{name}" for name in FORMATS)
"""The suffixes of the files a build writes, one per output format."""


def lock_problem(config: BuildConfig, from_project: bool = False) -> str | None:
    """Why the lock cannot be the file ``config`` names, or None.  Each place refused
    loses the lock, and with it every note's GUID: a file the build writes (the build
    overwrites it, or the lock the output), a source or a settings file (the lock
    overwrites it, or the next build reads it as notes or settings), or a file in a
    throwaway cache folder.  ``from_project``: the name came from pyproject.toml."""
    if not config.use_lock:
        return None
    lock = lock_path(config).resolve()
    out = config.out_dir.resolve()
    if any(lock == source.resolve() for source in config.sources):
        why = "is one of the sources"
    elif lock.suffix.lower() in MARKDOWN_SUFFIXES:
        why = "would be read as notes by the next build (*.md)"
    elif lock.name == PYPROJECT:
        why = "would be read for the project's settings by the next build"
    elif lock.suffix.lower() in OUTPUT_SUFFIXES:
        why = (f"has the name of an output ({', '.join('*' + s for s in OUTPUT_SUFFIXES)}), "
               "which a build writes over")
    elif lock.parent == out and lock.name in (REMOVED_FILE, EXCLUSIVE_FILE, WATCH_LOCK):
        why = "is a file the build writes in its output folder"
    elif _in_throwaway_cache(config, lock):
        why = (f"is inside the cache folder {display_path(config.cache)}, which may be "
               "deleted at will")
    else:
        return None
    where = "--lock or `lock` in pyproject.toml" if from_project else "--lock"
    return f"the lock file {display_path(lock_path(config))} {why}; name another ({where})"


def _in_throwaway_cache(config: BuildConfig, lock: Path) -> bool:
    """Whether ``lock`` lies in the cache folder, and that folder is one to delete at will:
    it holds neither the output folder nor a source (``--cache-dir .`` or ``--cache-dir
    dist -o dist`` hold what the user keeps, so a lock there is kept too)."""
    cache = config.cache.resolve()
    kept = [config.out_dir, *config.sources]
    return lock.is_relative_to(cache) and not any(
        path.resolve().is_relative_to(cache) for path in kept)


def configure(options: Mapping[str, Any], given: Collection[str] | None = None
              ) -> BuildConfig:
    """Turn options and project settings into the configuration a build or check runs with.

    The one way to a ``BuildConfig``: ``build``, ``check`` and ``watch`` take the same
    options (``builder.cli.build_options``) and all come here, so a check reports exactly
    what the build would.  ``options`` are the command's, by name (left out: default).
    ``given`` names those the user set; every other one may come from the
    ``[tool.build-deck]`` table of the nearest pyproject.toml above the sources, whose
    problems travel in ``BuildConfig.diagnostics``.  None: every option is taken as given
    and no file is read.  Levels and question style left unset everywhere are detected
    file by file (``auto``), and a file's front matter overrides them for that file
    (``builder.parse.frontmatter``).
    """
    unknown = set(options) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"configure() got unknown options: {', '.join(sorted(unknown))}")
    chosen = {**_DEFAULTS, **options}
    project = NO_PROJECT
    if given is not None:
        sources = chosen["sources"] or DEFAULT_SOURCES
        project = find_project(_common_folder(sources),
                               lambda path: read_project(path, display_path(path)))
        taken = {k: v for k, v in project.values.items() if k not in given}
        chosen.update(taken)
        if taken:
            names = {s.keyword: s.name for s in SETTINGS.values()}
            log.info("settings from %s: %s", display_path(project.path or Path()),
                     ", ".join(sorted(names[k] for k in taken)))
    parse = ParseOptions(section_level=chosen["section_level"] or AUTO,
                         question_level=chosen["question_level"] or AUTO,
                         question_style=chosen["question_style"] or AUTO,
                         breaks=chosen["breaks"], source_line=chosen["source_line"])
    return BuildConfig(
        sources=chosen["sources"] or DEFAULT_SOURCES, out_dir=chosen["out_dir"],
        formats=chosen["formats"],
        math="mathjax" if chosen["math"] == "mathjax" else "image",
        keep_empty=chosen["keep_empty"], strict=chosen["strict"],
        use_lock=not chosen["no_lock"], lock_path=chosen["lock_path"],
        cache_dir=chosen["cache_dir"], jobs=chosen["jobs"], parse=parse,
        paper=chosen["paper"], columns=chosen["columns"], pdf_style=chosen["pdf_style"],
        diff=chosen["diff"], site_root=chosen["site_root"], force=chosen["force"],
        settings_file=project.path, diagnostics=project.problems)


def _common_folder(sources: tuple[Path, ...]) -> Path:
    """The folder holding every source: where the search for project settings starts."""
    folders = [s.resolve() if s.is_dir() else s.resolve().parent for s in sources]
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # on different drives
        return Path.cwd()


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
        return str(path)


def _tree_of_file(file: Path) -> Path:
    """The source tree of a file named on its own: the folder the build runs in when the
    file lies below it (notes keep pictures beside their folder: ``../../pics/x.png``),
    else the file's own folder.  Nothing above the tree is read."""
    here = Path(os.curdir)
    try:
        file.resolve().relative_to(here.resolve())
    except (OSError, ValueError):
        return file.parent
    return here


MARKDOWN_SUFFIXES = (".md", ".markdown")
"""The file names a folder's walk takes as notes, in any case (``README.MD`` from Windows,
Jekyll's ``*.markdown`` posts)."""
SKIPPED_FOLDERS = frozenset({"node_modules"})
"""Folders a directory walk leaves out besides hidden ones: their Markdown is a package's,
not the author's."""


def _markdown_below(folder: Path, skipped: list[Diagnostic]) -> list[Path]:
    """The Markdown files below ``folder``, sorted, leaving out hidden files and folders
    (``.git``, ``.github``'s issue templates, Obsidian's ``.trash`` of deleted notes, a
    ``.venv``'s package documents) and ``SKIPPED_FOLDERS``; symlinked folders are not
    followed.  A file named on the command line is built wherever it is.  A folder that
    cannot be listed, and a notes name that is no readable file (a FIFO, a device, a
    broken link), are added to ``skipped`` as warnings: their notes are left out."""
    found = []

    def unlisted(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        skipped.append(_skipped(where, f"folder cannot be read ({error.strerror or error})"))

    for here, folders, names in walk(folder, onerror=unlisted):
        hidden = [d for d in folders if d.startswith(".") or d in SKIPPED_FOLDERS]
        for name in hidden:
            log.info("sources: %s skipped (hidden or a package folder); name its files to "
                     "build them", display_path(Path(here) / name))
        folders[:] = [d for d in folders if d not in hidden]
        found += [Path(here) / n for n in names
                  if n.lower().endswith(MARKDOWN_SUFFIXES) and not n.startswith(".")]
    files = []
    for path in sorted(found):
        if path.is_file():
            files.append(path)
        else:
            skipped.append(_skipped(path, _not_a_file(path)))
    return files


def _not_a_file(path: Path) -> str:
    if path.is_symlink() and not path.exists():
        return "broken link (to nothing, or round in a loop)"
    return "not a regular file (a FIFO, socket or device)"


def _skipped(path: Path, why: str) -> Diagnostic:
    # The entry itself, not what a link resolves to (``/dev/zero``, or a loop).
    shown = str(Path(display_path(path.parent)) / path.name)
    return Diagnostic(SourceLoc(shown, 1), "warning",
                      f"{why}: left out of the build", "source-skipped")


def find_sources(sources: tuple[Path, ...], skipped: list[Diagnostic] | None = None
                 ) -> list[tuple[Path, Path]]:
    """Return (file, root) for every Markdown file named, directories walked in sorted order;
    add to ``skipped`` a warning for each entry of a folder that could not be read."""
    found: list[tuple[Path, Path]] = []
    for source in sources:
        if source.is_dir():
            files = _markdown_below(source, skipped if skipped is not None else [])
            if not files:
                raise BuildError(f"{display_path(source)}: no Markdown (*.md, *.markdown) "
                                 "files found", skipped)
            found.extend((f, source) for f in files)
        elif source.is_file():
            found.append((source, _tree_of_file(source)))
        elif os.path.lexists(source):  # a FIFO, a device, a broken link: never opened
            raise BuildError(f"{display_path(source)}: {_not_a_file(source)}: not read")
        else:
            raise BuildError(f"{display_path(source)}: no such file or directory")
    named = [(file, root) for file, root in found if _name_is_utf8(file, skipped)]
    return list(dict.fromkeys(named))


def _name_is_utf8(file: Path, skipped: list[Diagnostic] | None) -> bool:
    """Whether the file's name can be written; else it is left out with an error in
    ``skipped`` (raised when there is none): the name would end up in the deck, the PDF
    and every diagnostic."""
    try:
        str(file).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(file).decode("utf-8", "backslashreplace")
        if skipped is None:
            raise BuildError(f"{shown}: file name is not valid UTF-8; rename the file") \
                from None
        skipped.append(Diagnostic(
            SourceLoc(shown, 1), "error",
            "file name is not valid UTF-8 (rename the file): its notes are left out of "
            "the build", "source-name"))
        return False
    return True


def outside_link(path: Path, root: Path) -> Diagnostic | None:
    """The error for a source found under ``root`` that is a link leading out of it."""
    if not outside(path, root):
        return None
    link = str(Path(display_path(path.parent)) / path.name)  # not where it leads
    return Diagnostic(SourceLoc(link, 1), "error", "a link to a file outside the source "
                      f"folder {display_path(root)}: not read", "source-outside")


def inside_roots(found: list[tuple[Path, Path]], skipped: list[Diagnostic]
                 ) -> list[tuple[Path, Path]]:
    """The sources of ``found`` that lie in their folder, an error in ``skipped`` for each
    link leading out of it: for the commands that read sources without building them
    (``toc`` rewrote, through such a link, a file anywhere on the disk)."""
    kept = []
    for path, root in found:
        refused = outside_link(path, root)
        if refused is None:
            kept.append((path, root))
        else:
            skipped.append(refused)
    return kept
