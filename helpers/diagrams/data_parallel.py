"""Lesson 04's picture: two processes, each given whole batches of the prepared DataLoader in turn and its own
copy of the model, and the gradient all-reduce that keeps the copies equal."""

from __future__ import annotations

from matplotlib.figure import Figure

from . import arrow, box, canvas


def draw_data_parallel(num_processes: int = 2, batch_size: int = 8) -> Figure:
    """One optimizer step of ``num_processes`` data-parallel processes on a global batch of ``batch_size`` pairs:
    the loader's batches hold ``batch_size // num_processes`` pairs, and ``prepare`` deals them out in turn."""
    per_process = batch_size // num_processes
    height = 0.9 + 1.25 * num_processes
    fig, ax = canvas(12.0, height)
    ax.text(0.15, height - 0.25, f"one step on {num_processes} processes (global batch {batch_size})", fontsize=10,
            weight="bold")
    middle = (height - 0.45) / 2
    box(ax, 1.1, middle, 1.9, 1.3, f"prepared\nDataLoader,\nbatch_size={per_process}:\nits batches dealt\nout in turn",
        "data")
    rows = [middle + (num_processes - 1) / 2 * 1.25 - 1.25 * i for i in range(num_processes)]
    box(ax, 9.0, middle, 1.7, 1.25 * num_processes - 0.3,
        "all-reduce\n(gloo / NCCL)\n\naverage the\ngradients\nof every\nprocess", "loss")
    for rank, y in enumerate(rows):
        arrow(ax, (2.05, middle), (2.85, y))
        ax.text(3.75, y + 0.42, f"batches {rank}, {rank + num_processes}, …", ha="center", va="bottom", fontsize=8,
                color="#374151")
        box(ax, 3.75, y, 1.7, 0.75, f"process {rank}\n{per_process} pairs", "data")
        box(ax, 5.95, y, 2.0, 0.75, "its model copy:\nforward, loss,\nbackward", "model")
        arrow(ax, (4.6, y), (4.95, y))
        arrow(ax, (6.95, y), (8.15, y), label=f"gradients {rank}")
        box(ax, 11.0, y, 1.6, 0.75, "optimizer.step()\n(same update\neverywhere)", "optim", fontsize=8)
        arrow(ax, (9.85, y), (10.2, y))
    return fig
