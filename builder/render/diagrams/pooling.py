"""Max/mean pooling: the forward pass and where the backward pass sends each gradient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from builder.render.diagrams import LANGUAGE, DiagramKind, Param

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    Grid = NDArray[np.float64]


def _check(params: dict[str, Any]) -> str | None:
    if params["window"] > params["size"]:
        return f"window ({params['window']}) must not exceed size ({params['size']})"
    return None


SPEC = DiagramKind(
    name="pooling",
    summary="Pooling forward pass and the gradient routing of its backward pass",
    params=(
        Param("mode", str, "max", "pooling operation", choices=("max", "mean")),
        Param("size", int, 4, "width and height of the square input", minimum=2, maximum=8),
        Param("window", int, 2, "pooling window size", minimum=1, maximum=4),
        Param("stride", int, 2, "step between windows", minimum=1, maximum=8),
        Param("seed", int, 0, "seed of the input values and upstream gradients", minimum=0),
        LANGUAGE,
    ),
    check=_check,
)


TEXT = {
    "zh": {"max": "最大池化", "mean": "平均池化", "x": "输入 $X$", "y": "输出 $Y$",
           "up": "上游梯度 $\\partial L/\\partial Y$", "dx": "输入梯度 $\\partial L/\\partial X$",
           "title": "{name}：窗口 {w}×{w}，步幅 {s}",
           "rule_max": "梯度只传给窗口内最大值的位置（红框）",
           "rule_mean": "梯度平均分给窗口内 {n} 个位置（各 ÷{n}）"},
    "en": {"max": "Max pooling", "mean": "Mean pooling", "x": "input $X$", "y": "output $Y$",
           "up": "upstream $\\partial L/\\partial Y$",
           "dx": "input gradient $\\partial L/\\partial X$",
           "title": "{name}: window {w}×{w}, stride {s}",
           "rule_max": "the gradient goes only to each window's maximum (red)",
           "rule_mean": "the gradient is shared by the window's {n} cells (÷{n} each)"},
}


def output_size(size: int, window: int, stride: int) -> int:
    """Return the pooled width for a size×size input without padding."""
    return (size - window) // stride + 1


def example_grids(
    size: int, window: int, stride: int, seed: int, mode: str = "max"
) -> tuple[Grid, Grid]:
    """Return the input (distinct integers, so the max is unique) and an upstream gradient."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = (rng.permutation(size * size) + 1).reshape(size, size).astype(float)
    out = output_size(size, window, stride)
    upstream = rng.integers(1, 10, size=(out, out)).astype(float)
    if mode == "mean":
        upstream *= window * window  # so each cell's equal share is a whole number
    return x, upstream


def pool_forward_backward(
    x: Grid, upstream: Grid, mode: str, window: int, stride: int
) -> tuple[Grid, Grid]:
    """Return the pooled output and the gradient on ``x`` given the upstream gradient."""
    import numpy as np

    out = output_size(x.shape[0], window, stride)
    y = np.zeros((out, out))
    grad = np.zeros_like(x)
    for row in range(out):
        for col in range(out):
            r0, c0 = row * stride, col * stride
            patch = x[r0 : r0 + window, c0 : c0 + window]
            if mode == "max":
                y[row, col] = patch.max()
                pr, pc = np.unravel_index(int(np.argmax(patch)), patch.shape)
                # Overlapping windows add up: each one routes its gradient independently.
                grad[r0 + pr, c0 + pc] += upstream[row, col]
            else:
                y[row, col] = patch.mean()
                grad[r0 : r0 + window, c0 : c0 + window] += upstream[row, col] / patch.size
    return y, grad


NUMBER_PT = 9.5


