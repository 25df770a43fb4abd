"""``#1.数据预处理`` (one ``#``, no space, a number) is a level-1 heading when the file's
headings number on from it (``## 1.1 …`` under it, or ``# 3.…`` beside it), noted as any
heading without its space; without such a heading it stays text, noted; ``#机器学习``
stays a tag."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, build_fixture_deck, import_apkg

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "one-mark-numbered.md"


def test_numbered_on_it_is_a_section_heading() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [(c.question_text, c.section_path) for c in doc.cards] == [
        ("为什么要归一化？", ("1.数据预处理", "1.1 归一化")),
        ("什么是方差选择法？", ("2.特征选择", "2.1 过滤法"))]
    notes = [(d.loc.line, d.code) for d in doc.diagnostics if d.code == "heading-space"]
    assert notes == [(3, "heading-space"), (11, "heading-space")]
    assert "#2.特征选择" not in plain_text(doc.cards[0].answer)


def test_with_nothing_numbered_on_it_stays_text_and_is_noted() -> None:
    doc = parse_text("## 问题\n\n### 什么是 BN？\n\n#1.归一化 是第一步\n\n#机器学习\n", "t.md")
    (card,) = doc.cards
    assert "#1.归一化 是第一步" in plain_text(card.answer)
    (note,) = [d for d in doc.diagnostics if d.code == "heading-space"]
    assert note.loc.line == 5 and "'#1.归一化 是第一步' stays text" in note.message
    assert "write '# 1.归一化 是第一步'" in note.message


def test_only_a_numbering_that_goes_on_makes_headings() -> None:
    # "# 1. 概述" numbers on to "#2.数据", and through it to "#3.模型"; "#7.标签式" numbers
    # nothing on, so it stays text (one numbered heading once made every "#N." one).
    doc = parse_text("# 1. 概述\n\n## 什么是A？\n\nx\n\n#3.模型\n\n## 什么是C？\n\nw\n\n"
                     "#2.数据\n\n## 什么是B？\n\ny\n\n#7.标签式\n\nz\n", "t.md")
    assert [(c.question_text, c.section_path) for c in doc.cards] == [
        ("什么是A？", ("1. 概述",)), ("什么是C？", ("3.模型",)), ("什么是B？", ("2.数据",))]
    assert "#7.标签式" in plain_text(doc.cards[-1].answer)


def test_anki_decks_follow_the_headings(tmp_path: Path, collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "one-mark-numbered.md:3:1: note: '#1.数据预处理' is read as a heading" in result.output
    import_apkg(collection, package)
    names = collection.decks.all_names()
    assert any(name.endswith("1.数据预处理::1.1 归一化") for name in names), names
