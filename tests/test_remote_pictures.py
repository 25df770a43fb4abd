"""A remote picture is not fetched: written as Markdown (``![](https://…)``) or as raw
``<img src="https://…">``, the card shows ``[alt]`` text (a generic alt such as ``img``, or
none: the file name and site, ``builder.checks.htmlpolicy.picture_label``), never an
``<img>`` with no ``src`` (a broken-picture icon), and each is reported at its line and
column."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import (
    FIXTURES,
    answers_by_question,
    build_fixture,
    imported_answer,
    imported_notes,
)

if TYPE_CHECKING:
    from anki.collection import Collection


def test_remote_pictures_are_text_on_the_card_and_reported(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "remote-pictures.md")
    assert result.exit_code == 0, result.output
    for place, url in [("5:1", "typora"), ("9:1", "markdown"), ("13:4", "inline"),
                       ("13:53", "named")]:
        assert (f"n.md:{place}: warning: remote image not fetched: "
                f"https://example.com/{url}.png [remote-image]") in result.output, result.output
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "远程图片.apkg"))
    shown = " ".join(answers.values())
    assert "<img" not in shown, answers
    assert "[typora.png · example.com]" in answers["Typora 粘贴的网络图片"], answers
    assert "[网络图]" in answers["Markdown 网络图片"], answers
    assert re.sub(r"<[^>]+>", "", answers["行内的网络图片"]) == (
        "前文 [inline.png · example.com] 后文，以及 [示意图] 结尾。"), answers


def test_a_picture_whose_src_scheme_is_refused_is_its_alt_text(
        tmp_path: Path, collection: Collection) -> None:
    # Typora pastes pictures as data: URLs; nh3 takes such a src out before our filter
    # sees it, which left an <img> with no src: a broken-picture icon on the card.
    from .conftest import write

    blob = "A" * 2_000
    write(tmp_path / "p.md", "# 粘贴\n\n## 什么是残差？\n\n"
          f'看图 <img alt="结构图" src="data:image/png;base64,{blob}"> 和 '
          f'<img src="data:image/png;base64,{blob}"> 以及 '
          '<img src="javascript:alert(1)" alt="坏图"> 完。\n')
    result = build_fixture(tmp_path / "p.md")
    assert result.exit_code == 0, result.output
    assert result.output.count('src="data:…" URL on <img>') == 1, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "粘贴.apkg")
    assert "<img" not in answer and blob not in answer, answer
    assert re.sub(r"<[^>]+>", "", answer) == "看图 [结构图] 和  以及 [坏图] 完。", answer
