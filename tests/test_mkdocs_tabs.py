"""MkDocs Material content tabs (``=== "C++"`` over an indented body) are shown one after
another, each under its label, their code blocks whole (builder.parse.tabs)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from anki.collection import Collection

from builder.parse.markdown import tokenize

from .conftest import build_fixture, import_apkg

FIXTURE = Path(__file__).parent / "fixtures" / "mkdocs-tabs.md"


def _text(field: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", field))


def test_each_tab_is_a_titled_block_with_its_code_whole(tmp_path: Path,
                                                        collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURE)
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    import_apkg(collection, tmp_path / "dist" / "算法笔记.apkg")
    answers = {collection.get_note(n)["Question"]: collection.get_note(n)["Answer"]
               for n in collection.find_notes("")}
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
