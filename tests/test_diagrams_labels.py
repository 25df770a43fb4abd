"""Every label of every diagram is readable on a phone card and in the printed PDF.

Sizes come from the figure's own geometry: each Text artist matplotlib actually draws is
measured by its window extent and scaled to how wide the image is shown: 360 CSS px on a
phone card (the card's ``.diagram img`` is ``width: 100%``) and one column of the A4
two-column cheat sheet (narrower if the figure is so tall that the PDF's height cap
shrinks it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from builder.render.diagrams import kinds, render
from builder.render.diagrams._style import (
    PHONE_CSS_PX,
    PRINT_COLUMN_MM,
    PRINT_MAX_HEIGHT_MM,
    diagram_style,
)
from tests.test_diagrams import EDGE_PARAMS
from tests.test_diagrams_claims import seed_diagrams

MIN_CSS_PX = 11
MIN_PRINT_PT = 7
HAN = re.compile(r"[\u4e00-\u9fff]")

CASES: list[tuple[str, dict[str, object]]] = [
    *((kind, {}) for kind in kinds()),
    *EDGE_PARAMS,
    *((kind, params) for kind in kinds() for params in seed_diagrams(kind)),
]


@dataclass(frozen=True)
class Label:
    text: str
    extent: Bbox
    size_px: float
    """Height of one line of the label, across its reading direction, in figure pixels."""


@contextmanager
def recording_texts() -> Iterator[list[Text]]:
    """Collect every Text artist matplotlib draws (ticks, titles, legends, annotations)."""
    drawn: list[Text] = []
    original = Text.draw

    def draw(self: Text, renderer: Any) -> None:
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        original(self, renderer)

    with mock.patch.object(Text, "draw", draw):
        yield drawn


def drawn_labels(figure: Figure) -> list[Label]:
    """Draw the figure as the build saves it and measure every label it drew."""
    canvas = FigureCanvasAgg(figure)
    with diagram_style(), recording_texts() as drawn:
        canvas.draw()  # type: ignore[no-untyped-call]
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    labels = []
    for text in drawn:
        extent = text.get_window_extent(renderer)
        upright = round(text.get_rotation()) % 180 == 0
        lines = text.get_text().count("\n") + 1
        across = extent.height if upright else extent.width
        labels.append(Label(text.get_text(), extent, across / lines))
    return labels


def printed_width_in(figure: Figure) -> float:
    """How wide the PDF prints the figure: a column, or less if its height is capped."""
    width, height = figure.get_size_inches()
    return float(min(PRINT_COLUMN_MM, PRINT_MAX_HEIGHT_MM * width / height) / 25.4)


def _render(kind: str, params: dict[str, object]) -> Figure:
    return render(kind, params)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("kind", "params"), CASES)
def test_labels_are_readable_on_a_phone_and_on_paper(
        kind: str, params: dict[str, object], lang: str) -> None:
    figure = _render(kind, {**params, "lang": lang})
    labels = drawn_labels(figure)
    assert len(labels) >= 3
    figure_px = figure.bbox.width
    phone = PHONE_CSS_PX / figure_px
    paper = printed_width_in(figure) * 72 / figure_px
    small = [(label.text, round(label.size_px * phone, 1), round(label.size_px * paper, 1))
             for label in labels
             if label.size_px * phone < MIN_CSS_PX or label.size_px * paper < MIN_PRINT_PT]
    assert small == [], "(label, CSS px at 360 px, pt printed)"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("kind", "params"), CASES)
def test_labels_stay_inside_the_figure_and_apart(
        kind: str, params: dict[str, object], lang: str) -> None:
    figure = _render(kind, {**params, "lang": lang})
    labels = drawn_labels(figure)
    frame = figure.bbox
    outside = [label.text for label in labels
               if label.extent.x0 < frame.x0 - 1 or label.extent.x1 > frame.x1 + 1
               or label.extent.y0 < frame.y0 - 1 or label.extent.y1 > frame.y1 + 1]
    assert outside == []
    # Two labels drawn over each other, or run together ("25.127.4"), cannot be read,
    # whatever their size: each keeps 2 px (1.4 pt) of its own.
    shrunk = [(label.text, label.extent.padded(1)) for label in labels]
    clashes = [(a, b) for i, (a, box_a) in enumerate(shrunk) for b, box_b in shrunk[i + 1:]
               if box_a.overlaps(box_b)]
    assert clashes == []


@pytest.mark.parametrize("kind", list(kinds()))
def test_english_diagrams_have_no_chinese_and_chinese_ones_do(kind: str) -> None:
    english = [label.text for label in drawn_labels(_render(kind, {"lang": "en"}))]
    chinese = [label.text for label in drawn_labels(_render(kind, {"lang": "zh"}))]
    assert [text for text in english if HAN.search(text)] == []
    assert any(HAN.search(text) for text in chinese)


def test_measuring_would_catch_a_small_label() -> None:
    """The measurement itself: a 6 pt tick label on a 3.6 in figure is 8.3 CSS px."""
    figure = Figure(figsize=(3.6, 2))
    ax = figure.subplots()
    ax.set_title("big enough", fontsize=9)
    ax.tick_params(labelsize=6)
    labels = drawn_labels(figure)
    phone = PHONE_CSS_PX / figure.bbox.width
    sizes = {label.text: label.size_px * phone for label in labels}
    assert sizes["big enough"] >= MIN_CSS_PX
    ticks = [size for text, size in sizes.items() if text != "big enough"]
    assert ticks and max(ticks) < MIN_CSS_PX


def test_print_geometry_is_the_sheets(tmp_path: Path) -> None:
    """The widths above are the cheat sheet's: typst reports its column and the height cap."""
    import shutil

    import typst

    from builder.pdf import typeset as pdf

    templates = Path(pdf.__file__).parents[1] / "templates"
    for template in templates.glob("*.typ"):
        shutil.copy(template, tmp_path)
    probe = tmp_path / "probe.typ"
    probe.write_text(
        '#import "sheet-common.typ": *\n'
        "#let doc = (columns: 2)\n"
        '#set page(paper: "a4", columns: 2, margin: sheet-margin)\n'
        "#show: sheet-style.with(doc)\n"
        "#context [#metadata((region-width.get().mm(), max-image-height.get().mm()))<geometry>]\n",
        encoding="utf-8")
    column, cap = json.loads(typst.query(str(probe), "<geometry>", field="value", one=True))
    assert column == pytest.approx(PRINT_COLUMN_MM)
    assert cap == pytest.approx(PRINT_MAX_HEIGHT_MM)
