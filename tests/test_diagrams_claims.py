"""What the optimiser and activation diagrams show, read back from the figures they draw.

The optimiser card's caption claims four things about the paths (C1–C4 below); each is
checked on the lines the figure actually plots, for the default parameters and for every
such diagram in the shipped deck.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from builder.parse.document import parse_file
from builder.render.diagrams import render, resolve
from builder.render.diagrams.activation import TEXT as ACTIVATION_TEXT
from builder.render.diagrams.gradient_descent import RAVINE_CURVATURE, TEXT, surface

SEED_DECK = Path(__file__).parent.parent / "source_md"
OPTIMISERS = ["sgd", "momentum", "rmsprop", "adam"]

Array = np.ndarray[Any, np.dtype[np.float64]]


def seed_diagrams(kind: str) -> list[dict[str, object]]:
    """Parameters of every diagram of ``kind`` in the shipped deck."""
    found = []
    for path in sorted(SEED_DECK.glob("*.md")):
        for card in parse_file(path).cards:
            found += [d.param_dict() for d in card.diagrams if d.kind == kind]
    return found


def drawn_paths(params: dict[str, object]) -> dict[str, Array]:
    """The optimiser paths as the figure plots them, keyed by method name."""
    resolved = resolve("gradient-descent", params)
    figure = render("gradient-descent", params)
    names = {TEXT[resolved["lang"]][m]: m for m in resolved["methods"]}
    paths = {}
    for ax in figure.axes:
        for line in ax.get_lines():
            if line.get_label() in names:
                paths[names[str(line.get_label())]] = np.asarray(line.get_xydata(), float)
    assert set(paths) == set(resolved["methods"])
    return paths


def _optimiser_cases() -> list[dict[str, object]]:
    ravines = [p for p in seed_diagrams("gradient-descent")
               if surface(resolve("gradient-descent", p)) == "ravine"]
    return [{"methods": OPTIMISERS}, {"methods": OPTIMISERS, "lang": "en"}, *ravines]


OPTIMISER_CASES = _optimiser_cases()


def test_the_deck_has_an_optimiser_comparison() -> None:
    assert len(OPTIMISER_CASES) > 2


def path_ratio(path: Array) -> float:
    """Path length over the straight line from its start to its end: 1 is straight."""
    length = np.linalg.norm(np.diff(path, axis=0), axis=1).sum()
    return float(length / np.linalg.norm(path[-1] - path[0]))


def steps_to_close(path: Array, optimum: Array, share: float = 0.1) -> float:
    """First step within ``share`` of the starting distance from the optimum (inf: never)."""
    distance = np.linalg.norm(path - optimum, axis=1)
    inside = np.nonzero(distance < share * distance[0])[0]
    return float(inside[0]) if len(inside) else float("inf")


@pytest.mark.parametrize("params", OPTIMISER_CASES)
def test_c1_sgd_zigzags_across_the_ravine_and_crawls_along_it(params: dict[str, object]) -> None:
    sgd = drawn_paths(params)["sgd"]
    across, along = sgd[:, 1], sgd[:, 0]
    flips = np.count_nonzero(np.diff(np.sign(across)) != 0)
    assert flips >= len(sgd) // 2, flips  # the steep coordinate changes sign again and again
    # Along the ravine it only creeps: it never passes the optimum, and most of the way is
    # still ahead after all the steps.
    assert np.all(np.diff(np.abs(along)) <= 0)
    assert abs(along[-1]) > 0.25 * abs(along[0])


@pytest.mark.parametrize("params", OPTIMISER_CASES)
def test_c2_momentum_overshoots_and_swings_back(params: dict[str, object]) -> None:
    momentum = drawn_paths(params)["momentum"]
    along = momentum[:, 0] * np.sign(-momentum[0, 0])  # > 0: beyond the optimum
    beyond = int(np.argmax(along))
    start_distance = np.linalg.norm(momentum[0])
    assert along[beyond] > 0.1 * abs(momentum[0, 0])  # a clear overshoot
    assert along[beyond:].min() < 0.5 * along[beyond]  # it comes back
    assert np.linalg.norm(momentum[-1]) < 0.1 * start_distance  # and settles near it


@pytest.mark.parametrize("params", OPTIMISER_CASES)
def test_c3_adaptive_methods_go_straighter_than_sgd(params: dict[str, object]) -> None:
    paths = drawn_paths(params)
    sgd = path_ratio(paths["sgd"])
    for method in ("rmsprop", "adam"):
        assert path_ratio(paths[method]) < 0.5 * sgd, method


@pytest.mark.parametrize("params", OPTIMISER_CASES)
def test_c4_adaptive_methods_get_close_in_fewer_steps(params: dict[str, object]) -> None:
    paths = drawn_paths(params)
    optimum = np.zeros(2)
    sgd = steps_to_close(paths["sgd"], optimum)
    for method in ("rmsprop", "adam"):
        assert steps_to_close(paths[method], optimum) < sgd, method
        assert steps_to_close(paths[method], optimum) < len(paths[method]) - 1


def test_ravine_is_the_ill_conditioned_quadratic_the_caption_describes() -> None:
    along, across = RAVINE_CURVATURE
    assert across / along >= 50
    # SGD's across factor 1 − η·λ is negative (a zig-zag), its along factor near 1 (a crawl).
    lr = resolve("gradient-descent", {"methods": OPTIMISERS})["learning_rate"]
    assert -1 < 1 - lr * across < -0.5 and 0.95 < 1 - lr * along < 1


def test_ravine_refuses_batch_sizes() -> None:
    from builder.render.diagrams import validate

    problem = validate("gradient-descent", {"methods": ["batch", "adam"], "loss": "ravine"})
    assert problem is not None and "loss: regression" in problem


# --- the batch-size comparison keeps sampled gradients -------------------------------------

def jitter(path: Array) -> float:
    """Total turning of a path: the sum of its second differences."""
    return float(np.abs(np.diff(path, n=2, axis=0)).sum())


@pytest.mark.parametrize("params", [{}, {"seed": 3}, *[
    p for p in seed_diagrams("gradient-descent")
    if surface(resolve("gradient-descent", p)) == "regression"]])
def test_batch_is_smooth_sgd_jitters_most_minibatch_between(params: dict[str, object]) -> None:
    paths = drawn_paths(params)
    assert jitter(paths["batch"]) < jitter(paths["mini-batch"]) < jitter(paths["sgd"])
    assert path_ratio(paths["batch"]) < 1.1 < path_ratio(paths["mini-batch"])
    assert path_ratio(paths["mini-batch"]) < path_ratio(paths["sgd"])


def test_the_deck_has_a_batch_size_comparison() -> None:
    regressions = [p for p in seed_diagrams("gradient-descent")
                   if surface(resolve("gradient-descent", p)) == "regression"]
    assert regressions


# --- activation ----------------------------------------------------------------------------

def activation_axes(params: dict[str, object]) -> tuple[Figure, list[Axes]]:
    figure = render("activation", params)
    return figure, [ax for ax in figure.axes if ax.get_lines()]


def curve(ax: Axes, label: str) -> Line2D:
    lines = [line for line in ax.get_lines() if line.get_label() == label]
    assert len(lines) == 1, label
    return lines[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_relu_does_not_stretch_the_y_axis(lang: str) -> None:
    params: dict[str, object] = {"functions": ["step", "sigmoid", "tanh", "relu"], "lang": lang}
    _figure, (values, _derivatives) = activation_axes(params)
    low, high = values.get_ylim()
    assert -1.6 <= low < -1 and 1 < high <= 1.6  # tanh's −1 and sigmoid's 1 fit, no more
    # sigmoid and tanh keep most of the height: they go from near the bottom to the top.
    for name in ("sigmoid", "tanh"):
        y = np.asarray(curve(values, name).get_ydata(), float)
        assert (y.max() - y.min()) / (high - low) > 0.3
    relu = np.asarray(curve(values, "ReLU").get_ydata(), float)
    assert relu.max() > high  # clipped by the view, not by the data
    # An arrow in ReLU's colour on the top edge marks where it leaves, and a word says so.
    colour = curve(values, "ReLU").get_color()
    arrows = [line for line in values.get_lines() if line.get_marker() == "^"
              and line.get_color() == colour]
    assert len(arrows) == 1 and float(np.asarray(arrows[0].get_ydata())[0]) == high
    words = [t.get_text() for t in values.texts]
    assert ACTIVATION_TEXT[lang]["up"] in words


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_step_function_shows_both_branches(lang: str) -> None:
    params: dict[str, object] = {"functions": ["step", "sigmoid", "tanh", "relu"], "lang": lang}
    _figure, axes = activation_axes(params)
    values = axes[0]
    step = curve(values, ACTIVATION_TEXT[lang]["step"])
    x = np.asarray(step.get_xdata(), float)
    y = np.asarray(step.get_ydata(), float)
    low, high = values.get_ylim()
    # Both branches lie inside the view, away from its frame.
    assert np.all(y[x < 0] == 0) and np.all(y[x > 0] == 1)
    assert low < -0.5 and high > 1.2
    # Its flat left branch coincides with ReLU's and the zero line: it is drawn above them,
    # dashed, so both it and what lies under it show.
    others = [line for line in values.get_lines() if line is not step]
    assert all(step.get_zorder() > line.get_zorder() for line in others
               if line.get_marker() in ("None", "", None))
    assert step.get_linestyle() not in ("-", "solid")
    zero_line = [line for line in values.get_lines()
                 if np.array_equal(np.asarray(line.get_ydata(), float), [0, 0])]
    assert zero_line and step.get_zorder() > zero_line[0].get_zorder()


def test_derivative_panel_is_clipped_too() -> None:
    _figure, axes = activation_axes({"functions": ["elu", "gelu"], "alpha": 5})
    low, high = axes[1].get_ylim()
    assert high <= 1.3 and low >= -0.3
