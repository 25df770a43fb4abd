"""Training vs validation loss: overfitting, the best epoch and where early stopping halts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from builder.render.diagrams import LANGUAGE, DiagramKind, Param

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    Curve = NDArray[np.float64]


@dataclass(frozen=True)
class EarlyStop:
    """Outcome of early stopping; epochs count from 1."""

    best: int
    """Epoch with the lowest validation loss seen before stopping (the weights kept)."""
    stop: int
    """Last epoch trained: where patience ran out, or the final epoch."""
    triggered: bool


def early_stopping_epoch(val_losses: Sequence[float], patience: int) -> EarlyStop:
    """Simulate Keras-style early stopping on ``val_losses`` with the given patience."""
    best, best_loss, wait = 1, float("inf"), 0
    for epoch, value in enumerate(val_losses, start=1):
        if value < best_loss:
            best, best_loss, wait = epoch, value, 0
            continue
        wait += 1
        # As in Keras: stop once `patience` epochs in a row brought no improvement,
        # so patience 0 stops at the first epoch that fails to improve.
        if wait >= max(patience, 1):
            return EarlyStop(best=best, stop=epoch, triggered=True)
    return EarlyStop(best=best, stop=len(val_losses), triggered=False)


def _check(params: dict[str, Any]) -> str | None:
    if params["overfit_at"] >= params["epochs"]:
        return f"overfit_at ({params['overfit_at']}) must be less than epochs ({params['epochs']})"
    return None


SPEC = DiagramKind(
    name="loss-curves",
    summary="Training and validation loss with overfitting and early stopping marked",
    params=(
        Param("epochs", int, 100, "number of epochs drawn", minimum=10, maximum=1000),
        Param("overfit_at", int, 40, "epoch where validation loss starts rising", minimum=1),
        Param("patience", int, 10, "early-stopping patience in epochs", minimum=0,
              maximum=1000),
        Param("seed", int, 0, "seed of the noise", minimum=0),
        Param("noise", float, 0.02, "standard deviation of the loss noise", minimum=0,
              maximum=0.2),
        LANGUAGE,
    ),
    check=_check,
)


TEXT = {
    "zh": {"train": "训练损失", "val": "验证损失", "overfit": "开始过拟合（第 {e} 轮）",
           "best": "最佳验证（第 {e} 轮）", "stop": "早停（第 {e} 轮，patience={p}）",
           "epoch": "训练轮数 epoch", "loss": "损失", "title": "训练/验证损失与早停",
           "untriggered": "训练/验证损失（未触发早停）"},
    "en": {"train": "training loss", "val": "validation loss",
           "overfit": "overfitting starts (epoch {e})", "best": "best validation (epoch {e})",
           "stop": "early stop (epoch {e}, patience={p})", "epoch": "epoch", "loss": "loss",
           "title": "Training/validation loss and early stopping",
           "untriggered": "Training/validation loss (no early stop)"},
}


def curves(params: dict[str, Any]) -> tuple[Curve, Curve]:
    """Return synthetic (train, validation) losses for epochs 1..epochs."""
    import numpy as np

    epochs, overfit_at = params["epochs"], params["overfit_at"]
    t = np.arange(1, epochs + 1, dtype=float)
    tau = overfit_at / 3  # mostly converged by the time overfitting begins
    fit = np.exp(-t / tau)
    train = 0.05 + 0.95 * fit - 0.03 * t / epochs
    # The log rise starts steeper than the remaining decay (0.08 > 0.88·e^-3), so the
    # clean validation minimum sits at overfit_at, and it stays bounded for long runs.
    rise = 0.08 * np.log1p(np.maximum(t - overfit_at, 0) / tau)
    val = 0.12 + 0.88 * fit + rise
    rng = np.random.default_rng(params["seed"])
    train = train + rng.normal(0, params["noise"] / 2, epochs)
    val = val + rng.normal(0, params["noise"], epochs)
    # Losses are positive; the floor only matters for very large noise.
    return np.maximum(train, 0.005), np.maximum(val, 0.005)


def draw(params: dict[str, Any]) -> Figure:
    """Plot both curves and mark the best epoch and the early-stopping point."""
    from builder.render.diagrams._style import (
    CARD_WIDTH,
    HIGHLIGHT,
    LAYER_COLOURS,
    MUTED,
    diagram_style,
    finish,
    new_figure,
    style_axes,
)

    train, val = curves(params)
    outcome = early_stopping_epoch(val.tolist(), params["patience"])
    epochs = range(1, params["epochs"] + 1)
    text = TEXT[params["lang"]]
    with diagram_style():
        fig = new_figure(CARD_WIDTH, 4.0)
        ax = fig.subplots()
        style_axes(ax)
        ax.plot(epochs, train, color=LAYER_COLOURS[0], label=text["train"])
        ax.plot(epochs, val, color=LAYER_COLOURS[2], label=text["val"])
        ax.axvline(params["overfit_at"], color=MUTED, linestyle=":", linewidth=1,
                   label=text["overfit"].format(e=params["overfit_at"]))
        ax.plot(outcome.best, val[outcome.best - 1], marker="*", markersize=11,
                color=HIGHLIGHT, linestyle="none", label=text["best"].format(e=outcome.best))
        if outcome.triggered:
            ax.axvline(outcome.stop, color=HIGHLIGHT, linestyle="--", linewidth=1.2,
                       label=text["stop"].format(e=outcome.stop, p=params["patience"]))
            ax.axvspan(outcome.stop, params["epochs"], color="#EEEEEE", zorder=0)
        ax.set_xlim(1, params["epochs"])
        ax.set_ylim(0, None)
        ax.set_xlabel(text["epoch"])
        ax.set_ylabel(text["loss"])
        ax.grid(color="#EEEEEE", linewidth=0.6)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=1)
        ax.set_title(text["title"] if outcome.triggered else text["untriggered"])
        return finish(fig)
