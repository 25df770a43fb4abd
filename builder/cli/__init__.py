"""The ``build-deck`` command: options → BuildConfig → build(); the only module that prints."""

# ruff: noqa: E402  (the collector's thresholds are set before the imports)
from __future__ import annotations

import gc

GC_THRESHOLDS = (100_000, 50, 100)
"""The garbage collector's thresholds for a command (Python's are 700, 10, 10)."""

# Set before the imports below, not only when a command starts: with the default
# thresholds the collector runs ~60 times while a build's modules load, looking through
# the objects they make that live to the end (~5 ms of CPU).
gc.set_threshold(*GC_THRESHOLDS)

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from builder import __version__
from builder.cli.capped import diagnostic_lines, next_lines, output_lines, structure_lines
from builder.cli.ending import ENDING, started_as_command
from builder.cli.options import (
    NonEmptyPath,
    build_options,
    configuration_options,
    configured,
    every_line,
)
from builder.support.settings import did_you_mean

if TYPE_CHECKING:
    from builder.build.config import BuildConfig
    from builder.build.run import BuildResult
    from builder.model import Diagnostic
    from builder.parse.options import ParseOptions

# ``watch`` (and any command that builds) takes ``build_options`` and calls ``configured``.
__all__ = ["build_options", "configuration_options", "configured", "main", "run"]


class DefaultGroup(click.Group):
    """A group whose first argument falls through to ``build`` when it names no command.

    So ``build-deck``, ``build-deck notes/`` and ``build-deck build notes/`` all build,
    while ``build-deck check`` and ``build-deck diagram`` reach their subcommands.  A word
    that is no command and no existing path, but close to a command (``chek``), is a
    usage error that names the command.
    """

    default_command = "build"

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        """Run the command; run as the process's own command (no ``args``: its command
        line), a build that succeeded ends the process at once (``builder.cli.ending``)."""
        ENDING.begin(args is None and options.get("standalone_mode", True)
                     and started_as_command())
        try:
            return super().main(args, *rest, **options)
        except SystemExit as exc:
            ENDING.finish(exc)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and ctx.resilient_parsing:  # shell completion: offer the commands
            return super().parse_args(ctx, args)
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h",
                                                                         "--version")):
            if args:
                self._refuse_near_miss(ctx, args[0])
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def _refuse_near_miss(self, ctx: click.Context, word: str) -> None:
        if word.startswith("-") or any(c in word for c in "./\\") or Path(word).exists():
            return
        hint = did_you_mean(word, self.commands)
        if hint:
            ctx.fail(f"no such command '{word}' and no such file or directory{hint}")


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="build-deck")
def main() -> None:
    """Turn Markdown Q&A notes into Anki decks (.apkg) and printable PDF cheat sheets.

    With no command, builds: `build-deck [SOURCES]...` is `build-deck build [SOURCES]...`.
    Options left out are taken from the [tool.build-deck] table of pyproject.toml.
    Shell completion: eval "$(_BUILD_DECK_COMPLETE=bash_source build-deck)" (README).
    """
    # A build makes hundreds of thousands of objects that live to its end (tokens, nodes,
    # notes, cache entries): with the default thresholds the collector scans them again
    # and again (~15 % of an edit build's CPU).  Rarer collections cost some memory.
    gc.set_threshold(*GC_THRESHOLDS)


@main.command()
@build_options
@click.option("-q", "--quiet", is_flag=True, help="Print only diagnostics and errors.")
def build(quiet: bool, **options: Any) -> None:
    """Build decks and PDFs from SOURCES (Markdown files or folders; default: source_md)."""
    _build_and_report(configured(options), quiet, ENDING.keeper())
    ENDING.ready = True


def _build_and_report(config: BuildConfig, quiet: bool, keep: list[object] | None = None
                      ) -> None:
    """One build, reported: ``build``'s output, and each rebuild of ``watch``.  ``keep``:
    where the build leaves what it would free at its end (``builder.cli.ending``)."""
    from builder.build.config import BuildError, strict_refuses
    from builder.build.run import build as run_build

    before = _decks_in(config.out_dir)
    try:
        result = run_build(config, _progress_bar, keep=keep)
    except BuildError as exc:
        for line in diagnostic_lines(exc.diagnostics, every=every_line()):
            click.echo(line, err=True)
        raise click.ClickException(str(exc)) from None
    for line in diagnostic_lines(result.diagnostics, every=every_line()):
        click.echo(line, err=True)
    if not quiet:
        fresh = [result.up_to_date or (path.suffix == ".pdf" and not result.pdfs_typeset)
                 for path in result.outputs]
        for line in output_lines([f"unchanged {path}" if same else f"wrote {path}"
                                  for path, same in zip(result.outputs, fresh, strict=True)],
                                 every=every_line()):
            click.echo(line)
        for structure in structure_lines(result.structures, every=every_line()):
            click.echo(structure)
    summary = (f"{result.decks} deck(s), {result.cards} card(s), "
               f"{result.errors} error(s), {result.warnings} warning(s)")
    if result.rendered or result.reused:
        summary += f"; images: {result.rendered} rendered, {result.reused} from cache"
    if result.formula_failures:
        summary += f"; {result.formula_failures} formula(s) kept as MathJax"
    click.echo(summary, err=quiet)
    _print_changes(result, quiet)
    if keep is not None:
        keep.append(result)
    if not quiet and result.written:
        made = [deck for deck in sorted(_decks_in(config.out_dir) - before)
                if deck in result.outputs]
        for line in next_lines(made, every=every_line()):
            click.echo(line)
    if strict_refuses(config, result):
        raise click.ClickException("--strict: warnings found, nothing written")
    if result.errors:
        sys.exit(1)


