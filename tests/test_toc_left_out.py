"""A table of contents left out at the top of a file (a plain "目录" list of links to its
own headings, one folded in ``<details>``) is said at its lines (``toc-left-out``), so no
line is dropped unsaid; a lone ``[TOC]`` marker, which holds nothing, is not; and
bench/corpus.py counts the lines the note names as reported."""

from __future__ import annotations

import sys
from pathlib import Path

from .conftest import FIXTURES, build_fixture_deck

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_a_plain_toc_at_the_top_is_noted_and_in_no_card(tmp_path: Path) -> None:
    result, _package = build_fixture_deck("toc-left-out")
    assert ("toc-left-out.md:3:1: note: lines 3-9 are left out as the file's table of "
            "contents") in result.output
    assert "[toc-left-out]" in result.output and "2 card(s)" in result.output


def test_a_folded_toc_is_noted(tmp_path: Path) -> None:
    result, _package = build_fixture_deck("toc-folded-details")
    assert "toc-folded-details.md:3:1: note: lines 3-10 are left out" in result.output


def test_a_lone_marker_is_left_out_unsaid(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from builder.cli import main

    notes = tmp_path / "marker.md"
    notes.write_text((FIXTURES / "toc-left-out.md").read_text(encoding="utf-8").replace(
        "目录\n\n- [什么是过拟合？](#什么是过拟合)\n- [什么是 Dropout？](#什么是-dropout)\n", ""),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(notes)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "toc-" not in result.output


def test_the_bench_counts_the_noted_lines_as_reported() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from corpus_deck import parse_diagnostics
    finally:
        sys.path.remove(str(BENCH))
    output = ("a.md:3:1: note: lines 3-9 are left out as the file's table of contents "
              "(links to its own headings): in no card and not in the PDF [toc-left-out]\n"
              "a.md:12:1: note: text between '## 优化' and its first question [section-intro]\n"
              "a.md:20:4: warning: answer only repeats the question 'x' "
              "[answer-repeats-question]\n")
    found = [(d.line, d.last_line, d.code) for d in parse_diagnostics(output)]
    assert found == [(3, 9, "toc-left-out"), (20, 20, "answer-repeats-question")]
