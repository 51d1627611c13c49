"""Diagrams the lessons draw with matplotlib, so they render wherever the notebook's stored outputs do
(JupyterLab, GitHub, Colab) with no image file to fetch. One module per picture; this one holds the
shared primitives: rounded boxes with text, and arrows between them."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

COLORS = {"data": "#dbeafe", "model": "#fde68a", "loss": "#fecaca", "optim": "#bbf7d0", "note": "#f3f4f6"}


def canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """A blank figure whose axes run 0..width by 0..height in data units (1 unit ≈ 1 inch)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def box(ax: Axes, x: float, y: float, w: float, h: float, text: str, kind: str = "note",
        fontsize: float = 9) -> tuple[float, float, float, float]:
    """A rounded box centred at (x, y), ``w`` by ``h``, filled by ``kind`` (a key of COLORS); returns its bounds."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=COLORS.get(kind, kind), edgecolor="#374151", linewidth=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, wrap=True)
    return x - w / 2, y - h / 2, w, h


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], label: str = "",
          color: str = "#374151", style: str = "-|>", curve: float = 0.0, fontsize: float = 8) -> None:
    """An arrow from ``start`` to ``end``, optionally curved and labelled at its middle."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=color, linewidth=1.2,
                                 connectionstyle=f"arc3,rad={curve}"))
    if label:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, label, ha="center", va="bottom",
                fontsize=fontsize, color=color)
