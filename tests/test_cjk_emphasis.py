"""Bold next to Chinese punctuation (``**答案：**这是``): bold on the card and in the PDF,
no stray asterisks; text without CJK characters reads as CommonMark reads it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.parse.markdown import tokenize

from .conftest import FIXTURES, build_fixture, imported_answer

if TYPE_CHECKING:
    from anki.collection import Collection


def _inline(text: str) -> list[str]:
    return [t.type if t.type != "text" else f"text:{t.content}"
            for block in tokenize(text) for t in (block.children or [])
            if t.type != "text" or t.content]


@pytest.mark.parametrize(("text", "kinds"), [
    # The closer sits between CJK punctuation and a letter (CommonMark keeps it text).
    ("**答案：**这是", ["strong_open", "text:答案：", "strong_close", "text:这是"]),
    ("**为什么？**因为", ["strong_open", "text:为什么？", "strong_close", "text:因为"]),
    # The opener follows a letter and precedes punctuation.
    ("是**「重要」**的", ["text:是", "strong_open", "text:「重要」", "strong_close",
                       "text:的"]),
    ("是**\"NLP\"**。", ["text:是", "strong_open", "text:\"NLP\"", "strong_close",
                        "text:。"]),
    ("*（注）*文字", ["em_open", "text:（注）", "em_close", "text:文字"]),
    # CJK punctuation inside needs no boundary outside, whatever the letter there.
    ("**答案：**Yes", ["strong_open", "text:答案：", "strong_close", "text:Yes"]),
    ("x**（注）**y", ["text:x", "strong_open", "text:（注）", "strong_close", "text:y"]),
    ("文~~（删）~~字", ["text:文", "s_open", "text:（删）", "s_close", "text:字"]),
    # A variation selector after a CJK character takes that character's part.
    ("葛\ufe00**\"注\"**的", ["text:葛\ufe00", "strong_open", "text:\"注\"", "strong_close",
                             "text:的"]),
])
def test_emphasis_beside_cjk_punctuation_pairs(text: str, kinds: list[str]) -> None:
    assert _inline(text) == kinds


@pytest.mark.parametrize("text", [
    'a**"b"**c',         # Latin letters outside punctuation: CommonMark keeps it text
    "snake_case_name",   # intraword underscores
    "中文_强调_中文",      # ... between Chinese letters too
    "2*3*4",             # a product
    "** 答案**",          # a space after the opener
    "**x😀**y",           # an emoji is a symbol as in CommonMark, no CJK writing
])
def test_runs_that_pair_nothing_stay_text(text: str) -> None:
    kinds = _inline(text)
    assert not {"strong_open", "em_open"} & set(kinds), kinds


def test_cards_and_pdf_show_the_bold_without_asterisks(
        tmp_path: Path, collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURES / "cjk-emphasis.md")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "中文强调.apkg")
    for bold, after in [("答案：", "梯度在"), ('"NLP is so interesting"', "。"),
                        ("（不是梯度爆炸）", "的情况"), ("【重点】", "内容"),
                        ("解释隐藏层的含义：", "在一个"), ("ReLU、残差连接。", "然后")]:
        assert f"<b>{bold}</b>{after}" in answer.replace("&quot;", '"'), (bold, answer)
    assert "<b>bold</b>" in answer and "2*3*4" in answer and "snake_case_name" in answer
    assert answer.count("*") == 2, answer  # the product's two, nothing else
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "中文强调.pdf").pages)
    assert "答案：梯度在反向传播" in pdf.replace(" ", "") and pdf.count("*") == 2, pdf
