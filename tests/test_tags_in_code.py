"""Lines a code block shows are code: a block rule looking ahead for its closing line
(Hexo's ``{% endnote %}``, ``</details>``) does not take one inside a fence, nor a
``# comment`` in code for a heading it must not swallow (builder.parse.linescan.code_lines)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from anki.collection import Collection

from builder.parse.markdown import tokenize

from .conftest import answers_by_question, build_fixture, imported_notes

FIXTURE = Path(__file__).parent / "fixtures" / "hexo-tags-in-code.md"


def _text(field: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", field))


def test_tags_in_code_neither_close_nor_block_a_box(tmp_path: Path,
                                                    collection: Collection) -> None:
    result = build_fixture(FIXTURE)
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answers = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "Hexo 标签与代码.apkg"))
    assert list(answers) == ["怎么安装依赖？", "代码块标签没有闭合会怎样？",
                             "代码里写的闭合标签算数吗？"], answers
    install = answers["怎么安装依赖？"]
    # A note whose code has a # comment is a box, the code inside it.
    assert install.startswith('<div class="callout callout-note">'), install
    assert "{%" not in _text(install) and "# 先装 Node.js" in _text(install), install
    # The closing tag a later fence shows closes nothing: the tag stays text.
    assert "{% codeblock lang:python %}" in _text(answers["代码块标签没有闭合会怎样？"])
    assert "{% endcodeblock %}" in _text(answers["代码里写的闭合标签算数吗？"])


def test_a_tag_opened_in_code_opens_nothing() -> None:
    tokens = tokenize("{% note %}\n\n```\n{% note %}\n```\n\nx\n{% endnote %}\n")
    opened = [t.map for t in tokens if t.type == "callout_open"]
    assert opened == [[0, 8]], [(t.type, t.map) for t in tokens]
