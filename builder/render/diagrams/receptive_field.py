"""Receptive-field arithmetic: feature maps shrinking per layer, and the fixed-size view."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from builder.render.diagrams import LANGUAGE, DiagramKind, Param

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class LayerStats:
    """Size n, jump j, receptive field r and first-feature centre of one layer."""

    n: int
    j: int
    r: int
    start: float


def layer_stats(
    input_size: int, kernel: int, stride: int, padding: int, dilation: int, layers: int
) -> list[LayerStats]:
    """Return the stats of the input (index 0) and each of ``layers`` identical conv layers."""
    k_eff = dilation * (kernel - 1) + 1
    stats = [LayerStats(n=input_size, j=1, r=1, start=0.5)]
    for _ in range(layers):
        prev = stats[-1]
        stats.append(
            LayerStats(
                n=(prev.n + 2 * padding - k_eff) // stride + 1,
                j=prev.j * stride,
                r=prev.r + (k_eff - 1) * prev.j,
                start=prev.start + ((k_eff - 1) / 2 - padding) * prev.j,
            )
        )
    return stats


def stats_of(params: dict[str, Any]) -> list[LayerStats]:
    """Return :func:`layer_stats` for a diagram's resolved parameters."""
    names = ("input_size", "kernel", "stride", "padding", "dilation", "layers")
    return layer_stats(*(params[name] for name in names))


def _check(params: dict[str, Any]) -> str | None:
    stats = stats_of(params)
    for index, layer in enumerate(stats[1:], start=1):
        if layer.n < 1:
            k_eff = params["dilation"] * (params["kernel"] - 1) + 1
            return (
                f"layer {index} would have output size {layer.n} (< 1): its input of size "
                f"{stats[index - 1].n} plus padding 2×{params['padding']} is smaller than the "
                f"effective kernel {k_eff}; use a larger input_size, more padding or fewer layers"
            )
    lo, hi = _fixed_extent(stats, params["padding"])
    widest = max(layer.n for layer in stats) + 2 * params["padding"]
    if max(hi - lo, widest) > MAX_CELLS:
        return (
            f"the drawing would need a {max(hi - lo, widest)}-cell wide grid (at most "
            f"{MAX_CELLS} stay legible); use a smaller input_size, padding or fewer layers"
        )
    return None


MAX_CELLS = 48
"""Widest grid, in cells, that still reads on a phone screen."""


SPEC = DiagramKind(
    name="receptive-field",
    summary="Feature maps shrinking through stacked convolutions, and each layer's receptive field",
    params=(
        Param("input_size", int, 5, "width and height of the square input", minimum=1, maximum=24),
        Param("kernel", int, 3, "kernel size of every layer", minimum=1, maximum=11),
        Param("stride", int, 2, "stride of every layer", minimum=1, maximum=8),
        Param("padding", int, 1, "zero padding on each side", minimum=0, maximum=8),
        Param("dilation", int, 1, "dilation of every layer", minimum=1, maximum=8),
        Param("layers", int, 2, "number of identical conv layers", minimum=1, maximum=6),
        LANGUAGE,
    ),
    check=_check,
)

TEXT: dict[str, dict[str, Any]] = {
    "zh": {"layers": ("输入", "第1层", "第2层", "第3层", "第4层", "第5层", "第6层"),
           "title": "感受野计算（k={k}, s={s}, p={p}, d={d}）",
           "maps": "各层特征图（虚线为填充）", "fixed": "固定尺寸视图：各层特征中心",
           "note": "点/圈：各层特征中心\n红框：{name}左上角特征的感受野"},
    "en": {"layers": ("input", "layer 1", "layer 2", "layer 3", "layer 4", "layer 5",
                      "layer 6"),
           "title": "Receptive field (k={k}, s={s}, p={p}, d={d})",
           "maps": "Feature maps (dashed: padding)", "fixed": "Fixed-size view: feature centres",
           "note": "dots/rings: each layer's feature centres\n"
                   "red box: receptive field of {name}'s top-left feature"},
}


def draw(params: dict[str, Any]) -> Figure:
    """Draw the shrinking maps on top and the fixed-size view below them."""
    from builder.render.diagrams._style import (
        CARD_WIDTH,
        MAX_HEIGHT,
        diagram_style,
        finish,
        new_figure,
    )

    stats = stats_of(params)
    text = TEXT[params["lang"]]
    titles = 1.2  # the figure's and both panels' titles, and the note under the view
    maps_height = min(0.75 * len(stats) + 0.4, MAX_HEIGHT - titles - 2.2)
    view_height = min(3.1, MAX_HEIGHT - titles - maps_height)
    with diagram_style():
        fig = new_figure(CARD_WIDTH, maps_height + view_height + titles)
        top, bottom = fig.subplots(2, 1, height_ratios=[maps_height, view_height])
        _draw_maps(top, stats, params["padding"], text)
        _draw_fixed_view(bottom, stats, params["padding"], text, view_height)
        k, s, p, d = (params[name] for name in ("kernel", "stride", "padding", "dilation"))
        fig.suptitle(text["title"].format(k=k, s=s, p=p, d=d))
        return finish(fig)


