"""Lesson 03's picture: a training step (``model.train()``: dropout on, a graph recorded, gradients flowing
back from the loss to the weights) beside an evaluation step (``model.eval()`` and ``torch.no_grad()``:
dropout off, no graph, predictions into the metric)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Circle

from . import arrow, box, canvas

GRADIENT = "#dc2626"


def _dropout_layer(ax, x: float, y: float, dropped: set[int]) -> None:
    """Five units of a layer in a column; the ``dropped`` ones crossed out, as dropout zeroes them."""
    for i in range(5):
        cy = y + (i - 2) * 0.22
        ax.add_patch(Circle((x, cy), 0.08, facecolor="white" if i in dropped else "#f59e0b", edgecolor="#374151",
                            linewidth=0.8))
        if i in dropped:
            ax.plot([x - 0.08, x + 0.08], [cy - 0.08, cy + 0.08], color=GRADIENT, linewidth=1)
            ax.plot([x - 0.08, x + 0.08], [cy + 0.08, cy - 0.08], color=GRADIENT, linewidth=1)


def draw_train_eval_modes() -> Figure:
    """Two rows: the training step with its backward pass drawn in red, the evaluation step with none."""
    fig, ax = canvas(12.5, 5.0)
    rows = {"train": 3.95, "eval": 1.05}
    ax.text(0.2, 4.85, "training step: model.train()", fontsize=10, fontweight="bold", va="center")
    ax.text(0.2, 2.0, "evaluation step: model.eval() + with torch.no_grad()", fontsize=10, fontweight="bold",
            va="center")

    y = rows["train"]
    box(ax, 1.1, y, 1.5, 0.8, "batch\n(with labels)", kind="data")
    box(ax, 3.6, y, 2.3, 1.3, "model\ndropout ON\n\ngraph recorded", kind="model")
    _dropout_layer(ax, 4.45, y, dropped={1, 3})
    box(ax, 6.6, y, 1.5, 0.8, "outputs.loss", kind="loss")
    box(ax, 8.9, y, 1.9, 0.8, "loss.backward()", kind="loss")
    box(ax, 11.3, y, 1.9, 0.8, "optimizer.step()\nzero_grad()", kind="optim")
    for a, b in ((1.85, 2.45), (4.75, 5.85), (7.35, 7.95), (9.85, 10.35)):
        arrow(ax, (a, y), (b, y))
    arrow(ax, (8.9, y - 0.45), (3.6, y - 0.7), label="", color=GRADIENT, curve=-0.25)
    ax.text(6.3, y - 1.5, "gradients flow back to every weight (.grad)", color=GRADIENT, fontsize=8.5, ha="center")

    y = rows["eval"]
    box(ax, 1.1, y, 1.5, 0.8, "batch", kind="data")
    box(ax, 3.6, y, 2.3, 1.3, "model\ndropout OFF\n\nno graph kept", kind="model")
    _dropout_layer(ax, 4.45, y, dropped=set())
    box(ax, 6.6, y, 1.5, 0.8, "outputs.logits", kind="data")
    box(ax, 8.9, y, 1.9, 0.8, "argmax(dim=-1)\n→ predictions", kind="data")
    box(ax, 11.3, y, 1.9, 0.8, "metric.add_batch\n… compute()", kind="optim")
    for a, b in ((1.85, 2.45), (4.75, 5.85), (7.35, 7.95), (9.85, 10.35)):
        arrow(ax, (a, y), (b, y))
    ax.text(6.6, y - 0.85, "no backward: nothing is saved for it, the weights do not change", fontsize=8.5,
            ha="center", color="#374151")
    return fig
