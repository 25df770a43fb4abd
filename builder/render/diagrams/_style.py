"""Shared look of every generated diagram: fonts, colours and a pyplot-free figure factory.

Nothing here imports matplotlib at module import time, so the kind modules can import
it while ``validate`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from builder.render.fonts import matplotlib_cjk_family, matplotlib_fallback_families

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

CARD_WIDTH = 3.6
"""Figure width in inches.  Text sizes are chosen against it, not against the paper:

* a card shows the image at the card's width, 360 CSS px on a phone, so one inch of
  figure is 100 CSS px there, and a label must be at least 11 CSS px;
* the PDF cheat sheet prints it across a column, 90.5 mm on A4 in two columns.

The smallest label, ``MIN_FONT_PT``, is then 11.8 CSS px on the phone and 8.4 pt on paper.
Panels that would not fit side by side at this width are stacked."""
CARD_HEIGHT = 2.6
MIN_FONT_PT = 8.5
"""No text in a diagram is smaller (tick labels, legends, numbers in grid cells)."""
PHONE_CSS_PX = 360
"""Width a phone card shows the image at (the card's ``.diagram img`` is ``width: 100%``)."""
PRINT_COLUMN_MM = (210 - 2 * 12 - 5) / 2
"""Width of one column of the A4 two-column cheat sheet (templates/sheet-common.typ)."""
PRINT_MAX_HEIGHT_MM = 180
"""Tallest an image prints (``max-image-height`` in templates/pdf-nodes.typ)."""
MAX_HEIGHT = CARD_WIDTH * PRINT_MAX_HEIGHT_MM / PRINT_COLUMN_MM
"""Tallest figure (about 7.1 in) that still prints at the column's full width."""

LAYER_COLOURS = (
    "#4C72B0",  # blue: the input
    "#55A868",  # green: layer 1
    "#DD8452",  # orange: layer 2
    "#8172B3",
    "#64B5CD",
    "#937860",
    "#DA8BC3",
)
"""Colours in a fixed order, so the same role gets the same colour in every diagram."""

HIGHLIGHT = "#C44E52"
GRID_EDGE = "#555555"
MUTED = "#999999"


def font_family() -> list[str]:
    """Return the font family list with the CJK face first."""
    # CJK first: with DejaVu first, labels mixing Chinese and $math$ fell back badly (tofu).
    # Then symbols and emoji the two lack (✓, 👶), from the pinned Noto fonts.
    return [matplotlib_cjk_family(), "DejaVu Sans", *matplotlib_fallback_families()]


def style_params() -> dict[RcKeyType, Any]:
    """Return the rcParams every diagram is drawn under."""
    return {
        "font.family": font_family(),
        "font.size": 9,
        "mathtext.fontset": "dejavusans",
        # Noto Sans CJK has U+2212, so the real minus sign renders in tick labels.
        "axes.unicode_minus": True,
        "axes.titlesize": 9.5,
        "axes.labelsize": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": _colour_cycle(),
        "xtick.labelsize": MIN_FONT_PT,
        "ytick.labelsize": MIN_FONT_PT,
        "legend.fontsize": MIN_FONT_PT,
        "figure.titlesize": 10,
        "legend.frameon": False,
        "lines.linewidth": 1.6,
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        # Deterministic output: SVG ids come from this salt, not from a random one.
        "svg.hashsalt": "build-deck",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "path.simplify": True,
    }


def _colour_cycle() -> Any:
    from cycler import cycler

    return cycler(color=list(LAYER_COLOURS))


@contextmanager
def diagram_style() -> Iterator[None]:
    """Apply the diagram rcParams while a figure is being built.

    They are laid over matplotlib's own defaults, not over what it loaded: a user's
    ``matplotlibrc`` (``axes.linewidth``, ``savefig.bbox``…) would otherwise change the
    pixels of a picture whose name hashes only the drawing code and library versions.
    """
    import matplotlib
    from matplotlib import style

    with style.context("default"), matplotlib.rc_context(style_params()):
        yield


def new_figure(width_in: float = CARD_WIDTH, height_in: float = CARD_HEIGHT) -> Figure:
    """Create a Figure without pyplot, so no global figure state is touched."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), layout="constrained")


def style_axes(ax: Axes) -> None:
    """Pin the tick font, since tick labels may be created after the style context ends."""
    ax.tick_params(labelfontfamily=font_family())


def grid_axes(ax: Axes) -> None:
    """Turn an axes into a blank canvas for drawing cell grids in data units."""
    ax.set_aspect("equal")
    ax.set_axis_off()
    # Hidden axes are still measured, tick labels and all, each time a title is placed
    # (about a quarter of a grid diagram's drawing time); invisible ones are skipped.
    ax.xaxis.set_visible(False)
    ax.yaxis.set_visible(False)


def finish(fig: Figure) -> Figure:
    """Lay out the figure inside the style context, so later saves reuse styled artists.

    The layout is then frozen: constrained layout would otherwise run again, at about
    a third of a second, for every format the figure is saved in.
    """
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig
