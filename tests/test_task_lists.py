"""GFM task list items (``- [ ] x``, ``- [x] x``) show a box, not brackets, on the card
and on the sheet (builder.parse.tasklists, builder.render.taskbox); what GFM does not
read as one (no space after ``]``, nothing after it, a link, a paragraph) stays text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_task_items_show_boxes_on_the_card_and_the_sheet(
        tmp_path: Path, collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURES / "task-lists.md")
    assert result.exit_code == 0, result.output
    # The marker is taken off the text, not off the line: a picture after it is still
    # placed where it is written.
    assert "n.md:9:10: warning: image not found: 不存在.png" in result.output, result.output
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "复习清单.apkg"))
    assert answers["正则化这一节要掌握什么？"] == (
        "<ul><li>☐ 理解 L1 和 L2 正则化的数学定义</li><li>☒ 掌握 <b>Lasso</b> 和 Ridge 的推导</li>"
        "<li>☒ 知道为什么 L1 更稀疏<ul><li>☐ 画出菱形和圆的约束区域</li></ul></li>"
        "<li>☐ 对照 [约束区域] 理解</li><li>[ ]</li>"
        '<li><a href="https://example.com">link</a> 不是任务</li>'
        "<li>[ ]不是任务：括号后没有空格</li></ul>"), answers
    assert answers["面试前一周做什么？"] == (
        "<ol><li><p>☒ 刷完 LeetCode 热题</p></li><li><p>☐ 复习反向传播</p>"
        "<p>推导一遍链式法则。</p></li></ol><p>[ ] 段落里的括号不是任务</p>"), answers
    sheet = "".join(page.extract_text() for page in
                    pypdf.PdfReader(tmp_path / "dist" / "复习清单.pdf").pages)
    for line in ("• ☐ 理解 L1 和 L2 正则化的数学定义", "• ☒ 掌握 Lasso 和 Ridge 的推导",
                 "◦ ☐ 画出菱形和圆的约束区域", "1. ☒ 刷完 LeetCode 热题", "2. ☐ 复习反向传播",
                 "• [ ]不是任务", "[ ] 段落里的括号不是任务"):
        assert line in sheet, (line, sheet)
    assert sheet.count("☐") == 4 and sheet.count("☒") == 3, sheet


def test_the_text_after_the_marker_keeps_its_place() -> None:
    from builder.parse.document import parse_text

    doc = parse_text((FIXTURES / "task-lists.md").read_text(encoding="utf-8"), "n.md")
    first_list = doc.cards[0].answer[0]
    items = [(item.attr("task"), item.children[0].children[0])
             for item in first_list.children]
    assert [(task, text.text, text.line, text.col) for task, text in items[:3]] == [
        ("todo", "理解 L1 和 L2 正则化的数学定义", 5, 7), ("done", "掌握 ", 6, 7),
        ("done", "知道为什么 L1 更稀疏", 7, 7)], items
    assert [task for task, _text in items[3:]] == ["todo", "", "", ""], items
