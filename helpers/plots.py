"""Figures for the lessons, and saving them where the run-all command says it puts them."""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .assets import REPO_ROOT

FIGURES_ENV = "COURSE_FIGURES_DIR"
DEFAULT_FIGURES_DIR = REPO_ROOT / "runs" / "figures"


def figures_dir() -> Path:
    """``$COURSE_FIGURES_DIR`` if set, else ``runs/figures`` in the repository."""
    return Path(os.environ.get(FIGURES_ENV) or DEFAULT_FIGURES_DIR)


def save_figure(fig: Figure, name: str) -> Path:
    """Save ``fig`` as ``<figures dir>/<name>.png`` (the notebook still shows it inline)."""
    folder = figures_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def running_mean(values: list[float], window: int) -> list[float]:
    """Mean of each value and up to ``window - 1`` before it (same length as ``values``)."""
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def plot_loss_curves(ax: Axes, step_losses: list[float], epoch_val_losses: list[float], steps_per_epoch: int,
                     window: int = 10) -> None:
    """Training loss per step (raw and running mean) and validation loss at the end of each epoch."""
    steps = range(1, len(step_losses) + 1)
    ax.plot(steps, step_losses, color="tab:blue", alpha=0.25, label="training loss (per step)")
    ax.plot(steps, running_mean(step_losses, window), color="tab:blue", label=f"training loss (mean of {window})")
    epoch_ends = [steps_per_epoch * (k + 1) for k in range(len(epoch_val_losses))]
    ax.plot(epoch_ends, epoch_val_losses, "o-", color="tab:orange", label="validation loss (per epoch)")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("Learning curves")
    ax.legend()
