"""Yuque's Markdown export writes an empty anchor before every heading (``<a name="ZK5qn"></a>``;
generated docs write ``<a id="sec-1"></a>``). Shown nowhere, it was an empty paragraph at the
end of each card before the next heading, and before a section's first question a
``section-intro`` note told the author to put a question above an invisible line. A paragraph
of empty anchors is now left out as a comment is; an anchor holding text stays."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.document import parse_file

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "yuque-anchors.md"
QUESTIONS = ["1.用户注册是怎么做的？", "2.用户信息如何修改？", "1.设备怎么绑定？",
             "2.设备怎么解绑？"]


def test_empty_anchors_are_no_introduction_and_no_answer() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    assert [card.section_path for card in doc.cards] == [
        ("一、用户信息相关",), ("一、用户信息相关",), ("二、设备相关",), ("二、设备相关",)]
    assert not [d for d in doc.diagnostics if d.code == "section-intro"], doc.diagnostics


def test_cards_end_with_their_answer(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert result.exit_code == 0, result.output
    assert "section-intro" not in result.output
    answers = answers_by_question(imported_notes(collection, package))
    assert sorted(answers) == sorted(QUESTIONS)
    for answer in answers.values():
        assert "<a></a>" not in answer and "<p></p>" not in answer, answer
    assert "调用修改接口" in answers["2.用户信息如何修改？"]
    bind = answers["1.设备怎么绑定？"]
    assert "扫码绑定" in bind and "锚点里的文字" in bind and "留在卡片上" in bind
