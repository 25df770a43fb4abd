"""What a build is asked to do, where its sources are, and how it fails."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from builder.detect import AUTO
from builder.model import Diagnostic
from builder.parse import ParseOptions

MathMode = Literal["image", "mathjax"]
FORMATS = ("apkg", "pdf")


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
    formats: tuple[str, ...] = FORMATS
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
    """Build and write even when nothing changed since the last build (see ``builder.uptodate``)."""

    @property
    def cache(self) -> Path:
        return self.cache_dir or self.out_dir / ".cache"


DEFAULT_SOURCES = (Path("source_md"),)


def configure(*, sources: tuple[Path, ...] = (), out_dir: Path = Path("dist"),
              formats: tuple[str, ...] = FORMATS, math: str = "image",
              section_level: int | str | None = None,
              question_level: int | str | None = None, question_style: str | None = None,
              breaks: bool = True, keep_empty: bool = False, strict: bool = False,
              no_lock: bool = False, lock_path: Path | None = None,
              cache_dir: Path | None = None, jobs: int = 0, site_root: str = ".",
              paper: str = "a4", columns: int = 2, pdf_style: str = "sheet",
              diff: bool = False, force: bool = False,
              source_line: str = "show") -> BuildConfig:
    """Turn command-line options into the configuration a build or a check runs with.

    The one way from options to a ``BuildConfig``: ``build`` and ``check`` take the same
    options that change what is reported (see ``builder.cli.configuration_options``) and
    both come here, so a check reports exactly what the build would.  Levels and question
    style left unset are detected file by file (``auto``); front matter still wins.
    """
    parse = ParseOptions(section_level=section_level or AUTO,
                         question_level=question_level or AUTO,
                         question_style=question_style or AUTO, breaks=breaks,
                         source_line=source_line)
    return BuildConfig(
        sources=sources or DEFAULT_SOURCES, out_dir=out_dir, formats=formats,
        math="mathjax" if math == "mathjax" else "image", keep_empty=keep_empty,
        strict=strict, use_lock=not no_lock, lock_path=lock_path, cache_dir=cache_dir,
        jobs=jobs, parse=parse, paper=paper, columns=columns, pdf_style=pdf_style,
        diff=diff, site_root=site_root, force=force)


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
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


def find_sources(sources: tuple[Path, ...]) -> list[tuple[Path, Path]]:
    """Return (file, root) for every Markdown file named, directories walked in sorted order."""
    found: list[tuple[Path, Path]] = []
    for source in sources:
        if source.is_dir():
            files = sorted(p for p in source.rglob("*.md") if p.is_file())
            if not files:
                raise BuildError(f"{display_path(source)}: no Markdown (*.md) files found")
            found.extend((f, source) for f in files)
        elif source.is_file():
            found.append((source, _tree_of_file(source)))
        else:
            raise BuildError(f"{display_path(source)}: no such file or directory")
    for file, _root in found:
        try:
            str(file).encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(file).decode("utf-8", "backslashreplace")
            # Its name would end up in the deck, the PDF and every diagnostic.
            raise BuildError(f"{shown}: file name is not valid UTF-8; rename the file") \
                from None
    return list(dict.fromkeys(found))
