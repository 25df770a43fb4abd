"""The content of the deep-learning deck itself: its code runs, its cards are complete."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from builder.diagrams import validate as validate_diagram
from builder.model import Card, Document
from builder.parse import parse_file

from .conftest import SEED

DECK = Path(__file__).resolve().parents[1] / "source_md" / "deep-learning-interview.md"
CONV_QUESTION = "写一下卷积的实现"
FIGURE_WORDS = ("下图", "如图", "见图")


@pytest.fixture(scope="module")
def doc() -> Document:
    return parse_file(DECK, validate_diagram=validate_diagram)


def card_for(doc: Document, question: str) -> Card:
    matches = [c for c in doc.cards if c.question_text == question]
    assert len(matches) == 1, f"expected one card '{question}', found {len(matches)}"
    return matches[0]


def answer_text(card: Card) -> str:
    """Everything readable in an answer: text, inline code and code blocks."""
    return "".join(n.text for node in card.answer for n in node.walk()
                   if n.kind in ("text", "code_inline", "code_block"))


@pytest.fixture(scope="module")
def conv_code(doc: Document) -> dict[str, Any]:
    card = card_for(doc, CONV_QUESTION)
    blocks = [n for node in card.answer for n in node.walk()
              if n.kind == "code_block" and n.attr("lang") == "python"]
    assert len(blocks) == 1, "the convolution answer needs exactly one ```python block"
    namespace: dict[str, Any] = {"__name__": "deck_conv"}
    exec(compile(blocks[0].text, f"{DECK.name}:{blocks[0].line}", "exec"), namespace)
    return namespace


def reference_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, s: int, p: int) -> np.ndarray:
    """Cross-correlation straight from the definition, over sliding windows."""
    kh, kw = w.shape[2:]
    padded = np.pad(x, ((0, 0), (p, p), (p, p)))
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::s, ::s]  # C,Ho,Wo,kh,kw
    out: np.ndarray = np.einsum("chwij,fcij->fhw", windows, w) + b[:, None, None]
    return out


CASES = [  # (C, H, W, F, kh, kw, stride, pad)
    (1, 5, 5, 1, 3, 3, 1, 0),
    (3, 7, 6, 4, 3, 3, 1, 1),
    (2, 8, 8, 3, 3, 3, 2, 1),
    (3, 9, 7, 2, 3, 2, 2, 0),
    (2, 10, 11, 3, 5, 5, 3, 2),
    (4, 6, 6, 2, 1, 1, 2, 0),
    (2, 5, 5, 2, 5, 5, 1, 0),
]


@pytest.mark.parametrize("name", ["conv2d_loop", "conv2d_im2col"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: "C{}H{}W{}F{}k{}x{}s{}p{}".format(*c))
def test_conv_matches_direct_computation(conv_code: dict[str, Any], name: str,
                                         case: tuple[int, ...]) -> None:
    c, h, w_, f, kh, kw, s, p = case
    rng = np.random.default_rng(sum(case))
    x = rng.standard_normal((c, h, w_))
    w = rng.standard_normal((f, c, kh, kw))
    b = rng.standard_normal(f)
    conv: Callable[..., np.ndarray] = conv_code[name]
    got = conv(x, w, b, s, p)
    expected = reference_conv(x, w, b, s, p)
    assert got.shape == expected.shape == (f, (h + 2 * p - kh) // s + 1, (w_ + 2 * p - kw) // s + 1)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_conv_keyword_arguments_and_input_untouched(conv_code: dict[str, Any]) -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 6, 6))
    w = rng.standard_normal((3, 2, 3, 3))
    b = rng.standard_normal(3)
    before = x.copy()
    loop = conv_code["conv2d_loop"](x, w, b, s=2, p=1)
    im2col = conv_code["conv2d_im2col"](x, w, b, s=2, p=1)
    np.testing.assert_allclose(loop, im2col, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(x, before)


def test_card_count_and_no_empty_answers(doc: Document) -> None:
    assert len(doc.cards) == 20
    assert [c.question_text for c in doc.cards if c.is_empty or not answer_text(c).strip()] == []
    assert list(doc.diagnostics) == []


def test_questions_keep_their_wording_and_order(doc: Document) -> None:
    seed = parse_file(SEED)  # the original notes (no front matter, so another deck name)
    assert [(c.section_path, c.question_text, c.explicit_id) for c in doc.cards] == [
        (c.section_path, c.question_text, c.explicit_id) for c in seed.cards]


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
    text = DECK.read_text(encoding="utf-8")
    body = text.split("<!-- /TOC -->", 1)[1]
    body = re.sub(r"^```.*?^```", "", body, flags=re.M | re.S)  # headings only outside fences
    headings = [(len(m.group(1)) - 2, m.group(2).strip())
                for m in re.finditer(r"^(#{2,3}) (.+)$", body, flags=re.M)]
    assert [(e.depth, e.text, e.anchor) for e in doc.toc] == [
        (depth, title, _github_anchor(title)) for depth, title in headings]
