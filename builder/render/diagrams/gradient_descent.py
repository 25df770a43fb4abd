"""Optimiser paths, run for real on one of two 2-D losses.

* ``ravine``: a fixed ill-conditioned quadratic with exact (full-batch) gradients, where
  the update rules differ: plain SGD zig-zags across the ravine and crawls along it,
  momentum overshoots and swings back, RMSprop and Adam rescale each coordinate.
* ``regression``: least squares on sampled data with gradients from sampled batches, where
  the batch size differs: full batch is smooth, one example jitters most.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from builder.render.diagrams import LANGUAGE, DiagramKind, Param

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    Array = NDArray[np.float64]

METHODS = ("batch", "sgd", "mini-batch", "momentum", "rmsprop", "adam")
SAMPLED = ("batch", "mini-batch")
"""Methods named by their batch size: they only mean something with sampled gradients."""
LOSSES = ("auto", "ravine", "regression")
DATASET_SIZE = 64
START = (-1.0, 3.5)
"""Regression start (w, b): far from the optimum along the loss's narrow valley."""
RAVINE_CURVATURE = (0.2, 18.0)
"""Curvature along and across the ravine (condition number 90).  At the default learning
rate 0.1, plain SGD multiplies the across coordinate by 1 − 0.1·18 = −0.8 each step (it
flips sign: the zig-zag) and the along coordinate by 0.98 (the crawl)."""
RAVINE_START = (-2.6, 1.0)
DIVERGED = 1e3
"""Parameters beyond this magnitude count as diverged; the path stops there."""

TEXT = {
    "zh": {"batch": "批量 GD", "sgd": "SGD", "mini-batch": "Mini-batch", "momentum": "Momentum",
           "rmsprop": "RMSprop", "adam": "Adam", "diverged": "（发散）", "start": "起点",
           "optimum": "最优解", "step": "迭代步数", "excess": "超额损失 $L - L^*$（对数）",
           "loss": "损失 $L$（对数坐标）", "w": "权重 $w$", "b": "偏置 $b$",
           "along": "$\\theta_1$（沿峡谷）", "across": "$\\theta_2$",
           "ravine": "峡谷形损失面：精确梯度", "regression": "线性回归损失：抽样梯度",
           "detail": "学习率 {lr:g}，{steps} 步", "batch_size": "，batch={size}"},
    "en": {"batch": "Batch GD", "sgd": "SGD", "mini-batch": "Mini-batch", "momentum": "Momentum",
           "rmsprop": "RMSprop", "adam": "Adam", "diverged": " (diverged)", "start": "start",
           "optimum": "optimum", "step": "step", "excess": "excess loss $L - L^*$ (log)",
           "loss": "loss $L$ (log scale)", "w": "weight $w$", "b": "bias $b$",
           "along": "$\\theta_1$ (along the ravine)", "across": "$\\theta_2$",
           "ravine": "Ravine loss, exact gradients", "regression": "Regression loss, "
           "sampled gradients", "detail": "learning rate {lr:g}, {steps} steps",
           "batch_size": ", batch={size}"},
}


def surface(params: dict[str, Any]) -> str:
    """Return the loss the paths run on: ``ravine`` or ``regression``.

    ``auto`` compares batch sizes (regression) when batch or mini-batch is asked for,
    and update rules (ravine) otherwise.
    """
    if params["loss"] != "auto":
        return str(params["loss"])
    return "regression" if any(m in SAMPLED for m in params["methods"]) else "ravine"


def _check(params: dict[str, Any]) -> str | None:
    if surface(params) == "ravine":
        sampled = [m for m in params["methods"] if m in SAMPLED]
        if sampled:
            return (f"{', '.join(sampled)} need sampled gradients, but the ravine loss has "
                    "exact ones; use loss: regression")
    elif params["batch_size"] > DATASET_SIZE:
        return f"batch_size ({params['batch_size']}) exceeds the {DATASET_SIZE} training examples"
    return None


SPEC = DiagramKind(
    name="gradient-descent",
    summary="Optimiser paths over loss contours (a ravine, or a sampled regression loss)",
    params=(
        Param("methods", str, ["batch", "sgd", "mini-batch"], "optimisers to run", is_list=True,
              choices=METHODS),
        Param("steps", int, 50, "number of update steps", minimum=5, maximum=500),
        Param("learning_rate", float, 0.1, "step size", minimum=1e-6, maximum=10),
        Param("loss", str, "auto", "ravine: exact gradients on an ill-conditioned quadratic; "
              "regression: batches sampled from 64 examples; auto: regression if batch or "
              "mini-batch is asked for", choices=LOSSES),
        Param("seed", int, 0, "seed of the dataset and of the sampled batches", minimum=0),
        Param("batch_size", int, 8, "examples per mini-batch step", minimum=1,
              maximum=DATASET_SIZE),
        LANGUAGE,
    ),
    check=_check,
)


