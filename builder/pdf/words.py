"""The words the PDF templates print themselves, in the deck's language."""

from __future__ import annotations

from collections.abc import Sequence

from builder.model import Document
from builder.parse.language import majority

WORDS: dict[str, dict[str, object]] = {
    "zh": {"count": ["共 ", " 题", " 题"], "contents": "目录", "fronts": "正面 · 问题",
           "backs": "背面 · 答案", "continuations": "续页 · 未完的答案",
           "continued-on": ["→ 续见第 ", " 页"], "continued-from": ["（续自第 ", " 页）"],
           "section-continued": "（续）", "diagram": "示意图",
           "contents-more": ["…… 另有 ", " 节：见 PDF 书签"]},
    "en": {"count": ["", " question", " questions"], "contents": "Contents",
           "fronts": "Questions", "backs": "Answers", "continuations": "Continued answers",
           "continued-on": ["→ continued on page ", ""],
           "continued-from": ["(continued from page ", ")"],
           "section-continued": " (cont.)", "diagram": "diagram",
           "contents-more": ["… and ", " more sections: see the PDF's bookmarks"]},
}
"""The words the PDF templates print themselves, in each language a deck can be in.
``count`` is what goes before the number of questions, then after it for one, for more;
the ``continued`` pairs go around a page number."""


def deck_language(documents: Sequence[Document]) -> str:
    """The language of a deck's PDF: that of most of its questions."""
    return majority((doc.settings.lang, len(doc.cards)) for doc in documents)
