"""Lesson 02's picture: the five steps of one training step, in the order the loop runs them."""

from __future__ import annotations

from matplotlib.figure import Figure

from . import arrow, box, canvas

STEPS = [  # (code, what it does, colour)
    ("outputs = model(**batch)\nloss = outputs.loss", "forward + loss", "model"),
    ("loss.backward()", "gradients into .grad", "loss"),
    ("optimizer.step()", "weights -= update", "optim"),
    ("lr_scheduler.step()", "next learning rate", "optim"),
    ("optimizer.zero_grad()", ".grad back to zero", "note"),
]


def draw_training_step() -> Figure:
    """One batch in, five calls in a row, then the next batch: the loop of course chapter 3.4."""
    fig, ax = canvas(13.0, 2.9)
    ax.text(0.15, 2.6, "one training step, repeated for every batch", fontsize=10, weight="bold")
    box(ax, 0.8, 1.45, 1.1, 0.8, "batch\n(on the\ndevice)", "data")
    xs = [2.85 + 2.2 * i for i in range(len(STEPS))]
    arrow(ax, (1.38, 1.45), (xs[0] - 1.03, 1.45))
    for i, (x, (code, what, kind)) in enumerate(zip(xs, STEPS, strict=True)):
        box(ax, x, 1.45, 2.0, 0.8, code, kind, fontsize=8.5)
        ax.text(x, 2.05, f"{i + 1}. {what}", ha="center", va="bottom", fontsize=8.5, color="#374151")
        if i + 1 < len(xs):
            arrow(ax, (x + 1.02, 1.45), (xs[i + 1] - 1.02, 1.45))
    arrow(ax, (xs[-1], 1.02), (0.8, 1.02), curve=-0.12)
    ax.text((xs[-1] + 0.8) / 2, 0.2, "next batch", ha="center", fontsize=8.5, color="#374151")
    return fig