@dataclass(frozen=True)
class Problem:
    """A 2-D loss: where the paths start, where they should end, and its gradient oracle."""

    start: Array
    optimum: Array
    loss: Callable[[Array], Array]
    """Loss at points of shape (..., 2); a grid of points gives the contour surface."""
    gradient: Callable[[Array, Any], Array]
    """Gradient at one point, estimated from a batch (None for the exact gradient)."""


def dataset(seed: int) -> tuple[Array, Array]:
    """Return the fixed synthetic regression data (x, y) for ``seed``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    # Inputs centred away from 0 correlate w and b, giving the elongated valley.
    x = rng.normal(0.8, 0.8, DATASET_SIZE)
    y = 2.0 * x + 1.0 + rng.normal(0.0, 0.5, DATASET_SIZE)
    return x, y


def loss(theta: Array, x: Array, y: Array) -> float:
    """Return the mean squared error / 2 of the line theta = (w, b) on (x, y)."""
    residual = theta[0] * x + theta[1] - y
    return float(0.5 * (residual @ residual) / len(x))


def gradient(theta: Array, x: Array, y: Array) -> Array:
    """Return the gradient of :func:`loss` with respect to (w, b)."""
    import numpy as np

    residual = theta[0] * x + theta[1] - y
    return np.array([residual @ x, residual.sum()]) / len(x)


def optimum(x: Array, y: Array) -> Array:
    """Return the least-squares (w, b) that minimises :func:`loss`."""
    import numpy as np

    design = np.column_stack([x, np.ones_like(x)])
    return np.asarray(np.linalg.lstsq(design, y, rcond=None)[0], dtype=np.float64)


def problem(params: dict[str, Any]) -> Problem:
    """Return the loss the diagram's paths run on."""
    import numpy as np

    if surface(params) == "ravine":
        curvature = np.array(RAVINE_CURVATURE)
        return Problem(np.array(RAVINE_START), np.zeros(2),
                       lambda p: np.asarray(0.5 * (p**2 * curvature).sum(axis=-1)),
                       lambda theta, _batch: curvature * theta)
    x, y = dataset(params["seed"])

    def grid_loss(p: Array) -> Array:
        residual = p[..., :1] * x + p[..., 1:] - y
        return np.asarray(0.5 * (residual**2).mean(axis=-1))

    def batch_gradient(theta: Array, batch: Any) -> Array:
        return gradient(theta, x[batch], y[batch])

    return Problem(np.array(START), optimum(x, y), grid_loss, batch_gradient)


def trajectories(params: dict[str, Any]) -> dict[str, Array]:
    """Run every requested optimiser and return its (steps + 1, 2) path (shorter if diverged)."""
    import numpy as np

    task = problem(params)
    sampled = surface(params) == "regression"
    paths: dict[str, Array] = {}
    for method in dict.fromkeys(params["methods"]):
        size = {"batch": DATASET_SIZE, "sgd": 1}.get(method, params["batch_size"])
        # One sampling stream per batch size: the adaptive methods see exactly the batches
        # mini-batch sees, so their paths differ only by the update rule.
        rng = np.random.default_rng([params["seed"], size])
        update = _updater(method, params["learning_rate"])
        theta = task.start
        path = [theta]
        for step in range(1, params["steps"] + 1):
            batch = rng.choice(DATASET_SIZE, size=size, replace=False) if sampled else None
            theta = theta - update(task.gradient(theta, batch), step)
            if not np.all(np.abs(theta) < DIVERGED):
                break
            path.append(theta)
        paths[method] = np.array(path)
    return paths


def _updater(method: str, lr: float) -> Any:
    """Return step(grad, t) -> parameter change for one optimiser, keeping its own state."""
    import numpy as np

    state = {"m": np.zeros(2), "v": np.zeros(2)}

    def plain(grad: Array, t: int) -> Array:
        return lr * grad

    def momentum(grad: Array, t: int) -> Array:
        state["m"] = 0.9 * state["m"] + grad
        return lr * state["m"]

    def rmsprop(grad: Array, t: int) -> Array:
        state["v"] = 0.9 * state["v"] + 0.1 * grad**2
        return lr * grad / (np.sqrt(state["v"]) + 1e-8)

    def adam(grad: Array, t: int) -> Array:
        state["m"] = 0.9 * state["m"] + 0.1 * grad
        state["v"] = 0.999 * state["v"] + 0.001 * grad**2
        m_hat = state["m"] / (1 - 0.9**t)
        v_hat = state["v"] / (1 - 0.999**t)
        return lr * m_hat / (np.sqrt(v_hat) + 1e-8)

    return {"momentum": momentum, "rmsprop": rmsprop, "adam": adam}.get(method, plain)


