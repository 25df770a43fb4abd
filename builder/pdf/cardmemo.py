"""Each card's JSON for the PDF, and what the part cache needs to know of it, kept from
one save to the next by ``build-deck watch``.

Making every card's JSON again, and writing it out again to key the sheet's parts, took
~0.15 s of each save of a 2,000-question sheet that changed one answer.  A card's JSON
is a function of the card and of what the ``MediaStage`` answers for it
(``StageAnswer``): its formulas as rendered, its diagrams, its pictures as they resolve
now, whether the colouring budget still covers its code.  So a card is kept with the
answers it got, and taken again only when it is the same card (the very object: the
model is frozen, and a watch keeps the parse of what a save did not touch) in the same
document, and asking the stage again gives the same answers.  Asking again also does
what asking did the first time: the stage collects the card's files, spends its budget
and looks its pictures up, so the PDF's media and up-to-date record are those of a plan
made from scratch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from builder.model import Card
from builder.pdf.pdfdata import Json, MediaStage, StageAnswer, card_content, card_loc


@dataclass(frozen=True)
class CardFacts:
    """What the part cache needs to know of a card's JSON (its question and answer)."""

    digest: str
    """SHA-256 of that JSON as text: stands for it in a part's key."""
    chars: frozenset[str]
    """Every character of that text, to find those no font draws."""
    media: frozenset[str]
    """The files (``media/…``) it names."""


@dataclass(frozen=True)
class _Kept:
    card: Card
    doc_path: str
    answers: tuple[StageAnswer, ...]
    question: list[Json]
    answer: list[Json]
    facts: CardFacts


class CardMemo:
    """Cards' JSON made for one PDF, kept for its next plan (``make_card`` per card).

    ``facts`` lists the ``CardFacts`` of the cards made since ``begin``, in order: card
    ``n`` of the sheet is ``facts[n - 1]``.  Only the cards of the last plan are kept.
    """

    def __init__(self) -> None:
        self._kept: dict[int, _Kept] = {}
        self._used: dict[int, _Kept] = {}
        self.facts: list[CardFacts] = []
        self.made = 0
        self.reused = 0

    def begin(self) -> None:
        """Start a plan: cards are numbered from 1 again."""
        self._used = {}
        self.facts = []

    def end(self) -> None:
        """The plan is made: keep its cards, and only them, for the next."""
        self._kept, self._used = self._used, {}

    def pixels(self, stage: MediaStage) -> list[int]:
        """The pixels of each card's pictures (``parts.split``), in the order of ``facts``."""
        return [sum(stage.pixels.get(name, 0) for name in card.media) for card in self.facts]

    def make_card(self, card: Card, number: int, stage: MediaStage) -> Json:
        """``card_json``, from the memo when it still holds."""
        kept = self._kept.get(id(card))
        if kept is None or kept.card is not card or kept.doc_path != stage.doc_path \
                or not _answered_alike(kept.answers, stage):
            kept = _made(card, stage)
            self.made += 1
        else:
            self.reused += 1
        self._used[id(card)] = kept  # holding the card: its id is no other card's
        self.facts.append(kept.facts)
        return {"n": number, "loc": card_loc(card), "q": kept.question, "a": kept.answer}


def _made(card: Card, stage: MediaStage) -> _Kept:
    answers: list[StageAnswer] = []
    stage.answers = answers
    try:
        question, answer = card_content(card, stage)
    finally:
        stage.answers = None
    text = content_text(question, answer)
    return _Kept(card, stage.doc_path, tuple(answers), question, answer,
                 CardFacts(hashlib.sha256(text.encode("utf-8")).hexdigest(), frozenset(text),
                           frozenset(_named(answers))))


def content_text(question: list[Json], answer: list[Json]) -> str:
    """A card's question and answer as the JSON text its digest is taken of."""
    return json.dumps({"a": answer, "q": question}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def _named(answers: list[StageAnswer]) -> Iterator[str]:
    """The files a card's JSON names: each in a stage's answer (a formula's picture, a
    diagram's SVG, a picture), as nothing else adds a file."""
    for answer in answers:
        if isinstance(answer.answer, dict):
            for key in ("img", "svg", "src"):
                name = answer.answer.get(key)
                if isinstance(name, str):
                    yield name


def _answered_alike(answers: tuple[StageAnswer, ...], stage: MediaStage) -> bool:
    """Ask ``stage`` each question again; tell whether every answer is the same.

    When one is not, the card is made anew, which asks the same questions up to that one
    and gets the same answers: the files they gave the stage are given again, but the
    colouring budget they spent would be spent twice, so it is given back.
    """
    budget = stage.highlight_left
    for asked in answers:
        if getattr(stage, asked.method)(*asked.args) != asked.answer:
            stage.highlight_left = budget
            return False
    return True


_KEPT: ContextVar[dict[Path, CardMemo] | None] = ContextVar("kept_card_json", default=None)


@contextmanager
def kept_card_json() -> Iterator[dict[Path, CardMemo]]:
    """Keep the cards' JSON of every PDF planned in this block for the next plan of the
    same PDF (``build-deck watch``); outside, every plan makes its cards anew.  Yields
    the memos by the PDF they are for."""
    memos: dict[Path, CardMemo] = {}
    token = _KEPT.set(memos)
    try:
        yield memos
    finally:
        _KEPT.reset(token)


def card_memo(target: Path) -> CardMemo:
    """The memo of the PDF written to ``target``: kept under ``kept_card_json``, else new."""
    kept = _KEPT.get()
    if kept is None:
        return CardMemo()
    return kept.setdefault(target, CardMemo())
