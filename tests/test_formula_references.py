"""HTML character references inside formulas (``\\[Q(s&#39;,a)\\]`` in notes exported from
HTML) are read as the characters they stand for, as MathJax in a browser reads them, so
the formula is drawn (typst failed on the ``&`` and it fell back to MathJax with a
warning); a command written as references is taken out like any other
(builder.parse.texsafe.references_decoded)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from builder.parse.texsafe import references_decoded

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_references_are_decoded_and_alignment_stays() -> None:
    assert references_decoded("Q(s&#39;,a&#x27;)") == "Q(s',a')"
    assert references_decoded(r"a &amp; b \\ c &= d &lt; e") == r"a & b \\ c &= d < e"
    # No ``;``, or no such name: not a reference, written as it is.
    assert references_decoded("a &lt b &nosuch; &#;") == "a &lt b &nosuch; &#;"


def test_formulas_with_references_are_drawn(tmp_path: Path, collection: Collection) -> None:
    result, package = build_fixture_deck("formula-html-references")
    assert "formula-render" not in result.output, result.output
    assert re.search(r"formula-html-references\.md:13:\d+: warning: `\\href`, `\\unicode` "
                     r"taken out of the formula", result.output), result.output
    answers = answers_by_question(imported_notes(collection, package))
    bellman = answers["Bellman 方程是什么？"]
    assert '<img class="math"' in bellman and "\\[" not in bellman, bellman  # drawn
    assert "Q(s', a')" in bellman and "&amp;#39;" not in bellman, bellman  # its alt text
    inline = answers["行内公式里的引用呢？"]
    assert inline.count('<img class="math"') == 2 and "\\(" not in inline, inline
    assert "x &lt; y" in inline and "1 &amp; x&gt;0" in inline, inline
    command = answers["实体编码的命令会被拿掉吗？"]
    assert "href" not in command and "unicode" not in command and "example.com" not in command
