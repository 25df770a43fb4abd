"""Highlighted code in cards: each block coloured by its own language, remembered or not."""

from __future__ import annotations

from html.parser import HTMLParser

from builder.anki.highlight import code_html


class _Spans(HTMLParser):
    """The CSS classes Pygments put on the code's tokens, and the code's text."""

    def __init__(self) -> None:
        super().__init__()
        self.classes: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "span":
            self.classes += [value or "" for name, value in attrs if name == "class"]

    def handle_data(self, data: str) -> None:
        self.text += data


def _spans(html: str) -> _Spans:
    parser = _Spans()
    parser.feed(html)
    return parser


def test_the_same_code_is_coloured_by_each_blocks_language() -> None:
    code = "def f(x):\n    return x  # one\n"
    python = _spans(code_html(code, "python"))
    yaml = _spans(code_html(code, "yaml"))
    plain = code_html(code, "no-such-language")
    assert "k" in python.classes and "c1" in python.classes  # `def` a keyword, a comment
    assert "k" not in yaml.classes  # YAML has no keyword `def`
    assert "<span" not in plain
    for parsed in (python, yaml, _spans(plain)):
        assert parsed.text.strip() == code.strip()
    # Asked again, in any order, each answer stays its language's.
    assert code_html(code, "yaml") == code_html(code, "yaml")
    assert _spans(code_html(code, "python")).classes == python.classes
    assert "<span" not in code_html(code, "no-such-language")


def test_each_code_block_is_coloured_afresh() -> None:
    first = _spans(code_html("x = 1\n", "python"))
    second = _spans(code_html("import os\n", "python"))
    assert first.text.strip() == "x = 1"
    assert second.text.strip() == "import os"
    assert "kn" in second.classes and "kn" not in first.classes  # `import` is a namespace keyword
