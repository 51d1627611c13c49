"""Saving the lessons' figures where the run-all command says it puts them."""

from __future__ import annotations

import os
from pathlib import Path

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
