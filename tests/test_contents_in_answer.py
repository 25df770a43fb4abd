"""A "目录" list inside an answer (a paper's contents, links to anchors elsewhere) stays in
the answer, its links reported as every in-page link on a card is; the file's own table
of contents is still no card: unsaid at the top, with a note inside an answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_contents_list_in_an_answer_stays_there(tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "contents-in-answer.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    # The answer's own list of contents stays in it, its links text, said once for all.
    assert ("n.md:18:3: warning: 3 links to headings ('#introduction', '#towards-reducing', "
            "'#normalization'; lines 18-20) kept as text only: a card cannot jump to a "
            "heading [link-removed]") in result.output, result.output
    assert result.output.count("[link-removed]") == 1, result.output
    assert ("n.md:28:1: note: lines 28-31 in the answer to '还有哪些相关的题？' are a table "
            "of contents of this file (links to its own headings): left out of the card "
            "[toc-in-answer]") in result.output, result.output
    assert result.output.count("[toc-in-answer]") == 1, result.output  # not the top one
    notes = {re.sub(r"<[^>]+>", "", n["Question"]): n["Answer"] for n in
             imported_notes(collection, tmp_path / "dist" / "面试笔记.apkg")}
    assert sorted(notes) == ["BN 的论文讲了什么？", "什么是 BN？", "还有哪些相关的题？"], notes
    paper = re.sub(r"<[^>]+>", " ", notes["BN 的论文讲了什么？"])
    for kept in ["目录", "1. Introduction", "3. Normalization via Mini-Batch Statistics",
                 "读的时候先看第 3 节"]:
        assert kept in paper, paper
    assert "什么是 BN？" not in paper and "什么是 BN？" not in notes["什么是 BN？"]


def test_contents_list_in_a_bold_question_s_answer_is_noted(tmp_path: Path) -> None:
    # The card is opened by a bold line, not a heading: its left-out lines are said too.
    from click.testing import CliRunner

    from builder.cli import main

    from .conftest import write

    write(tmp_path / "t.md", "# 笔记\n\n## 基础\n\n**1. 什么是过拟合？**\n\n见下面目录：\n\n"
          "目录\n\n- [正则化](#正则化)\n- [早停](#早停)\n\n"
          "**2. 什么是欠拟合？**\n\n模型太简单。\n\n"
          "## 正则化\n\n**3. L1 和 L2 的区别是什么？**\n\n稀疏。\n\n"
          "## 早停\n\n**4. 早停怎么做？**\n\n看验证集。\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert re.search(r"t\.md:9:1: note: lines 9-1[23] in the answer to '1\. 什么是过拟合？' "
                     "are a table of contents of this file", result.output), result.output
    assert result.output.count("[toc-in-answer]") == 1, result.output


def test_contents_under_a_sub_heading_of_an_answer_is_noted(tmp_path: Path,
                                                           collection: Collection) -> None:
    """A "### 目录" after another heading of the same answer ("### 概述"): the lines left
    out are still that answer's, and said so (the heading above them opens no text)."""
    result = build_fixture(FIXTURES / "toc-under-answer-heading.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert ("n.md:9:1: note: lines 9-13 in the answer to '什么是 BN？' are a table of "
            "contents of this file (links to its own headings): left out of the card "
            "[toc-in-answer]") in result.output, result.output
    notes = answers_by_question(imported_notes(collection, tmp_path / "dist" / "深度学习.apkg"))
    assert sorted(notes) == ["什么是 BN？", "什么是 Dropout？"], notes
    answer = notes["什么是 BN？"]
    assert "概述" in answer and "减去均值" in answer and "目录" not in answer, answer
