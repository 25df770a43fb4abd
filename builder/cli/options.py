"""The options of ``build``, ``check`` and ``watch``, and the one way from them to a
configuration (``configured``): which ones the user gave, click's ParameterSource says."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click
from click.core import ParameterSource

from builder.support.settings import (
    AUTO,
    COLUMNS,
    FILE,
    JOBS,
    MATH_MODES,
    MAX_PATH_FOLDERS,
    PAPERS,
    PDF_STYLES,
    QUESTION_STYLES,
    SETTINGS,
    SOURCE_LINES,
    SettingError,
)

if TYPE_CHECKING:
    from builder.build.config import BuildConfig

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class FormatList(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A comma-separated subset of the output formats."""

    name = "FORMATS"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        try:  # checked as the ``format`` setting is, wherever it is written
            return cast(tuple[str, ...], SETTINGS["format"].check(str(value)))
        except SettingError as exc:
            self.fail(str(exc), param, ctx)


class NonEmptyPath(click.Path):
    """A path that is not the empty word: click reads ``''`` as ``.``, so ``-o "$OUT"``
    with the variable unset wrote the decks, and ``--cache-dir ""`` the cache's pickles,
    into the working folder (the same values in pyproject.toml are refused)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail(f"must be a non-empty path, not {value!r}", param, ctx)
        return super().convert(value, param, ctx)


class Level(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A heading level 1-6, or one of a few words (``auto``, ``file``)."""

    name = "LEVEL"

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int | str:
        text = str(value).strip().lower()
        if text in self.words:
            return text
        if text.isdigit() and 1 <= int(text) <= 6:
            return int(text)
        self.fail(f"{value!r}: a heading level from 1 to 6, or {' or '.join(self.words)}",
                  param, ctx)


def _folders(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and len(value.parts) > MAX_PATH_FOLDERS:  # as the table's paths
        raise click.BadParameter(f"a path of at most {MAX_PATH_FOLDERS} folders, not one of "
                                 f"{len(value.parts)}", ctx, param)
    return value


def _site_root(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:  # checked as the ``site-root`` setting is, wherever it is written
        return str(SETTINGS["site-root"].check(value))
    except SettingError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _level(name: str, help_text: str) -> Decorator:
    words = (AUTO, FILE) if name == "--question-level" else (AUTO,)
    return click.option(name, type=Level(words), default=None, help=help_text)


def _choice(words: tuple[str, ...]) -> click.Choice:  # type: ignore[type-arg]
    return click.Choice(words, case_sensitive=False)


_LOG_FORMAT = "%(name)s: %(message)s"


VERBOSE_KEY = "build_deck_verbose"
"""Where ``-v`` leaves its count in the click context's ``meta``."""


def every_line() -> bool:
    """Whether ``-v`` (or more) asked for every repeated line (``builder.cli.capped``)."""
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.meta.get(VERBOSE_KEY, 0))


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """Show the builder's log on stderr: -v what the caches decide, -vv everything."""
    ctx.meta[VERBOSE_KEY] = value  # -v also prints every repeated line (``capped``)
    logger = logging.getLogger("builder")
    for handler in [h for h in logger.handlers if getattr(h, "build_deck_cli", False)]:
        logger.removeHandler(handler)
    if not value or ctx.resilient_parsing:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.build_deck_cli = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if value == 1 else logging.DEBUG)


_VERBOSE = click.option(
    "-v", "--verbose", count=True, expose_value=False, callback=_set_verbosity,
    help="Say what the caches decide (parsed or reused, drawn or reused, why a build is "
         "skipped) on stderr; -vv says more.")


