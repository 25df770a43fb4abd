"""Hostile inputs met in s16's attack.  Work is bounded by counting what is done, never
by timing."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, SupportsIndex, overload

import pytest
from click.testing import CliRunner
from markdown_it.token import Token

from builder.build.prewrite import output_name
from builder.cli import main
from builder.parse import callouts
from builder.parse.diagramnumbers import with_numbers
from builder.parse.texsizes import clamp_tall_sizes

from .conftest import imported_answer, write
from .imagefiles import png

if TYPE_CHECKING:
    from anki.collection import Collection


class _CopyCounting(list[Token]):
    """Tokens that count how many of them slices copy."""

    copied = 0

    @overload
    def __getitem__(self, index: SupportsIndex) -> Token: ...
    @overload
    def __getitem__(self, index: slice) -> list[Token]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Token | list[Token]:
        found = super().__getitem__(index)
        if isinstance(found, list):
            type(self).copied += len(found)
        return found


def _alert(number: int) -> list[Token]:
    """The tokens markdown-it reads ``> [!note] t`` + ``> body`` as."""
    inline = Token("inline", "", 0, content=f"[!note] t{number}\nbody", map=[0, 2])
    return [Token("blockquote_open", "blockquote", 1, map=[0, 2]),
            Token("paragraph_open", "p", 1, map=[0, 2]), inline,
            Token("paragraph_close", "p", -1), Token("blockquote_close", "blockquote", -1)]


def test_ten_thousand_alerts_are_read_in_linear_work() -> None:
    """Each alert looked for its closing quote in a copy of every token after it: a
    1 MB file of ``> [!note]`` callouts took 30 s to check (7 s at 0.5 MB)."""
    count = 3000
    tokens = _CopyCounting(t for n in range(count) for t in _alert(n))
    state: Any = SimpleNamespace(tokens=tokens)
    _CopyCounting.copied = 0
    callouts._callouts(state)
    assert _CopyCounting.copied <= 4 * count, _CopyCounting.copied
    # Each is still a callout closed where its quote closes, its title read.
    kinds = [t.type for t in state.tokens]
    assert kinds.count("callout_open") == kinds.count("callout_close") == count
    assert [t.content for t in state.tokens if t.type == "inline"][:4] == [
        "t0", "body", "t1", "body"]


@pytest.mark.parametrize(("tex", "kept", "clamped"), [
    # Measured in Chromium with MathJax 3 (tex-chtml-full): 11,353 pixels of blank at
    # 100cm for the three fraction rules, 7,568 for the box's padding.
    ("\\genfrac{(}{)}{100cm}{}{a}{b}", "\\genfrac{(}{)}{20em}{}{a}{b}", ["\\genfrac"]),
    ("\\genfrac\\{\\}{ 100 cm}{}{a}{b}", "\\genfrac\\{\\}{ 20em}{}{a}{b}", ["\\genfrac"]),
    ("a\\above100cm b", "a\\above20em b", ["\\above"]),
    ("a \\abovewithdelims() 100cm b", "a \\abovewithdelims() 20em b",
     ["\\abovewithdelims"]),
    ("\\bbox[red,100cm]{x}", "\\bbox[red,20em]{x}", ["\\bbox"]),
    ("\\bbox[ 100cm ,red]{x}", "\\bbox[ 20em ,red]{x}", ["\\bbox"]),
    # What these draw as a formula means them stays.
    ("\\genfrac{\\langle}{\\rangle}{0pt}{}{a}{b}", "\\genfrac{\\langle}{\\rangle}{0pt}{}{a}{b}",
     []),
    ("\\genfrac{}{}{}{}{100cm}{b}", "\\genfrac{}{}{}{}{100cm}{b}", []),  # the numerator
    ("\\bbox[red,5px]{x} \\bbox{100cm} \\bbox[red]{100cm}",
     "\\bbox[red,5px]{x} \\bbox{100cm} \\bbox[red]{100cm}", []),
    ("\\genfrac", "\\genfrac", []), ("\\bbox[100cm", "\\bbox[20em", ["\\bbox"]),
    # \enclose's padding and line thickness: 33,262 pixels at data-padding=5000, read past
    # a sign, a brace, quotes and spaces; a size MathJax does not read as one is kept.
    ("\\enclose{box}[data-padding=5000]{x}", "\\enclose{box}[data-padding=20em]{x}",
     ["\\enclose"]),
    ("\\enclose{box}[mathcolor=red, data-thickness=100cm]{x}",
     "\\enclose{box}[mathcolor=red, data-thickness=20em]{x}", ["\\enclose"]),
    ("\\enclose{box}[ data-padding = +5000 ]{x} \\enclose{box}[data-padding={5000}]{x}",
     "\\enclose{box}[ data-padding =20em]{x} \\enclose{box}[data-padding=20em]{x}",
     ["\\enclose", "\\enclose"]),
    ("\\enclose{circle}[data-padding=2,mathcolor=red]{x} \\enclose{box}{x} 100cm "
     "\\enclose{box}[data-padding=-5000]{x} \\enclose{box}[data-padding=1e5]{x}",
     "\\enclose{circle}[data-padding=2,mathcolor=red]{x} \\enclose{box}{x} 100cm "
     "\\enclose{box}[data-padding=-5000]{x} \\enclose{box}[data-padding=1e5]{x}", []),
    ("\\enclose{box}[data-padding=100pt]{x}", "\\enclose{box}[data-padding=100pt]{x}", []),
])
def test_fraction_rules_and_box_padding_past_20em_are_drawn_at_20em(
        tex: str, kept: str, clamped: list[str]) -> None:
    assert clamp_tall_sizes(tex) == (kept, clamped)


@pytest.mark.parametrize(("tex", "kept", "clamped"), [
    # MathJax skips white space (a run of it, a newline) before a size and before a
    # \bbox's or an \enclose's [options]: 7,566 pixels at \bbox [100cm], 83,129 at
    # \raise  5000em (two spaces), 33,260 at \enclose{box} [data-padding=5000].
    ("\\bbox [100cm]{x}", "\\bbox [20em]{x}", ["\\bbox"]),
    ("\\bbox\n[100cm]{x}", "\\bbox\n[20em]{x}", ["\\bbox"]),
    ("\\enclose{box} [data-padding=5000]{x}", "\\enclose{box} [data-padding=20em]{x}",
     ["\\enclose"]),
    ("\\enclose {box}\n\t[data-padding=5000]{x}",
     "\\enclose {box}\n\t[data-padding=20em]{x}", ["\\enclose"]),
    ("a \\above  100cm b", "a \\above  20em b", ["\\above"]),
    ("\\raise  5000em{x}", "\\raise  20em{x}", ["\\raise"]),
    ("\\raise\n\t5000em{x}", "\\raise\n\t20em{x}", ["\\raise"]),
    ("\\rule{1px}{  5000em}", "\\rule{1px}{  20em}", ["\\rule"]),
    # An empty raise is none (83,122 pixels at \rule[]{1px}{5000em}); one after spaces
    # is one.
    ("\\rule[]{1px}{5000em}", "\\rule[]{1px}{20em}", ["\\rule"]),
    ("\\rule[ ]{1px}{5000em}", "\\rule[ ]{1px}{20em}", ["\\rule"]),
    ("\\rule  [5000em]{1px}{1px}", "\\rule  [20em]{1px}{1px}", ["\\rule"]),
    ("\\rule  [1em]{5000em}{1px}", "\\rule  [1em]{5000em}{1px}", []),
    # A row's size is still only one in brackets right after it.
    ("a \\\\  [100cm] b", "a \\\\  [100cm] b", []),
])
def test_white_space_before_a_size_or_its_brackets_does_not_hide_it(
        tex: str, kept: str, clamped: list[str]) -> None:
    assert clamp_tall_sizes(tex) == (kept, clamped)


@pytest.mark.parametrize(("tex", "kept", "clamped"), [
    # \enclose's sizes are read by MathJax's length2em: a number without a unit it knows
    # right after it (TeX's sp, bp; a space; CM) is times the default padding (0.2em) or
    # thickness (0.067em), as is a percentage: 6,661 pixels at data-padding=1000sp and
    # =100000%, 1,009 at =150bp, 33,260 at =5000CM.
    ("\\enclose{box}[data-padding=1000sp]{x}", "\\enclose{box}[data-padding=20em]{x}",
     ["\\enclose"]),
    ("\\enclose{box}[data-padding=150bp]{x}", "\\enclose{box}[data-padding=20em]{x}",
     ["\\enclose"]),
    ("\\enclose{box}[data-padding=150 pt]{x}", "\\enclose{box}[data-padding=20em]{x}",
     ["\\enclose"]),
    ("\\enclose{box}[data-padding=5000CM]{x}", "\\enclose{box}[data-padding=20em]{x}",
     ["\\enclose"]),
    ("\\enclose{box}[data-padding=100000%]{x}", "\\enclose{box}[data-padding=20em]{x}",
     ["\\enclose"]),
    ("\\enclose{box}[data-thickness=400]{x}", "\\enclose{box}[data-thickness=20em]{x}",
     ["\\enclose"]),
    ("\\enclose{box}[data-padding=15cm]{x}", "\\enclose{box}[data-padding=20em]{x}",
     ["\\enclose"]),
    # ... so these are under 20em (10em, 10em, 16.75em, 18.9em: 96px an inch) and stay.
    ("\\enclose{box}[data-padding=50]{x} \\enclose{box}[data-padding=5000%]{x} "
     "\\enclose{box}[data-thickness=250]{x} \\enclose{box}[data-padding=8cm]{x}",
     "\\enclose{box}[data-padding=50]{x} \\enclose{box}[data-padding=5000%]{x} "
     "\\enclose{box}[data-thickness=250]{x} \\enclose{box}[data-padding=8cm]{x}", []),
    # MathJax's TeX takes a comma for a decimal point (83,129 pixels at 5000,0em) ...
    ("\\raise{5000,0em}{x}", "\\raise{20em}{x}", ["\\raise"]),
    ("\\rule{1px}{5000,em}", "\\rule{1px}{20em}", ["\\rule"]),
    # ... but knows no bp (an error: 18 pixels), and a \bbox no pc (10 pixels).
    ("\\raise{5000bp}{x} \\bbox[100pc]{x}", "\\raise{5000bp}{x} \\bbox[100pc]{x}", []),
])
def test_sizes_are_read_in_the_units_mathjax_reads_them_in(
        tex: str, kept: str, clamped: list[str]) -> None:
    assert clamp_tall_sizes(tex) == (kept, clamped)


def test_a_card_holds_the_fraction_rule_drawn_and_the_formula_is_warned_of(
        tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "n.md", "## S\n### Q\n上面 $\\genfrac{}{}{100cm}{}{a}{b}$ 和 "
          "$\\bbox[100cm]{x}$ 下面\n")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--math", "mathjax"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for column, command in ((4, "genfrac"), (36, "bbox")):
        assert (f"n.md:3:{column}: warning: `\\{command}` sizes over 20em drawn at 20em: in "
                "Anki's MathJax the card would be as tall as the size, blank "
                "[formula-command]") in lines, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    assert "\\genfrac{}{}{20em}{}{a}{b}" in answer and "\\bbox[20em]{x}" in answer, answer
    assert "100cm" not in answer, answer


@pytest.mark.parametrize(("command", "option"), [
    ("build", "-o"), ("build", "--out"), ("build", "--lock"), ("build", "--cache-dir"),
    ("check", "--cache-dir"), ("build", None), ("check", None)])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_path_on_the_command_line_is_a_usage_error(
        tmp_path: Path, command: str, option: str | None, value: str) -> None:
    """click reads ``''`` as ``.``: ``-o "$OUT"`` with the variable unset wrote the deck,
    ``--cache-dir ""`` the cache's pickles, into the working folder, and ``--lock ""``
    was a lock file named ``.``; pyproject.toml refuses the same values."""
    write(tmp_path / "notes" / "n.md", "# D\n\n## Q?\n\nA\n")
    words = [command, "notes", *([option, value] if option else [value])]
    result = CliRunner().invoke(main, words)
    assert result.exit_code == 2, result.output
    assert f"must be a non-empty path, not {value!r}" in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]
    # A folder written as a path still is one.
    assert CliRunner().invoke(main, ["build", "notes", "-o", "./out", "--format", "apkg",
                                     "--cache-dir", "c"]).exit_code == 0
    assert (tmp_path / "out" / "D.apkg").is_file() and (tmp_path / "c").is_dir()


@pytest.mark.parametrize("words", [["toc", ""], ["toc", "--check", "  "], ["toc", "n.md", ""]])
def test_toc_given_an_empty_path_is_a_usage_error(tmp_path: Path, words: list[str]) -> None:
    """``toc ''`` read ``''`` as ``.`` and rewrote the TOC of every file in the working
    folder, as build's empty paths did."""
    text = "<!-- TOC -->\n* [Old](#old)\n<!-- /TOC -->\n## S\n### Q\nA\n"
    write(tmp_path / "n.md", text)
    result = CliRunner().invoke(main, words)
    assert result.exit_code == 2, result.output
    assert f"must be a non-empty path, not {words[-1]!r}" in result.output, result.output
    assert (tmp_path / "n.md").read_text(encoding="utf-8") == text
    # Named as a path, the working folder is rewritten.
    assert CliRunner().invoke(main, ["toc", "."]).exit_code == 0
    assert "* [S](#s)" in (tmp_path / "n.md").read_text(encoding="utf-8")


