"""The ``build-deck`` command: options → BuildConfig → build(); the only module that prints."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from builder import __version__

if TYPE_CHECKING:
    from builder.build import BuildResult
    from builder.parse import ParseOptions

_FORMATS = ("apkg", "pdf")


class DefaultGroup(click.Group):
    """A group whose first argument falls through to ``build`` when it names no command.

    So ``build-deck``, ``build-deck notes/`` and ``build-deck build notes/`` all build,
    while ``build-deck check`` and ``build-deck diagram`` reach their subcommands.
    """

    default_command = "build"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h",
                                                                         "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


class FormatList(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A comma-separated subset of the output formats."""

    name = "FORMATS"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        chosen = tuple(dict.fromkeys(v.strip().lower() for v in str(value).split(",")
                                     if v.strip()))
        unknown = [v for v in chosen if v not in _FORMATS]
        if unknown or not chosen:
            self.fail(f"{value!r}: choose from {', '.join(_FORMATS)} (comma-separated)",
                      param, ctx)
        return chosen


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="build-deck")
def main() -> None:
    """Turn Markdown Q&A notes into Anki decks (.apkg) and printable PDF cheat sheets.

    With no command, builds: `build-deck [SOURCES]...` is `build-deck build [SOURCES]...`.
    """


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


def _level(name: str, help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    words = ("auto", "file") if name == "--question-level" else ("auto",)
    return click.option(name, type=Level(words), default=None, help=help_text)


_question_style = click.option(
    "--question-style", type=click.Choice(["auto", "heading", "bold"]), default=None,
    help="Questions are headings, whole bold lines, or whichever the file uses "
         "[default: auto, or front matter].")


_CONFIGURATION_OPTIONS: tuple[Callable[[Callable[..., Any]], Callable[..., Any]], ...] = (
    click.argument("sources", nargs=-1, type=click.Path(path_type=Path)),
    click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
                 default=Path("dist"), show_default=True, envvar="BUILD_DECK_OUT",
                 help="Folder the decks and PDFs are written into."),
    click.option("--format", "formats", type=FormatList(), default="apkg,pdf",
                 show_default=True, help="Outputs to write: apkg, pdf or both."),
    click.option("--math", type=click.Choice(["image", "mathjax"]), default="image",
                 show_default=True, help="Draw formulas as images (same in every Anki "
                 "client) or keep Anki's MathJax."),
    _level("--section-level", "Heading level of sections [default: auto, or front matter]."),
    _level("--question-level",
           "Heading level of questions, or 'file' [default: auto, or front matter]."),
    _question_style,
    click.option("--breaks/--no-breaks", default=True, show_default=True,
                 help="Show a single newline inside a paragraph as a line break."),
    click.option("--keep-empty", is_flag=True, help="Keep questions with an empty answer."),
    click.option("--strict", is_flag=True,
                 help="Treat warnings as errors: exit 1 (and build writes nothing)."),
    click.option("--no-lock", is_flag=True,
                 help="Do not use the identity lock (build-deck.lock): no GUIDs kept, no "
                 "reworded-question warnings."),
    click.option("--lock", "lock_path", type=click.Path(path_type=Path, dir_okay=False),
                 help="Lock file [default: build-deck.lock beside the first source]."),
    click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
                 help="Where drawn images and parsed notes are kept [default: OUT/.cache]."),
    click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, show_default=True,
                 help="Worker processes for parsing, drawing and the PDF (0: one per CPU)."),
    click.option("--site-root", default=".", show_default=True, metavar="DIR",
                 help="Folder inside the source tree that /absolute image paths start at."),
)
"""Every option that changes what a build reports: ``build`` and ``check`` both take them,
and both turn them into a configuration with ``builder.config.configure``."""


