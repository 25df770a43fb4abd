"""Each way of marking questions, built with no options and imported by the real Anki."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, import_apkg

if TYPE_CHECKING:
    from anki.collection import Collection

STYLES = {
    "style-title-questions": (
        {"What is overfitting?": "fits noise",
         "Why does L1 regularization give sparse weights?": "diamond-shaped",
         "Explain the bias-variance trade-off": "err by bias"},
        {"Machine Learning Interview Notes"}),
    "style-numbered-groups": (
        {"1.1 什么是梯度消失": "梯度逐层变小", "1.2 BN的作用": "加速收敛",
         "2.1 ResNet 为什么有效？": "恒等映射更容易学习"},
        {"面试题整理::第一部分::1、基础知识", "面试题整理::第一部分::2、模型结构"}),
    "style-bold-paragraphs": (
        {"What is regularization? 👶": "early stopping",
         "How does dropout work? ⭐": "dropout slows training down",
         "Q: Why use momentum?": "consistent slope"},
        {"Deep Learning Questions::Regularization", "Deep Learning Questions::Optimisation"}),
    "style-bold-list": (
        {"What is IoU?": "Intersection over union",
         "Why use anchor boxes? 🔥": "belongs to the answer above",
         "1) How is mAP computed?": "averaged over classes"},
        {"CV interview"}),
    "style-mixed-levels": (
        {"卷积": "逐点相乘再求和", "卷积的反向传播过程": "翻转后的卷积核",
         "池化": "取局部最大或平均", "池化层怎么接收后面传过来的损失？": "最大值的位置",
         "感受野": "输入区域", "随机梯度下降": "一个样本", "正则化": "限制模型复杂度"},
        {"深度学习笔记", "深度学习笔记::优化算法"}),
    "style-toc": (
        {"What is a CNN?": "A network of convolutions", "Why pooling?": "shrink the feature"},
        {"Notes"}),
    "question-labels": (
        {"Question 1: What is a vector?": "ordered list of numbers",
         "Question 2: Explain the rank of a matrix.": "independent columns",
         "问题 3：什么是特征值？": "满足",
         "Question 4": "never written down", "5. Why normalise features?": "converges faster"},
        {"Linear Algebra - Theory Questions"}),
    "style-one-question": (
        {"什么是 Batch Normalization？": "小 batch 时统计不稳"},
        {"style-one-question"}),
}


@pytest.mark.parametrize("name", sorted(STYLES))
def test_style_imports_into_anki(name: str, tmp_path: Path, collection: Collection) -> None:
    expected, decks = STYLES[name]
    source = tmp_path / "notes" / f"{name}.md"
    source.parent.mkdir()
    shutil.copy(FIXTURES / f"{name}.md", source)
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--math",
                                       "mathjax", "--no-lock"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (package,) = Path("dist").glob("*.apkg")
    log = import_apkg(collection, package)
    assert len(log.new) == len(expected)
    found: dict[str, str] = {}
    card_decks: set[str] = set()
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        (card,) = note.cards()
        card_decks.add(collection.decks.name(card.did))
        assert note["Question"] in card.question()
        found[re.sub(r"<[^>]+>", "", note["Question"])] = card.answer()
    assert set(found) == set(expected)
    for question, snippet in expected.items():
        assert snippet in found[question], question
    assert card_decks == decks
