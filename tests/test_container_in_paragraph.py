"""A ``::: tip`` opener in the middle of a paragraph, never closed: its lines stay the
paragraph's text on the card, and it is reported like one opening a paragraph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_unclosed_opener_inside_a_paragraph_is_reported(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "container-in-paragraph.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    for line, opener in [(6, "::: tip 提示"), (11, "::: warning")]:
        assert (f"n.md:{line}:1: warning: container `{opener}` is not closed by a `:::` "
                "line") in result.output, result.output
    assert result.output.count("[container-unclosed]") == 2, result.output
    notes = imported_notes(collection, tmp_path / "dist" / "容器.apkg")
    answers = [note["Answer"] for note in notes]
    assert any("::: tip 提示" in a and "统计量不同" in a for a in answers), answers


def test_an_opener_kept_as_text_does_not_part_its_paragraph(
        tmp_path: Path, collection: Collection) -> None:
    """A ``:::`` line that stays text (its container holds a heading) is a line of the
    paragraph, list item or quote it stands in, not the start of a new paragraph: parted
    there, bold opened on the line above lost its ``</b>`` (and ``**`` showed as text)."""
    result = build_fixture(FIXTURES / "container-opener-in-text.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    for line, col in [(6, 1), (11, 1), (16, 3), (20, 1)]:
        assert f"n.md:{line}:{col}: warning: container" in result.output, result.output
    assert result.output.count("[container-unclosed]") == 4, result.output
    answers = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "容器行在段落里.apkg"))
    assert answers["动量为什么能加速？"] == (
        "<p>动量让更新<b>沿着一致的方向<br>::: tip 累积</b>，在峡谷里来回的分量互相抵消。</p>")
    assert answers["学习率预热是什么？"] == (
        "<p>开始时学习率<b>很小<br>::: warning 再慢慢</b>增大到设定值。</p>")
    adam = answers["Adam 有哪些超参数？"]
    assert "学习率和两个衰减率<br>::: note <i>β1</i>" in adam, adam
    assert "<p>引用里的说明<br>::: info <i>ε</i> 防止除零<br>一般取 1e-8。</p>" in adam, adam
    # A container that is closed still ends the paragraph above it.
    assert answers["权重衰减和 L2 正则一样吗？"].startswith(
        '<p>在 SGD 里一样。</p><div class="callout callout-caution">'), answers
