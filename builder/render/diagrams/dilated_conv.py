"""Dilated convolutions: each rate's kernel taps and the receptive field they reach when stacked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from builder.render.diagrams import LANGUAGE, DiagramKind, Param

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

MAX_LAYERS = 6


def stacked_receptive_field(kernel: int, rates: list[int]) -> int:
    """Return the receptive field of stride-1 convs with ``kernel`` applied at each rate in turn."""
    return 1 + sum((kernel - 1) * rate for rate in rates)


def coverage(kernel: int, rates: list[int]) -> NDArray[np.int64]:
    """Return, per input offset along one axis, how many tap paths reach the output centre."""
    import numpy as np

    counts = np.ones(1, dtype=np.int64)
    for rate in rates:
        taps = np.zeros(rate * (kernel - 1) + 1, dtype=np.int64)
        taps[::rate] = 1
        counts = np.convolve(counts, taps)
    return counts


def _check(params: dict[str, Any]) -> str | None:
    rates = params["rates"]
    if len(rates) > MAX_LAYERS:
        return f"rates lists {len(rates)} layers; at most {MAX_LAYERS} can be drawn"
    needed = stacked_receptive_field(params["kernel"], rates)
    if params["grid"] < needed:
        return (f"grid ({params['grid']}) must be at least {needed}, the stacked receptive field "
                f"of kernel {params['kernel']} at rates {rates}")
    return None


SPEC = DiagramKind(
    name="dilated-conv",
    summary="Kernel taps of dilated convolutions and the receptive field of stacking them",
    params=(
        Param("rates", int, [1, 2, 4], "dilation rate of each stacked layer", is_list=True,
              minimum=1, maximum=16),
        Param("kernel", int, 3, "kernel size (odd)", choices=(3, 5, 7)),
        Param("grid", int, 15, "width of the drawn input grid", minimum=3, maximum=41),
        LANGUAGE,
    ),
    check=_check,
)


TEXT = {
    "zh": {"title": "空洞卷积堆叠：k={k}，rates={rates}\n→ 感受野 {n}×{n}",
           "panel": "第{i}层 d={d}\n感受野 {n}×{n}",
           "note": "红点：该层卷积核采样位置\n蓝色越深：到达中心输出的路径越多",
           "gaps": "\n框内白格：够不到（网格效应）"},
    "en": {"title": "Stacked dilated convolutions: k={k},\nrates={rates} → receptive field {n}×{n}",
           "panel": "layer {i}, d={d}\nfield {n}×{n}",
           "note": "red dots: this layer's kernel taps\n"
                   "darker blue: more paths reach the centre output",
           "gaps": "\nwhite cells inside the box: never reached (gridding)"},
}


def draw(params: dict[str, Any]) -> Figure:
    """Draw one panel per layer, two to a row: its taps over the field reached so far."""
    import math

    from builder.render.diagrams._style import (
    CARD_WIDTH,
    MAX_HEIGHT,
    MIN_FONT_PT,
    diagram_style,
    finish,
    new_figure,
)

    rates, kernel, grid = params["rates"], params["kernel"], params["grid"]
    text = TEXT[params["lang"]]
    ncols = min(len(rates), 2)
    nrows = math.ceil(len(rates) / ncols)
    gaps = any(0 in coverage(kernel, rates[: i + 1]) for i in range(len(rates)))
    notes = 1.3 + 0.2 * gaps  # the two-line title above, the notes below
    panel = min(2.6, (CARD_WIDTH - 0.3) / ncols, (MAX_HEIGHT - notes) / nrows - 0.5)
    with diagram_style():
        fig = new_figure(CARD_WIDTH, nrows * (panel + 0.5) + notes)
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for index, ax in enumerate(axes):
            if index < len(rates):
                _draw_layer(ax, kernel, rates[: index + 1], grid, panel, text)
            else:
                ax.set_visible(False)
        total = stacked_receptive_field(kernel, rates)
        fig.suptitle(text["title"].format(k=kernel, rates=rates, n=total))
        fig.supxlabel(text["note"] + (text["gaps"] if gaps else ""), fontsize=MIN_FONT_PT)
        return finish(fig)


def _draw_layer(ax: Axes, kernel: int, rates: list[int], grid: int, panel: float,
                text: dict[str, str]) -> None:
    """Shade the field reached after ``rates`` and dot the last layer's taps."""
    import numpy as np

    from builder.render.diagrams._style import HIGHLIGHT, MUTED, grid_axes

    counts = coverage(kernel, rates)
    half = len(counts) // 2
    centre = grid // 2
    field = np.zeros((grid, grid))
    lo = centre - half
    field[lo : lo + len(counts), lo : lo + len(counts)] = np.outer(counts, counts)
    shown = np.ma.masked_equal(field, 0)
    # Headroom above the maximum keeps the darkest cells light enough for the red taps.
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=field.max() * 1.5, extent=(0, grid, grid, 0),
              interpolation="nearest")
    lines = np.arange(grid + 1)
    ax.hlines(lines, 0, grid, color="#CCCCCC", linewidth=0.4)
    ax.vlines(lines, 0, grid, color="#CCCCCC", linewidth=0.4)
    if len(rates) > 1:
        _square(ax, centre, stacked_receptive_field(kernel, rates[:-1]), MUTED, "--")
    _square(ax, centre, len(counts), HIGHLIGHT, "-")
    rate = rates[-1]
    offsets = [rate * (t - (kernel - 1) // 2) for t in range(kernel)]
    xs = [centre + 0.5 + dx for _ in offsets for dx in offsets]
    ys = [centre + 0.5 + dy for dy in offsets for _ in offsets]
    dot = max(0.45 * 72 * panel / grid, 2.5)  # marker diameter in points: about half a cell
    ax.scatter(xs, ys, s=dot**2, color=HIGHLIGHT, zorder=3, linewidths=0)
    ax.set_xlim(0, grid)
    ax.set_ylim(grid, 0)
    grid_axes(ax)
    ax.set_title(text["panel"].format(i=len(rates), d=rate, n=len(counts)))


def _square(ax: Axes, centre: int, width: int, colour: str, style: str) -> None:
    """Outline a width×width block of cells centred on the centre cell."""
    from matplotlib.patches import Rectangle

    corner = centre - width // 2
    ax.add_patch(Rectangle((corner, corner), width, width, fill=False, edgecolor=colour,
                           linestyle=style, linewidth=1.2, zorder=2))