def _cell_list(ax: Axes, corners: Sequence[tuple[float, float]], **style: Any) -> None:
    """Draw unit cells with the given top-left corners as one collection."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    boxes = [Rectangle(corner, 1, 1) for corner in corners]
    ax.add_collection(PatchCollection(boxes, **style))


def _cells(ax: Axes, x0: float, y0: float, n: int, **style: Any) -> None:
    """Draw an n×n block of unit cells with its top-left corner at (x0, y0)."""
    _cell_list(ax, [(x0 + col, y0 + row) for row in range(n) for col in range(n)], **style)


def _padding_ring(ax: Axes, x0: float, y0: float, n: int, pad: int, colour: str) -> None:
    """Draw the dashed padding cells around an n×n map whose corner is at (x0, y0)."""
    size = n + 2 * pad
    corners = [(x0 - pad + col, y0 - pad + row) for row in range(size) for col in range(size)
               if not (pad <= row < pad + n and pad <= col < pad + n)]
    _cell_list(ax, corners, facecolor="white", edgecolor=colour, linestyle="--", linewidth=0.5)


def _draw_maps(ax: Axes, stats: list[LayerStats], pad: int, text: dict[str, Any]) -> None:
    """Stack the feature maps top to bottom at one common cell size, labelled with their stats."""
    from builder.render.diagrams._style import HIGHLIGHT, LAYER_COLOURS, grid_axes

    biggest = max(layer.n for layer in stats) + 2 * pad
    # A floor on each slot keeps the two-line labels of tiny maps from overlapping.
    slots = [max(layer.n + 2 * pad, 0.45 * biggest) for layer in stats]
    gap = 0.3 * biggest
    y = 0.0
    for index, layer in enumerate(stats):
        colour = LAYER_COLOURS[index]
        last = index == len(stats) - 1
        shown_pad = 0 if last else pad  # padding belongs to the conv that reads this map
        top = y + (slots[index] - layer.n) / 2
        x0 = (biggest - layer.n) / 2
        if shown_pad:
            _padding_ring(ax, x0, top, layer.n, shown_pad, colour)
        _cells(ax, x0, top, layer.n, facecolor=colour, alpha=0.35, edgecolor=colour,
               linewidth=0.6)
        if last:
            _cells(ax, x0, top, 1, facecolor=HIGHLIGHT, alpha=0.6, edgecolor=HIGHLIGHT)
        label = (f"{text['layers'][index]}  n={layer.n}, j={layer.j}\n"
                 f"r={layer.r}, start={layer.start:g}")
        ax.annotate(label, xy=(biggest, y + slots[index] / 2), xytext=(6, 0),
                    textcoords="offset points", va="center", color=colour)
        y += slots[index] + gap
    ax.set_xlim(-0.2, biggest + 0.2)
    ax.set_ylim(y - gap + 0.2, -0.2)
    grid_axes(ax)
    ax.set_title(text["maps"])


def _fixed_extent(stats: list[LayerStats], pad: int) -> tuple[int, int]:
    """Return the integer span covering the padded input, every centre and the highlighted field."""
    last = stats[-1]
    lows = [-pad, last.start - last.r / 2] + [layer.start - 0.5 for layer in stats]
    highs = [stats[0].n + pad, last.start + last.r / 2]
    highs += [layer.start + (layer.n - 1) * layer.j + 0.5 for layer in stats]
    return math.floor(min(lows)), math.ceil(max(highs))


def _draw_fixed_view(ax: Axes, stats: list[LayerStats], pad: int, text: dict[str, Any],
                     height: float) -> None:
    """Draw every layer's feature centres on the input grid and one feature's receptive field."""
    from matplotlib.patches import Rectangle

    from builder.render.diagrams._style import GRID_EDGE, HIGHLIGHT, LAYER_COLOURS, MUTED, grid_axes

    n = stats[0].n
    lo, hi = _fixed_extent(stats, pad)
    # Cells outside the input are padding: zeros that only exist for the convolutions.
    outside = [(col, row) for row in range(lo, hi) for col in range(lo, hi)
               if not (0 <= row < n and 0 <= col < n)]
    _cell_list(ax, outside, facecolor="white", edgecolor=MUTED, linestyle="--", linewidth=0.5)
    _cells(ax, 0, 0, n, facecolor=LAYER_COLOURS[0], alpha=0.15, edgecolor=GRID_EDGE,
           linewidth=0.5)
    last = stats[-1]
    corner = last.start - last.r / 2
    ax.add_patch(Rectangle((corner, corner), last.r, last.r, facecolor=HIGHLIGHT, alpha=0.15,
                           edgecolor=HIGHLIGHT, linewidth=1.6, zorder=2))
    ax.annotate(text["note"].format(name=text["layers"][len(stats) - 1]),
                xy=(0.5, 0), xycoords="axes fraction", xytext=(0, -4),
                textcoords="offset points", ha="center", va="top", color=HIGHLIGHT)
    cell_pt = 72 * (height - 0.2) / (hi - lo)  # rough points per cell: markers scale with it
    for index, layer in enumerate(stats):
        centres = [layer.start + i * layer.j for i in range(layer.n)]
        xs = [x for _ in centres for x in centres]
        ys = [y for y in centres for _ in centres]
        # Growing rings keep coinciding centres of different layers visible.
        size = (cell_pt * (0.2 + 0.16 * index)) ** 2
        if index == 0:
            ax.scatter(xs, ys, s=size, color=LAYER_COLOURS[0], zorder=3, linewidths=0)
        else:
            ax.scatter(xs, ys, s=size, facecolors="none", edgecolors=LAYER_COLOURS[index],
                       linewidths=1.3, zorder=3 + index)
    ax.set_xlim(lo - 0.1, hi + 0.1)
    ax.set_ylim(hi + 0.1, lo - 0.1)
    grid_axes(ax)
    ax.set_title(text["fixed"])
