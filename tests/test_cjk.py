"""One definition of CJK writing (builder.support.cjk) for every parse rule that asks:
emphasis beside Chinese, escaped brackets and ``$`` pairs around prose, question labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.parse.markdown import tokenize
from builder.support.cjk import has_cjk, is_cjk, is_cjk_letter


@pytest.mark.parametrize(("char", "cjk", "letter"), [
    ("中", True, True), ("。", True, False), ("，", True, False), ("カ", True, True),
    ("ｶ", True, True),             # half-width katakana
    ("가", True, True), ("ᄀ", True, True),  # a Hangul syllable; a narrow jamo
    ("１", True, False),          # a full-width digit
    ("😀", False, False), ("⌚", False, False),  # wide, but emoji
    ("a", False, False), ("é", False, False), ("א", False, False),
])
def test_what_is_cjk(char: str, cjk: bool, letter: bool) -> None:
    assert (is_cjk(char), is_cjk_letter(char)) == (cjk, letter)


def test_no_parse_rule_keeps_its_own_definition() -> None:
    parse = Path(__file__).parent.parent / "builder" / "parse"
    own = [p.name for p in parse.glob("*.py") if "east_asian_width" in p.read_text("utf-8")]
    assert own == [], own


@pytest.mark.parametrize(("source", "math"), [
    (r"\(😀\)", []),                       # an emoji is no word and no operator: text
    (r"\(가\)", []),                       # Korean writing, like Chinese: prose
    (r"\(x+1\)", ["x+1"]),
])
def test_escaped_brackets_use_it(source: str, math: list[str]) -> None:
    found = [t.content for b in tokenize(source) for t in b.children or []
             if t.type.startswith("math")]
    assert found == math
    assert has_cjk("가") and not has_cjk("😀 x")