def configuration_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command every option of ``_CONFIGURATION_OPTIONS``, in that order."""
    for option in reversed(_CONFIGURATION_OPTIONS):
        command = option(command)
    return command


@main.command()
@configuration_options
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="PDF paper size.")
@click.option("--columns", type=click.IntRange(1, 3), default=2, show_default=True,
              help="PDF cheat-sheet columns.")
@click.option("--pdf-style", type=click.Choice(["sheet", "cards"]), default="sheet",
              show_default=True,
              help="PDF layout: a cheat sheet, or print-and-cut cards (duplex).")
@click.option("--diff", is_flag=True,
              help="List every changed note with its old and new text.")
@click.option("--force", is_flag=True,
              help="Build and write even when nothing changed since the last build.")
@click.option("-q", "--quiet", is_flag=True, help="Print only diagnostics and errors.")
def build(quiet: bool, **options: Any) -> None:
    """Build decks and PDFs from SOURCES (Markdown files or folders; default: source_md)."""
    from builder.build import build as run_build
    from builder.config import BuildError, configure

    config = configure(**options)
    try:
        result = run_build(config, _progress_bar)
    except BuildError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(str(diagnostic), err=True)
        raise click.ClickException(str(exc)) from None
    for diagnostic in result.diagnostics:
        click.echo(str(diagnostic), err=True)
    if not quiet:
        for path in result.outputs:
            fresh = result.up_to_date or (path.suffix == ".pdf" and not result.pdfs_typeset)
            click.echo(f"unchanged {path}" if fresh else f"wrote {path}")
        for structure in result.structures:
            click.echo(structure)
    summary = (f"{result.decks} deck(s), {result.cards} card(s), "
               f"{result.errors} error(s), {result.warnings} warning(s)")
    if result.rendered or result.reused:
        summary += f"; images: {result.rendered} rendered, {result.reused} from cache"
    if result.formula_failures:
        summary += f"; {result.formula_failures} formula(s) kept as MathJax"
    click.echo(summary, err=quiet)
    _print_changes(result, quiet)
    if config.strict and (result.errors or result.warnings):
        raise click.ClickException("--strict: warnings found, nothing written")
    if result.errors:
        sys.exit(1)


def _print_changes(result: BuildResult, quiet: bool) -> None:
    from builder import report

    if quiet or result.changes is None:
        return
    click.echo(report.summary(result.changes))
    for line in result.change_details:
        click.echo(line)
    if result.changes.removed and result.removed_search:
        click.echo("Anki never deletes on import. To delete the removed notes: Browse, search "
                   f"for the line in {result.removed_file}, select all, Delete.")


def _progress_bar(label: str, total: int) -> Any:
    """Return an update callback: a progress bar on a terminal, silence otherwise."""
    if not sys.stderr.isatty() or total <= 0:
        return lambda n: None
    bar = click.progressbar(length=total, label=label, file=sys.stderr)
    bar.__enter__()
    done = 0

    def update(n: int) -> None:
        nonlocal done
        done += n
        bar.update(n)
        if done >= total:
            bar.__exit__(None, None, None)

    return update


def run(argv: Sequence[str] | None = None) -> None:
    """Entry point for ``python -m builder``."""
    main.main(args=list(argv) if argv is not None else None, prog_name="build-deck")


class _DiagramCommand(click.Command):
    """Lists every diagram type and its parameters at the end of ``--help``."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from builder.diagrams import kinds

        for kind in kinds().values():
            with formatter.section(f"{kind.name}: {kind.summary}"):
                formatter.write_dl([
                    (f"{p.name}={p.default!r}".replace("'", ""), f"{p.help} ({p.allowed()})")
                    for p in kind.params
                ])


@main.command(cls=_DiagramCommand)
@click.argument("kind", metavar="TYPE")
@click.argument("params", nargs=-1, metavar="KEY=VALUE...")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Image to write: .png, .svg or .pdf.")
def diagram(kind: str, params: tuple[str, ...], output: Path) -> None:
    """Render one diagram TYPE with parameters KEY=VALUE (values are YAML: 3, true, [1, 2])."""
    from builder.diagrams import render, validate
    from builder.yamlload import YAMLError, load_plain

    values: dict[str, object] = {}
    for item in params:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="KEY=VALUE")
        try:
            values[key.strip()] = load_plain(raw)
        except YAMLError:
            values[key.strip()] = raw
    problem = validate(kind, values)
    if problem is not None:
        raise click.UsageError(problem)
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg", "pdf"):
        raise click.BadParameter("use a .png, .svg or .pdf file name", param_hint="--output")
    from builder.atomic import atomic_path
    from builder.diagrams._style import diagram_style

    try:
        with diagram_style(), atomic_path(output) as temp:
            render(kind, values).savefig(temp, format=suffix, dpi=200)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}")