def test_a_refused_nan_in_a_diagram_is_looked_at_once() -> None:
    """A parameter refused is read again as a YAML 1.2 number until nothing changes; a
    NaN (``x_min: .nan``) is no ``==`` to itself, so the check ran for ever and ``check``
    on the note never ended."""
    calls = [0]

    def check(params: dict[str, object]) -> str | None:
        calls[0] += 1
        assert calls[0] < 10, "the refused parameter is checked again and again"
        return "activation: parameter 'x_min' must be a number from -100 to 100"

    refused = "activation: parameter 'x_min' must be a number from -100 to 100"
    nan = float("nan")
    tried, problem = with_numbers({"x_min": nan}, refused, check)
    assert problem == refused and tried["x_min"] is nan and calls[0] == 0
    # What reads differently still is: YAML 1.2's 1e-06, then the problem it leaves.
    tried, problem = with_numbers({"x_min": "1e-06"}, refused, check)
    assert tried == {"x_min": 1e-06} and problem == refused and calls[0] == 1


def test_a_diagram_given_nan_or_inf_is_an_error_at_its_block(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "n.md", "# D\n\n## Q?\n\n```diagram\ntype: activation\n"
          "x_min: .nan\nx_max: .inf\n```\n\n## R?\n\n```diagram\ntype: gradient-descent\n"
          "learning_rate: .NaN\n```\n")
    result = CliRunner().invoke(main, ["check", "notes"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert ("notes/n.md:5:1: error: activation: parameter 'x_min' must be a number from -100 "
            "to 100 (got nan) [diagram-param]") in lines, result.output
    assert ("notes/n.md:13:1: error: gradient-descent: parameter 'learning_rate' must be a "
            "number from 1e-06 to 10 (got nan) [diagram-param]") in lines, result.output


_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" ' \
    b'height="8"/></svg>'
"""A picture as an SVG; swapped for one that runs a script."""
_SVG_SCRIPT = _SVG.replace(b"</svg>", b"<script>alert(1)</script></svg>")


@pytest.mark.parametrize("swap", ["link out", "other bytes"])
@pytest.mark.parametrize("formats", ["apkg", "html", "pdf"])
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_a_picture_swapped_after_its_check_is_not_packed(tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, swap: str, formats: str, suffix: str) -> None:
    """The deck read each picture again as it was packed, whatever it had become: in a
    synced or shared folder, a picture swapped after its check for a link to a file
    outside the notes put that file in the deck (and an SVG so swapped in skips the
    check for scripts)."""
    from builder.build import run

    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"SECRET KEY")
    write(tmp_path / "src" / "n.md", f"## S\n### Q\n\n![p](p{suffix})\n")
    picture = tmp_path / "src" / f"p{suffix}"
    picture.write_bytes(png() if suffix == ".png" else _SVG)
    original = run._write

    def swapped(*args: Any, **kwargs: Any) -> Any:
        picture.unlink()
        if swap == "link out":
            picture.symlink_to(secret)
        else:
            picture.write_bytes(png(width=3) if suffix == ".png" else _SVG_SCRIPT)
        return original(*args, **kwargs)

    monkeypatch.setattr(run, "_write", swapped)
    result = CliRunner().invoke(main, ["build", "src", "--format", formats, "--no-lock"])
    assert result.exit_code == 1, result.output
    assert f"src/p{suffix} changed during the build (its bytes are not those of the " \
           "picture checked); build again" in result.output, result.output
    assert result.output.count(f"p{suffix}") == 1, result.output  # named once
    written = [p for p in (tmp_path / "dist").rglob("*") if p.is_file()]
    assert not [p for p in written if p.suffix in (".apkg", ".html", suffix, ".pdf")], written
    assert not [p for p in written if b"SECRET" in p.read_bytes()], written


def test_pictures_unchanged_are_packed_as_checked(tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "src" / "n.md", "# D\n\n## Q\n\n![p](p.png) ![q](sub/q.PNG)\n")
    (tmp_path / "src" / "p.png").write_bytes(png())
    (tmp_path / "src" / "sub").mkdir()
    (tmp_path / "src" / "sub" / "q.PNG").write_bytes(png(width=3))
    result = CliRunner().invoke(main, ["build", "src", "--format", "apkg,html"])
    assert result.exit_code == 0, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "D.apkg")
    assert answer.count("<img") == 2, answer


