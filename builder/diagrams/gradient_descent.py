"""Optimiser trajectories on a 2-D linear-regression loss, run for real on sampled data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from builder.diagrams import DiagramKind, Param

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    Array = NDArray[np.float64]

METHODS = ("batch", "sgd", "mini-batch", "momentum", "rmsprop", "adam")
DATASET_SIZE = 64
START = (-1.0, 3.5)
"""Initial (w, b): far from the optimum along the loss's narrow valley, so methods differ."""
DIVERGED = 1e3
"""Parameters beyond this magnitude count as diverged; the path stops there."""

LABELS = {"batch": "批量 GD", "sgd": "SGD", "mini-batch": "Mini-batch",
          "momentum": "Momentum", "rmsprop": "RMSprop", "adam": "Adam"}


def _check(params: dict[str, Any]) -> str | None:
    if params["batch_size"] > DATASET_SIZE:
        return f"batch_size ({params['batch_size']}) exceeds the {DATASET_SIZE} training examples"
    return None


SPEC = DiagramKind(
    name="gradient-descent",
    summary="Optimiser paths over the contours of a linear-regression loss",
    params=(
        Param("methods", str, ["batch", "sgd", "mini-batch"], "optimisers to run", is_list=True,
              choices=METHODS),
        Param("steps", int, 50, "number of update steps", minimum=5, maximum=500),
        Param("learning_rate", float, 0.1, "step size", minimum=1e-6, maximum=10),
        Param("seed", int, 0, "seed of the dataset and of the sampled batches", minimum=0),
        Param("batch_size", int, 8, "examples per mini-batch step", minimum=1,
              maximum=DATASET_SIZE),
    ),
    check=_check,
)


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


def trajectories(params: dict[str, Any]) -> dict[str, Array]:
    """Run every requested optimiser and return its (steps + 1, 2) path of (w, b)."""
    import numpy as np

    x, y = dataset(params["seed"])
    paths: dict[str, Array] = {}
    for method in dict.fromkeys(params["methods"]):
        size = {"batch": DATASET_SIZE, "sgd": 1}.get(method, params["batch_size"])
        # One sampling stream per batch size: the adaptive methods see exactly the batches
        # mini-batch sees, so their paths differ only by the update rule.
        rng = np.random.default_rng([params["seed"], size])
        update = _updater(method, params["learning_rate"])
        theta = np.array(START)
        path = [theta]
        for step in range(1, params["steps"] + 1):
            batch = rng.choice(DATASET_SIZE, size=size, replace=False)
            theta = theta - update(gradient(theta, x[batch], y[batch]), step)
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
    """Plot each optimiser's path over the loss contours, and its loss per step."""
    from matplotlib.ticker import NullFormatter

    from builder.diagrams._style import (
        CARD_HEIGHT,
        CARD_WIDTH,
        LAYER_COLOURS,
        diagram_style,
        finish,
        new_figure,
        style_axes,
    )

    paths = trajectories(params)
    x, y = dataset(params["seed"])
    with diagram_style():
        fig = new_figure(CARD_WIDTH, CARD_HEIGHT)
        contour_ax, loss_ax = fig.subplots(1, 2, width_ratios=[1.15, 1])
        _draw_contours(contour_ax, paths, x, y, params["steps"])
        floor = loss(optimum(x, y), x, y)
        for index, path in enumerate(paths.values()):
            # Excess loss on a log axis turns a linear convergence rate into a straight line.
            excess = [max(loss(theta, x, y) - floor, 1e-12) for theta in path]
            loss_ax.plot(range(len(path)), excess, linewidth=1.2, color=LAYER_COLOURS[index])
        style_axes(contour_ax)
        style_axes(loss_ax)
        loss_ax.set_yscale("log")
        loss_ax.yaxis.set_minor_formatter(NullFormatter())
        loss_ax.set_xlabel("迭代步数")
        loss_ax.set_title("超额损失 $L - L^*$（对数坐标）")
        loss_ax.grid(color="#EEEEEE", linewidth=0.6)
        items = len(paths) + 2
        fig.legend(*contour_ax.get_legend_handles_labels(), loc="outside lower center",
                   ncols=items if items <= 6 else -(-items // 2))
        fig.suptitle(f"梯度下降轨迹（学习率 {params['learning_rate']:g}，"
                     f"{params['steps']} 步，batch={params['batch_size']}）", fontsize=10)
        return finish(fig)


def _draw_contours(
    ax: Axes, paths: dict[str, Array], x: Array, y: Array, steps: int
) -> None:
    """Draw the loss contours around start and optimum, and each path with its endpoint."""
    import numpy as np

    from builder.diagrams._style import LAYER_COLOURS

    best = optimum(x, y)
    # Frame start, optimum and the paths, but not points flung far away by divergence.
    reach = 2.5 * np.linalg.norm(best - np.array(START))
    points = np.vstack([START, best, *paths.values()])
    points = points[np.linalg.norm(points - best, axis=1) <= reach]
    lo, hi = points.min(axis=0), points.max(axis=0)
    margin = 0.08 * (hi - lo).max()
    w_grid = np.linspace(lo[0] - margin, hi[0] + margin, 160)
    b_grid = np.linspace(lo[1] - margin, hi[1] + margin, 160)
    ww, bb = np.meshgrid(w_grid, b_grid)
    residual = ww[..., None] * x + bb[..., None] - y
    surface = 0.5 * (residual**2).mean(axis=-1)
    floor = loss(best, x, y)
    # Levels spaced geometrically above the minimum show both the valley and its walls.
    levels = floor + np.geomspace(1e-3, surface.max() - floor, 12)
    ax.contour(ww, bb, surface, levels=levels, colors="#BBBBBB", linewidths=0.7)
    for index, (method, path) in enumerate(paths.items()):
        label = LABELS[method] + ("（发散）" if len(path) < steps + 1 else "")
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=2, linewidth=1.1,
                color=LAYER_COLOURS[index], label=label)
    ax.plot(*START, marker="s", color="black", markersize=4, linestyle="none", label="起点")
    ax.plot(*best, marker="*", color="black", markersize=9, linestyle="none", label="最优解")
    ax.set_xlim(w_grid[0], w_grid[-1])
    ax.set_ylim(b_grid[0], b_grid[-1])
    ax.set_xlabel("权重 $w$")
    ax.set_ylabel("偏置 $b$")
    ax.set_title("损失等高线上的参数轨迹")

