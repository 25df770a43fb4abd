"""Site generators' block syntaxes: MkDocs Material content tabs (``=== "C++"`` over an
indented body) shown one after another, each under its label, their code blocks whole
(builder.parse.tabs); Hexo/Jekyll tag blocks (builder.parse.liquidtags)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection

from builder.parse.markdown import tokenize

from .conftest import answers_by_question, build_fixture, imported_notes

FIXTURE = Path(__file__).parent / "fixtures" / "mkdocs-tabs.md"


def _text(field: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", field))


def test_each_tab_is_a_titled_block_with_its_code_whole(tmp_path: Path,
                                                        collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURE)
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "算法笔记.apkg"))
    gcd = answers["如何求最大公约数？"]
    titles = re.findall(r'<p class="callout-title">([^<]*)</p>', gcd)
    assert titles == ["C++", "Python"], gcd
    code = [_text(block) for block in re.findall(r"<pre>(.*?)</pre>", gcd, re.S)]
    assert code == ["int gcd(int a, int b) {\n  return b ? gcd(b, a % b) : a;\n}\n",
                    "def gcd(a, b):\n    return gcd(b, a % b) if b else a\n"], code
    assert "===" not in gcd and "```" not in _text(gcd) and "复杂度" in gcd
    nested = answers["参考实现放在提示里可以吗？"]
    assert re.findall(r'<p class="callout-title">([^<]*)</p>', nested) == [
        "参考实现", "Java", "Go"], nested
    assert "static int twice(int x) {\n  return 2 * x;\n}" in _text(nested)
    # A marker with no indented body under it is no tab: its line stays text.
    assert '=== "仅有标签"' in _text(nested) and "没有缩进的正文不是标签页" in nested
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "算法笔记.pdf").pages)
    lines = [line.strip() for line in pdf.splitlines()]
    assert "int gcd(int a, int b) {" in lines and "}" in lines, pdf
    assert "def gcd(a, b):" in lines and "Python" in lines and "Java" in lines, pdf


def test_a_setext_underline_and_a_paragraph_stay_what_they_were() -> None:
    tokens = tokenize('Title\n===\n\ntext\n=== "x"\n\n    code\n')
    kinds = [t.type for t in tokens]
    assert kinds[:3] == ["heading_open", "inline", "heading_close"], kinds
    assert "callout_open" not in kinds and "admonition_open" not in kinds
    assert any(t.type == "code_block" for t in tokens)


HEXO = Path(__file__).parent / "fixtures" / "hexo-tags.md"


def test_hexo_tag_blocks_are_boxes_and_code(tmp_path: Path, collection: Collection) -> None:
    """``{% note %}``/``{% folding %}`` are boxes, ``{% codeblock %}``/``{% highlight %}``
    code (a ``#`` comment in it is no heading, so no card of its own), ``{% raw %}`` its
    body; a tag with no closing line stays text (builder.parse.liquidtags)."""
    import pypdf

    result = build_fixture(HEXO)
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    # The post title names the deck.
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "排序算法.apkg"))
    assert list(answers) == ["快速排序的复杂度是多少？", "归并排序稳定吗？"], answers
    quick, merge = answers.values()
    assert re.findall(r'<p class="callout-title">([^<]*)</p>', quick) == ["quicksort.py"]
    assert 'class="callout callout-note"><p><b>定理</b>' in quick, quick
    code = [_text(block) for block in re.findall(r"<pre>(.*?)</pre>", quick + merge, re.S)]
    assert code == ["# 以第一个元素为基准\ndef quicksort(a):\n    return a\n",
                    "#include <stdio.h>\n"], code
    assert re.findall(r'<p class="callout-title">([^<]*)</p>', merge) == ["查看证明"]
    shown = _text(quick + merge)
    assert "{%" not in shown.replace("{% note %} 的一行", "").replace("{% label", ""), shown
    assert "写作 {% note %} 的一行不是标签块。" in shown
    assert "{% label primary@归并示意 %}" in shown, "an unpaired tag stays text"
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "排序算法.pdf").pages)
    lines = [line.strip() for line in pdf.splitlines()]
    assert "# 以第一个元素为基准" in lines and "#include <stdio.h>" in lines, pdf
    assert "quicksort.py" in lines and "查看证明" in lines and "endnote" not in pdf, pdf


def test_an_unclosed_tag_and_one_closed_outside_its_list_stay_text() -> None:
    tokens = tokenize("{% note info %}\ntext\n\n- item\n  {% note %}\n  a\n\n{% endnote %}\n")
    assert not any(t.type in ("callout_open", "admonition_open") for t in tokens), \
        [t.type for t in tokens]


def test_a_tag_block_never_swallows_a_question_heading() -> None:
    from builder.parse.document import parse_text

    doc = parse_text("## A?\n\n{% note %}\nx\n\n## B?\n\ny\n{% endnote %}\n", "n.md")
    assert [c.question_text for c in doc.cards] == ["A?", "B?"]


def test_unclosed_tags_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of tag lines with no end: each line is read as a tag a bounded number of
    times (once for the file's list of tag lines, then by the rule at its own line)."""
    from builder.parse import liquidtags

    calls = 0
    real = liquidtags._tag_at

    def counting(state: Any, line: int) -> tuple[str, str] | None:
        nonlocal calls
        calls += 1
        return real(state, line)

    monkeypatch.setattr(liquidtags, "_tag_at", counting)
    lines = 3_000
    tokens = tokenize("{% note %}\n\n" * lines)
    assert not any(t.type == "admonition_open" for t in tokens)
    assert calls <= 6 * lines, calls


def test_a_tag_block_after_one_in_a_box_is_read() -> None:
    """The file's tag lines are found once, whichever block first asks: a box's (which
    reads only up to its end) must not leave the lines after it out."""
    tokens = tokenize('!!! note "a"\n    {% note %}\n    x\n    {% endnote %}\n\n'
                      "{% note warning %}\ny\n{% endnote %}\n")
    assert [t.type for t in tokens].count("callout_open") == 3  # the box and both notes


def test_hexo_asset_pictures_come_from_the_post_folder(tmp_path: Path,
                                                       collection: Collection) -> None:
    """``{% asset_img slug title %}`` alone on its line shows ``<post>/slug`` (Hexo's post
    asset folder), titled; one inside a paragraph, or naming no file, stays text."""
    import shutil

    from click.testing import CliRunner

    from builder.cli import main

    shutil.copy(Path(__file__).parent / "fixtures" / "hexo-asset.md", tmp_path / "排序.md")
    shutil.copytree(Path(__file__).parent / "fixtures" / "hexo-asset", tmp_path / "排序")
    result = CliRunner().invoke(main, ["排序.md", "--format", "apkg"])
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "排序.apkg"))
    merge, quick = answers["归并排序怎么合并？"], answers["快速排序的基准怎么选？"]
    assert re.fullmatch(r'<p><img src="(img-merge_sort-[0-9a-f]+\.png)" alt="归并 \[示意\]">'
                        r"</p><p>两个有序数组逐个比较。</p>", merge), merge
    assert re.match(r'<p><img src="img-quick-[0-9a-f]+\.png" alt=""></p>', quick), quick
    assert "{% asset_img x.png %} 行内的不算。" in quick and "{% asset_img noext %}" in quick
    media = Path(collection.media.dir())
    for name in re.findall(r'src="([^"]+)"', merge + quick):
        assert (media / name).read_bytes() in {
            p.read_bytes() for p in (tmp_path / "排序").iterdir()}, name


