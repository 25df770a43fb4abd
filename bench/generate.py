"""Deterministic synthetic decks for the benchmark: ``python bench/generate.py N OUTDIR``.

Writes ``OUTDIR/notes/part-NNN.md`` (about 1000 questions a file, 50 a ``##`` section,
front matter ``deck: Bench``) and ``OUTDIR/cards.json``, the (question, answer Markdown)
pairs that ``bench/floor.py`` packs with genanki alone.

Every card has a unique question and a unique inline formula; every 5th card a display
formula, every 10th a Python code block, every 50th a ``diagram`` block with parameters
no other card uses.  No randomness: the same N always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

DECK = "Bench"
PER_SECTION = 50
PER_FILE = 1000
DISPLAY_EVERY = 5
CODE_EVERY = 10
DIAGRAM_EVERY = 50

TOPICS = (
    ("批归一化", "Batch Normalization"), ("残差连接", "residual connection"),
    ("注意力机制", "attention"), ("梯度裁剪", "gradient clipping"),
    ("权重衰减", "weight decay"), ("学习率预热", "learning-rate warm-up"),
    ("随机失活", "dropout"), ("交叉熵损失", "cross-entropy loss"),
    ("卷积核", "convolution kernel"), ("池化层", "pooling layer"),
    ("长短期记忆网络", "LSTM"), ("位置编码", "positional encoding"),
    ("标签平滑", "label smoothing"), ("数据增强", "data augmentation"),
    ("早停", "early stopping"), ("动量优化", "momentum"),
    ("层归一化", "Layer Normalization"), ("知识蒸馏", "knowledge distillation"),
)
ASKS = ("的原理是什么", "有什么作用", "为什么有效", "怎样实现", "有哪些缺点",
        "和常见替代方案有何区别")
EFFECTS = ("收敛更快、更稳定", "泛化误差明显下降", "梯度消失得到缓解", "显存占用基本不变",
           "对超参数不再那么敏感", "训练曲线更加平滑")
SECTIONS = ("优化", "正则化", "网络结构", "损失函数", "训练技巧", "序列模型", "视觉模型")


def inline_formula(i: int) -> str:
    """A realistic deep-learning formula, distinct for every card index ``i``."""
    k = i % 10
    if k == 0:
        return (rf"\frac{{\partial L}}{{\partial w_{{{i}}}}} = "
                rf"\sum_{{j=1}}^{{n}} \delta_j x_{{j,{i}}}")
    if k == 1:
        return rf"\sigma(z_{{{i}}}) = \frac{{1}}{{1 + e^{{-z_{{{i}}}}}}}"
    if k == 2:
        return (rf"\mathrm{{softmax}}(z)_{{{i}}} = "
                rf"\frac{{e^{{z_{{{i}}}}}}}{{\sum_{{j=1}}^{{K}} e^{{z_j}}}}")
    if k == 3:
        return rf"\theta_{{t+1}} = \theta_t - \eta_{{{i}}} \nabla_\theta J(\theta_t)"
    if k == 4:
        return rf"L_{{{i}}} = -\sum_{{c=1}}^{{C}} y_c \log \hat{{y}}_c"
    if k == 5:
        return rf"\hat{{x}}_{{{i}}} = \frac{{x_{{{i}}} - \mu_B}}{{\sqrt{{\sigma_B^2 + \epsilon}}}}"
    if k == 6:
        return rf"m_{{{i}}} = \beta_1 m_{{{i - 1}}} + (1 - \beta_1) g_{{{i}}}"
    if k == 7:
        return rf"\lambda \|W^{{({i})}}\|_2^2 = \lambda \sum_{{p,q}} w_{{pq}}^2"
    if k == 8:
        return rf"h_{{{i}}} = \tanh(W_{{hh}} h_{{{i - 1}}} + W_{{xh}} x_{{{i}}} + b)"
    return rf"\mathrm{{ReLU}}(a_{{{i}}}) = \max(0, a_{{{i}}})"


def display_formula(i: int) -> str:
    """A longer display formula, distinct for every card index ``i``."""
    k = (i // DISPLAY_EVERY) % 4
    if k == 0:
        return (rf"\mathrm{{Attention}}(Q, K, V) = \mathrm{{softmax}}\left("
                rf"\frac{{Q K^\top}}{{\sqrt{{d_{{{i}}}}}}}\right) V")
    if k == 1:
        return (rf"\hat{{m}}_{{{i}}} = \frac{{m_{{{i}}}}}{{1 - \beta_1^{{{i}}}}},\quad "
                rf"\theta_{{{i}}} = \theta_{{{i - 1}}} - \frac{{\alpha \hat{{m}}_{{{i}}}}}"
                rf"{{\sqrt{{\hat{{v}}_{{{i}}}}} + \epsilon}}")
    if k == 2:
        return (rf"\frac{{\partial L}}{{\partial x_{{{i}}}}} = \frac{{1}}{{N \sigma}}\left("
                rf"N \frac{{\partial L}}{{\partial \hat{{x}}}} - \sum_j "
                rf"\frac{{\partial L}}{{\partial \hat{{x}}_j}}\right)")
    return (rf"\mathcal{{L}}_{{{i}}} = \frac{{1}}{{N}} \sum_{{n=1}}^{{N}} \ell(f(x_n; \theta), y_n)"
            rf" + \frac{{\lambda}}{{2}} \sum_{{l=1}}^{{{i % 97 + 2}}} \|W_l\|_F^2")


def code_block(i: int) -> str:
    return (
        "```python\n"
        f"def step_{i}(params, grads, lr={1 + i % 9}e-3):\n"
        "    # 一次 SGD 更新 (one SGD update)\n"
        "    for p, g in zip(params, grads):\n"
        "        p -= lr * g\n"
        f"    return params  # card {i}\n"
        "```"
    )


def diagram_block(i: int) -> str:
    """A diagram whose kind cycles and whose parameters no other card repeats."""
    d = i // DIAGRAM_EVERY
    kind, j = d % 6, d // 6
    if kind == 0:
        dilation = 1 + (j // 36) % 2
        lines = ["type: receptive-field", f"input_size: {5 + j % 12}", "kernel: 3",
                 f"stride: {1 + (j // 12) % 2}", f"padding: {dilation}",
                 f"dilation: {dilation}", f"layers: {1 + (j // 24) % 2 + (j // 72) % 2}"]
    elif kind == 1:
        names = ("step", "sigmoid", "tanh", "relu", "leaky-relu", "elu", "gelu")
        mask = j % 127 + 1
        chosen = [n for b, n in enumerate(names) if mask >> b & 1]
        lines = ["type: activation", f"functions: [{', '.join(chosen)}]",
                 f"derivatives: {'true' if (j // 127) % 2 == 0 else 'false'}",
                 f"x_min: {-3 - (j // 254) % 5}", f"x_max: {3 + (j // 254) % 5}"]
    elif kind == 2:
        methods = ("batch", "sgd", "mini-batch", "momentum", "rmsprop", "adam")
        chosen = [methods[j % 6], methods[(j + 2) % 6]]
        lines = ["type: gradient-descent", f"methods: [{', '.join(chosen)}]",
                 f"steps: {20 + j % 30}", "learning_rate: 0.1", f"seed: {j}"]
    elif kind == 3:
        lines = ["type: pooling", f"mode: {'max' if j % 2 == 0 else 'mean'}",
                 f"size: {4 + j % 5}", "window: 2", "stride: 2", f"seed: {j}"]
    elif kind == 4:
        rates = ("[1, 2]", "[1, 2, 4]", "[1, 3]", "[2, 4]", "[1, 2, 3]")[j % 5]
        lines = ["type: dilated-conv", f"rates: {rates}", "kernel: 3",
                 f"grid: {15 + (j // 5) % 27}"]
    else:
        lines = ["type: loss-curves", f"epochs: {60 + j % 60}",
                 f"overfit_at: {20 + j % 30}", "patience: 5", f"seed: {j}"]
    return "```diagram\n" + "\n".join(lines) + "\n```"


@dataclass(frozen=True)
class Card:
    section: int
    question: str
    answer: str


def card(i: int) -> Card:
    """Card ``i`` (0-based): its ``##`` section number, question and answer Markdown."""
    zh, en = TOPICS[i % len(TOPICS)]
    ask = ASKS[(i // len(TOPICS)) % len(ASKS)]
    effect = EFFECTS[i % len(EFFECTS)]
    question = f"Q{i + 1:05d} {zh}（{en}）{ask}？"
    parts = [
        f"**{zh}**（{en}）是深度学习里常考的知识点。它的核心公式是 ${inline_formula(i)}$ ，"
        f"在第 {i % 17 + 1} 层的反向传播（backpropagation）中尤其重要；"
        f"实践中配合 **learning rate schedule** 使用，通常能让模型{effect}。",
        "\n".join([
            f"- 要点一：先检查 batch size = {16 * (i % 8 + 1)} 时的梯度范数（gradient norm）；",
            "- 要点二：注意 **overfitting** 与 regularization 的平衡，验证集 loss 是关键信号；",
            f"- 要点三：实验 #{i + 1} 表明 {en} 在 epoch {i % 90 + 10} 之后趋于稳定。",
        ]),
    ]
    if i % DISPLAY_EVERY == DISPLAY_EVERY - 1:
        parts.append(f"完整推导如下：\n\n$${display_formula(i)}$$")
    if i % CODE_EVERY == CODE_EVERY - 1:
        parts.append("参考实现（PyTorch 风格的伪代码）：\n\n" + code_block(i))
    if i % DIAGRAM_EVERY == DIAGRAM_EVERY - 1:
        parts.append("下图给出一个具体的例子：\n\n" + diagram_block(i))
    return Card(i // PER_SECTION, question, "\n\n".join(parts))


def section_title(s: int) -> str:
    return f"第{s + 1}部分 Part {s + 1}：{SECTIONS[s % len(SECTIONS)]}"


def deck_name(file_index: int, files_per_deck: int) -> str:
    """``Bench``; with ``files_per_deck``, ``Bench``, ``Bench 2``, … every that many files."""
    part = file_index // files_per_deck if files_per_deck > 0 else 0
    return DECK if part == 0 else f"{DECK} {part + 1}"


def generate(n: int, outdir: Path, files_per_deck: int = 0) -> list[Path]:
    """Write the notes and ``cards.json`` for ``n`` questions; return the note files.

    Every file is in deck ``Bench`` unless ``files_per_deck`` spreads them over several
    (20000 of these cards carry ~270 MB of images, past build-deck's 250 MB warning).
    """
    notes = outdir / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    for stale in notes.glob("part-*.md"):
        stale.unlink()
    written: list[Path] = []
    pairs: list[dict[str, str]] = []
    for start in range(0, n, PER_FILE):
        deck = deck_name(start // PER_FILE, files_per_deck)
        lines = ["---", f"deck: {deck}", "---", ""]
        section = -1
        for i in range(start, min(n, start + PER_FILE)):
            c = card(i)
            if c.section != section:
                section = c.section
                lines += [f"## {section_title(section)}", ""]
            lines += [f"### {c.question}", "", c.answer, ""]
            pairs.append({"deck": deck, "section": section_title(c.section),
                          "question": c.question, "answer": c.answer})
        path = notes / f"part-{start // PER_FILE + 1:03d}.md"
        path.write_text("\n".join(lines), encoding="utf-8", newline="\n")
        written.append(path)
    (outdir / "cards.json").write_text(
        json.dumps({"deck": DECK, "cards": pairs}, ensure_ascii=False, indent=0),
        encoding="utf-8", newline="\n")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of questions")
    parser.add_argument("outdir", type=Path, help="folder to write notes/ and cards.json into")
    parser.add_argument("--files-per-deck", type=int, default=0, metavar="K",
                        help="start a new deck (Bench 2, Bench 3, …) every K files of "
                             f"{PER_FILE} questions (default: one deck, {DECK})")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    files = generate(args.n, args.outdir, args.files_per_deck)
    print(f"wrote {args.n} questions in {len(files)} file(s) under {args.outdir / 'notes'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