_CONFIGURATION_OPTIONS: tuple[Decorator, ...] = (
    click.argument("sources", nargs=-1, type=NonEmptyPath(path_type=Path)),
    click.option("-o", "--out", "out_dir", type=NonEmptyPath(path_type=Path, file_okay=False),
                 default=Path("dist"), show_default=True, envvar="BUILD_DECK_OUT",
                 callback=_folders,
                 help="Folder the decks and PDFs are written into."),
    click.option("--format", "formats", type=FormatList(), default="apkg,pdf",
                 show_default=True, help="Outputs to write, comma-separated: apkg, pdf, html "
                 "(an offline preview page of the cards)."),
    click.option("--math", type=_choice(MATH_MODES), default="image",
                 show_default=True, help="Draw formulas as images (same in every Anki "
                 "client) or keep Anki's MathJax."),
    _level("--section-level", "Heading level of sections [default: auto]; a file's front "
           "matter wins for that file."),
    _level("--question-level", "Heading level of questions, or 'file' [default: auto]; a "
           "file's front matter wins for that file."),
    click.option("--question-style", type=_choice(QUESTION_STYLES), default=None,
                 help="Questions are headings, whole bold lines, or whichever the file uses "
                      "[default: auto]; a file's front matter wins for that file."),
    click.option("--breaks/--no-breaks", default=True, show_default=True,
                 help="Show a single newline inside a paragraph as a line break."),
    click.option("--keep-empty", is_flag=True, help="Keep questions with an empty answer."),
    click.option("--strict", is_flag=True,
                 help="Treat warnings as errors: exit 1 (and build writes nothing)."),
    click.option("--no-lock", is_flag=True,
                 help="Do not use the identity lock (build-deck.lock): no GUIDs kept, no "
                 "reworded-question warnings."),
    click.option("--lock", "lock_path", type=NonEmptyPath(path_type=Path, dir_okay=False),
                 callback=_folders,
                 help="Lock file [default: build-deck.lock beside the first source]."),
    click.option("--cache-dir", type=NonEmptyPath(path_type=Path, file_okay=False),
                 callback=_folders,
                 help="Where drawn images and parsed notes are kept [default: OUT/.cache]."),
    click.option("-j", "--jobs", type=click.IntRange(*JOBS), default=0, show_default=True,
                 help="Worker processes for parsing, drawing and the PDF (0: one per CPU)."),
    click.option("--site-root", default=".", show_default=True, metavar="DIR",
                 callback=_site_root,
                 help="Folder inside the source tree that /absolute image paths start at."),
    _VERBOSE,
)
"""Every option that changes what a build reports: ``build``, ``check`` and ``watch``
take them, and turn them into a configuration with ``configured``."""

_OUTPUT_OPTIONS: tuple[Decorator, ...] = (
    click.option("--paper", type=_choice(PAPERS), default="a4", show_default=True,
                 help="PDF paper size."),
    click.option("--columns", type=click.IntRange(*COLUMNS), default=2, show_default=True,
                 help="PDF cheat-sheet columns."),
    click.option("--pdf-style", type=_choice(PDF_STYLES), default="sheet",
                 show_default=True,
                 help="PDF layout: a cheat sheet, or print-and-cut cards (duplex)."),
    click.option("--source-line", type=_choice(SOURCE_LINES), default="show",
                 show_default=True, help="Show or hide each card's Source line (notes/file.md:12)"
                 "; a file's front matter wins for that file."),
    click.option("--diff", is_flag=True,
                 help="List every changed note with its old and new text."),
    click.option("--force", is_flag=True,
                 help="Build and write even when nothing changed since the last build."),
)
"""The options that change only how the outputs are written: ``build`` and ``watch``."""


def _apply(options: tuple[Decorator, ...], command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(options):
        command = option(command)
    return command


def configuration_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command every option of ``_CONFIGURATION_OPTIONS``, in that order."""
    return _apply(_CONFIGURATION_OPTIONS, command)


def build_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command every option of ``build`` but ``-q`` (for ``watch``): turn what it
    receives into the configuration with ``configured(options)``."""
    return _apply(_CONFIGURATION_OPTIONS + _OUTPUT_OPTIONS, command)


_UNSET = (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP, None)


def configured(options: dict[str, Any]) -> BuildConfig:
    """The configuration the current command runs with: ``options`` the user gave
    (command line or environment) win over the project settings, which win over the
    defaults (see ``builder.build.config.configure``).  ``options`` are those of
    ``build_options`` (or a part of them), by name; a command's own (``-q``) stay out."""
    from builder.build.config import configure, lock_problem

    ctx = click.get_current_context()
    given = {name for name in options if ctx.get_parameter_source(name) not in _UNSET}
    config = configure(options, given)
    problem = lock_problem(config, from_project=config.lock_path is not None
                           and "lock_path" not in given)
    if problem is not None:
        raise click.UsageError(problem)
    return config