@pytest.mark.parametrize(("deck", "name"), [
    ("CON", "_CON"), ("nul", "_nul"), ("Aux.notes", "_Aux.notes"), ("COM1", "_COM1"),
    ("lpt9 ", "_lpt9"), ("com²", "_com²"), ("PRN .x", "_PRN .x"), ("CONIN$", "_CONIN$"),
    ("conout$.notes", "_conout$.notes"), ("AUX", "_AUX"), ("lpt1", "_lpt1"),
    # Names that only start like a device are files.
    ("CONSOLE", "CONSOLE"), ("nul_", "nul_"), ("LPT10", "LPT10"), ("Con::sub", "Con__sub")])
def test_a_deck_named_like_a_windows_device_gets_a_file_name(deck: str, name: str) -> None:
    """``output_name`` replaces what Windows refuses in a name (``<>:"/\\|?*``), but a
    deck named ``CON`` or ``NUL`` was written to ``dist\\NUL.apkg``: Windows opens the
    device whatever the extension, so the deck went nowhere."""
    assert output_name(deck) == name


def test_a_deck_named_nul_is_written_to_a_file(tmp_path: Path) -> None:
    write(tmp_path / "src" / "n.md", "---\ndeck: NUL\n---\n## Q?\n\nA\n")
    result = CliRunner().invoke(main, ["build", "src", "--format", "apkg,html"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()
                  if not p.name.startswith(".")) == ["_NUL.apkg", "_NUL.html"]
    # The warning gives the reason (it said "too long, or with control or text-direction
    # characters"), and fails --strict, as the README says.
    assert ("src/n.md:1:1: warning: deck name 'NUL' is written to the file '_NUL' (a name "
            "Windows keeps for a device) [output-name]") in result.output, result.output
    strict = CliRunner().invoke(main, ["check", "src", "--strict"])
    assert strict.exit_code == 1 and "[output-name]" in strict.output, strict.output


@pytest.mark.parametrize(("deck", "why"), [
    ("a\u202egnp.exe", "with control or text-direction characters"),
    ("x" * 200, "too long"), ("Con.x", "a name Windows keeps for a device"),
    ("aux\u200b." + "y" * 200,
     "with control or text-direction characters, and a name Windows keeps for a device, "
     "and too long")])
def test_a_deck_renamed_for_its_file_is_told_why(tmp_path: Path, deck: str, why: str) -> None:
    write(tmp_path / "src" / "n.md", f"---\ndeck: \"{deck}\"\n---\n## Q?\n\nA\n")
    result = CliRunner().invoke(main, ["check", "src"])
    assert result.exit_code == 0, result.output
    assert f"({why}) [output-name]" in result.output, result.output
