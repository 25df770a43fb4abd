"""Footnotes: each definition reaches every card citing it (the real Anki and the PDF),
leaves the card it was written under, and odd ones are reported at their place."""

from __future__ import annotations

import shutil
from collections.abc import ValuesView
from pathlib import Path
from typing import TYPE_CHECKING, Any, SupportsIndex

import pytest
from click.testing import CliRunner, Result

from builder.cli import main
from builder.model import Node, plain_text, walk_all
from builder.parse.document import parse_text

from .ankimedia import image_sources
from .conftest import answers_by_question, imported_notes
from .test_pdf import all_text

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "footnotes.md"
BN, STD, ASIDE, AGAIN = "Ioffe &amp; Szegedy", "推理时换成滑动平均", "没人引用的脚注", "重复的定义"


def _build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    shutil.copy(FIXTURE, tmp_path / "footnotes.md")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["footnotes.md", *args])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result


def _place(needle: str, nth: int = 1) -> str:
    """``line:col`` of the ``nth`` line of the fixture starting with ``needle``."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    found = [number for number, line in enumerate(lines, 1) if line.startswith(needle)]
    return f"{found[nth - 1]}:1"


def test_each_card_shows_the_footnotes_it_cites_in_the_real_anki(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    _build(tmp_path, monkeypatch, "--format", "apkg")
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "脚注.apkg"))
    first, second, third = (answers["什么是 BN？"], answers["为什么 BN 能加速训练？"],
                            answers["LayerNorm 和 BN 有什么区别？"])
    # Cited: shown once under the answer, in the order first cited, a formula drawn.
    assert first.count(BN) == 1 and first.count(STD) == 1
    assert first.index("<sup>[bn]</sup>") < first.index("<sup>[std]</sup>")
    assert first.index('class="footnotes"') < first.index(BN) < first.index(STD)
    assert len(image_sources(first)) == 2  # μ_B and the displayed formula of [^std]
    assert second.count(BN) == 1 and STD not in second
    # Written under the last question, the definitions cited elsewhere left it; the one
    # defined twice and the one nobody cites stay where they are written.
    assert BN not in third and STD not in third and AGAIN in third
    assert ASIDE in second and 'class="footnotes"' not in third
    assert "[^missing]" in third  # cited, never defined: the text as written


def test_odd_footnotes_are_reported_at_their_definition(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = _build(tmp_path, monkeypatch, "--format", "apkg").output
    assert (f"footnotes.md:{_place('[^aside]:')}: note: footnote [^aside] is never cited"
            in output)
    first_bn = _place("[^bn]:").split(":")[0]
    assert (f"footnotes.md:{_place('[^bn]:', 2)}: warning: footnote [^bn] is defined again "
            f"(first on line {first_bn}, which is the one shown)") in output
    # Cited, defined nowhere: told at the citation itself.
    line = next(n for n, text in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), 1)
                if "[^missing]" in text)
    col = FIXTURE.read_text(encoding="utf-8").splitlines()[line - 1].index("[^missing]") + 1
    assert (f"footnotes.md:{line}:{col}: warning: footnote [^missing] is cited but defined "
            "nowhere in the file") in output
    assert output.count("warning:") == 2 and output.count("note:") == 1, output


def test_the_pdf_prints_each_cards_footnotes_under_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(tmp_path, monkeypatch, "--format", "pdf")
    text = all_text(tmp_path / "dist" / "脚注.pdf")
    assert text.count("Ioffe & Szegedy") == 2 and text.count(STD) == 1
    assert text.count(ASIDE) == 1 and text.count(AGAIN) == 1
    assert text.index("Ioffe & Szegedy") < text.index(STD) < text.index("为什么 BN 能加速训练")


def test_a_section_introduction_cites_footnotes_too() -> None:
    doc = parse_text("## 归一化\n\n本节参考[^r]。\n\n### 问题？\n\n答案。\n\n[^r]: 参考书。\n",
                     "n.md")
    section = doc.sections[0]
    assert [n.kind for n in section.intro] == ["paragraph", "footnotes"]
    assert "参考书" in "".join(n.text for n in walk_all(section.intro))
    card = section.cards[0]
    assert "参考书" not in "".join(n.text for n in walk_all(card.answer))
    assert [d.code for d in doc.diagnostics] == ["section-intro"]  # about the paragraph


def test_a_moved_footnote_takes_its_formulas_to_the_card_citing_it() -> None:
    doc = parse_text("## S\n\n### 甲？\n\n见[^f]。\n\n### 乙？\n\n乙的答案。\n\n"
                     "[^f]: 公式 $a^2$。\n", "n.md")
    cited, written_under = doc.sections[0].cards
    assert [f.tex for f in cited.formulas] == ["a^2"] and written_under.formulas == ()


class _CountingSource(str):
    """A line that counts the characters read from it one by one."""

    read = 0

    def __getitem__(self, key: SupportsIndex | slice) -> str:
        _CountingSource.read += 1
        return super().__getitem__(key)


def test_a_line_of_unclosed_citations_is_read_in_a_time_linear_in_its_length() -> None:
    """In a file that defines a footnote, each ``[^`` of ``[^[^[^…`` read its label to the
    end of the line: 40 KB took a minute to parse, 1 MB would take hours."""
    from markdown_it.rules_inline import StateInline

    from builder.parse.markdown import make_parser

    md = make_parser()
    rule = md.inline.ruler.__rules__[md.inline.ruler.__find__("footnote_ref")].fn
    count = 5_000
    src = _CountingSource("[^" * count + "1]")
    state = StateInline(src, md, {"footnotes": {"refs": {":1": -1}, "list": {}}}, [])
    _CountingSource.read = 0
    found = []
    for start in range(0, 2 * count, 2):
        state.pos = start
        found.append(rule(state, True))
    assert found == [False] * (count - 1) + [True]
    assert _CountingSource.read < 20 * len(src)


class _CountingDefinitions(dict[str, Node]):
    looked = 0

    def values(self) -> ValuesView[Node]:  # type: ignore[override]
        _CountingDefinitions.looked += len(self)
        return super().values()


def test_a_file_of_many_footnotes_looks_through_its_definitions_a_few_times(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every card's citations were read against a set of all definitions made anew for
    it: 10,000 questions each with its footnote took 16 s."""
    from builder.parse import footnotes

    definitions = footnotes._definitions

    def counted(*args: Any) -> tuple[dict[str, Node], list[Any]]:
        found, diagnostics = definitions(*args)
        return _CountingDefinitions(found), diagnostics

    monkeypatch.setattr(footnotes, "_definitions", counted)
    count = 300
    _CountingDefinitions.looked = 0
    doc = parse_text("".join(f"## Q{i}?\n\nA[^{i}]\n\n[^{i}]: d{i}\n\n" for i in range(count)),
                     "t.md")
    assert [plain_text(c.answer) for c in doc.cards][-1] == "Ad299"
    assert _CountingDefinitions.looked < 10 * count


def test_a_footnote_cited_by_another_comes_with_it() -> None:
    doc = parse_text("## S\n\n### 甲？\n\n见[^a]。\n\n### 乙？\n\n乙。\n\n"
                     "[^a]: 参见[^b]。\n\n[^b]: 内层。\n\n[^c]: 自引[^c]。\n", "n.md")
    cited, written_under = doc.sections[0].cards
    (notes,) = [n for n in cited.answer if n.kind == "footnotes"]
    assert [n.attr("label") for n in notes.children] == ["a", "b"]
    assert "内层" not in "".join(n.text for n in walk_all(written_under.answer))
    # Only [^c] itself cites [^c]: it stays, reported, and a loop ends.
    assert [d.message.split(" is ")[0] for d in doc.diagnostics
            if d.code == "footnote-unused"] == ["footnote [^c]"]


def test_a_footnote_cited_only_by_another_cited_footnote_goes_with_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    # [^a] cites itself and [^b], [^b] cites [^a] back: both reach the card once, and
    # neither is called uncited (the cycle ends).
    notes = ("## 脚注\n\n### 什么是 A？\n\n答案[^a]\n\n### 什么是 B？\n\n另一个答案\n\n"
             "[^a]: 甲说 [^a] 见 [^b]\n[^b]: 乙说 [^a]\n")
    (tmp_path / "n.md").write_text(notes, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "footnote-unused" not in result.output
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "n.apkg"))
    first, second = answers["什么是 A？"], answers["什么是 B？"]
    assert first.count("甲说") == 1 and first.count("乙说") == 1
    assert first.index('class="footnotes"') < first.index("甲说") < first.index("乙说")
    assert "甲说" not in second and "乙说" not in second
