"""Anki's markup and links the deck drops are found in every kind of node that shows
text (the check skips the kinds that cannot: paragraphs, lists, emphasis)."""

from __future__ import annotations

from builder.checks import ankimarkup
from builder.parse.document import parse_text

NOTES = """## 节

### 问题 [sound:q.mp3]？

在 **粗体 [sound:a.mp3]** 里。

- 列表 `[anki:tts]x[/anki:tts]`

公式 $x[sound:m.mp3]$ 里。

$$
[$]y[/$]
$$

![图 [sound:alt.mp3]](a.png)

[跳到](#anchor) 和 [文件](ftp://x.org/a)

<div>[latex]z[/latex]</div>
"""


def test_each_kind_that_shows_text_is_read_at_its_place() -> None:
    doc = parse_text(NOTES, "n.md")
    found = [(d.loc.line, d.code, d.message.split("'")[1]) for d in
             ankimarkup.check_document(doc)]
    assert found == [
        (3, "anki-markup", "[sound:"),  # the question
        (5, "anki-markup", "[sound:"),  # text inside emphasis
        (7, "anki-markup", "[anki:"),  # inline code
        (9, "anki-markup", "[sound:"),  # an inline formula
        (11, "anki-markup", "[$]"),  # a display formula
        (15, "anki-markup", "[sound:"),  # a picture's alt text
        (17, "link-removed", "#anchor"),
        (17, "link-removed", "ftp://x.org/a"),
        (19, "anki-markup", "[latex]"),  # raw HTML
    ]
