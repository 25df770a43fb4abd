"""Generated diagrams: a registry of kinds, each a module that turns parameters into a Figure.

Every kind module defines ``SPEC`` (a :class:`DiagramKind`) at import time without
touching matplotlib, and ``draw(params) -> matplotlib.figure.Figure`` which imports
matplotlib lazily.  ``validate`` is cheap and is what the parser calls; ``save`` is
what the asset stage calls.

A picture is named by a hash of this package and the builder modules it imports
(``render.assets.diagram_fingerprint``): whatever shapes the pixels belongs here (or in a
module imported from here), and nothing else does.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from builder.support.languagecodes import FALLBACK, LANGUAGES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_KIND_MODULES = {
    "receptive-field": "builder.render.diagrams.receptive_field",
    "activation": "builder.render.diagrams.activation",
    "gradient-descent": "builder.render.diagrams.gradient_descent",
    "pooling": "builder.render.diagrams.pooling",
    "dilated-conv": "builder.render.diagrams.dilated_conv",
    "loss-curves": "builder.render.diagrams.loss_curves",
}


@dataclass(frozen=True)
class Param:
    """One parameter of a diagram kind, with what values it allows."""

    name: str
    type: type
    """int, float, str or bool; list parameters name their item type here."""
    default: Any
    help: str
    is_list: bool = False
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def allowed(self) -> str:
        """Describe the allowed values, for error messages and ``--help``."""
        what = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}[
            self.type
        ]
        if self.choices is not None:
            what = "one of " + ", ".join(str(c) for c in self.choices)
        if self.minimum is not None and self.maximum is not None:
            what += f" from {self.minimum:g} to {self.maximum:g}"
        elif self.minimum is not None:
            what += f" ≥ {self.minimum:g}"
        elif self.maximum is not None:
            what += f" ≤ {self.maximum:g}"
        return f"a list of {what}" if self.is_list else what

    def check(self, value: Any) -> Any:
        """Return the value coerced to this parameter's type, or raise ValueError."""
        if self.is_list:
            items = value if isinstance(value, list) else [value]
            if not items:
                raise ValueError("empty list")
            return [self._check_one(v) for v in items]
        return self._check_one(value)

    def _check_one(self, value: Any) -> Any:
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if self.type is str and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise ValueError(f"got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            # NaN slips through every comparison below, and inf breaks drawing.
            raise ValueError(f"got {value!r}")
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"got {value!r}")
        if isinstance(value, int | float):
            too_small = self.minimum is not None and value < self.minimum
            too_big = self.maximum is not None and value > self.maximum
            if too_small or too_big:
                raise ValueError(f"got {value!r}")
        return value


LANGUAGE = Param("lang", str, FALLBACK, "language of the labels (in notes: the document's)",
                 choices=LANGUAGES)
"""Every kind takes it; the parser fills it in from the document (builder.parse.language)."""


@dataclass(frozen=True)
class DiagramKind:
    """What a diagram kind is called, what it shows and which parameters it takes."""

    name: str
    summary: str
    params: tuple[Param, ...]
    check: Callable[[dict[str, Any]], str | None] | None = None
    """Cross-parameter check on resolved params; returns a problem or None."""


def kinds() -> dict[str, DiagramKind]:
    """Return every registered kind by name (imports the light kind modules, not matplotlib)."""
    return {name: _module(name).SPEC for name in _KIND_MODULES}


def _module(name: str) -> Any:
    return importlib.import_module(_KIND_MODULES[name])


def resolve(kind: str, params: dict[str, object]) -> dict[str, Any]:
    """Validate ``params`` for ``kind`` and fill defaults; raise ValueError with a clear message."""
    if kind not in _KIND_MODULES:
        raise ValueError(
            f"unknown diagram type '{kind}' (known: {', '.join(sorted(_KIND_MODULES))})"
        )
    spec: DiagramKind = _module(kind).SPEC
    by_name = {p.name: p for p in spec.params}
    for name in params:
        if name not in by_name:
            raise ValueError(
                f"{kind}: unknown parameter '{name}' (allowed: {', '.join(by_name)})"
            )
    resolved: dict[str, Any] = {}
    for param in spec.params:
        if param.name not in params:
            resolved[param.name] = param.default
            continue
        try:
            resolved[param.name] = param.check(params[param.name])
        except ValueError as exc:
            raise ValueError(
                f"{kind}: parameter '{param.name}' must be {param.allowed()} ({exc})"
            ) from None
    if spec.check is not None:
        problem = spec.check(resolved)
        if problem:
            raise ValueError(f"{kind}: {problem}")
    return resolved


def validate(kind: str, params: dict[str, object]) -> str | None:
    """Return a problem with a diagram's kind or parameters, or None if it can be drawn."""
    try:
        resolve(kind, params)
    except ValueError as exc:
        return str(exc)
    return None


def render(kind: str, params: dict[str, object]) -> Figure:
    """Draw a diagram; the same parameters always give the same figure."""
    figure: Figure = _module(kind).draw(resolve(kind, params))
    return figure


# Dates and software versions left out, so the same diagram gives the same bytes.
_STABLE_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None}, "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None},
}


def save(kind: str, params: dict[str, object], formats: Sequence[str], dpi: int) -> list[bytes]:
    """Draw a diagram once, in the diagram style, and save it in each of ``formats``
    (``png``, ``svg``, ``pdf``; ``dpi`` is the PNG's resolution)."""
    import io

    from builder.render.diagrams._style import diagram_style

    saved = []
    # Saving happens under the style too: matplotlib reads the SVG id salt at save time.
    with diagram_style():
        figure = render(kind, params)
        for fmt in formats:
            out = io.BytesIO()
            figure.savefig(out, format=fmt, dpi=dpi if fmt == "png" else "figure",
                           metadata=_STABLE_METADATA[fmt])
            saved.append(stable_clip_ids(out.getvalue()) if fmt == "svg" else out.getvalue())
    return saved


_CLIP_ID = re.compile(rb'(?<=clip-path="url\(#)p[0-9a-f]{10}(?=\)")'
                      rb'|(?<=<clipPath id=")p[0-9a-f]{10}')


def stable_clip_ids(svg: bytes) -> bytes:
    """Number matplotlib's clip-path ids in order of use.

    matplotlib names a clip rectangle by a hash of its exact float bounds, whose
    last bits depend on what the drawing process computed before; the same diagram
    drawn in another worker could then differ in these names alone.
    """
    names: dict[bytes, bytes] = {}
    return _CLIP_ID.sub(lambda m: names.setdefault(m.group(), b"clip%d" % (len(names) + 1)),
                        svg)
