"""Figures for the lessons, and saving them where the run-all command says it puts them."""

from __future__ import annotations

import os
from itertools import cycle
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .assets import RUNS_DIR
from .atomic_files import atomic_file

FIGURES_ENV = "COURSE_FIGURES_DIR"
DEFAULT_FIGURES_DIR = RUNS_DIR / "figures"


def figures_dir() -> Path:
    """``$COURSE_FIGURES_DIR`` if set, else ``runs/figures`` in the repository."""
    return Path(os.environ.get(FIGURES_ENV) or DEFAULT_FIGURES_DIR)


def save_figure(fig: Figure, name: str) -> Path:
    """Save ``fig`` as ``<figures dir>/<name>.png`` (the notebook still shows it inline).

    Written to a temporary file and renamed, so a full disk never leaves a truncated PNG in place of the
    previous good one; a folder that cannot be written is an error naming ``COURSE_FIGURES_DIR``.
    """
    folder = figures_dir()
    path = folder / f"{name}.png"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_file(path, "wb") as file:
            fig.savefig(file, format="png", dpi=110, bbox_inches="tight")
    except OSError as error:
        raise OSError(error.errno, f"Cannot save figure {path} ({error.strerror or error}): free some space or "
                      f"point {FIGURES_ENV} at a writable folder (now {folder}).") from error
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


def plot_speedups(ax: Axes, speedups: dict[str, float], verdicts: dict[str, str] | None = None,
                  title: str = "Training throughput") -> None:
    """One horizontal bar per configuration: its speed as a multiple of the baseline's (1.0 is marked). With
    ``verdicts`` (name: "faster", "slower" or "within the noise") the colour follows the verdict, so a bar past
    1.0 that is within the noise stays gray; without, green where faster, gray where not."""
    names, values = list(speedups), list(speedups.values())
    colours = {"faster": "tab:green", "slower": "tab:red"}
    if verdicts is None:
        verdicts = {name: "faster" if value >= 1 else "within the noise" for name, value in speedups.items()}
    ax.barh(names, values, color=[colours.get(verdicts[name], "tab:gray") for name in names])
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xlabel("speed vs the course loop (×)")
    ax.invert_yaxis()
    ax.set_title(title)


def plot_gradient_norms(ax: Axes, curves: dict[str, list[float]], thresholds: dict[str, float] | None = None,
                        title: str = "Gradient norms") -> None:
    """The gradient's L2 norm per step for each named run, and named horizontal thresholds."""
    for name, norms in curves.items():
        ax.plot(range(1, len(norms) + 1), norms, alpha=0.8, label=name)
    styles = cycle([("tab:red", "--"), ("gray", ":")])
    for (name, value), (color, linestyle) in zip((thresholds or {}).items(), styles, strict=False):
        ax.axhline(value, color=color, linestyle=linestyle, label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("gradient L2 norm")
    ax.set_title(title)
    ax.legend()
