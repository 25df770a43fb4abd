"""Hostile inputs met in s11's attack.  Work is bounded by counting calls or by a CPU
limit in a child, never by timing."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import overload

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parse.source import SourceError, decode_source
from builder.support.htmlscan import SafeHTMLParser

_ROOT = Path(__file__).resolve().parent.parent

Event = tuple[object, ...]


def _recorder(base: type[HTMLParser], charrefs: bool) -> type[HTMLParser]:
    """A parser of class ``base`` that records every event with its place."""

    class Recorder(base):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            super().__init__(convert_charrefs=charrefs)
            self.events: list[Event] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.events.append(("start", tag, tuple(attrs), self.getpos(),
                                self.get_starttag_text()))

        def handle_startendtag(self, tag: str,
                               attrs: list[tuple[str, str | None]]) -> None:
            self.events.append(("startend", tag, tuple(attrs), self.getpos()))

        def handle_endtag(self, tag: str) -> None:
            self.events.append(("end", tag, self.getpos()))

        def handle_data(self, data: str) -> None:
            self.events.append(("data", data, self.getpos()))

        def handle_comment(self, data: str) -> None:
            self.events.append(("comment", data, self.getpos()))

        def handle_decl(self, decl: str) -> None:
            self.events.append(("decl", decl, self.getpos()))

        def handle_pi(self, data: str) -> None:
            self.events.append(("pi", data, self.getpos()))

        def unknown_decl(self, data: str) -> None:
            self.events.append(("section", data, self.getpos()))

        def handle_entityref(self, name: str) -> None:
            self.events.append(("entity", name, self.getpos()))

        def handle_charref(self, name: str) -> None:
            self.events.append(("charref", name, self.getpos()))

    return Recorder


def _events(parser_class: type[HTMLParser], text: str) -> list[Event]:
    parser = parser_class()
    parser.feed(text)
    parser.close()
    events: list[Event] = parser.events  # type: ignore[attr-defined]
    return events


_PIECES = ["<", ">", "a", "b", " ", "'", '"', "=", "/", "!", "-", "?", "[", "]", "CDATA",
           "if", "\n", "&", "#", "\x00", "x", "<!--", "-->", "script", "<a ", "</", "\x0b",
           "&amp;", "&#65;"]


@pytest.mark.skipif(sys.version_info[:2] != (3, 11),
                    reason="start tags are read as Python 3.11 reads them")
@pytest.mark.parametrize("charrefs", [True, False])
def test_the_linear_parser_reads_every_text_as_the_standard_one(charrefs: bool) -> None:
    # The memos (closer searches, start-tag attribute runs, no '>' left) must not change
    # what is read: every event and its place, on texts of markup pieces in any order.
    safe, standard = _recorder(SafeHTMLParser, charrefs), _recorder(HTMLParser, charrefs)
    chance = random.Random(11)
    compared = 0
    for _ in range(6000):
        # Half open with a start tag that never closes, so the rest is read at close().
        text = chance.choice(["", "<a b='", '<a b="'])
        text += "".join(chance.choice(_PIECES) for _ in range(chance.randint(1, 24)))
        try:
            expected = _events(standard, text)
        except AssertionError:  # Python 3.11's own failure on some <![
            continue
        assert _events(safe, text) == expected, repr(text)
        compared += 1
    assert compared > 5000


_REAL_HTML = [
    '<div align="center"><img src="a.png" alt="x > y" width=300/><br></div>',
    "<table><tr><td style='color:red'>1</td></tr></table><!-- note --> <?php x ?>",
    '<details><summary>Q</summary>\n<p>ans <a href="https://e.x/?a=1&b=2">l</a></p>'
    '</details><![CDATA[ x ]]><!DOCTYPE html><![if !IE]>ie<![endif]>',
    '<script>var a = "</div>";</script><style>p > b {}</style><img src="data:image/'
    'png;base64,' + "QUJD" * 5000 + '" >',
]


@pytest.mark.skipif(sys.version_info[:2] != (3, 11),
                    reason="start tags are read as Python 3.11 reads them")
@pytest.mark.parametrize("html", _REAL_HTML)
def test_real_html_is_read_as_the_standard_parser_reads_it(html: str) -> None:
    for charrefs in (True, False):
        safe, standard = _recorder(SafeHTMLParser, charrefs), _recorder(HTMLParser, charrefs)
        assert _events(safe, html) == _events(standard, html)


_UNCLOSED_CHILD = """
import resource
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
from builder.anki.htmldepth import flatten_deep
from builder.anki.legacytags import modernised
from builder.checks.rawhtml import problems, raw_images
from builder.parse.questiontext import untagged
# Each was quadratic in html.parser: 20,000 <a b=' took 84 s, 80,000 <a 35 s, 80,000 </
# or <? 3-6 s; here 300,000 of the short ones (~21 s of a loaded machine's CPU when
# linear; a reader gone quadratic again adds a minute or more).
units = {"<a b='": 40_000, "<a": 300_000, "</a": 300_000, "</": 300_000, "<?": 300_000,
         "<!x": 300_000, "<![CDATA[>": 100_000, "<![if >": 100_000, "<a b='>'": 40_000,
         "<a b=\\"": 40_000, "<a/": 300_000}
for unit, count in units.items():
    tail = "c='" if unit == "<a b='>'" else ""
    fragment = '<img src="a.png">' + unit * count + tail
    problems(fragment)
    assert [image.src for image in raw_images(fragment)] == ["a.png"], unit
    flatten_deep(fragment)
    modernised(fragment)
    untagged(fragment)
print("done")
"""


def test_unclosed_markup_in_raw_html_is_read_in_linear_work() -> None:
    """Every raw-HTML reader on long runs of openers that never close, in a child with
    60 s of CPU for what now takes 12-21 s (the 20,000 ``<a b='`` alone took 84)."""
    done = subprocess.run([sys.executable, "-c", _UNCLOSED_CHILD], capture_output=True,
                          text=True, cwd=_ROOT, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "done", done.stderr[-800:]


def test_a_file_name_that_is_not_utf8_is_a_located_error_and_the_rest_builds(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text("# Good\n\n## Kept?\n\nyes\n", encoding="utf-8")
    bad = os.fsencode(notes) + b"/bad\xff\xfename.md"
    with open(bad, "wb") as handle:
        handle.write(b"# Bad\n\n## Lost?\n\nno\n")
    for command in (["check", str(notes)],
                    ["build", str(notes), "--format", "apkg", "--no-lock", "-o",
                     str(tmp_path / "out")]):
        done = CliRunner().invoke(main, command)
        assert "Error:" not in done.output and "Traceback" not in done.output, done.output
        assert (f"{notes}/bad\\xff\\xfename.md:1:1: error: file name is not valid UTF-8 "
                "(rename the file): its notes are left out of the build [source-name]"
                ) in done.output, done.output
    assert (tmp_path / "out" / "Good.apkg").is_file()


def test_toc_and_explain_structure_name_a_file_name_that_is_not_utf8_and_go_on(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    good = notes / "good.md"
    good.write_text("# Good\n\n<!-- TOC -->\n<!-- /TOC -->\n\n## Kept?\n\nyes\n",
                    encoding="utf-8")
    with open(os.fsencode(notes) + b"/bad\xffname.md", "wb") as handle:
        handle.write(b"# Bad\n\n## Lost?\n\nno\n")
    error = (f"{notes}/bad\\xffname.md:1:1: error: file name is not valid UTF-8 (rename "
             "the file): its notes are left out of the build [source-name]")
    explained = CliRunner().invoke(main, ["check", "--explain-structure", str(notes)])
    assert explained.exit_code == 1 and error in explained.output, explained.output
    assert "question 'Kept?'" in explained.output, explained.output
    updated = CliRunner().invoke(main, ["toc", str(notes)])
    assert updated.exit_code == 1 and error in updated.output, updated.output
    assert "- [Kept?](#kept)" in good.read_text(encoding="utf-8")
    for done in (explained, updated):
        assert "Error:" not in done.output and "Traceback" not in done.output, done.output


@pytest.mark.parametrize(("encoded", "shown"), [
    (b"\xed\xa0\xbd\xed\xb8\x80", "U+D83D"),  # an emoji's two halves, CESU-8
    (b"\xed\xb8\x80", "U+DE00"),  # one half alone, WTF-8
])
def test_a_surrogate_written_as_a_character_is_named_not_taken_for_cp1252(
        encoded: bytes, shown: str) -> None:
    data = b"# D\n\n## Q?\n\nok " + encoded + b" and\n"
    with pytest.raises(SourceError) as raised:
        decode_source(data, "n.md")
    assert (raised.value.loc.line, raised.value.loc.col) == (5, 4)
    assert f"UTF-16 surrogate ({shown})" in raised.value.message
    assert "cp1252" not in raised.value.message
    # A real cp1252 file is still named so.
    with pytest.raises(SourceError, match="looks like cp1252"):
        decode_source("# D\n\n## Q?\n\ncafé ’\n".encode("cp1252"), "n.md")


@pytest.mark.parametrize(("planted", "where"), [
    ('"changed": ' + "9" * 5000 + "}", "notetype"),
    ('"changed": "' + "9" * 5000 + '",', "entry"),
    ('"version": -' + "2" * 5000, "version"),
])
def test_a_lock_number_of_thousands_of_digits_is_named_in_our_words(
        tmp_path: Path, planted: str, where: str) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("# D\n\n## Q?\n\nans\n", encoding="utf-8")
    out = str(tmp_path / "out")
    assert CliRunner().invoke(main, ["build", str(notes), "--format", "apkg", "-o", out]
                              ).exit_code == 0
    lock = notes / "build-deck.lock"
    text = lock.read_text(encoding="utf-8")
    original = {"notetype": '"changed": ' + text.split('"changed": ')[1].split("}")[0] + "}",
                "entry": '"changed": ' + text.split('"changed": ')[2].split(",")[0] + ",",
                "version": '"version": 2'}[where]
    assert original in text
    lock.write_text(text.replace(original, planted, 1), encoding="utf-8")
    done = CliRunner().invoke(main, ["build", str(notes), "--format", "apkg", "-o", out])
    assert "a number of 5,000 digits" in done.output, done.output
    assert "4300" not in done.output and "set_int_max_str_digits" not in done.output
    assert ("[lock-entry]" if where == "entry" else "[lock-file]") in done.output


_CTRL_C_IN_EXEC_CHILD = """
import sys
import builder.build.run as build_run
from builder.cli import run

original = build_run.build

def interrupted(*args, **kwargs):
    # A Ctrl-C that lands while dataclasses make a class's methods (exec of their source).
    exec("import os, signal\\nos.kill(os.getpid(), signal.SIGINT)\\nfor _ in range(10**7): pass")
    return original(*args, **kwargs)

build_run.build = interrupted
try:
    run(["watch", "notes", "--format", "apkg"])
except SystemExit as exc:
    print("watch ended", exc.code, flush=True)
"""


def test_ctrl_c_landing_in_generated_code_ends_the_watch_with_status_0(
        tmp_path: Path) -> None:
    """Python 3.11 took a Ctrl-C that left an ``exec`` of a string for unhandled, though
    the watch caught it, and killed the process by SIGINT at its end: status -2, and
    nothing printed (the CI failure of test_watch's Ctrl-C test)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# D\n\n## Q?\n\nans\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_C_IN_EXEC_CHILD], capture_output=True, text=True,
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(_ROOT), "TMPDIR": str(tmp_path)},
        timeout=120, check=False)
    assert "watch ended 0" in done.stdout, (done.stdout, done.stderr)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr


def _staged_warm_ups(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("sheet-part.typ") if "build-deck-pdf-" in str(p)]


def test_workers_stopped_while_they_warm_up_leave_no_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A watch's fresh PDF worker typesets a warm-up part as it starts; stopped meanwhile
    (the watch ends, test_watch's PDF test each run), it left a folder in the system's
    temporary folder.  It warms up in a folder the watch removes."""
    import tempfile
    import time

    from builder.pdf.jobs import _new_pool, warm_workers

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # the spawned worker's too
    monkeypatch.setattr(tempfile, "tempdir", None)
    with warm_workers() as warm:
        warm.keep(_new_pool(1), 1)
        deadline = time.monotonic() + 120
        while not _staged_warm_ups(scratch):  # typst compiles the part: stop it now
            assert time.monotonic() < deadline, "the worker never warmed up"
            time.sleep(0.01)
    assert not list(scratch.iterdir())


def _dense(kind: str) -> str:
    """Just under 1 MB of the densest Markdown of one kind (~1.4 million tokens)."""
    body = {"table": "| a | b |\n|---|---|\n" + "|x|y|\n" * 170_000,
            "list": "- x\n" * 250_000,
            "emphasis": "*a* " * 250_000}[kind]
    return "# Deck\n\n## Q?\n\n" + body


_CHECK_PEAK_CHILD = """
import sys
from pathlib import Path
from builder.cli import run
try:
    run(["check", sys.argv[1]])
except SystemExit as exc:
    print("exit", exc.code)
status = Path("/proc/self/status").read_text()
print("peak", next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:")))
"""


@pytest.mark.parametrize("kind", ["table", "list", "emphasis"])
def test_a_file_of_dense_markdown_is_refused_at_its_place_in_bounded_memory(
        tmp_path: Path, kind: str) -> None:
    """A 1 MB file of one 170,000-row table took 1.2 GB (and 30 s) on check: markdown-it
    makes some 1.4 million tokens of it.  The parse stops at 400,000, with an error at
    the line it reached.  Memory is the child's own peak (VmHWM), not time."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "dense.md").write_text(_dense(kind), encoding="utf-8")
    assert (notes / "dense.md").stat().st_size <= 1024 * 1024
    done = subprocess.run(
        [sys.executable, "-c", _CHECK_PEAK_CHILD, str(notes)], capture_output=True,
        text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(_ROOT)},
        timeout=300, check=False)
    out = done.stdout + done.stderr
    assert "Traceback" not in out, out[-800:]
    # Where the parse was: the table's or the paragraph's first line, the 80,000th item.
    line = {"table": 5, "list": 80_004, "emphasis": 5}[kind]
    assert f"notes/dense.md:{line}:1: error: file makes over 400,000 Markdown elements" in out
    assert "[file-too-large]" in out and "exit 1" in out
    peak_mb = int(out.split("peak ")[1].split()[0]) / 1024
    assert peak_mb < 500, f"{kind}: {peak_mb:.0f} MB"


def test_the_token_budget_counts_each_parse_anew() -> None:
    """A repair parses a file again with the same env: its count must not add up."""
    from builder.parse import nesting
    from builder.parse.markdown import tokenize

    env: dict[str, object] = {}
    text = "# D\n\n## Q?\n\n" + "- *x*\n" * 1000
    tokenize(text, env)
    first = env["builder_tokens"]
    tokenize(text, env)
    assert env["builder_tokens"] == first
    assert isinstance(first, int) and 7000 < first < nesting.MAX_TOKENS


def test_the_next_sibling_question_is_found_without_copying_the_headings_after() -> None:
    """Each heading's next sibling was looked for in a copy of every heading after it: a
    file of 20,000 '## 问题' labels over '### 什么？' questions did quadratic work."""
    from builder.parse import strays
    from builder.parse.strays import SurveyedHeading

    class Counted(Sequence[SurveyedHeading]):
        """The headings, counting each one read (a slice reads all it copies)."""

        def __init__(self, items: list[SurveyedHeading]) -> None:
            self.items, self.read = items, 0

        def __len__(self) -> int:
            return len(self.items)

        @overload
        def __getitem__(self, key: int) -> SurveyedHeading: ...

        @overload
        def __getitem__(self, key: slice) -> list[SurveyedHeading]: ...

        def __getitem__(self, key: int | slice) -> SurveyedHeading | list[SurveyedHeading]:
            got = self.items[key]
            self.read += len(got) if isinstance(got, list) else 1
            return got

    headings = Counted([SurveyedHeading(2 + i % 2, "问题" if i % 2 == 0 else "什么？", i + 1,
                                        True, None) for i in range(4000)])
    found = [strays._next_question(headings, index) for index in range(len(headings))]
    assert found[0] is headings.items[2] and found[1] is None and found[-2] is None
    assert headings.read <= 5 * len(headings), headings.read


def test_toc_on_a_file_of_dense_markdown_is_a_located_error(tmp_path: Path) -> None:
    """``build-deck toc`` parses the file itself too: the budget's error is its error."""
    notes = tmp_path / "dense.md"
    notes.write_text("<!-- TOC -->\n<!-- /TOC -->\n" + _dense("list"), encoding="utf-8")
    done = CliRunner().invoke(main, ["toc", "--check", str(notes)])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    assert "error: file makes over 400,000 Markdown elements" in done.output, done.output
    assert "[file-too-large]" in done.output


def test_an_edit_that_makes_too_many_tokens_is_reported_not_raised_by_the_splice(
        tmp_path: Path) -> None:
    """An edit inside one answer is parsed alone (``parse.splice``); one that makes the
    answer too dense must leave the splice to the whole parse, which reports it at its
    place, not escape from the splice as an exception."""
    notes = tmp_path / "notes"
    notes.mkdir()
    questions = "".join(f"## Question {i}?\n\nAnswer {i}.\n\n" for i in range(12))
    source = notes / "n.md"
    source.write_text("# Deck\n\n" + questions, encoding="utf-8")
    build = ["build", str(notes), "-o", str(tmp_path / "out"), "--format", "apkg",
             "--math", "mathjax", "--lock", str(tmp_path / "deck.lock")]
    first = CliRunner().invoke(main, build)
    assert first.exit_code == 0, first.output
    source.write_text(source.read_text("utf-8").replace("Answer 5.", "*a* " * 200_000),
                      encoding="utf-8")
    again = CliRunner().invoke(main, build)
    assert again.exception is None or isinstance(again.exception, SystemExit), again.output
    assert "error: file makes over 400,000 Markdown elements" in again.output, again.output
    assert "[file-too-large]" in again.output