def draw(params: dict[str, Any]) -> Figure:
    """Plot each optimiser's path over the loss contours, and below it its loss per step."""
    from matplotlib.ticker import NullFormatter

    from builder.render.diagrams._style import (
    CARD_WIDTH,
    LAYER_COLOURS,
    diagram_style,
    finish,
    new_figure,
    style_axes,
)

    text = TEXT[params["lang"]]
    kind = surface(params)
    task = problem(params)
    paths = trajectories(params)
    with diagram_style():
        fig = new_figure(CARD_WIDTH, 5.4)
        contour_ax, loss_ax = fig.subplots(2, 1, height_ratios=[1.35, 1])
        _draw_contours(contour_ax, paths, task, params["steps"], text, kind)
        floor = float(task.loss(task.optimum))
        for index, path in enumerate(paths.values()):
            # Excess loss on a log axis turns a linear convergence rate into a straight line.
            excess = [max(float(task.loss(theta)) - floor, 1e-12) for theta in path]
            loss_ax.plot(range(len(path)), excess, linewidth=1.2, color=LAYER_COLOURS[index])
        style_axes(contour_ax)
        style_axes(loss_ax)
        loss_ax.set_yscale("log")
        loss_ax.yaxis.set_minor_formatter(NullFormatter())
        loss_ax.set_xlabel(text["step"])
        loss_ax.set_ylabel(text["loss"] if kind == "ravine" else text["excess"])
        loss_ax.grid(color="#EEEEEE", linewidth=0.6)
        fig.legend(*contour_ax.get_legend_handles_labels(), loc="outside lower center",
                   ncols=3)
        detail = text["detail"].format(lr=params["learning_rate"], steps=params["steps"])
        if kind == "regression" and any(m not in ("batch", "sgd") for m in paths):
            detail += text["batch_size"].format(size=params["batch_size"])
        fig.suptitle(f"{text[kind]}\n{detail}")
        return finish(fig)


def _draw_contours(ax: Axes, paths: dict[str, Array], task: Problem, steps: int,
                   text: dict[str, str], kind: str) -> None:
    """Draw the loss contours around start and optimum, and each path with its endpoint."""
    import numpy as np

    from builder.render.diagrams._style import LAYER_COLOURS

    best, start = task.optimum, task.start
    # Frame start, optimum and the paths, but not points flung far away by divergence.
    reach = 2.5 * np.linalg.norm(best - start)
    points = np.vstack([start, best, *paths.values()])
    points = points[np.linalg.norm(points - best, axis=1) <= reach]
    lo, hi = points.min(axis=0), points.max(axis=0)
    margin = 0.08 * (hi - lo).max()
    w_grid = np.linspace(lo[0] - margin, hi[0] + margin, 160)
    b_grid = np.linspace(lo[1] - margin, hi[1] + margin, 160)
    ww, bb = np.meshgrid(w_grid, b_grid)
    values = task.loss(np.stack([ww, bb], axis=-1))
    floor = float(task.loss(best))
    # Levels spaced geometrically above the minimum show both the valley and its walls.
    levels = floor + np.geomspace(1e-3, float(values.max()) - floor, 12)
    ax.contour(ww, bb, values, levels=levels, colors="#BBBBBB", linewidths=0.7)
    for index, (method, path) in enumerate(paths.items()):
        label = text[method] + (text["diverged"] if len(path) < steps + 1 else "")
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=2, linewidth=1.1,
                color=LAYER_COLOURS[index], label=label)
    ax.plot(*start, marker="s", color="black", markersize=4, linestyle="none",
            label=text["start"])
    ax.plot(*best, marker="*", color="black", markersize=9, linestyle="none",
            label=text["optimum"])
    ax.set_xlim(w_grid[0], w_grid[-1])
    ax.set_ylim(b_grid[0], b_grid[-1])
    if kind == "ravine":
        ax.set_xlabel(text["along"])
        ax.set_ylabel(text["across"])
    else:
        ax.set_xlabel(text["w"])
        ax.set_ylabel(text["b"])
