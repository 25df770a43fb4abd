"""Generated diagrams: the arithmetic behind them, validation messages, and the rendered images."""

from __future__ import annotations

import io
import itertools
import warnings
from typing import Any

import numpy as np
import pytest

from builder.render.diagrams import render, resolve, validate
from builder.render.diagrams.dilated_conv import coverage, stacked_receptive_field
from builder.render.diagrams.gradient_descent import dataset, loss, trajectories
from builder.render.diagrams.loss_curves import curves, early_stopping_epoch
from builder.render.diagrams.pooling import pool_forward_backward
from builder.render.diagrams.receptive_field import LayerStats, layer_stats

KINDS = ("receptive-field", "activation", "gradient-descent", "pooling", "dilated-conv",
         "loss-curves")

EDGE_PARAMS: list[tuple[str, dict[str, object]]] = [
    ("receptive-field", {"input_size": 1, "kernel": 1, "stride": 1, "padding": 0, "layers": 1}),
    ("receptive-field", {"input_size": 16, "kernel": 3, "stride": 1, "padding": 1, "layers": 6}),
    ("receptive-field", {"input_size": 9, "kernel": 3, "dilation": 2, "stride": 1,
                         "padding": 0, "layers": 1}),
    ("activation", {"functions": ["step", "sigmoid", "tanh", "relu", "leaky-relu", "elu", "gelu"],
                    "alpha": 1, "x_min": -100, "x_max": 100}),
    ("activation", {"functions": "gelu", "derivatives": False, "x_min": 1, "x_max": 1.5}),
    ("gradient-descent", {"methods": ["batch", "sgd", "mini-batch", "momentum", "rmsprop", "adam"],
                          "steps": 5, "batch_size": 64}),
    ("gradient-descent", {"methods": ["batch", "adam"], "learning_rate": 10, "steps": 500}),
    ("pooling", {"mode": "mean", "size": 8, "window": 3, "stride": 1, "seed": 7}),
    ("pooling", {"size": 2, "window": 2, "stride": 8}),
    ("dilated-conv", {"rates": [2, 2, 2, 2, 2, 2], "grid": 25}),
    ("dilated-conv", {"rates": 1, "kernel": 7, "grid": 7}),
    ("loss-curves", {"epochs": 10, "overfit_at": 9, "patience": 0, "noise": 0}),
    ("loss-curves", {"epochs": 1000, "overfit_at": 1, "patience": 1000, "noise": 0.2}),
]


def png_bytes(kind: str, params: dict[str, object]) -> bytes:
    """Render a diagram and save it as PNG without the version-dependent Software tag."""
    buffer = io.BytesIO()
    render(kind, params).savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    return buffer.getvalue()


def distinct_colours(png: bytes) -> int:
    """Count the distinct RGBA values of a PNG, to tell a drawing from a blank canvas."""
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png").reshape(-1, 4)
    return len(np.unique(pixels, axis=0))


# --- receptive field ---------------------------------------------------------------------


def test_receptive_field_seed_case() -> None:
    stats = layer_stats(input_size=5, kernel=3, stride=2, padding=1, dilation=1, layers=2)
    assert stats == [
        LayerStats(n=5, j=1, r=1, start=0.5),
        LayerStats(n=3, j=2, r=3, start=0.5),
        LayerStats(n=2, j=4, r=7, start=0.5),
    ]


def test_receptive_field_without_padding_shifts_the_start() -> None:
    stats = layer_stats(input_size=7, kernel=3, stride=1, padding=0, dilation=1, layers=3)
    assert [s.n for s in stats[1:]] == [5, 3, 1]
    assert [s.r for s in stats[1:]] == [3, 5, 7]
    assert [s.j for s in stats[1:]] == [1, 1, 1]
    assert [s.start for s in stats[1:]] == [1.5, 2.5, 3.5]