def test_an_edit_beside_an_asset_picture_keeps_its_folder(tmp_path: Path) -> None:
    """A question parsed again alone after an edit does not know the file's name: the
    file is parsed whole, so the picture is still the post folder's."""
    import shutil

    from click.testing import CliRunner

    from builder.cli import main

    post = tmp_path / "排序.md"
    shutil.copy(Path(__file__).parent / "fixtures" / "hexo-asset.md", post)
    shutil.copytree(Path(__file__).parent / "fixtures" / "hexo-asset", tmp_path / "排序")
    assert CliRunner().invoke(main, ["排序.md", "--format", "apkg"]).exit_code == 0
    post.write_text(post.read_text("utf-8").replace("逐个比较。", "逐个比较，取小者。"), "utf-8")
    result = CliRunner().invoke(main, ["排序.md", "--format", "apkg"])
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    assert "changed  排序.md:5" in result.output, result.output


def test_hexo_tag_words_are_titles_not_dropped(tmp_path: Path, collection: Collection) -> None:
    """The words after a tag's name are the author's: a note's title after its class
    (``{% note info 标题 %}``), a quote's source, a tab set's name, a code block's file name
    and its link all reach the card and the PDF; only the words that style the box
    (``no-icon``, ``modern``, icon classes, a tab index, ``line_number:false``) are not."""
    import pypdf

    result = build_fixture(Path(__file__).parent / "fixtures" / "hexo-tag-words.md")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answers = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "标签里的字.apkg"))
    quick, merge = answers["快速排序为什么快？"], answers["归并排序的实现？"]
    titles = re.findall(r'<p class="callout-title">(.*?)</p>', quick + merge)
    assert titles == ["核心思想", "最坏情况", "随机化",
                      '归并 <a href="https://zh.wikipedia.org/wiki/%E5%BD%92%E5%B9%B6%E6%8E%92'
                      '%E5%BA%8F">维基百科</a>', "高德纳, 计算机程序设计艺术", "排序对比"], titles
    assert quick.count('callout-warning') == 1, quick
    shown = _text(quick + merge)
    for styling in ("no-icon", "fa-bullhorn", "modern", "line_number", ", 2", "lang:"):
        assert styling not in shown, (styling, shown)
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "标签里的字.pdf").pages)
    for words in ("核心思想", "最坏情况", "随机化", "维基百科", "计算机程序设计艺术", "排序对比"):
        assert words in pdf, (words, pdf)
