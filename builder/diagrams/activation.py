"""Activation functions and their derivatives, side by side."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from builder.diagrams import DiagramKind, Param

if TYPE_CHECKING:
    import numpy as np
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
    ),
    check=_check,
)


def label(name: str, alpha: float) -> str:
    """Return the legend label of one function."""
    labels = {"step": "阶跃 step", "sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
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
    """Plot the chosen functions, and their derivatives in a second panel."""
    import numpy as np

    from builder.diagrams._style import (
        CARD_HEIGHT,
        CARD_WIDTH,
        diagram_style,
        finish,
        new_figure,
        style_axes,
    )

    names = list(dict.fromkeys(params["functions"]))  # drop repeats, keep order
    x = np.linspace(params["x_min"], params["x_max"], 801)
    if params["x_min"] < 0 < params["x_max"]:
        x = np.union1d(x, [0.0])  # an exact 0 sample lets jumps break cleanly
    panels = 2 if params["derivatives"] else 1
    with diagram_style():
        fig = new_figure(CARD_WIDTH, CARD_HEIGHT)
        axes = fig.subplots(1, panels, squeeze=False)[0]
        titles = ("激活函数 $f(x)$", "导数 $f'(x)$")
        for name in names:
            curves = evaluate(name, x, params["alpha"])
            jumps = JUMPS_AT_ZERO.get(name, (False, name == "elu" and params["alpha"] != 1))
            for ax, y, jump in zip(axes, curves, jumps, strict=False):
                y = y.copy()
                if jump:
                    y[x == 0] = np.nan
                ax.plot(x, y, label=label(name, params["alpha"]))
        for ax, title in zip(axes, titles, strict=False):
            style_axes(ax)
            ax.axhline(0, color="#BBBBBB", linewidth=0.8, zorder=0)
            ax.axvline(0, color="#BBBBBB", linewidth=0.8, zorder=0)
            ax.grid(color="#EEEEEE", linewidth=0.6)
            ax.set_xlim(params["x_min"], params["x_max"])
            ax.set_xlabel("$x$")
            ax.set_title(title)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(names), 4))
        return finish(fig)