def test_receptive_field_dilation_widens_the_kernel() -> None:
    stats = layer_stats(input_size=9, kernel=3, stride=1, padding=0, dilation=2, layers=1)
    assert (stats[1].n, stats[1].r, stats[1].start) == (5, 5, 2.5)


def test_receptive_field_rejects_vanishing_output() -> None:
    problem = validate("receptive-field", {"input_size": 5, "kernel": 3, "stride": 2,
                                           "padding": 0, "layers": 3})
    assert problem is not None
    assert "layer 2" in problem and "output size 0" in problem


# --- validation messages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        ("receptive-field", {"kernel": -1}, ["'kernel'", "integer from 1 to 11", "-1"]),
        ("receptive-field", {"kernel": 2.5}, ["'kernel'", "integer"]),
        ("receptive-field", {"layers": True}, ["'layers'", "integer"]),
        ("receptive-field", {"colour": "red"}, ["unknown parameter 'colour'", "input_size"]),
        ("activation", {"functions": ["relu", "swish"]}, ["'functions'", "list of one of",
                                                          "gelu", "'swish'"]),
        ("activation", {"x_min": 3, "x_max": 3}, ["x_min (3) must be less than x_max (3)"]),
        ("activation", {"x_min": float("nan")}, ["'x_min'", "nan"]),
        ("activation", {"derivatives": "yes"}, ["'derivatives'", "true or false"]),
        ("gradient-descent", {"methods": []}, ["'methods'", "empty list"]),
        ("gradient-descent", {"learning_rate": 0}, ["'learning_rate'", "number from"]),
        ("gradient-descent", {"seed": -1}, ["'seed'", "≥ 0"]),
        ("pooling", {"size": 3, "window": 4}, ["window (4) must not exceed size (3)"]),
        ("pooling", {"mode": "min"}, ["'mode'", "one of max, mean"]),
        ("dilated-conv", {"kernel": 4}, ["'kernel'", "one of 3, 5, 7"]),
        ("dilated-conv", {"rates": [1, 0]}, ["'rates'", "list of an integer from 1"]),
        ("dilated-conv", {"grid": 13}, ["grid (13) must be at least 15"]),
        ("loss-curves", {"epochs": 50, "overfit_at": 50}, ["overfit_at (50)", "epochs (50)"]),
        ("sankey", {}, ["unknown diagram type 'sankey'", "receptive-field"]),
    ],
)
def test_validate_names_the_problem(kind: str, params: dict[str, object],
                                    expected: list[str]) -> None:
    problem = validate(kind, params)
    assert problem is not None
    for fragment in expected:
        assert fragment in problem, problem


@pytest.mark.parametrize("kind", KINDS)
def test_defaults_are_valid(kind: str) -> None:
    assert validate(kind, {}) is None


def test_resolve_coerces_and_fills_defaults() -> None:
    params = resolve("activation", {"functions": "gelu", "x_min": -2})
    assert params["functions"] == ["gelu"]
    assert params["x_min"] == -2.0 and isinstance(params["x_min"], float)
    assert params["derivatives"] is True


# --- pooling -------------------------------------------------------------------------------


def test_max_pool_routes_gradient_to_the_argmax_only() -> None:
    x = np.array([[1, 9, 2, 3], [4, 5, 8, 6], [7, 0, 1, 2], [3, 2, 4, 11]], dtype=float)
    upstream = np.array([[10, 20], [30, 40]], dtype=float)
    y, grad = pool_forward_backward(x, upstream, "max", window=2, stride=2)
    assert y.tolist() == [[9, 8], [7, 11]]
    expected = np.zeros((4, 4))
    expected[0, 1], expected[1, 2], expected[2, 0], expected[3, 3] = 10, 20, 30, 40
    assert grad.tolist() == expected.tolist()


def test_mean_pool_spreads_gradient_equally() -> None:
    x = np.arange(16, dtype=float).reshape(4, 4)
    upstream = np.array([[4, 8], [12, 16]], dtype=float)
    y, grad = pool_forward_backward(x, upstream, "mean", window=2, stride=2)
    assert y.tolist() == [[2.5, 4.5], [10.5, 12.5]]
    assert grad.tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]