def draw(params: dict[str, Any]) -> Figure:
    """Draw input, output, upstream gradient and input gradient as numbered grids.

    Forward on the top row (input → output), backward below (input gradient ← upstream),
    at one cell size; grids whose numbers would not fit their cells go one under another.
    """
    from builder.render.diagrams._style import CARD_WIDTH, diagram_style, finish, new_figure

    size, window, stride = params["size"], params["window"], params["stride"]
    x, upstream = example_grids(size, window, stride, params["seed"], params["mode"])
    y, grad = pool_forward_backward(x, upstream, params["mode"], window, stride)
    owner, out_owner = _window_owner(size, window, stride), _output_owner(y.shape[0])
    is_max = params["mode"] == "max"
    text = TEXT[params["lang"]]
    # Mark the argmax cells on the input: they are the only ones a max pool differentiates.
    picked = _argmax_cells(x, window, stride) if is_max else None
    grids = {"x": (x, owner, picked), "y": (y, out_owner, None),
             "dx": (grad, owner, picked), "up": (upstream, out_owner, None)}
    out = y.shape[0]
    side = max(out, 0.6 * size)  # small outputs still get room for their titles
    cell = (CARD_WIDTH - 0.4) / (size + side)
    widest = max(len(_number(v)) for grid in (x, y, grad, upstream) for v in grid.ravel())
    needed = (0.6 * widest + 0.6) * NUMBER_PT / 72  # digits are about 0.6 em wide
    with diagram_style():
        if cell >= needed:
            fig = new_figure(CARD_WIDTH, 2 * (size * cell + 0.45) + 0.7)
            axes = fig.subplots(2, 2, width_ratios=[size, side]).ravel()
            order, square = ("x", "y", "dx", "up"), True
        else:
            row = max(NUMBER_PT * 1.7 / 72, needed * 0.6)
            fig = new_figure(CARD_WIDTH, 2 * (size + out) * row + 4 * 0.45 + 0.7)
            axes = fig.subplots(4, 1, height_ratios=[size, out, out, size]).ravel()
            order, square = ("x", "y", "up", "dx"), False
        for ax, key in zip(axes, order, strict=True):
            _grid(ax, *grids[key], text[key], square)
        rule = (text["rule_max"] if is_max
                else text["rule_mean"].format(n=window * window))
        name = text[params["mode"]]
        fig.suptitle(text["title"].format(name=name, w=window, s=stride) + "\n" + rule)
        return finish(fig)


def _window_owner(size: int, window: int, stride: int) -> NDArray[np.int64]:
    """Label each input cell with the last window covering it, or -1 if none does."""
    import numpy as np

    owner = np.full((size, size), -1, dtype=np.int64)
    out = output_size(size, window, stride)
    for row in range(out):
        for col in range(out):
            owner[row * stride : row * stride + window, col * stride : col * stride + window] = (
                row * out + col
            )
    return owner


def _argmax_cells(x: Grid, window: int, stride: int) -> NDArray[np.bool_]:
    """Mark the input cells that are the maximum of at least one window."""
    import numpy as np

    routed = pool_forward_backward(x, np.ones((output_size(x.shape[0], window, stride),) * 2),
                                   "max", window, stride)[1]
    mask: NDArray[np.bool_] = routed > 0
    return mask


def _output_owner(out: int) -> NDArray[np.int64]:
    """Label each output cell with its own window number."""
    import numpy as np

    return np.arange(out * out, dtype=np.int64).reshape(out, out)


def _grid(
    ax: Axes,
    values: Grid,
    owner: NDArray[np.int64],
    strong: NDArray[np.bool_] | None,
    title: str,
    square: bool,
) -> None:
    """Draw a grid of numbers, tinting each cell by the window it belongs to."""
    from matplotlib.patches import Rectangle

    from builder.render.diagrams._style import HIGHLIGHT, LAYER_COLOURS, grid_axes

    n = values.shape[0]
    for row in range(n):
        for col in range(n):
            window = int(owner[row, col])
            colour = LAYER_COLOURS[window % len(LAYER_COLOURS)] if window >= 0 else "#FFFFFF"
            marked = strong is not None and bool(strong[row, col])
            ax.add_patch(Rectangle((col, row), 1, 1, facecolor=colour,
                                   alpha=0.55 if marked else 0.18))
            ax.add_patch(Rectangle((col, row), 1, 1, fill=False, linewidth=1.4 if marked else 0.6,
                                   edgecolor=HIGHLIGHT if marked else "#666666"))
            ax.text(col + 0.5, row + 0.5, _number(values[row, col]), ha="center", va="center",
                    fontsize=NUMBER_PT, color=HIGHLIGHT if marked else "black")
    ax.set_xlim(-0.05, n + 0.05)
    ax.set_ylim(n + 0.05, -0.05)
    grid_axes(ax)
    if not square:
        # Cells wider than tall: the numbers need the width, not the height.
        ax.set_aspect("auto")
    ax.set_anchor("N")
    ax.set_title(title)


def _number(value: float) -> str:
    """Format a cell value compactly: integers plain, fractions with one decimal."""
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"
