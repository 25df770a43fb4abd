"""Parsing: the raw seed notes, and small fixtures with hand-written expected model dumps."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from builder import model
from builder.anki.html import HtmlMedia, render_blocks
from builder.model import Document, Node, plain_text
from builder.parse.document import ParseOptions, parse_file, parse_text
from builder.parse.source import SourceError

from .conftest import FIXTURES, SEED

SEED_QUESTIONS = [
    (27, "讲一讲faster_rcnn"),
    (29, "你了解哪些激活函数？分别有什么用？"),
    (31, "批梯度下降、随机梯度下降和mini-batch梯度下降的区别？"),
    (35, "CNN里有哪些常见的梯度下降方法？"),
    (37, "池化层是怎样进行反向传播的？"),
    (39, "深度学习不适合哪些应用场景？"),
    (43, "浅层神经网络和深层神经网络的差别？"),
    (46, "什么是过拟合？防止过拟合的方法？"),
    (57, "为什么负梯度方向是函数局部值最快的方向？"),
    (59, "为什么图像处理中一般用最大池化而不用平均池化？"),
    (65, "softmax loss和cross entropy的区别？"),
    (67, "全连接层的作用"),
    (70, "训练不收敛（loss不下降）怎么办？"),
    (79, "怎么计算感受野（receptive field）？"),
    (81, "详细介绍一下Batch Normalization（怎么计算均值、方差，怎么反向传播等）"),
    (85, "RNN和LSTM有什么不同？"),
    (88, "为什么RNN不用Relu函数而要用tanh函数？"),
    (90, "写一下卷积的实现"),
    (92, "空洞卷积的思想？或者说相比如标准卷积有什么改进？"),
    (96, "CNN模型结构，卷积层的作用"),
]


def seed() -> Document:
    return parse_file(SEED, "seed.md")


def answer_html(doc: Document, question_prefix: str) -> str:
    card = next(c for c in doc.cards if c.question_text.startswith(question_prefix))
    return render_blocks(card.answer, HtmlMedia())


def test_seed_has_twenty_questions_in_one_section_with_heading_lines() -> None:
    doc = seed()
    assert [s.path for s in doc.sections] == [("深度学习",)]
    assert [(c.loc.line, c.question_text) for c in doc.cards] == SEED_QUESTIONS
    assert all(c.section_path == ("深度学习",) for c in doc.cards)
    assert str(doc.cards[0].loc) == "seed.md:27:5"


def test_seed_toc_is_read_and_never_becomes_a_card() -> None:
    doc = seed()
    # One entry for the section, twenty nested under it for the questions.
    assert [(e.depth, e.text) for e in doc.toc][:2] == [(0, "深度学习"), (1, "讲一讲faster_rcnn")]
    questions = [e for e in doc.toc if e.depth == 1]
    assert [e.text for e in questions] == [q for _, q in SEED_QUESTIONS]
    assert questions[2].anchor == "批梯度下降随机梯度下降和mini-batch梯度下降的区别"
    assert questions[0].loc.line == 4
    assert not any("TOC" in c.question_text or "[" in c.question_text for c in doc.cards)


def test_seed_keys_are_stable_and_unique() -> None:
    first, second = seed(), seed()
    keys = [c.key for c in first.cards]
    assert keys == [c.key for c in second.cards]
    assert len(set(keys)) == 20
    assert keys[3] == "deep-learning-interview / 深度学习 / cnn里有哪些常见的梯度下降方法?"


def test_digits_around_star_are_not_emphasis() -> None:
    html = answer_html(seed(), "怎么计算感受野")
    assert "5*5特征图" in html and "3*3特征图" in html and "2*2特征图" in html
    assert "<i>" not in html and "<em>" not in html


def test_real_emphasis_still_works_next_to_cjk() -> None:
    html = answer_html(seed(), "批梯度下降")
    assert "<b>批梯度下降</b>是每次" in html
    assert "<b>mini-batch</b>梯度下降介于" in html


def test_single_newlines_are_line_breaks_by_default() -> None:
    html = answer_html(seed(), "批梯度下降")
    assert html.count("<br>") == 2
    off = parse_text(SEED.read_text(encoding="utf-8"), "seed.md", ParseOptions(breaks=False))
    assert "<br>" not in answer_html(off, "批梯度下降")


def test_parenthesis_numbered_lines_are_an_ordered_list() -> None:
    html = answer_html(seed(), "为什么图像处理中")
    assert "<ol><li>保持主要特征不变的同时减小了参数</li><li>保持平移" in html
    html = answer_html(seed(), "训练不收敛")
    assert html.startswith("<ol><li>首先检查是否进行了数据归一化")
    assert html.count("<li>") == 8


def test_math_tokens_and_currency() -> None:
    doc = parse_text(
        "## S\n### Q\n价格从 $5 到 $10，代码 `a $x$ b`，公式 $x^2$ 和\n\n$$\n\\frac{a}{b}\n$$\n",
        "m.md")
    card = doc.cards[0]
    assert [(f.tex, f.display) for f in card.formulas] == [("x^2", False), ("\\frac{a}{b}", True)]
    html = render_blocks(card.answer, HtmlMedia())
    assert "$5 到 $10" in html
    assert "<code>a $x$ b</code>" in html
    assert "\\(x^2\\)" in html and "\\[\\frac{a}{b}\\]" in html
    assert card.formulas[0].loc.line == 3 and card.formulas[0].loc.col == 30


def test_seed_bn_formulas_are_found_with_their_lines() -> None:
    card = next(c for c in seed().cards if c.question_text.startswith("详细介绍一下Batch"))
    assert [f.tex for f in card.formulas][:2] == ["Z_l = W ⋅ A_{l − 1} + b", "A_l = relu ( Z_l )"]
    assert {f.loc.line for f in card.formulas} == {82}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_bom_and_crlf_give_the_same_cards(tmp_path: Path, encoding: str, newline: str) -> None:
    text = SEED.read_text(encoding="utf-8").replace("\n", newline)
    path = tmp_path / "notes.md"
    path.write_bytes(text.encode(encoding))
    doc = parse_file(path, "seed.md")
    assert [(c.loc.line, c.question_text) for c in doc.cards] == SEED_QUESTIONS
    assert doc.cards[2].answer == seed().cards[2].answer


def test_not_utf8_names_the_encoding_and_place(tmp_path: Path) -> None:
    path = tmp_path / "gbk.md"
    path.write_bytes("## 节\n### 问题\n答案\n".encode("gb18030"))
    with pytest.raises(SourceError) as info:
        parse_file(path, "gbk.md")
    assert str(info.value).startswith(
        "gbk.md:1:4: error: file is not UTF-8 (it looks like gb18030)")
    assert "iconv -f gb18030 -t utf-8" in str(info.value)


def test_front_matter_sets_deck_tags_and_levels() -> None:
    text = (
        "---\ndeck: 面试::深度学习\ntitle: 深度学习面试\ntags: [dl, 面试]\n"
        "section_level: 1\nquestion_level: 4\n---\n"
        "# 基础\n## 小节\n#### 问题一\n答案一\n##### 更深的标题\n仍在答案里\n#### 问题二\n答案二\n"
    )
    doc = parse_text(text, "f.md")
    assert doc.settings.deck == "面试::深度学习"
    assert doc.settings.title == "深度学习面试"
    assert doc.settings.tags == ("dl", "面试")
    assert [(c.section_path, c.question_text, c.loc.line) for c in doc.cards] == [
        (("基础", "小节"), "问题一", 10), (("基础", "小节"), "问题二", 14)]
    assert [n.kind for n in doc.cards[0].answer] == ["paragraph", "heading", "paragraph"]


def test_cli_levels_apply_without_front_matter() -> None:
    doc = parse_text("# 节\n## 问\n答\n", "l.md", ParseOptions(section_level=1, question_level=2))
    assert [(c.section_path, c.question_text) for c in doc.cards] == [(("节",), "问")]


def test_bad_front_matter_is_a_located_diagnostic() -> None:
    doc = parse_text("---\ndeck: [unclosed\n---\n## S\n### Q\nA\n", "bad.md")
    assert [str(d) for d in doc.diagnostics] == [
        "bad.md:2:16: error: front matter is not valid YAML; the file's settings (deck, "
        "tags, lang…) are not used [front-matter]"]
    assert len(doc.cards) == 1
    doc = parse_text("---\ncolour: red\n---\n## S\n### Q\nA\n", "bad.md")
    assert "unknown front matter key 'colour'" in doc.diagnostics[0].message


def test_explicit_id_overrides_the_key_and_is_not_shown() -> None:
    doc = parse_text("## S\n### 问题 {#my-id}\nA\n", "e.md")
    card = doc.cards[0]
    assert card.key == "id:my-id" and card.explicit_id == "my-id"
    assert card.question_text == "问题"


def test_invisible_characters_do_not_split_identity() -> None:
    plain = parse_text("## S\n### 什么是过拟合？\nA\n", "z.md").cards[0]
    hidden = parse_text("## S\n### 什么是\u200b过拟合\u202e？\nA\n", "z.md").cards[0]
    assert hidden.key == plain.key
    assert hidden.question_text == "什么是过拟合？"


def test_an_emoji_joiner_in_a_question_is_kept_without_a_warning() -> None:
    # Emoji sequences (👩‍💻, or an author's "‍⭐️" marker) are made with U+200D.
    doc = parse_text("## S\n### Who codes? \U0001F469\u200d\U0001F4BB \u200d\u2b50\n"
                     "A\n### Split\u200dword\nB\n", "z.md")
    emoji, split = doc.cards
    assert "\U0001F469\u200d\U0001F4BB" in plain_text(emoji.question)
    assert "\u200d\u2b50" in plain_text(emoji.question)
    assert plain_text(split.question) == "Splitword"
    assert [d.loc.line for d in doc.diagnostics if d.code == "invisible-chars"] == [4]
    # The key still folds the joiner away, as before.
    assert emoji.key == parse_text("## S\n### Who codes? \U0001F469\U0001F4BB \u2b50\nA\n",
                                   "z.md").cards[0].key


def test_control_characters_leave_questions_a_form_feed_stays_a_space() -> None:
    doc = parse_text("## S\n### a\x07b\x0cc\tok\nA\n", "z.md")
    assert doc.cards[0].question_text == "ab c\tok"
    assert [str(d) for d in doc.diagnostics] == [
        "z.md:2:6: warning: control character U+0007 removed (and 1 more on this line) "
        "[control-chars]"]
    assert not parse_text("## S\n### a\tb\nA\n", "z.md").diagnostics  # a tab is no control


def test_control_characters_leave_answers_and_code_too() -> None:
    doc = parse_text("## S\n### Q\n响铃\x07字符，`a\x1bb`\n\n- x\x7fy\r\n### R\n\x07\x08\n",
                     "z.md")
    card, only_controls = doc.cards
    assert only_controls.is_empty  # left out of the deck, with a warning
    assert render_blocks(card.answer, HtmlMedia()) == \
        "<p>响铃字符，<code>ab</code></p><ul><li>xy</li></ul>"
    assert [(d.loc.line, d.loc.col, d.code) for d in doc.diagnostics] == [
        (3, 3, "control-chars"), (5, 4, "control-chars"), (6, 5, "empty-answer"),
        (7, 1, "control-chars")]  # in place order


def test_empty_and_repeating_answers_are_flagged() -> None:
    codes = {(d.loc.line, d.code) for d in seed().diagnostics}
    assert codes == {(27, "answer-repeats-question"), (90, "empty-answer")}


def dump(doc: Document) -> dict[str, object]:
    """A compact, readable dump of a Document, for comparing with hand-written fixtures."""

    def node(n: Node) -> object:
        out: dict[str, object] = {"kind": n.kind}
        if n.text:
            out["text"] = n.text
        if n.attrs:
            out["attrs"] = dict(n.attrs)
        if n.children:
            out["children"] = [node(c) for c in n.children]
        return out

    return {
        "deck": doc.settings.deck,
        "cards": [
            {"line": c.loc.line, "section": list(c.section_path), "question": c.question_text,
             "answer": [node(n) for n in c.answer]}
            for c in doc.cards
        ],
    }


@pytest.mark.parametrize("name", ["lists-and-code", "nested-sections"])
def test_fixture_matches_expected_dump(name: str) -> None:
    doc = parse_file(FIXTURES / f"{name}.md", f"{name}.md")
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert dump(doc) == expected


def _every_field(value: object) -> object:
    """The value with every dataclass field spelled out, those left out of == included."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                {f.name: _every_field(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, tuple | list):
        return [_every_field(v) for v in value]
    return value


def test_documents_pickle_with_every_field() -> None:
    """Parsed documents travel between processes and into the parse cache as pickles."""
    doc = parse_file(SEED, "seed.md")
    assert doc.cards and any(c.formulas for c in doc.cards)
    loaded = pickle.loads(pickle.dumps(doc, pickle.HIGHEST_PROTOCOL))
    assert _every_field(loaded) == _every_field(doc)
    for cls in vars(model).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls):
            # Pickling passes __match_args__ to the constructor: it must name every field.
            fields = tuple(f.name for f in dataclasses.fields(cls))
            assert vars(cls)["__match_args__"] == fields, cls