@pytest.mark.parametrize("mode", ["max", "mean"])
@pytest.mark.parametrize(("window", "stride"), [(2, 2), (3, 1), (2, 3)])
def test_pool_gradient_total_is_conserved(mode: str, window: int, stride: int) -> None:
    rng = np.random.default_rng(1)
    x = rng.permutation(36).reshape(6, 6).astype(float)
    out = (6 - window) // stride + 1
    upstream = rng.integers(1, 10, (out, out)).astype(float)
    _, grad = pool_forward_backward(x, upstream, mode, window, stride)
    assert grad.sum() == pytest.approx(upstream.sum())
    if mode == "max":
        assert np.count_nonzero(grad) <= out * out


# --- gradient descent ----------------------------------------------------------------------


def _gd(**overrides: object) -> dict[str, Any]:
    return resolve("gradient-descent", {"methods": ["batch", "sgd", "mini-batch", "momentum",
                                                    "rmsprop", "adam"], **overrides})


def test_batch_gradient_descent_lowers_the_loss() -> None:
    params = _gd()
    x, y = dataset(params["seed"])
    path = trajectories(params)["batch"]
    losses = [loss(theta, x, y) for theta in path]
    assert path.shape == (params["steps"] + 1, 2)
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    assert losses[-1] < 0.5 * losses[0]


def test_stochastic_paths_differ_but_repeat_with_the_seed() -> None:
    first, again, other = trajectories(_gd()), trajectories(_gd()), trajectories(_gd(seed=1))
    assert not np.allclose(first["sgd"], first["batch"])
    assert not np.allclose(first["mini-batch"], first["sgd"])
    for method in first:
        assert np.array_equal(first[method], again[method])
    assert not np.allclose(first["sgd"], other["sgd"])


def test_every_optimiser_makes_progress() -> None:
    params = _gd(steps=200)
    x, y = dataset(params["seed"])
    for method, path in trajectories(params).items():
        assert loss(path[-1], x, y) < 0.5 * loss(path[0], x, y), method


def test_divergent_learning_rate_stops_the_path() -> None:
    paths = trajectories(_gd(methods=["batch"], learning_rate=10, steps=500))
    assert len(paths["batch"]) < 501
    assert np.all(np.isfinite(paths["batch"]))


# --- dilated convolution -------------------------------------------------------------------


def test_stacked_receptive_field() -> None:
    assert stacked_receptive_field(3, [1, 2, 4]) == 15
    assert stacked_receptive_field(3, [1]) == 3
    assert stacked_receptive_field(5, [2, 2]) == 17
    assert stacked_receptive_field(3, [1, 1, 1]) == 7


def test_coverage_shows_gridding() -> None:
    dense = coverage(3, [1, 2, 4])
    assert len(dense) == 15 and np.all(dense > 0)
    assert dense.sum() == 3**3  # every combination of one tap per layer is one path
    gridded = coverage(3, [2, 2])
    assert gridded.tolist() == [1, 0, 2, 0, 3, 0, 2, 0, 1]


# --- loss curves ---------------------------------------------------------------------------


def test_early_stopping_waits_for_patience() -> None:
    val = [5.0, 4.0, 3.0, 3.5, 3.6, 2.9, 3.0, 3.1, 3.2, 3.3]
    outcome = early_stopping_epoch(val, patience=3)
    assert (outcome.best, outcome.stop, outcome.triggered) == (6, 9, True)
    outcome = early_stopping_epoch(val, patience=2)
    assert (outcome.best, outcome.stop, outcome.triggered) == (3, 5, True)


