"""The convolution answer's Python, run exactly as it stands in the deck's Markdown.

The code block is found with markdown-it-py itself (not with the builder's parser, which
is under test elsewhere), so what runs here is what a reader copies off the card.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

DECK = Path(__file__).resolve().parents[1] / "source_md" / "deep-learning-interview.md"
CONV_QUESTION = "写一下卷积的实现"

Array = np.ndarray[Any, Any]


def python_blocks_under(markdown: str, question: str) -> list[tuple[int, str]]:
    """Return (1-based line, code) of every ```python fence in the answer to ``question``."""
    tokens = MarkdownIt("commonmark").use(front_matter_plugin).parse(markdown)
    blocks: list[tuple[int, str]] = []
    inside = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h1", "h2", "h3"):
            title = tokens[index + 1].content
            inside = title.split("{#")[0].strip() == question
        elif inside and token.type == "fence" and token.info.strip() == "python":
            assert token.map is not None
            blocks.append((token.map[0] + 2, token.content))
    return blocks


@pytest.fixture(scope="module")
def conv_code() -> dict[str, Any]:
    blocks = python_blocks_under(DECK.read_text(encoding="utf-8"), CONV_QUESTION)
    assert len(blocks) == 1, "the convolution answer needs exactly one ```python block"
    line, code = blocks[0]
    namespace: dict[str, Any] = {"__name__": "deck_conv"}
    # Line numbers in a traceback point into the Markdown file.
    exec(compile("\n" * (line - 1) + code, str(DECK), "exec"), namespace)
    return namespace


def naive_conv(x: Array, w: Array, b: Array, stride: int, padding: int) -> Array:
    """Cross-correlation from the definition, one output element at a time."""
    n_, c_, h, w_ = x.shape
    f_, _, kh, kw = w.shape
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w_ + 2 * padding - kw) // stride + 1
    padded = np.zeros((n_, c_, h + 2 * padding, w_ + 2 * padding), x.dtype)
    padded[:, :, padding:padding + h, padding:padding + w_] = x
    out = np.zeros((n_, f_, ho, wo))
    for n in range(n_):
        for f in range(f_):
            for i in range(ho):
                for j in range(wo):
                    window = padded[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[n, f, i, j] = float(np.sum(window * w[f])) + float(b[f])
    return out


def random_case(seed: int) -> tuple[Array, Array, Array, int, int]:
    """Random shapes, kernel sizes (square or not), strides and paddings; output ≥ 1×1."""
    rng = np.random.default_rng(seed)
    n, c, f = (int(v) for v in rng.integers(1, 4, size=3))
    kh, kw = (int(v) for v in rng.integers(1, 6, size=2))
    stride, padding = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    h = int(rng.integers(max(1, kh - 2 * padding), 12))
    w_ = int(rng.integers(max(1, kw - 2 * padding), 12))
    return (rng.standard_normal((n, c, h, w_)), rng.standard_normal((f, c, kh, kw)),
            rng.standard_normal(f), stride, padding)


@pytest.mark.parametrize("seed", range(40))
def test_forward_matches_the_naive_loop(conv_code: dict[str, Any], seed: int) -> None:
    x, w, b, stride, padding = random_case(seed)
    conv: Callable[..., Array] = conv_code["conv2d"]
    got = conv(x, w, b, stride=stride, padding=padding)
    expected = naive_conv(x, w, b, stride, padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def numerical_gradient(loss: Callable[[], float], array: Array, step: float = 1e-6) -> Array:
    """Central differences of ``loss`` with respect to every element of ``array`` (in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + step
        plus = loss()
        array[index] = saved - step
        minus = loss()
        array[index] = saved
        grad[index] = (plus - minus) / (2 * step)
    return grad


@pytest.mark.parametrize("seed", range(12))
def test_backward_matches_numerical_gradients(conv_code: dict[str, Any], seed: int) -> None:
    x, w, b, stride, padding = random_case(1000 + seed)
    conv: Callable[..., Array] = conv_code["conv2d"]
    upstream = np.random.default_rng(seed).standard_normal(
        conv(x, w, b, stride=stride, padding=padding).shape)

    def loss() -> float:  # L = Σ upstream · out, so ∂L/∂out = upstream
        return float(np.sum(upstream * conv(x, w, b, stride=stride, padding=padding)))

    dx, dw, db = conv_code["conv2d_backward"](upstream, x, w, b, stride=stride, padding=padding)
    for name, got, array in (("dx", dx, x), ("dw", dw, w), ("db", db, b)):
        assert got.shape == array.shape, name
        np.testing.assert_allclose(got, numerical_gradient(loss, array), rtol=1e-6, atol=1e-7,
                                   err_msg=name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_and_backward_keep_the_input_dtype(conv_code: dict[str, Any],
                                                   dtype: type[np.floating[Any]]) -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 7, 6)).astype(dtype)
    w = rng.standard_normal((4, 3, 3, 2)).astype(dtype)
    b = rng.standard_normal(4).astype(dtype)
    out = conv_code["conv2d"](x, w, b, stride=2, padding=1)
    grads = conv_code["conv2d_backward"](np.ones_like(out), x, w, b, stride=2, padding=1)
    assert [a.dtype for a in (out, *grads)] == [np.dtype(dtype)] * 4


def test_inputs_are_left_untouched_and_defaults_are_stride_1_padding_0(
        conv_code: dict[str, Any]) -> None:
    x, w, b, _, _ = random_case(77)
    copies = [a.copy() for a in (x, w, b)]
    out = conv_code["conv2d"](x, w, b)
    conv_code["conv2d_backward"](np.ones_like(out), x, w, b)
    np.testing.assert_allclose(out, naive_conv(x, w, b, 1, 0), rtol=1e-10, atol=1e-10)
    for before, after in zip(copies, (x, w, b), strict=True):
        np.testing.assert_array_equal(before, after)


def test_the_block_is_found_under_its_own_question_only() -> None:
    markdown = ("---\ndeck: d\n---\n## S\n### 写一下卷积的实现\n正文\n\n```python\nA = 1\n```\n"
                "### 另一题\n```python\nB = 2\n```\n")
    assert python_blocks_under(markdown, CONV_QUESTION) == [(9, "A = 1\n")]