@main.command()
@configuration_options
@click.option("--explain-structure", is_flag=True,
              help="Print each section and question found in SOURCES, with its line and "
                   "why, and nothing else.")
def check(explain_structure: bool, **options: Any) -> None:
    """Report problems in SOURCES (default: source_md) without writing any deck or PDF.

    It takes every option of `build` that changes what a build reports, and reports
    exactly that: one line per problem, `path:line:col: error|warning|note: message [code]`,
    then a count.  Exit 0 when there are no errors (and, with --strict, no warnings),
    1 otherwise.
    """
    from builder.check import check as run_check
    from builder.config import BuildError, configure

    config = configure(**options)
    if explain_structure:
        _explain(config.sources, config.parse)
        return
    try:
        result = run_check(config)
    except BuildError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(str(diagnostic))
        raise click.ClickException(str(exc)) from None
    for diagnostic in result.diagnostics:
        click.echo(str(diagnostic))
    click.echo(f"{result.files} file(s) checked: {result.errors} error(s), "
               f"{result.warnings} warning(s)")
    if result.errors or (config.strict and result.warnings):
        sys.exit(1)


def _explain(sources: tuple[Path, ...], parse: ParseOptions) -> None:
    from builder.config import BuildError, display_path, find_sources
    from builder.explain import explain_file
    from builder.source import SourceError

    try:
        found = find_sources(sources)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None
    for path, _root in found:
        try:
            click.echo("\n".join(explain_file(path, display_path(path), parse)))
        except SourceError as exc:
            click.echo(f"{exc.loc}: error: {exc.message} [source]")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; report out-of-date blocks and exit 1 if there are any.")
def toc(files: tuple[Path, ...], check_only: bool) -> None:
    """Rewrite the <!-- TOC --> block of FILES (default: source_md) from their headings.

    Only the lines between the markers change; the block keeps its bullet and indent.
    """
    from builder.config import BuildError, display_path, find_sources
    from builder.toc_update import update_file

    try:
        sources = find_sources(files or (Path("source_md"),))
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None
    stale = failed = 0
    for path, _root in sources:
        update = update_file(path, display_path(path), check=check_only)
        for diagnostic in update.diagnostics:
            # Without --check the differences are fixed, not reported.
            if check_only or diagnostic.severity == "error":
                click.echo(str(diagnostic))
        if update.note:
            click.echo(f"{update.path}: {update.note}", err=True)
        if update.written:
            click.echo(f"updated {update.path}")
        stale += update.changed
        failed += any(d.severity == "error" for d in update.diagnostics)
    if check_only:
        click.echo(f"{stale} of {len(sources)} TOC block(s) out of date")
    if failed or (check_only and stale):
        sys.exit(1)


def _watch(**options: Any) -> None:
    """Build SOURCES, then again after every save, until Ctrl-C.

    One process stays up and keeps what it parsed; each rebuild prints its diagnostics
    and what changed.  A save with errors writes nothing: the last good outputs stay.
    """
    from builder.config import configure
    from builder.watch import WatchError, watch

    ctx = click.get_current_context()
    config = configure(**{k: v for k, v in options.items() if k != "quiet"})

    def rebuild(changed: list[str]) -> None:
        if changed:
            click.echo(f"changed: {', '.join(changed[:5])}"
                       + (f" and {len(changed) - 5} more" if len(changed) > 5 else ""))
        try:
            ctx.invoke(build, **options)  # build's own reporting, line for line
        except click.ClickException as exc:
            exc.show()
            click.echo("the last good outputs are kept", err=True)
        except SystemExit as exc:
            if exc.code:
                click.echo("errors: the last good outputs are kept", err=True)

    try:
        watch(config, rebuild, started=lambda watched: click.echo(
            f"watching {watched.shown()} (Ctrl-C to stop)"))
    except WatchError as exc:
        raise click.ClickException(str(exc)) from None


# Every option of build, whatever it gains, except --force: each save builds what changed.
main.add_command(click.Command(
    "watch", callback=_watch, help=_watch.__doc__, short_help="Build again after every save.",
    params=[param for param in build.params if param.name != "force"]))