def test_early_stopping_patience_zero_and_never() -> None:
    assert early_stopping_epoch([3.0, 2.0, 2.5, 1.0], patience=0).stop == 3
    outcome = early_stopping_epoch([3.0, 2.0, 1.0, 0.5], patience=1)
    assert (outcome.best, outcome.stop, outcome.triggered) == (4, 4, False)


def test_noise_free_validation_loss_bottoms_out_at_overfit_at() -> None:
    params = resolve("loss-curves", {"noise": 0, "overfit_at": 30, "patience": 5})
    train, val = curves(params)
    assert int(np.argmin(val)) + 1 == 30
    assert np.all(np.diff(train) < 0)
    outcome = early_stopping_epoch(val.tolist(), 5)
    assert (outcome.best, outcome.stop) == (30, 35)


# --- rendering -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_default_render_is_deterministic_and_non_trivial(kind: str) -> None:
    first = png_bytes(kind, {})
    assert first == png_bytes(kind, {})
    assert len(first) > 10_000
    assert distinct_colours(first) > 20


@pytest.mark.parametrize(("kind", "params"), EDGE_PARAMS)
def test_edge_params_render(kind: str, params: dict[str, object]) -> None:
    assert validate(kind, params) is None
    png = png_bytes(kind, params)
    assert png.startswith(b"\x89PNG") and distinct_colours(png) > 10


def test_render_leaves_global_rcparams_alone() -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    png_bytes("activation", {})
    assert dict(matplotlib.rcParams) == before


def _glyph_warnings(record: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in record if "missing from font" in str(w.message)]


@pytest.mark.parametrize("kind", KINDS)
def test_chinese_labels_use_the_cjk_font(kind: str) -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        figure = render(kind, {})
        figure.savefig(io.BytesIO(), format="png", dpi=60)
    assert _glyph_warnings(record) == []
    texts = [t for t in figure.findobj() if hasattr(t, "get_fontfamily")]
    families = {t.get_fontfamily()[0] for t in texts}
    assert families == {"Noto Sans CJK SC"}


def test_glyph_check_would_catch_a_latin_only_font() -> None:
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        figure = Figure()
        figure.suptitle("感受野", fontfamily="DejaVu Sans")
        figure.savefig(io.BytesIO(), format="png", dpi=30)
    assert _glyph_warnings(record)


def test_svg_clip_ids_do_not_depend_on_float_noise() -> None:
    """matplotlib hashes clip bounds to full precision: the same drawing must give one SVG."""
    import re

    from builder.render.assets import _draw_diagram
    from builder.render.diagrams import stable_clip_ids

    drawn = _draw_diagram("pooling", {"seed": 1}, True)
    assert not isinstance(drawn, str) and drawn[1] is not None
    svg = drawn[1]
    uses = re.findall(rb'clip-path="url\(#([^)]+)\)"', svg)
    defined = re.findall(rb'<clipPath id="([^"]+)"', svg)
    assert uses and set(uses) == set(defined) and len(defined) == len(set(defined))
    # The same SVG with the ids matplotlib would derive from slightly different floats.
    noisy = svg
    for index, name in enumerate(defined):
        noisy = noisy.replace(b'"' + name + b'"', b'"p%010x"' % (0xabc0000000 + index))
        noisy = noisy.replace(b"#" + name + b")", b"#p%010x)" % (0xabc0000000 + index))
    assert noisy != svg and stable_clip_ids(noisy) == svg


@pytest.mark.parametrize("kind", ["receptive-field", "pooling", "dilated-conv"])
def test_grid_axes_hidden_for_speed_draw_the_same_bytes(
        kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Grid axes hide their x and y axis only so matplotlib stops measuring them."""
    from builder.render.assets import _draw_diagram
    from builder.render.diagrams import _style

    fast = _draw_diagram(kind, {}, True)

    def measured_axes(ax: Any) -> None:
        ax.set_aspect("equal")
        ax.set_axis_off()

    monkeypatch.setattr(_style, "grid_axes", measured_axes)
    assert _draw_diagram(kind, {}, True) == fast