def _decks_in(folder: Path) -> set[Path]:
    """The decks a folder holds, as the build names its outputs (``OUT/name.apkg``)."""
    try:
        return set(folder.glob("*.apkg"))
    except OSError:
        return set()


def _print_changes(result: BuildResult, quiet: bool) -> None:
    if quiet or result.changes is None:
        return
    click.echo(result.change_summary)
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
        from builder.render.diagrams import kinds

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
    from builder.render import assets, diagrams
    from builder.support.yamlload import YAMLError, load_plain

    values: dict[str, object] = {}
    for item in params:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="KEY=VALUE")
        try:
            values[key.strip()] = load_plain(raw)
        except YAMLError:
            values[key.strip()] = raw
    problem = diagrams.validate(kind, values)
    if problem is not None:
        raise click.UsageError(problem)
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg", "pdf"):
        raise click.BadParameter("use a .png, .svg or .pdf file name", param_hint="--output")
    try:
        assets.write_diagram(kind, values, output, suffix)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}")


@main.command()
@configuration_options
@click.option("--explain-structure", is_flag=True,
              help="Print each section and question found in SOURCES, with its line and "
                   "why, and nothing else (but for a project setting refused).")
def check(explain_structure: bool, **options: Any) -> None:
    """Report problems in SOURCES (default: source_md) without writing any deck or PDF.

    It takes every option of `build` that changes what a build reports, and reports
    exactly that: one line per problem, `path:line:col: error|warning|note: message [code]`,
    then a count.  Exit 0 when there are no errors (and, with --strict, no warnings),
    1 otherwise.
    """
    from builder.build.check import check as run_check
    from builder.build.config import BuildError, strict_refuses

    config = configured(options)
    if explain_structure:
        # A setting refused (pyproject.toml) leaves its default in force: said, as check
        # and build say it, or the reading explained would differ from the one asked for.
        for diagnostic in config.diagnostics:
            click.echo(str(diagnostic))
        _explain(config.sources, config.parse, keep_empty=config.keep_empty)
        return
    # Every diagnostic, uncapped: editors and CI read check's lines as places to go to.
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
    if result.errors or strict_refuses(config, result):
        sys.exit(1)


def _sources_found(sources: tuple[Path, ...]) -> tuple[list[tuple[Path, Path]], int]:
    """The Markdown files of ``sources`` (``find_sources``), having printed what was left
    out of them (a file whose name cannot be shown: the others go on), and how many of
    those are errors; a source that cannot be read at all ends the command."""
    from builder.build.config import BuildError, find_sources, inside_roots

    skipped: list[Diagnostic] = []
    try:
        found = inside_roots(find_sources(sources, skipped), skipped)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from None
    for diagnostic in skipped:
        click.echo(str(diagnostic))
    return found, sum(d.severity == "error" for d in skipped)


def _explain(sources: tuple[Path, ...], parse: ParseOptions, *, keep_empty: bool) -> None:
    from builder.build.config import display_path
    from builder.checks.explain import explain_file
    from builder.parse.source import SourceError

    found, skipped_errors = _sources_found(sources)
    for path, _root in found:
        try:
            click.echo("\n".join(explain_file(path, display_path(path), parse,
                                               keep_empty=keep_empty)))
        except SourceError as exc:
            click.echo(f"{exc.loc}: error: {exc.message} [source]")
    if skipped_errors:
        sys.exit(1)


@main.command("help")
@click.argument("command", required=False)
@click.pass_context
def help_command(ctx: click.Context, command: str | None) -> None:
    """Show the help of build-deck, or of COMMAND."""
    group = ctx.parent
    assert group is not None  # always run inside the build-deck group
    if command is None:
        click.echo(group.get_help())
        return
    found = main.get_command(group, command)
    if found is None:
        raise click.UsageError(f"no such command '{command}'{did_you_mean(command, main.commands)}",
                               ctx)
    click.echo(found.get_help(click.Context(found, info_name=command, parent=group)))


@main.command()
@click.argument("files", nargs=-1, type=NonEmptyPath(path_type=Path))
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; report out-of-date blocks and exit 1 if there are any.")
def toc(files: tuple[Path, ...], check_only: bool) -> None:
    """Rewrite the <!-- TOC --> block of FILES (default: source_md) from their headings.

    Only the lines between the markers change; the block keeps its bullet and indent.
    """
    from builder.build.config import DEFAULT_SOURCES, display_path
    from builder.build.toc_update import update_file

    # The sources build, check and watch default to; toc reads no project settings (it
    # rewrites headings' links, which no setting changes).
    sources, failed = _sources_found(files or DEFAULT_SOURCES)
    stale = 0
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
    from builder.build.watch import WatchError, pinned, watch

    quiet = bool(options.pop("quiet", False))
    config = configured(options)

    def rebuild(changed: list[str]) -> None:
        if changed:
            click.echo(f"changed: {', '.join(changed[:5])}"
                       + (f" and {len(changed) - 5} more" if len(changed) > 5 else ""))
        try:
            # Configured again: a saved pyproject.toml counts from the next build on,
            # but for where the outputs go.  Build's reporting, line for line.
            _build_and_report(pinned(configured(options), config), quiet)
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
