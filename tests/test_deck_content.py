"""The content of the deep-learning deck itself: complete cards, kept identities, order.

Its convolution code is run in test_deck_code.py."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from builder.anki import lock
from builder.anki.lock import handle
from builder.model import Card, Document, Node
from builder.parse.document import parse_file
from builder.parse.headings import EXPLICIT_ID
from builder.parse.questiontext import normalise_question
from builder.render.diagrams import validate as validate_diagram

from .conftest import FIXTURES

DECK = Path(__file__).resolve().parents[1] / "source_md" / "deep-learning-interview.md"
RELEASED = FIXTURES / "deck-a06c307"
"""The deck and its lock as shipped before the expert review (main at a06c307)."""
FIGURE_WORDS = ("下图", "如图", "见图")


@pytest.fixture(scope="module")
def doc() -> Document:
    return parse_file(DECK, validate_diagram=validate_diagram)


def answer_text(card: Card) -> str:
    """Everything readable in an answer: text, inline code and code blocks."""
    return "".join(n.text for node in card.answer for n in node.walk()
                   if n.kind in ("text", "code_inline", "code_block"))


def test_card_count_and_no_empty_answers(doc: Document) -> None:
    assert len(doc.cards) == 20
    assert [c.question_text for c in doc.cards if c.is_empty or not answer_text(c).strip()] == []
    assert list(doc.diagnostics) == []


def read_lock(path: Path) -> lock.Lock:
    read, problems = lock.read(path)
    assert problems == [], problems
    return read


def test_every_question_of_the_reviewed_release_keeps_its_identity(doc: Document) -> None:
    """Each question of the deck as released before the review (a06c307, pinned with its
    lock) is still here: under its old front, or reworded with the {#handle} of its GUID;
    and the committed lock gives it that GUID, so users keep their review history."""
    released = read_lock(RELEASED / "build-deck.lock").entries.values()
    fronts = {normalise_question(c.question_text) for c in doc.cards}
    handles = {c.explicit_id for c in doc.cards if c.explicit_id}
    lost = [e.question for e in released
            if normalise_question(e.question) not in fronts and handle(e.guid) not in handles]
    assert lost == []
    committed = read_lock(DECK.parent / lock.LOCK_NAME).entries
    assert not [c.key for c in doc.cards if c.key not in committed], "lock is out of date"
    live = {committed[c.key].guid for c in doc.cards}
    assert {e.guid for e in released} <= live


def test_reworded_fronts_fix_the_released_typos(doc: Document) -> None:
    fronts = [c.question_text for c in doc.cards]
    assert not [q for q in fronts if any(typo in q for typo in ("局部值最快", "相比如", "Relu"))]
    assert "为什么负梯度方向是函数局部下降最快的方向？" in fronts
    assert "空洞卷积的思想？相比标准卷积有什么改进？" in fronts


def test_related_questions_are_next_to_each_other(doc: Document) -> None:
    order = [c.question_text for c in doc.cards]

    def place(fragment: str) -> int:
        (index,) = [i for i, q in enumerate(order) if fragment in q]
        return index

    groups = [("最大池化", "池化层是怎样进行反向传播"), ("感受野", "空洞卷积"),
              ("负梯度方向", "批梯度下降", "梯度下降方法", "训练不收敛"),
              ("RNN和LSTM", "RNN不用ReLU")]
    for group in groups:
        places = sorted(place(fragment) for fragment in group)
        assert places == list(range(places[0], places[0] + len(group))), group


def test_the_longest_answers_open_with_a_one_line_summary(doc: Document) -> None:
    longest = sorted(doc.cards, key=lambda c: len(answer_text(c)), reverse=True)[:4]
    for card in longest:
        first = card.answer[0]
        assert first.kind == "paragraph", card.question_text
        assert answer_text_of(first).startswith("一句话："), card.question_text


def answer_text_of(node: Node) -> str:
    return "".join(n.text for n in node.walk() if n.kind in ("text", "code_inline"))


def test_figure_references_have_a_figure(doc: Document) -> None:
    missing = [
        c.question_text for c in doc.cards
        if any(word in answer_text(c) for word in FIGURE_WORDS)
        and not any(n.kind in ("diagram", "image") for node in c.answer for n in node.walk())
    ]
    assert missing == []


def _github_anchor(heading: str) -> str:
    kept = "".join(ch for ch in heading.lower()
                   if unicodedata.category(ch)[0] in "LMN" or unicodedata.category(ch) == "Pc"
                   or ch in " -")
    return kept.replace(" ", "-")


def test_toc_lists_every_heading(doc: Document) -> None:
    tokens = MarkdownIt("commonmark").use(front_matter_plugin).parse(
        DECK.read_text(encoding="utf-8"))
    headings = [(int(t.tag[1]) - 2, tokens[i + 1].content) for i, t in enumerate(tokens)
                if t.type == "heading_open" and t.tag in ("h2", "h3")]
    # GitHub shows an explicit {#id} as text: it is in the anchor, not in the TOC's title.
    assert [(e.depth, e.text, e.anchor) for e in doc.toc] == [
        (depth, EXPLICIT_ID.sub("", title), _github_anchor(title)) for depth, title in headings]
