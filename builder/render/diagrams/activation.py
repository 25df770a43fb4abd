"""Activation functions and their derivatives, side by side."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from builder.render.diagrams import LANGUAGE, DiagramKind, Param

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    Curve = NDArray[np.float64]

FUNCTIONS = ("step", "sigmoid", "tanh", "relu", "leaky-relu", "elu", "gelu")

JUMPS_AT_ZERO = {"step": (True, False), "relu": (False, True), "leaky-relu": (False, True)}
"""Which curves (value, derivative) jump at x = 0, so the line must break there."""


def _check(params: dict[str, Any]) -> str | None:
    if not (math.isfinite(params["x_min"]) and math.isfinite(params["x_max"])):
        return "x_min and x_max must be finite numbers"
    if params["x_min"] >= params["x_max"]:
        return f"x_min ({params['x_min']:g}) must be less than x_max ({params['x_max']:g})"
    return None


SPEC = DiagramKind(
    name="activation",
    summary="Activation functions and, optionally, their derivatives",
    params=(
        Param("functions", str, ["sigmoid", "tanh", "relu"], "functions to plot", is_list=True,
              choices=FUNCTIONS),
        Param("derivatives", bool, True, "add a second panel with the derivatives"),
        Param("x_min", float, -5.0, "left end of the x axis", minimum=-100, maximum=100),
        Param("x_max", float, 5.0, "right end of the x axis", minimum=-100, maximum=100),
        Param("alpha", float, 0.1, "slope/scale α of leaky-relu and elu", minimum=0, maximum=5),
        LANGUAGE,
    ),
    check=_check,
)


TEXT = {
    "zh": {"step": "阶跃 step", "f": "激活函数 $f(x)$", "df": "导数 $f'(x)$",
           "up": "继续上升", "down": "继续下降"},
    "en": {"step": "step", "f": "activation $f(x)$", "df": "derivative $f'(x)$",
           "up": "keeps rising", "down": "keeps falling"},
}

Y_VIEW = (-1.5, 1.5)
"""The y range shown: sigmoid and tanh fill it; unbounded curves leave it with an arrow."""
Y_VIEW_DERIVATIVE = (-0.25, 1.25)
"""Every derivative drawn stays in [0, 1.13] (GELU's peak), ELU's α·e^x aside."""


def label(name: str, alpha: float, lang: str = "zh") -> str:
    """Return the legend label of one function."""
    labels = {"step": TEXT[lang]["step"], "sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
              "leaky-relu": f"Leaky ReLU ($\\alpha$={alpha:g})",
              "elu": f"ELU ($\\alpha$={alpha:g})", "gelu": "GELU"}
    return labels[name]


def evaluate(name: str, x: Curve, alpha: float) -> tuple[Curve, Curve]:
    """Return the function and its derivative at ``x``, without overflow for large |x|."""
    import numpy as np

    if name == "step":
        return (x > 0).astype(float), np.zeros_like(x)
    if name == "sigmoid":
        s = 0.5 * (1 + np.tanh(x / 2))  # the tanh form never overflows, unlike 1/(1+e^-x)
        return s, s * (1 - s)
    if name == "tanh":
        t = np.tanh(x)
        return t, 1 - t**2
    if name == "relu":
        return np.maximum(x, 0), (x > 0).astype(float)
    if name == "leaky-relu":
        return np.where(x > 0, x, alpha * x), np.where(x > 0, 1.0, alpha)
    if name == "elu":
        neg = np.minimum(x, 0)
        return np.where(x > 0, x, alpha * np.expm1(neg)), np.where(x > 0, 1.0, alpha * np.exp(neg))
    erf = np.array([math.erf(v / math.sqrt(2)) for v in x])
    cdf = 0.5 * (1 + erf)
    pdf = np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)
    return x * cdf, cdf + x * pdf


def draw(params: dict[str, Any]) -> Figure:
    """Plot the chosen functions and, below them, their derivatives, in a clipped y range."""
    import numpy as np

    from builder.render.diagrams._style import (
        CARD_WIDTH,
        diagram_style,
        finish,
        new_figure,
        style_axes,
    )

    names = list(dict.fromkeys(params["functions"]))  # drop repeats, keep order
    text = TEXT[params["lang"]]
    x = np.linspace(params["x_min"], params["x_max"], 801)
    if params["x_min"] < 0 < params["x_max"]:
        x = np.union1d(x, [0.0])  # an exact 0 sample lets jumps break cleanly
    panels = 2 if params["derivatives"] else 1
    with diagram_style():
        fig = new_figure(CARD_WIDTH, 1.0 + 2.2 * panels)
        axes = fig.subplots(panels, 1, squeeze=False)[:, 0]
        curves = {name: evaluate(name, x, params["alpha"]) for name in names}
        for index, (ax, title) in enumerate(zip(axes, (text["f"], text["df"]), strict=False)):
            shown = {name: _broken(name, x, pair[index], index, params["alpha"])
                     for name, pair in curves.items()}
            _panel(ax, x, shown, Y_VIEW if index == 0 else Y_VIEW_DERIVATIVE, params, text)
            style_axes(ax)
            ax.set_title(title)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(names), 3))
        return finish(fig)


def _broken(name: str, x: Curve, y: Curve, derivative: int, alpha: float) -> Curve:
    """Return the curve with a gap at x = 0 where it jumps, so no false vertical is drawn."""
    import numpy as np

    jumps = JUMPS_AT_ZERO.get(name, (False, name == "elu" and alpha != 1))
    if not jumps[derivative]:
        return y
    broken = y.copy()
    broken[x == 0] = np.nan
    return broken


def _panel(ax: Axes, x: Curve, curves: dict[str, Curve], view: tuple[float, float],
           params: dict[str, Any], text: dict[str, str]) -> None:
    """Draw curves in a y range that fits the bounded ones; mark where others leave it."""
    import numpy as np

    values = np.concatenate([y[np.isfinite(y)] for y in curves.values()])
    pad = 0.12 * (view[1] - view[0])
    lo = max(view[0], float(values.min()) - pad)
    hi = min(view[1], float(values.max()) + pad)
    for index, (name, y) in enumerate(curves.items()):
        label = label_of(name, params)
        if name == "step":
            # Its flat branch lies on ReLU's and on the zero line: dashed and on top, so
            # both it and what it covers stay visible.
            ax.plot(x, y, label=label, linestyle=(0, (3, 2)), linewidth=2.2, zorder=5,
                    color=_colour(index))
        else:
            ax.plot(x, y, label=label, zorder=3, color=_colour(index))
    _mark_exits(ax, x, curves, (lo, hi), params, text)
    ax.axhline(0, color="#BBBBBB", linewidth=0.8, zorder=1)
    ax.axvline(0, color="#BBBBBB", linewidth=0.8, zorder=1)
    ax.grid(color="#EEEEEE", linewidth=0.6)
    ax.set_xlim(params["x_min"], params["x_max"])
    ax.set_ylim(lo, hi)
    ax.set_xlabel("$x$")


def _mark_exits(ax: Axes, x: Curve, curves: dict[str, Curve], view: tuple[float, float],
                params: dict[str, Any], text: dict[str, str]) -> None:
    """Put an arrow where a curve leaves the y range, in the curve's colour, and say so."""
    import numpy as np

    lo, hi = view
    for edge, word, marker in ((hi, "up", "^"), (lo, "down", "v")):
        leaving = []
        for index, y in enumerate(curves.values()):
            beyond = np.nonzero((y > hi) if word == "up" else (y < lo))[0]
            if len(beyond) == 0:
                continue
            # The sample nearest the middle of the axis, where the curve crosses the edge.
            exit_x = float(x[beyond[np.argmin(np.abs(x[beyond]))]])
            ax.plot([exit_x], [edge], marker=marker, markersize=7, color=_colour(index),
                    clip_on=False, zorder=6, linestyle="none")
            leaving.append(exit_x)
        if leaving:
            # One word beside the arrows: the arrows' colours say which curves they are.
            where = min(leaving) if word == "up" else max(leaving)
            right = where > (params["x_min"] + params["x_max"]) / 2
            ax.annotate(text[word], xy=(where, edge), xytext=(-9 if right else 9,
                        -2 if word == "up" else 2), textcoords="offset points",
                        ha="right" if right else "left", va="top" if word == "up" else "bottom",
                        color="#333333", zorder=7)


def label_of(name: str, params: dict[str, Any]) -> str:
    """Return the legend label of one function in the diagram's language."""
    return label(name, params["alpha"], params["lang"])


def _colour(index: int) -> str:
    from builder.render.diagrams._style import LAYER_COLOURS

    return LAYER_COLOURS[index % len(LAYER_COLOURS)]
