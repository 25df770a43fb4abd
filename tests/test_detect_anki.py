"""Each way of marking questions, built with no options and imported by the real Anki."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, import_apkg, imported_notes

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
    "stray-section-questions": (
        {"为什么 LR 要使用 sigmoid 函数？": "压到 0 到 1", "LR 与 SVM 的区别": "合页损失",
         "LR 可以用核函数吗？": "计算代价高", "决策树如何剪枝？": "预剪枝",
         "决策树如何防止过拟合？": "限制深度", "SVM 中有哪些核函数？": "高斯核",
         "Bagging 和 Boosting 的区别": "串行降偏差", "什么是参数范数惩罚？": "限制模型容量",
         "CCA和PCA的区别": "方差方向", "How is K chosen in K-Means?": "elbow",
         "When to stop training": "validation loss",
         "如何理解 Internal Covariate Shift？": "学习变慢", "如何加快梯度下降收敛速度？": "动量"},
        {"机器学习", "机器学习::逻辑回归", "机器学习::决策树", "机器学习::支持向量机",
         "机器学习::集成学习", "机器学习::梯度下降"}),
    "stray-bold-questions": (
        {"1.1 讲讲对 Attention 的理解？": "重要部分",
         "1.2 Attention 的计算步骤是什么？": "加权求和",
         "1.3 Attention 与全连接层的区别？": "与输入无关",
         "2.1 multi-head attention 中每个 head 为什么要降维？": "子空间",
         "2.2 Transformer 在哪里做了权重共享？": "词嵌入", "2.3 点积为什么要缩放？": "方差为 1",
         "为何使用多头注意力机制？（为什么不使用一个头）": "不同的子空间",
         "简单讲一下残差结构以及意义。": "直通",
         "为何在获取词向量后要乘以 embedding size 的开方？（参考上题）": "尺度相当",
         "3.2 参考": "公开资料"},
        {"Attention::1. Attention", "Attention::2. Transformer", "Attention::3. 常见问题",
         "Attention::3. 常见问题::3.1 一些细节"}),
    "stray-headings-among-bold": (
        {"1. 什么是 Transformer？": "编码器-解码器", "2. 为什么要除以 √d_k？": "饱和",
         "3. 残差连接的作用？": "梯度消失", "4. LayerNorm 与 BatchNorm 有什么不同？": "批大小",
         "5. KV Cache 原理？": "缓存", "6. LoRA 的原理是什么？": "低秩分解",
         "7. 如何部署一个 70B 模型？": "张量并行", "FlashAttention 是什么？": "分块"},
        {"LLM 面试题::A. 架构基础", "LLM 面试题::B. 常见问题与示例答案",
         "LLM 面试题::B. 常见问题与示例答案::8. 推理为什么慢？"}),
    "style-title-asks": (
        {"1. 如何处理特征向量的缺失值": "把缺失当作一个类别"}, {"style-title-asks"}),
    "style-asked-lines": (
        {"Q: What does batch normalization do?": "A: It normalises",
         "Q: Why does it speed up training?": "well scaled",
         "问：Dropout 为什么能防止过拟合？": "答：每次随机丢弃",
         "问题：权重衰减和 L2 正则一样吗？": "问题：梯度消失",
         "Q: 为什么 ReLU 能缓解梯度消失？": "导数恒为 1", "Q2： GELU 和 ReLU 有什么不同？": "平滑"},
        {"面试问答::归一化", "面试问答::正则化", "面试问答::激活函数"}),
    "admonition-blocks": (
        {"什么是 BN？": "gamma", "LN 和 BN 的区别？": "LN 常用于 Transformer",
         "为什么 Dropout 能防止过拟合？": "没有标题的提示框", "L1 为什么稀疏？": "菱形"},
        {"Obsidian 笔记::归一化", "Obsidian 笔记::正则化"}),
    "numbered-item-questions": (
        {"老板给了你一个癌症检测的数据集，准确率 98%，你对这个模型满意吗？": "R=",
         "怎么判断模型是否过拟合？": "Dropout", "模型参数和超参数的区别是什么？": "Adam"},
        {"机器学习基础"}),
    "question-part": (
        {"常量指针和指针常量有什么区别？": "不能通过 p 修改所指的值"}, {"question-part"}),
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


def test_a_file_stating_its_question_under_a_heading_loses_no_line(
        tmp_path: Path, collection: Collection) -> None:
    """``## 问题`` then ``## 问题背景`` / ``## 解答`` parts: one card, every line of the
    file on it (the question, the parts in the answer, in order) but the label, which
    only says which paragraph asks."""
    source = tmp_path / "notes" / "question-part.md"
    source.parent.mkdir()
    shutil.copy(FIXTURES / "question-part.md", source)
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--no-lock"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 warning(s)" in result.output, result.output
    (package,) = Path("dist").glob("*.apkg")
    (note,) = imported_notes(collection, package)
    shown = html.unescape(re.sub(r"<[^>]+>", "", note["Question"] + "\n" + note["Answer"]))
    position = 0
    assert not note["Question"].startswith("问题"), note["Question"]
    for line in source.read_text("utf-8").splitlines()[1:]:  # the label line left out
        text = line.lstrip("#- ").replace("`", "").strip()
        if text:
            found = shown.find(text, position)
            assert found >= 0, f"{line!r} is not on the card (in order)"
            position = found + len(text)
