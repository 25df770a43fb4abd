"""Questions found however the notes mark them (issue 16): levels, bold lines, one per file,
placeholders, tables of contents; the choice explained and stable."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.cli import main
from builder.model import Document, plain_text
from builder.parse.document import ParseOptions, parse_file, parse_structured, parse_text
from builder.parse.phrases import asks_outright, is_placeholder, numbering, question_reason

from .conftest import FIXTURES, SEED, write


def cards(doc: Document) -> list[tuple[int, tuple[str, ...], str]]:
    return [(c.loc.line, c.section_path, c.question_text) for c in doc.cards if c.answer]


def fixture(name: str) -> Document:
    return parse_file(FIXTURES / f"{name}.md", f"{name}.md")


def codes(doc: Document, code: str) -> list[int]:
    return [d.loc.line for d in doc.diagnostics if d.code == code]


# --- each style, from a fixture written for it --------------------------------------------

def test_questions_under_one_title() -> None:
    doc = fixture("style-title-questions")
    assert doc.settings.structure == "no sections, questions ##"
    assert doc.settings.deck == "Machine Learning Interview Notes"
    assert cards(doc) == [
        (5, (), "What is overfitting?"),
        (9, (), "Why does L1 regularization give sparse weights?"),
        (17, (), "Explain the bias-variance trade-off"),
    ]
    # The ### under a question is part of its answer.
    l1 = doc.cards[1]
    assert [n.kind for n in l1.answer] == ["paragraph", "heading", "paragraph"]
    assert codes(doc, "empty-answer") == [21]


def test_questions_under_numbered_groups() -> None:
    doc = fixture("style-numbered-groups")
    assert doc.settings.structure == "sections ##, questions ####"
    assert cards(doc) == [
        (7, ("第一部分", "1、基础知识"), "1.1 什么是梯度消失"),
        (11, ("第一部分", "1、基础知识"), "1.2 BN的作用"),
        (17, ("第一部分", "2、模型结构"), "2.1 ResNet 为什么有效？"),
    ]
    assert [n.kind for n in doc.cards[2].answer] == ["paragraph", "heading", "paragraph"]
    assert codes(doc, "empty-answer") == [25]


def test_bold_paragraph_questions() -> None:
    doc = fixture("style-bold-paragraphs")
    assert doc.settings.structure == "sections ##, questions bold lines"
    assert cards(doc) == [
        (5, ("Regularization",), "What is regularization? 👶"),
        (9, ("Regularization",), "How does dropout work? ⭐"),
        (18, ("Optimisation",), "Q: Why use momentum?"),
    ]
    dropout = doc.cards[1]
    # The rest of the question's paragraph, the next paragraph, and the bold "Note:"
    # (a label, not a question) are its answer.
    assert [n.kind for n in dropout.answer] == ["paragraph", "paragraph", "paragraph"]
    assert dropout.answer[0].line == 10
    assert "Each step" in dropout.answer[0].children[0].text
    assert codes(doc, "empty-answer") == [23]


def test_bold_list_item_questions() -> None:
    doc = fixture("style-bold-list")
    assert doc.settings.structure == "no sections, questions bold lines"
    assert cards(doc) == [
        (3, (), "What is IoU?"),
        (6, (), "Why use anchor boxes? 🔥"),
        (17, (), "1) How is mAP computed?"),
    ]
    iou, anchors, _nms, _map = doc.cards
    assert [n.kind for n in iou.answer] == ["bullet_list"]
    assert len(iou.answer[0].children) == 2
    # An item that is no question stays with the answer before it.
    assert [n.kind for n in anchors.answer] == ["paragraph", "code_block", "bullet_list"]
    assert codes(doc, "empty-answer") == [14]


def test_one_question_per_file_titled_by_its_heading() -> None:
    doc = fixture("style-one-question")
    assert doc.settings.structure == "one question per file"
    assert [c.question_text for c in doc.cards] == ["什么是 Batch Normalization？"]
    assert [n.kind for n in doc.cards[0].answer] == [
        "paragraph", "heading", "math_block", "heading", "code_block", "heading", "bullet_list"]


def test_one_question_per_file_with_answer_part_headings() -> None:
    doc = parse_text("# Dropout\n\n## 原理\n\nx\n\n## Implementation\n\ny\n", "d.md")
    assert doc.settings.structure == "one question per file"
    assert [c.question_text for c in doc.cards] == ["Dropout"]


def test_a_file_without_headings_is_one_question_named_by_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "what-is-dropout.md", "Units are dropped at random.\n")
    doc = parse_file(path, "what-is-dropout.md")
    assert [c.question_text for c in doc.cards] == ["what-is-dropout"]
    forced = parse_text("## 原理\nx\n## 实现\ny\n", "f.md", ParseOptions(question_level="file"),
                        stem="f")
    assert [c.question_text for c in forced.cards] == ["f"]
    assert [n.kind for n in forced.cards[0].answer] == ["heading", "paragraph"] * 2


def test_questions_at_several_levels() -> None:
    doc = fixture("style-mixed-levels")
    assert doc.settings.structure.startswith("sections and questions at levels ## and deeper")
    assert cards(doc) == [
        (3, (), "卷积"), (7, (), "卷积的反向传播过程"), (11, (), "池化"),
        (19, (), "池化层怎么接收后面传过来的损失？"), (23, (), "感受野"),
        (29, ("优化算法",), "随机梯度下降"), (37, (), "正则化"),
    ]
    # "### 原理" names a part of the answer above: it stays in it.
    assert [n.kind for n in doc.cards[2].answer] == ["paragraph", "heading", "paragraph"]
    assert codes(doc, "empty-answer") == [33]


def test_a_few_section_intros_do_not_make_every_heading_a_question() -> None:
    text = ("## Basics\n\nWhat this part covers.\n\n### What is A?\n\na\n\n### Why B?\n\nb\n\n"
            "## More\n\n### How C?\n\nc\n\n## Last\n\n### What is D?\n\nd\n")
    doc = parse_text(text, "s.md")
    assert doc.settings.structure == "sections ##, questions ###"
    assert [c.question_text for c in doc.cards] == ["What is A?", "Why B?", "How C?",
                                                    "What is D?"]


def test_topic_headings_with_answers_are_not_one_question() -> None:
    doc = parse_text("# Notes\n## BN\nnormalises\n## Dropout\ndrops units\n", "n.md")
    assert cards(doc) == [(2, (), "BN"), (4, (), "Dropout")]


# --- what still wins, and what must not change --------------------------------------------

def test_seed_is_read_as_sections_and_questions() -> None:
    doc = parse_file(SEED, "seed.md")
    assert doc.settings.structure == "sections ##, questions ###"
    assert len(doc.cards) == 20


def test_front_matter_and_options_win_over_detection() -> None:
    text = "# T\n## What is A?\nx\n### Why B?\ny\n"
    assert cards(parse_text(text, "a.md")) == [(2, (), "What is A?")]
    front = "---\nquestion_level: 3\n---\n" + text
    assert cards(parse_text(front, "a.md")) == [(7, ("What is A?",), "Why B?")]
    by_option = parse_text(text, "a.md", ParseOptions(section_level=2, question_level=3))
    assert cards(by_option) == [(4, ("What is A?",), "Why B?")]
    heading_only = "---\nquestion_style: heading\n---\n# T\n\n**What is A?**\n\nx\n"
    # Headings only: the bold line is part of the one answer under the title.
    assert [c.question_text for c in parse_text(heading_only, "h.md").cards] == ["T"]


def test_bad_settings_are_diagnosed() -> None:
    doc = parse_text("---\nquestion_level: deep\nquestion_style: italic\n---\n## Q?\nA\n", "b.md")
    messages = [d.message for d in doc.diagnostics if d.code == "front-matter"]
    assert any("'question_level' must be a heading level" in m for m in messages)
    assert any("'question_style' must be one of auto, heading, bold" in m for m in messages)


def test_bold_inside_heading_answers_stays_answer() -> None:
    text = "## Q1?\n\n**Why does it work?**\n\nbecause\n\n## Q2?\n\nB\n\n## Q3?\n\nC\n"
    doc = parse_text(text, "m.md")
    assert [c.question_text for c in doc.cards] == ["Q1?", "Q2?", "Q3?"]
    assert [n.kind for n in doc.cards[0].answer] == ["paragraph", "paragraph"]


@pytest.mark.parametrize("text", ["**原理**", "**Note:**", "**What is it? see below**x",
                                  "**Why?** because", "plain question?"])
def test_lines_that_are_not_bold_questions(text: str) -> None:
    doc = parse_text(f"# T\n\n{text}\n\nanswer\n", "n.md", ParseOptions(question_style="bold"))
    assert doc.cards == ()



GLOSSARY = "# Glossary\n\n**Photosynthesis**\n\nLight to energy.\n\n**Osmosis**\n\nWater moves.\n"


@pytest.mark.parametrize(("front", "options"), [
    ("", ParseOptions(question_style="bold")),
    ("---\nquestion_style: bold\n---\n", ParseOptions()),
])
def test_bold_style_reads_a_glossary_without_answer_labels(front: str,
                                                           options: ParseOptions) -> None:
    # No answer label and no bold line that asks: every whole bold line is a question.
    doc = parse_text(front + GLOSSARY, "g.md", options)
    assert [c.question_text for c in doc.cards] == ["Photosynthesis", "Osmosis"]
    assert [plain_text(c.answer) for c in doc.cards] == ["Light to energy.", "Water moves."]

# --- placeholders -------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["Answer here", "TODO", "- [ ] TODO", "待补充", "待完善",
                                    "TBD.", "*TODO*", "1. 待补充", "**Answer:** _[To be filled]_",
                                    "_[To be filled]_\n\n---", "Be the first to contribute!",
                                    "答案：待补充"])
def test_placeholder_answers_are_empty(answer: str) -> None:
    doc = parse_text(f"## A?\n\n{answer}\n\n## B?\n\nreal\n", "p.md")
    assert [c.question_text for c in doc.cards if c.answer] == ["B?"]
    (warning,) = [d for d in doc.diagnostics if d.code == "empty-answer"]
    assert warning.loc.line == 1 and "placeholder" in warning.message


@pytest.mark.parametrize("answer", ["TODO: check the derivation", "Answer here: 42",
                                    "![](todo.png)", "`TODO`", "See TBD section",
                                    "**Answer:** the buffer is to be filled with zeros",
                                    "A: 42"])
def test_real_answers_mentioning_placeholders_stay(answer: str) -> None:
    assert not is_placeholder(answer) or answer.startswith(("!", "`"))
    doc = parse_text(f"## A?\n\n{answer}\n", "p.md")
    assert [c.question_text for c in doc.cards if c.answer] == ["A?"]


# --- tables of contents -------------------------------------------------------------------

def test_toc_marker_and_manual_list_are_never_cards() -> None:
    doc = fixture("style-toc")
    assert cards(doc) == [(10, (), "What is a CNN?"), (14, (), "Why pooling?")]
    assert [(e.text, e.anchor) for e in doc.toc] == [
        ("What is a CNN?", "what-is-a-cnn"), ("Why pooling?", "why-pooling")]


def test_toc_list_at_question_level_is_not_a_card() -> None:
    text = "# T\n\n### Contents\n\n- [A?](#a)\n- [B?](#b)\n\n### A?\n\nx\n\n### B?\n\ny\n"
    doc = parse_text(text, "c.md")
    assert [c.question_text for c in doc.cards] == ["A?", "B?"]


def test_links_inside_an_answer_stay_in_it() -> None:
    text = "## A?\n\nx\n\n## B?\n\n- [A?](#a)\n- [B?](#b)\n"
    doc = parse_text(text, "l.md")
    assert [n.kind for n in doc.cards[1].answer] == ["bullet_list"]


def test_toc_check_on_a_manual_list(tmp_path: Path) -> None:
    path = write(tmp_path / "m.md", "# N\n\n## 目录\n\n- [What is X?](#what-is-x)\n"
                 "- [Old](#old)\n\n## What is X?\nA\n\n## Why Y?\nB\n")
    result = CliRunner().invoke(main, ["toc", "--check", str(path)])
    assert result.exit_code == 1
    assert "m.md:6:1: warning: TOC entry 'Old' links to #old, which no heading has" \
        in result.output
    assert "m.md:11:1: warning: heading 'Why Y?' is missing from the TOC" in result.output
    assert CliRunner().invoke(main, ["toc", str(path)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == (
        "# N\n\n## 目录\n\n- [What is X?](#what-is-x)\n- [Why Y?](#why-y)\n\n"
        "## What is X?\nA\n\n## Why Y?\nB\n")
    marker = write(tmp_path / "t.md", "[TOC]\n\n## Q?\nA\n")
    result = CliRunner().invoke(main, ["toc", "--check", str(marker)])
    assert result.exit_code == 0 and "[TOC] is drawn by the editor" in result.output


# --- question text ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["What is BN?", "为什么用ReLU？", "3.1.2 BN", "（3）池化",
                                  "1) pooling", "Q: pooling", "01. pooling", "1、池化",
                                  "Explain dropout", "BN的作用", "Dropout? 👶"])
def test_reads_as_a_question(text: str) -> None:
    assert question_reason(text) is not None


@pytest.mark.parametrize("text", ["深度学习", "Overview", "原理", "1. 原理", "Implementation",
                                  "Regularization"])
def test_does_not_read_as_a_question(text: str) -> None:
    assert question_reason(text) is None


# --- stable: adding a question never changes the others -----------------------------------

_QUESTIONS = ["What is {}?", "Why {}?", "{}的作用", "如何理解{}？", "Explain {}", "{} 是什么",
              "Q: {}?", "{}"]


def _heading_file(rng: random.Random, sections: int, per: list[int], title: bool,
                  qlevel: int) -> list[str]:
    blocks = ["# Notes\n\nintro\n"] if title else []
    n = 0
    for s in range(sections):
        blocks.append(f"{'#' * (qlevel - 1)} Topic {s}\n")
        for _ in range(per[s]):
            n += 1
            text = rng.choice(_QUESTIONS).format(f"thing{n}")
            blocks.append(f"{'#' * qlevel} {text}\n\nanswer {n}\n")
            if rng.random() < 0.3:
                blocks.append(f"{'#' * (qlevel + 1)} 原理\n\ndetail {n}\n")
    return blocks


def _topic_file(rng: random.Random, per: list[int]) -> list[str]:
    """Topics that carry answers of their own, with questions under them."""
    blocks = ["# Notes\n"]
    n = 0
    for s, count in enumerate(per):
        blocks.append(f"## Topic {s}\n\nabout topic {s}\n")
        for _ in range(count):
            n += 1
            blocks.append(f"### {rng.choice(_QUESTIONS).format(f'thing{n}')}\n\nanswer {n}\n")
    return blocks


def _bold_file(rng: random.Random, per: list[int], as_list: bool) -> list[str]:
    blocks = ["# Notes\n"]
    n = 0
    for s, count in enumerate(per):
        blocks.append(f"## Topic {s}\n")
        for _ in range(count):
            n += 1
            text = rng.choice(_QUESTIONS[:-1]).format(f"thing{n}")
            blocks.append(f"- **{text}**\n  - answer {n}\n" if as_list
                          else f"**{text}**\n\nanswer {n}\n")
    return blocks


def _questions(blocks: list[str]) -> list[tuple[tuple[str, ...], str, str]]:
    doc = parse_text("\n".join(blocks), "p.md")
    return [(c.section_path, c.question_text, repr(c.answer)) for c in doc.cards]


def _without_lines(found: list[tuple[tuple[str, ...], str, str]]) -> list[tuple[str, ...]]:
    import re

    return [(*path, question, re.sub(r"line=\d+", "", answer))
            for path, question, answer in found]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), sections=st.integers(1, 3),
       per=st.lists(st.integers(1, 4), min_size=3, max_size=3), title=st.booleans(),
       qlevel=st.integers(2, 5), where=st.integers(0, 100), style=st.sampled_from(
           ["heading", "bold", "bold-list", "topics"]))
def test_adding_a_question_never_changes_the_others(
        seed: int, sections: int, per: list[int], title: bool, qlevel: int, where: int,
        style: str) -> None:
    rng = random.Random(seed)
    if style == "heading":
        blocks = _heading_file(rng, sections, per, title, qlevel)
        mark = "#" * qlevel + " "
        new = f"{mark}Why is the added one here?\n\nnew answer\n"
    elif style == "topics":
        blocks = _topic_file(rng, per[:sections] + [1] * (4 - sections))
        mark = "### "
        new = "### Why is the added one here?\n\nnew answer\n"
    else:
        blocks = _bold_file(rng, per[:sections], style == "bold-list")
        mark = "- **" if style == "bold-list" else "**"
        new = ("- **Why is the added one here?**\n  - new answer\n" if style == "bold-list"
               else "**Why is the added one here?**\n\nnew answer\n")
    before = _questions(blocks)
    slots = [i for i, b in enumerate(blocks) if b.startswith(mark)]
    at = slots[where % len(slots)] + (1 if where % 2 else 0)
    while at < len(blocks) and blocks[at].startswith("#" * (qlevel + 1) + " "):
        at += 1  # after the question's own sub-headings
    after = _questions([*blocks[:at], new, *blocks[at:]])
    added = [q for q in after if q[1] == "Why is the added one here?"]
    assert len(added) == 1
    assert _without_lines([q for q in after if q not in added]) == _without_lines(before)


# --- explained, and printed per file ------------------------------------------------------

def test_explain_structure_lists_sections_questions_and_why(tmp_path: Path) -> None:
    path = write(tmp_path / "n.md", (FIXTURES / "style-numbered-groups.md").read_text("utf-8"))
    result = CliRunner().invoke(main, ["check", "--explain-structure", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "n.md: sections ##, questions #### (detected)"
    assert lines[1].startswith("  because ####: 4 of 4 headings read as questions")
    assert "  n.md:3: section '第一部分'" in lines
    assert "  n.md:5: section '第一部分 / 1、基础知识'" in lines
    assert "  n.md:7: question '1.1 什么是梯度消失' [heading ####]" in lines
    assert "  n.md:21: heading '补充' is part of the answer above" in lines
    assert ("  n.md:25: question '2.2 Dropout' [heading ####]: empty answer is left out "
            "of the deck") in lines


def test_explain_structure_says_what_the_build_does_with_an_empty_answer(
        tmp_path: Path) -> None:
    path = write(tmp_path / "n.md", "## S\n\n### Empty?\n\n### Full?\n\nYes.\n")
    for extra, fate in (([], "is left out of the deck"),
                        (["--keep-empty"], "is kept (--keep-empty)")):
        checked = CliRunner().invoke(main, ["check", *extra, str(path)])
        assert f"empty answer: 'Empty?' {fate} [empty-answer]" in checked.output
        result = CliRunner().invoke(main, ["check", "--explain-structure", *extra, str(path)])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert f"  n.md:3: question 'Empty?' [heading ###]: empty answer {fate}" in lines
        assert "  n.md:5: question 'Full?' [heading ###]" in lines
    # The same when [tool.build-deck] says so.
    write(tmp_path / "pyproject.toml", "[tool.build-deck]\nkeep-empty = true\n")
    result = CliRunner().invoke(main, ["check", "--explain-structure", str(path)])
    assert result.exit_code == 0, result.output
    assert ("  n.md:3: question 'Empty?' [heading ###]: empty answer is kept (--keep-empty)"
            in result.output.splitlines())


def test_build_prints_how_each_file_was_read(tmp_path: Path) -> None:
    write(tmp_path / "src" / "a.md", "# T\n## What is A?\nx\n")
    write(tmp_path / "src" / "b.md", "## S\n\n**Why B?**\n\ny\n")
    result = CliRunner().invoke(main, ["build", "src", "--format", "apkg", "--no-lock"])
    assert result.exit_code == 0, result.output
    assert "src/a.md: no sections, questions ##" in result.output
    assert "src/b.md: sections ##, questions bold lines" in result.output
    forced = CliRunner().invoke(main, ["build", "src", "--format", "apkg", "--no-lock",
                                       "--question-level", "2", "-o", "out2"])
    assert "src/a.md: sections #, questions ##" in forced.output


def test_bold_number_lead_ins_are_questions_where_no_heading_is() -> None:
    text = ("# Coding\n\n## Python\n\n**1) FizzBuzz.** Print numbers from 1 to 100\n\n"
            "```python\nprint(1)\n```\n\n**2)** The number of active ads.\n\nSELECT 1\n")
    doc = parse_text(text, "c.md")
    assert doc.settings.structure == "sections ##, questions bold lines"
    assert cards(doc) == [(5, ("Python",), "1) FizzBuzz. Print numbers from 1 to 100"),
                          (11, ("Python",), "2) The number of active ads.")]
    # Inside the answers of heading questions, a bold number only numbers a point.
    headed = ("## What is A?\n\n**1)** first\n\n**2)** second\n\n**3)** third\n\n"
              "## Why B?\n\nx\n")
    assert [c.question_text for c in parse_text(headed, "h.md").cards] == ["What is A?", "Why B?"]


def test_every_whole_bold_line_is_a_question_among_bold_questions() -> None:
    text = ("# T\n\n**What is recall?**\n\nx\n\n**Precision-recall trade-off ⭐️**\n\ny\n\n"
            "**原理**\n\nstill y\n\n**Why F1?**\n\nz\n")
    doc = parse_text(text, "b.md")
    assert cards(doc) == [(3, (), "What is recall?"), (7, (), "Precision-recall trade-off ⭐️"),
                          (15, (), "Why F1?")]
    assert [n.kind for n in doc.cards[1].answer] == ["paragraph", "paragraph", "paragraph"]


def test_explain_structure_of_questions_at_several_levels(tmp_path: Path) -> None:
    path = write(tmp_path / "m.md", (FIXTURES / "style-mixed-levels.md").read_text("utf-8"))
    result = CliRunner().invoke(main, ["check", "--explain-structure", str(path)])
    lines = result.output.splitlines()
    assert "  m.md:3: question '卷积' [heading ##]" in lines
    assert "  m.md:7: question '卷积的反向传播过程' [heading ###]" in lines
    assert "  m.md:15: heading '原理' is part of the answer above" in lines
    assert "  m.md:27: section '优化算法'" in lines


def test_question_headings_answered_in_sub_headings() -> None:
    text = ("# 63 LLM questions\n\n## 1. What is an LLM?\n\n### Core idea\n\nA big model.\n\n"
            "### Training\n\nNext-token prediction.\n\n## 2. How does attention work?\n\n"
            "### Mechanism\n\nWeighted sums.\n\n### Cost\n\nQuadratic.\n\n"
            "## 3. Why use RoPE?\n\n### Reason\n\nRelative positions.\n")
    doc = parse_text(text, "llm.md")
    assert doc.settings.structure == "no sections, questions ##"
    assert [c.question_text for c in doc.cards] == [
        "1. What is an LLM?", "2. How does attention work?", "3. Why use RoPE?"]
    assert [n.kind for n in doc.cards[0].answer] == ["heading", "paragraph"] * 2


def test_numbered_groups_are_not_questions_answered_in_parts() -> None:
    text = ("## 1、基础\n\n### 1.1 梯度消失\n\n浅层学不到。\n\n## 2、结构\n\n### 2.1 残差连接\n\n"
            "梯度直达。\n\n## 3、优化\n\n### 3.1 Adam\n\n自适应步长。\n")
    doc = parse_text(text, "g.md")
    assert doc.settings.structure == "sections ##, questions ###"
    assert [(c.section_path, c.question_text) for c in doc.cards] == [
        (("1、基础",), "1.1 梯度消失"), (("2、结构",), "2.1 残差连接"), (("3、优化",), "3.1 Adam")]


def test_options_reach_explain_and_bad_levels_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "o.md", "# T\n\n## What is A?\n\nx\n\n**Why B?**\n\ny\n")
    asked = CliRunner().invoke(main, ["check", "--explain-structure", "--question-level", "2",
                                      str(path)])
    assert asked.output.splitlines()[0] == "o.md: sections #, questions ## (as set)"
    bold_style = CliRunner().invoke(main, ["check", "--explain-structure", "--question-style",
                                           "bold", str(path)])
    assert "  o.md:7: question 'Why B?' [bold line]" in bold_style.output.splitlines()
    bad = CliRunner().invoke(main, ["check", "--question-level", "deep", str(path)])
    assert bad.exit_code == 2 and "a heading level from 1 to 6, or auto or file" in bad.output


def test_bold_lines_inside_heading_answers_do_not_outvote_the_headings() -> None:
    answer = "**Why does it work?**\n\nbecause\n\n**When does it fail?**\n\nrarely\n\n"
    text = "".join(f"### What is thing {i}?\n\n{answer}" for i in range(3))
    doc = parse_text("## Topic\n\n" + text, "h.md")
    assert doc.settings.structure == "sections ##, questions ###"
    assert [c.question_text for c in doc.cards] == [f"What is thing {i}?" for i in range(3)]


def test_numbered_steps_inside_answers_are_not_questions() -> None:
    steps = "### 1. 前向\n\nx\n\n### 2. 反向\n\ny\n\n### 3. 推理\n\nz\n\n"
    text = f"## What is BN?\n\nintro\n\n{steps}## Why dropout?\n\nintro\n\n{steps}"
    doc = parse_text(text, "s.md")
    assert [c.question_text for c in doc.cards] == ["What is BN?", "Why dropout?"]


def test_many_deeper_questions_win_over_a_few_shallower_ones() -> None:
    text = ("# Notes\n\n### Recently added: what is new?\n\nsee below\n\n## Questions\n\n"
            "#### 1) What is bias?\n\na\n\n#### 2) What is variance?\n\nb\n\n"
            "#### 3) Why regularize?\n\nc\n\n### 4) What is dropout?\n\nd\n")
    doc = parse_text(text, "m.md")
    assert doc.settings.structure == "sections ##, questions ####"
    # The two ### headings above the level ask and have nothing under them: questions too.
    assert [(c.section_path, c.question_text) for c in doc.cards] == [
        ((), "Recently added: what is new?"), (("Questions",), "1) What is bias?"),
        (("Questions",), "2) What is variance?"), (("Questions",), "3) Why regularize?"),
        (("Questions",), "4) What is dropout?")]


def test_a_title_that_asks_does_not_swallow_the_questions() -> None:
    text = "# What do interviews ask?\n\nA list.\n\n## What is A?\n\na\n\n## Why B?\n\nb\n"
    doc = parse_text(text, "t.md")
    assert [c.question_text for c in doc.cards] == ["What is A?", "Why B?"]


def test_explicit_ids_do_not_hide_the_question_mark() -> None:
    text = ("# T\n\n## Basics\n\n### A 的缺陷？ {#a}\n\nx\n\n### B 的来历？ {#b}\n\ny\n\n"
            "#### Part\n\nz\n\n#### More\n\nw\n\n#### Again\n\nv\n")
    doc = parse_text(text, "i.md")
    assert [c.explicit_id for c in doc.cards] == ["a", "b"]


def test_bold_list_questions_under_numbered_sections() -> None:
    qs = "".join(f"*   **Q: Why thing {i}?**\n    - *A:* because {i}.\n" for i in range(3))
    text = f"# Prep\n\n## 1. Core Concepts 📖\n\n{qs}\n---\n\n## 2. Advanced 🧪\n\n{qs}"
    doc = parse_text(text, "p.md")
    assert doc.settings.structure == "sections ##, questions bold lines"
    assert len([c for c in doc.cards if c.answer]) == 6


def test_bare_bold_items_inside_a_bold_question_answer_stay_in_it() -> None:
    """A checklist of short bold items ("1. **Inspect the tokens**", "4. **Compare …**")
    inside the answer to a bold question is part of that answer: not questions with empty
    answers, and the text after it is no section introduction."""
    doc = fixture("bold-checklist-in-answer")
    assert doc.settings.structure == "sections ##, questions bold lines"
    assert cards(doc) == [
        (5, ("Tokenization",), "How do you debug a tokenizer that hurts accuracy?"),
        (27, ("Tokenization",), "What is subword tokenization?"),
        (38, ("Models",), "Which tokenizer does BERT use?"),
    ]
    debug, subword, _bert = doc.cards
    assert [n.kind for n in debug.answer] == [
        "paragraph", "paragraph", "paragraph", "ordered_list", "paragraph", "code_block",
        "paragraph", "hr"]
    assert len(debug.answer[3].children) == 4
    assert [n.kind for n in subword.answer] == ["paragraph", "bullet_list", "paragraph"]
    assert not [d for d in doc.diagnostics if d.code in ("empty-answer", "section-intro")]


def test_bold_question_items_with_no_answers_are_still_questions() -> None:
    # Items that read as questions stay questions, even bare (their answers to be written).
    text = ("# DL\n\n## CNN\n\n**Why convolutions?**\n\nLocality.\n\n"
            "- **What is a 1x1 convolution for?**\n- **Why pool?**\n")
    doc = parse_text(text, "q.md")
    assert [c.question_text for c in doc.cards] == [
        "Why convolutions?", "What is a 1x1 convolution for?", "Why pool?"]
    assert codes(doc, "empty-answer") == [9, 10]
    # Short bold items that carry answers of their own are questions too ("- **BP**" with
    # its points nested under it).
    head = "# DL\n\n## CNN\n\n**Why convolutions?**\n\nLocality.\n\n"
    for items, asked in (("- **BP**\n  - chain rule\n- **SGD**\n  - one sample\n", ["BP", "SGD"]),
                         ("- **SGD**\n  one sample a step\n- **Adam**\n  adaptive\n",
                          ["SGD", "Adam"])):
        found = [c.question_text for c in parse_text(head + items, "n.md").cards]
        assert found == ["Why convolutions?", *asked]


def test_a_numbering_heading_takes_the_bold_question_below_it() -> None:
    """``## Question 1`` then ``**What is a vector?**``: the card asks the bold line, after
    its number, not "Question 1" alone (question banks written to one template)."""
    doc = fixture("question-labels")
    assert doc.settings.structure == "no sections, questions ##"
    assert cards(doc) == [
        (3, (), "Question 1: What is a vector?"),
        (15, (), "Question 2: Explain the rank of a matrix."),
        (20, (), "问题 3：什么是特征值？"),
        (26, (), "Question 4"),
        (32, (), "5. Why normalise features?"),
    ]
    vector, rank, eigen, _label, _normalise = doc.cards
    # A bold line further down is part of the answer, as in any heading question's.
    assert [n.kind for n in vector.answer] == ["heading", "paragraph", "paragraph", "paragraph"]
    assert [n.kind for n in rank.answer] == ["paragraph"]
    assert "independent columns" in rank.answer[0].children[0].text
    assert len(eigen.formulas) == 2
    assert vector.end_line >= 5  # the bold line is the question's own


@pytest.mark.parametrize(("label", "question", "shown"), [
    ("Question 1", "What is a vector?", "Question 1: What is a vector?"),
    ("Q3.", "Why pool?", "Q3. Why pool?"),
    ("第3题", "什么是池化？", "第3题：什么是池化？"),
    ("问题 1：", "什么是池化？", "问题 1：什么是池化？"),
])
def test_a_numbering_label_joins_its_question(label: str, question: str, shown: str) -> None:
    from builder.parse.phrases import label_prefix

    assert label_prefix(label, question) + question == shown
    if label.startswith("问题"):
        return  # "问题 1：" alone reads as no question: the bold line is (a bold question)
    doc = parse_text(f"# T\n\n## {label}\n\n**{question}**\n\nx\n\n## {label}9\n\ny\n", "l.md")
    assert doc.cards[0].question_text == shown


def test_numbered_parts_under_question_labels_stay_in_the_answer() -> None:
    """``## Question 1`` + bold question, then ``### 2. Core Concepts``, ``### 3. …`` in
    every answer: the labels ask (as "Q:" does), so the numbered headings under them are
    parts of their answers, not 5 questions each (real notes: 180 cards for 25 questions)."""
    def question(i: int) -> str:
        return (f"## Question {i}\n\n**What is thing {i}?**\n\n---\n\n"
                "### 1. Definition\nA thing.\n\n### 2. Core Concepts\n- a\n- b\n\n"
                "### 3. Mathematical Formulation\n$$x = 1$$\n\n"
                "### 4. Intuition\nLike a box.\n\n### 5. Interview Tips\nBe brief.\n\n---\n\n")
    doc = parse_text("# Probability\n\n" + "".join(question(i) for i in range(1, 4)), "p.md")
    assert doc.settings.structure == "no sections, questions ##"
    assert [c.question_text for c in doc.cards] == [
        f"Question {i}: What is thing {i}?" for i in range(1, 4)]
    assert [n.kind for n in doc.cards[0].answer].count("heading") == 5
    assert question_reason("Question 12") == question_reason("第3题") == "starts with Q:"
    assert question_reason("12.") == "numbered"  # a bare number may number a section


# --- questions outside the chosen level (builder.parse.strays) ------------------------------

def test_leaf_headings_above_the_question_level_that_ask_are_questions() -> None:
    doc = fixture("stray-section-questions")
    assert doc.settings.structure == "sections ##, questions ###"
    assert [(line, path, q) for line, path, q in cards(doc) if line > 40] == [
        (43, (), "什么是参数范数惩罚？"), (47, (), "CCA和PCA的区别"),
        (51, (), "How is K chosen in K-Means?"), (55, (), "When to stop training"),
        (59, (), "如何理解 Internal Covariate Shift？"),
        (71, ("梯度下降",), "如何加快梯度下降收敛速度？")]
    assert len(doc.cards) == 13
    # A bold follow-up below the answer's first words stays in that answer.
    ics = next(c for c in doc.cards if c.loc.line == 59)
    assert [n.kind for n in ics.answer] == ["paragraph", "paragraph", "paragraph"]
    assert "那么它会导致什么问题" in repr(ics.answer[1])
    # A topic heading with text stays a section; an asking heading with no answer too.
    assert codes(doc, "section-intro") == [41]
    assert codes(doc, "empty-section") == [67]


def test_a_topic_that_asks_only_by_an_english_opener_stays_a_section() -> None:
    text = ("# Notes\n\n## Basics\n\n### What is A?\n\na\n\n### Why B?\n\nb\n\n"
            "## Key differences\n\n### How C?\n\nc\n\n## When to use each type\n\nalways\n")
    doc = parse_text(text, "t.md")
    assert [c.question_text for c in doc.cards] == ["What is A?", "Why B?", "How C?"]
    assert codes(doc, "section-intro") == [21]
    asked = parse_text(text.replace("each type\n", "each type?\n"), "t.md")
    assert [c.question_text for c in asked.cards][-1] == "When to use each type?"


def test_headings_with_questions_under_them_stay_sections() -> None:
    text = ("# 笔记\n\n## 优化\n\n### 什么是动量？\n\n累积梯度。\n\n"
            "### Adam 如何工作？\n\n自适应。\n\n## 正则化\n\n### L1 为何稀疏？\n\n菱形约束。\n\n"
            "### 什么是早停？\n\n验证集变差就停。\n\n## 什么是 BN？\n\nBN 归一化每层输入。\n\n"
            "### BN 为什么有效？\n\n平滑损失面。\n\n### BN 的缺点？\n\n小批量时不稳。\n\n"
            "## 如何选择学习率？\n\n**为什么不用大学习率？**\n\n会发散。\n\n"
            "**为什么不用小学习率？**\n\n太慢。\n")
    doc = parse_text(text, "s.md")
    assert doc.settings.structure == "sections ##, questions ###"
    assert [(c.section_path, c.question_text) for c in doc.cards][4:] == [
        (("什么是 BN？",), "BN 为什么有效？"), (("什么是 BN？",), "BN 的缺点？"),
        (("如何选择学习率？",), "为什么不用大学习率？"),
        (("如何选择学习率？",), "为什么不用小学习率？")]
    assert codes(doc, "section-intro") == [25]


def test_bold_questions_among_heading_questions() -> None:
    doc = fixture("stray-bold-questions")
    assert doc.settings.structure == "sections ##, questions ###"
    assert cards(doc) == [
        (5, ("1. Attention",), "1.1 讲讲对 Attention 的理解？"),
        (9, ("1. Attention",), "1.2 Attention 的计算步骤是什么？"),
        (13, ("1. Attention",), "1.3 Attention 与全连接层的区别？"),
        (19, ("2. Transformer",), "2.1 multi-head attention 中每个 head 为什么要降维？"),
        (23, ("2. Transformer",), "2.2 Transformer 在哪里做了权重共享？"),
        (27, ("2. Transformer",), "2.3 点积为什么要缩放？"),
        (39, ("3. 常见问题", "3.1 一些细节"), "为何使用多头注意力机制？（为什么不使用一个头）"),
        (43, ("3. 常见问题", "3.1 一些细节"), "简单讲一下残差结构以及意义。"),
        (47, ("3. 常见问题", "3.1 一些细节"),
         "为何在获取词向量后要乘以 embedding size 的开方？（参考上题）"),  # the tag was answer text
        (51, ("3. 常见问题",), "3.2 参考"),
    ]
    # The numbered bold question cut the answer above it short; an unnumbered follow-up
    # ("为什么除以的是根号 d？") stays in the answer to the heading that asks.
    assert [n.kind for n in doc.cards[0].answer] == ["paragraph"]
    assert len(doc.cards[5].answer) == 3
    assert not [d for d in doc.diagnostics if d.code in ("section-intro", "empty-section")]


def test_heading_questions_among_bold_questions() -> None:
    doc = fixture("stray-headings-among-bold")
    assert doc.settings.structure == "sections ##, questions bold lines"
    assert [(line, q) for line, _, q in cards(doc)] == [
        (5, "1. 什么是 Transformer？"), (8, "2. 为什么要除以 √d_k？"), (11, "3. 残差连接的作用？"),
        (14, "4. LayerNorm 与 BatchNorm 有什么不同？"), (17, "5. KV Cache 原理？"),
        (22, "6. LoRA 的原理是什么？"), (27, "7. 如何部署一个 70B 模型？"),
        (38, "FlashAttention 是什么？")]
    lora = doc.cards[5]
    assert lora.section_path == ("B. 常见问题与示例答案",)
    assert [n.kind for n in lora.answer] == ["bullet_list"]
    assert len(lora.formulas) == 1
    # "部署清单" asks nothing: a section; "8. 推理为什么慢？" holds a bold question: a section.
    assert codes(doc, "section-intro") == [34]
    assert doc.cards[-1].section_path == ("B. 常见问题与示例答案", "8. 推理为什么慢？")


def test_a_label_heading_takes_its_line_and_groups_nothing() -> None:
    text = ("## Question 1\n\n**Explain the ARMA model.**\n\nIt joins AR and MA.\n\n"
            "**Why use ARMA?**\n\nFewer parameters.\n\n## Question 2\n\n**What is a lag?**\n\n"
            "A shift in time.\n")
    doc = parse_text(text, "l.md")
    assert [c.question_text for c in doc.cards] == [
        "Question 1: Explain the ARMA model.", "Question 2: What is a lag?"]


def test_levels_that_are_set_take_no_strays() -> None:
    doc = parse_text(FIXTURES.joinpath("stray-section-questions.md").read_text("utf-8"), "s.md",
                     ParseOptions(section_level=2, question_level=3))
    assert "什么是参数范数惩罚？" not in [c.question_text for c in doc.cards]
    styled = parse_text(FIXTURES.joinpath("stray-bold-questions.md").read_text("utf-8"), "b.md",
                        ParseOptions(question_style="heading"))
    assert "1.2 Attention 的计算步骤是什么？" not in [c.question_text for c in styled.cards]


@pytest.mark.parametrize(("text", "asked"), [
    ("CCA和PCA的区别", True), ("1.2 Attention的计算步骤是什么？", True), ("Q: pooling", True),
    ("What is BN", True), ("通俗解释一下信息熵", True), ("12. 为什么要归一化", True),
    ("2.1 transformer", False), ("BN的作用", False), ("对比学习", False), ("1.简述", False),
    ("交叉熵损失函数", False), ("Question 3", False), ("List of papers", False), ("原理", False),
    ("高维稀疏特征为啥不适合xgboost", True), ("CoT 是啥", True), ("loss 出现 nan 咋办", True),
    ("随手杂记，啥都记", False), ("令人咋舌的训练技巧", False), ("别咋呼", False),
    ("其实没有啥用的写法", False), ("有啥说啥的面试复盘", False), ("就是啥也不做", False),
    ("梯度爆炸了咋整", True), ("有啥缺点", True), ("CoT 是啥，怎么用", True),
    ("咋看之下的结论", False), ("这个结果咋看", True),
])
def test_asks_outright(text: str, asked: bool) -> None:
    assert asks_outright(text) is asked


def test_explain_structure_names_strays_and_their_kind(tmp_path: Path) -> None:
    path = write(tmp_path / "b.md", (FIXTURES / "stray-bold-questions.md").read_text("utf-8"))
    result = CliRunner().invoke(main, ["check", "--explain-structure", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2].startswith("  because 6 bold line(s) that ask are questions too")
    assert "  b.md:9: question '1.2 Attention 的计算步骤是什么？' [bold line]" in lines
    assert "  b.md:13: question '1.3 Attention 与全连接层的区别？' [heading ###]" in lines
    assert "  b.md:37: section '3. 常见问题 / 3.1 一些细节'" in lines


def test_bold_questions_without_answers_are_no_cards() -> None:
    text = ("# 论文\n\n读完要回答：\n\n1. **架构是什么样子的？**\n2. **预训练任务是什么？**\n\n"
            "## 1. 架构\n\n### 架构是什么样子的？\n\n双流。\n\n"
            "### 预训练任务是什么？\n\n掩码建模。\n\n"
            "## 2. 细节\n\n**学习率是多少？**\n\n**批大小是多少？**\n\n"
            "### 训练了多久？\n\n十轮。\n\n"
            "### 用了多少数据？\n\n一百万。\n\n### 用了几张卡？\n\n八张。\n")
    doc = parse_text(text, "v.md")
    assert doc.settings.structure == "sections ##, questions ###"
    assert [c.question_text for c in doc.cards] == [
        "架构是什么样子的？", "预训练任务是什么？", "训练了多久？", "用了多少数据？",
        "用了几张卡？"]
    # Lists and lines of questions answered elsewhere stay introductions.
    assert codes(doc, "section-intro") == [3, 20]
    assert not codes(doc, "empty-answer")


def test_a_title_that_asks_over_headings_that_do_not_is_one_question() -> None:
    doc = fixture("style-title-asks")
    assert doc.settings.structure == "one question per file"
    (card,) = doc.cards
    assert card.question_text == "1. 如何处理特征向量的缺失值"
    assert [n.kind for n in card.answer] == [
        "heading", "paragraph", "heading", "bullet_list", "heading", "paragraph"]
    # A sub-heading that asks makes the headings questions again; so do levels set.
    asks = (FIXTURES / "style-title-asks.md").read_text("utf-8").replace(
        "## 2) 缺失值较少", "## 2) 缺失值较少时怎么办？")
    assert parse_text(asks, "a.md").settings.structure != "one question per file"
    plain = parse_text("# 1. 缺失值\n\n## 1) 较多\n\n舍弃。\n\n## 2) 较少\n\n填充。\n", "p.md")
    assert plain.settings.structure != "one question per file"
    # An English opener titles logs and guides too ("How-to: server log").
    log = parse_text("# How-to server log\n\n## 25.3.14\n\ndisk full\n\n## 12.25\n\nreboot\n",
                     "h.md")
    assert log.settings.structure != "one question per file"


@pytest.mark.parametrize(("line", "question"), [
    ("**为何用多头注意力？**（为什么不使用一个头）", "为何用多头注意力？（为什么不使用一个头）"),
    ("**What is BN?** (asked at every interview)", "What is BN? (asked at every interview)"),
    ("**What is BN?** (高频)", "What is BN?"),  # a short tag is a mark, left out
    ("**Batch norm** (see the chapter on training)", None),
    ("**为何使用多头注意力？**（一个头）还有别的话", None),
])
def test_a_remark_in_brackets_goes_with_the_bold_question(line: str, question: str | None
                                                          ) -> None:
    doc = parse_text(f"# T\n\n{line}\n\nanswer\n\n**Why two?**\n\nbecause\n", "r.md")
    assert doc.settings.structure == "no sections, questions bold lines"
    asked = [c.question_text for c in doc.cards]
    assert asked == ([question] if question else []) + ["Why two?"]


def test_lines_that_say_they_ask_are_questions() -> None:
    doc = fixture("style-asked-lines")
    assert doc.settings.structure == "sections ##, questions bold lines"
    assert cards(doc) == [
        (5, ("归一化",), "Q: What does batch normalization do?"),
        (8, ("归一化",), "Q: Why does it speed up training?"),
        (13, ("正则化",), "问：Dropout 为什么能防止过拟合？"),
        (16, ("正则化",), "问题：权重衰减和 L2 正则一样吗？"),
        (25, ("激活函数",), "Q: 为什么 ReLU 能缓解梯度消失？"),
        (28, ("激活函数",), "Q2： GELU 和 ReLU 有什么不同？"),
    ]
    # The "A:" line stays the answer's first words; "问题：梯度消失" names a problem, and
    # stays with the answer above it.
    assert "It normalises" in repr(doc.cards[0].answer)
    assert "残差连接" in repr(doc.cards[3].answer)


@pytest.mark.parametrize(("text", "numbers"), [
    ("1.2 Attention 的计算步骤", (1, 2)), ("12. Why?", (12,)), ("1.Attention", (1,)),
    ("（1）MHA", ()), ("2026 年", ()), ("What is 1.2?", ()),
    ("1." * 20_000 + "1111 a heading written to make a backtracking pattern crawl", ()),
])
def test_numbering_of_a_line(text: str, numbers: tuple[int, ...]) -> None:
    assert numbering(text) == numbers


def test_a_paragraph_of_stars_is_checked_within_a_cpu_limit(tmp_path: Path) -> None:
    # Read for trailing marks (``**Q?** ★``), 80 ``*`` before a letter backtracked for
    # ever; the check runs in a child limited to 60 s of CPU, far above what it needs.
    import os
    import resource
    import subprocess
    import sys

    stars = "*" * 3000 + "核心" + "*" * 3000
    (tmp_path / "n.md").write_text(f"## S\n\n### 问？\n\n{stars}\n", encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))

    root = Path(__file__).resolve().parents[1]
    child = subprocess.run(
        [sys.executable, "-m", "builder", "check", "n.md", "-j", "1"], cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(root)}, preexec_fn=limit,
        capture_output=True, text=True, check=False)
    assert child.returncode == 0 and "Traceback" not in child.stderr, child.stderr
    assert "[nesting-depth]" in child.stdout + child.stderr


def test_a_bold_number_lead_in_among_heading_questions_stays_where_it_is() -> None:
    # "**1)** Why …?" opens with a bold number, not a whole bold line: among heading
    # questions it is no question of its own, even in a section's introduction, where a
    # whole bold line that asks would be one.
    text = ("# T\n\n## Basics\n\n**1)** Why do we normalise inputs?\n\nIt speeds training.\n\n"
            "### What is BN?\n\nIt normalises.\n\n### Why does BN help?\n\nSmoother loss.\n")
    doc, structure = parse_structured(text, "n.md")
    assert doc.settings.structure == "sections ##, questions ###"
    assert [c.question_text for c in doc.cards] == ["What is BN?", "Why does BN help?"]
    assert not structure.strays.bold and not structure.strays.reasons
    whole = text.replace("**1)** Why do we normalise inputs?", "**Why do we normalise inputs?**")
    doc, structure = parse_structured(whole, "w.md")
    assert [c.question_text for c in doc.cards] == [
        "Why do we normalise inputs?", "What is BN?", "Why does BN help?"]
    assert structure.strays.bold == {5}


def test_a_bold_number_lead_in_keeps_a_heading_from_grouping_bold_questions() -> None:
    # A heading that does not ask groups the bold questions it opens with only when every
    # bold line under it asks; "**1)** …" is one more bold line that does not.
    text = ("## Attention\n\n### 6.1 What is attention?\n\nWeights.\n\n### 6.2 Some details\n\n"
            "**Why use many heads?**\n\nMore views.\n\n**Why scale the dot product?**\n\n"
            "Softmax saturates.\n\n{line}\n\nIt varies.\n\n### 6.3 What is BN?\n\nNorms.\n")
    lead_in = parse_text(text.format(line="**1)** A note on sizes"), "l.md")
    assert [c.question_text for c in lead_in.cards] == [
        "6.1 What is attention?", "6.2 Some details", "6.3 What is BN?"]
    plain = parse_text(text.format(line="A note on sizes"), "p.md")
    assert [c.question_text for c in plain.cards] == [
        "6.1 What is attention?", "Why use many heads?", "Why scale the dot product?",
        "6.3 What is BN?"]


def test_a_first_heading_saying_question_makes_the_file_one_question() -> None:
    doc = fixture("question-part")
    assert doc.settings.structure == "one question per file"
    (card,) = doc.cards
    # The label only says which paragraph asks: the card asks that paragraph, from the label
    # on (its line is the card's, as every line of the file is a card's).
    assert card.question_text == "常量指针和指针常量有什么区别？"
    assert card.loc.line == 1
    assert [n.kind for n in card.answer] == [
        "heading", "paragraph", "heading", "heading", "paragraph", "heading", "paragraph",
        "heading", "bullet_list"]


@pytest.mark.parametrize(("text", "question"), [
    # An introduction (a full stop, a long or unfinished statement) leaves the file's name,
    # without the number ordering it in its folder.
    ("## 问题\n\n虚函数是常考的话题。这里介绍一下虚函数。\n\n## 解答\n\nx\n", "bp"),
    ("## 问题\n\n这个问题困扰我很久了，为什么呢，\n\n## 解答\n\nx\n", "bp"),
    ("## 问题\n\nLBP 是一种纹理特征。我们看看它是怎么一回事\n\n## 解答\n\nx\n", "bp"),
    ("## 问题\n\n为什么要内存对齐？\n\n更多的话。\n\n## 解答\n\nx\n", "bp"),
    # A stated question is asked as written, its label left out.
    ("## Question\n\nWhy does BN help?\n\n## Answer\n\nx\n\n## Pooling\n\ny\n",
     "Why does BN help?"),
    ("## 题目\n\n如何手动推导 BP\n\n## 全连接层\n\nx\n\n## 卷积层\n\ny\n", "如何手动推导 BP"),
    # Front matter names the question when no paragraph states it.
    ("---\ntitle: 手推 BP\n---\n\n## 问题\n\n推导见下。\n\n## 解答\n\nx\n", "手推 BP"),
    # A `#` title stays the question; the stated part opens the answer.
    ("# 反向传播\n\n## 问题\n\n如何推导？\n\n## 全连接层\n\nx\n\n## 卷积层\n\ny\n", "反向传播"),
])
def test_the_question_of_a_file_stating_it(text: str, question: str) -> None:
    doc = parse_text(text, "21_bp.md", stem="21_bp")
    assert doc.settings.structure == "one question per file"
    assert [c.question_text for c in doc.cards] == [question]


@pytest.mark.parametrize("text", [
    # Two "问题" headings are two questions' labels, not one file's question.
    "## 问题\n\n什么是 BN？\n\n## 解答\n\nx\n\n## 问题\n\n什么是 LN？\n\n## 解答\n\ny\n",
    # Not the first heading: a topic heading comes first.
    "## BN\n\nx\n\n## 问题\n\n什么是 LN？\n\n## 卷积层\n\ny\n",
    # A deeper first heading under shallower ones.
    "### 问题\n\n什么是 BN？\n\n## 全连接层\n\nx\n\n## 卷积层\n\ny\n",
    # A section of questions under the label: its headings ask, each is a card.
    "# 面试题\n\n## 问题\n\n下面是常见问题。\n\n### 1. 什么是过拟合？\n\nx\n\n"
    "### 2. 什么是梯度消失？\n\ny\n",
    "## 问题\n\n常见问题如下\n\n### 什么是过拟合？\n\nx\n\n### 什么是 BN？\n\ny\n\n## 附录\n\nz\n",
])
def test_a_question_label_that_does_not_state_the_file_s_question(text: str) -> None:
    assert parse_text(text, "n.md").settings.structure != "one question per file"


def test_a_question_label_over_asking_headings_keeps_each_question() -> None:
    # Real collections open "## 问题" with a line and number their questions under it:
    # each stays a card (one file's question would swallow them all into one answer).
    text = ("# 深度学习面试题\n\n## 问题\n\n下面是我整理的常见问题，持续更新。\n\n"
            "### 1. 什么是过拟合？\n\nx\n\n### 2. 什么是梯度消失？\n\ny\n")
    doc = parse_text(text, "n.md")
    assert [c.question_text for c in doc.cards] == ["1. 什么是过拟合？", "2. 什么是梯度消失？"]


def test_levels_set_by_hand_win_over_a_question_label() -> None:
    text = "## 问题\n\n什么是 BN？\n\n## 解答\n\nx\n"
    doc = parse_text(text, "n.md", ParseOptions(question_level=2))
    assert [c.question_text for c in doc.cards] == ["问题", "解答"]


def test_numbered_items_that_ask_with_their_answer_nested_are_questions() -> None:
    doc = fixture("numbered-item-questions")
    assert doc.settings.structure == "no sections, questions bold lines"
    cards = {c.question_text: c for c in doc.cards}
    assert list(cards) == ["老板给了你一个癌症检测的数据集，准确率 98%，你对这个模型满意吗？",
                           "怎么判断模型是否过拟合？", "模型参数和超参数的区别是什么？"]
    overfit = cards["怎么判断模型是否过拟合？"]
    assert [n.kind for n in overfit.answer] == ["paragraph", "bullet_list"]
    # An item that does not ask stays in the answer before it, its list with it.
    last = cards["模型参数和超参数的区别是什么？"].answer
    assert [n.kind for n in last] == ["paragraph", "bullet_list"]
    assert "列出常见的优化器" in plain_text(last[1].children)
    assert not [d for d in doc.diagnostics if d.code in ("section-intro", "lost")]


@pytest.mark.parametrize("text", [
    # An interview log: the questions asked, follow-ups nested as a list, no answers.
    "## 一面\n\n1. 自我介绍\n2. 你有什么想问的？\n    + 什么时候出结果？\n    + 能做什么？\n"
    "3. 为什么选 Adam？\n    + 哪个更容易发散？\n",
    # Steps of an answer under heading questions: nothing nested.
    "## 什么是 BN？\n\n1. 为什么要标准化？\n2. 怎么缩放？\n\n## 什么是 LN？\n\nx\n",
    # Numbered topics with their text nested: no item asks.
    "# T\n\n1. 梯度下降\n\n   沿负梯度走。\n\n2. 动量\n\n   累积速度。\n\n3. Adam\n\n   自适应。\n",
    # A bullet list is no numbering (under a title it is a list of asking items:
    # test_bullet_asking_items_under_a_title_are_asking_items_not_numbering).
    "# T\n\n- 梯度下降\n\n  沿负梯度走。\n\n- 什么是 BN？\n\n  标准化。\n",
])
def test_numbered_items_that_are_not_questions(text: str) -> None:
    doc = parse_text(text, "log.md")
    items = {"你有什么想问的？", "为什么选 Adam？", "为什么要标准化？", "梯度下降", "什么是 BN？"}
    assert not items & {c.question_text for c in doc.cards if c.loc.line > 1}
    assert doc.settings.structure != "no sections, questions bold lines"


def test_bullet_asking_items_under_a_title_are_asking_items_not_numbering() -> None:
    """Every item of the title's list asks and carries an answer: a card each, as under a
    ``## T`` (builder.parse.askingitems), not as numbered items: no bold-line reading."""
    doc = parse_text("# T\n\n- 什么是 BN？\n\n  标准化。\n\n- 什么是 LN？\n\n  特征维。\n",
                     "log.md")
    assert [c.question_text for c in doc.cards] == ["什么是 BN？", "什么是 LN？"]
    assert doc.settings.structure != "no sections, questions bold lines"


def test_bullet_items_that_ask_stay_in_a_bold_question_s_answer() -> None:
    text = ("# T\n\n**什么是 BN？**\n\n标准化。\n\n- 为什么有效？\n\n  平滑了损失面。\n\n"
            "**什么是 LN？**\n\n特征维。\n")
    doc = parse_text(text, "b.md")
    assert [c.question_text for c in doc.cards] == ["什么是 BN？", "什么是 LN？"]


def test_explain_structure_says_the_question_label_labels_the_question(tmp_path: Path) -> None:
    source = write(tmp_path / "q.md", (FIXTURES / "question-part.md").read_text("utf-8"))
    result = CliRunner().invoke(main, ["check", "--explain-structure", str(source)])
    assert "q.md:1: question '常量指针和指针常量有什么区别？' [file]" in result.output, \
        result.output
    assert "heading '问题'" not in result.output
