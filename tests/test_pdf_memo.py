"""The cards' JSON a watch keeps from one save to the next (``builder.pdf.cardmemo``): a
card is taken again only when all its JSON depends on is still the same, so the PDF of a
save is always that of a build from scratch."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.build.session import Session, in_session
from builder.cli import main
from builder.model import Document
from builder.parse.document import parse_text
from builder.pdf import cardmemo, pdfdata
from builder.pdf import parts as pdfparts
from builder.pdf import typeset as pdf
from builder.render.assets import Assets
from builder.render.formulacache import RenderedFormula
from builder.render.media import MediaFile

from .conftest import write
from .imagefiles import write_png

pypdf = pytest.importorskip("pypdf")

EPOCH = 1_714_521_600  # 2024-05-01


def _notes(first_code: str = "x = 1") -> str:
    """Two sections of 12 questions; question 1 has code, question 2 code and a picture,
    question 14 code again (coloured only while the budget lasts: 40 characters in all)."""
    lines = []
    for s, section in enumerate(("甲", "乙")):
        lines.append(f"## 第{section}节\n")
        for q in range(12):
            n = s * 12 + q
            answer = f"第 {n} 题的答案。"
            if n == 1:
                answer += f"\n\n```python\n{first_code}\n```"
            elif n == 2:
                answer += "\n\n```python\nz = 2\n```\n\n![图](pic.png)"
            elif n == 14:
                answer += "\n\n```python\ny = [i * 2 for i in range(10)]\n```"
            lines.append(f"### 问题 {n} 是什么？\n{answer}\n")
    return "\n".join(lines)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(pdfparts, "PART_QUESTIONS", 10)
    monkeypatch.setattr(pdfparts, "WHOLE_QUESTIONS", 10)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "notes" / "n.md", _notes())
    write_png(tmp_path / "notes" / "pic.png", rgb=(0x20, 0x40, 0x80))
    return tmp_path


def _build(out: str) -> Path:
    result = CliRunner().invoke(main, ["notes", "--format", "pdf", "-j", "1", "-o", out])
    assert result.exit_code == 0, result.output
    return Path(out) / "n.pdf"


@pytest.fixture
def watching() -> Iterator[dict[Path, cardmemo.CardMemo]]:
    """Builds as a watch runs them: one session, the cards' JSON kept."""
    with in_session(Session()), cardmemo.kept_card_json() as memos:
        yield memos


def _reused(memos: dict[Path, cardmemo.CardMemo]) -> int:
    return sum(memo.reused for memo in memos.values())


def _fresh(project: Path, name: str) -> bytes:
    """The PDF a one-shot build makes of the notes as they are now."""
    with in_session(Session()):  # not the watch's: nothing kept
        return _build(name).read_bytes()


def test_a_save_takes_the_untouched_cards_from_the_memo(
        project: Path, watching: dict[Path, cardmemo.CardMemo]) -> None:
    _build("dist")
    assert _reused(watching) == 0
    write(project / "notes" / "n.md", _notes().replace("第 20 题的答案。", "改了第 20 题。"))
    edited = _build("dist")
    (memo,) = watching.values()
    assert (memo.made, memo.reused) == (24 + 1, 23)  # the first build's, then the edit
    assert "改了第 20 题" in "".join(p.extract_text() for p in pypdf.PdfReader(edited).pages)
    assert edited.read_bytes() == _fresh(project, "fresh")


def test_a_picture_saved_anew_is_shown_anew(
        project: Path, watching: dict[Path, cardmemo.CardMemo],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes are untouched (their cards the same objects), but the picture a card
    shows is another: that card is made again, and its code, before the picture, spends
    the budget of coloured code once (or question 14's would be plain)."""
    monkeypatch.setattr(pdfdata, "MAX_HIGHLIGHTED_CODE", 42)
    first = _build("dist").read_bytes()
    write_png(project / "notes" / "pic.png", rgb=(0xD0, 0x10, 0x10))
    watched = _build("dist").read_bytes()
    assert _reused(watching) >= 23  # all but the card showing the picture
    assert watched != first
    assert watched == _fresh(project, "fresh")


def test_code_an_earlier_edit_left_without_budget_is_printed_plain(
        project: Path, watching: dict[Path, cardmemo.CardMemo],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Question 14's code is not edited, but question 1's grows and spends the budget of
    coloured code: question 14's code loses its colours, as in a build from scratch."""
    monkeypatch.setattr(pdfdata, "MAX_HIGHLIGHTED_CODE", 60)
    first = _build("dist").read_bytes()
    write(project / "notes" / "n.md", _notes("x = 1  # a longer line, which uses the budget up"))
    watched = _build("dist").read_bytes()
    assert _reused(watching) >= 22
    assert watched != first
    assert watched == _fresh(project, "fresh")


# -- the plan alone: what a kept card depends on, changed under it --------------------------

def _plan(doc: Document, assets: Assets, target: Path) -> pdf.PdfPlan:
    return pdf.plan_pdf(target, "D", "T", [doc], assets, date="2024-05-01", style="cards")


def _cards(plan: pdf.PdfPlan) -> list[Any]:
    sections = plan.payload["sections"]
    assert isinstance(sections, list)
    return [card for section in sections for card in section["cards"]]


def test_a_formula_drawn_another_way_is_not_taken_from_the_memo(tmp_path: Path) -> None:
    doc = parse_text("## 节\n### 什么？\n公式 $x^2$ 在这里\n### 别的？\n没有公式\n", "n.md")
    formula = doc.cards[0].formulas[0]
    png = tmp_path / "math-x.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    as_picture = Assets(formulas={formula: RenderedFormula(MediaFile("math-x.png", png),
                                                            1, 1, 0, "tex", None)})
    target = tmp_path / "n.pdf"
    with cardmemo.kept_card_json() as memos:
        first = _plan(doc, Assets(), target)
        second = _plan(doc, as_picture, target)
        assert memos[target].reused == 1  # the card without a formula
    assert "media/math-x.png" not in first.media
    assert second.media == {"media/math-x.png": png}
    assert second.payload == _plan(doc, as_picture, tmp_path / "fresh.pdf").payload
    assert second.payload != first.payload


def test_a_card_in_another_document_is_not_taken_from_the_memo(tmp_path: Path) -> None:
    """The same card object under another path (its pictures resolve beside it)."""
    doc = parse_text("## 节\n### 什么？\n答案\n", "a.md")
    target = tmp_path / "n.pdf"
    with cardmemo.kept_card_json() as memos:
        _plan(doc, Assets(), target)
        moved = dataclasses.replace(doc, path="b.md")
        _plan(moved, Assets(), target)
        assert (memos[target].made, memos[target].reused) == (2, 0)


def test_an_answer_over_the_cap_is_cut_in_the_pdf_too(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.parse import limits

    monkeypatch.setattr(limits, "MAX_ANSWER_CHARS", 12)
    monkeypatch.setattr(limits, "NODE_COST", 0)  # text only: what each card keeps is clear
    doc = parse_text("## 节\n### 长？\n一二三四五六七八九十十一十二十三\n\n第二段。\n"
                     "### 短？\n答案。\n", "n.md")
    long, short = _cards(_plan(doc, Assets(), tmp_path / "n.pdf"))
    (paragraph,) = long["a"]  # the second left out
    assert "".join(node["text"] for node in paragraph["children"]) == "一二三四五六七八九十十一…"
    assert short["a"] == [{"kind": "paragraph", "children": [{"kind": "text", "text": "答案。"}]}]
