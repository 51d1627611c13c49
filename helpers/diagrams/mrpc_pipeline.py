"""Lesson 01's picture: sentence pairs → tokenizer → ids and token types → ``map`` over the dataset →
the collator → padded batches, with two pairs drawn token by token so the padding can be seen."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import COLORS, arrow, box, canvas

STAGES = (
    ("sentence pairs\nsentence1, sentence2,\nlabel", "data"),
    ("tokenizer(s1, s2)\n[CLS] s1 [SEP]\ns2 [SEP]", "model"),
    ("input_ids\ntoken_type_ids\nattention_mask", "data"),
    ("Dataset.map(\ntokenize_function,\nbatched=True)", "model"),
    ("DataCollatorWith-\nPadding, called\nby the DataLoader", "model"),
    ("padded batches\nbatch_size × the\nbatch's longest pair", "optim"),
)
SENTENCE_COLORS = {0: COLORS["data"], 1: COLORS["loss"], "pad": "#e5e7eb"}


def _token_row(ax, x0: float, y: float, first: int, second: int, width: int, size: float) -> None:
    """One pair as squares: [CLS] + ``first`` tokens + [SEP] in sentence 0's colour, ``second`` + [SEP]
    in sentence 1's, then [PAD] up to ``width``."""
    kinds = [0] * (first + 2) + [1] * (second + 1)
    kinds += ["pad"] * (width - len(kinds))
    for i, kind in enumerate(kinds):
        ax.add_patch(Rectangle((x0 + i * size, y), size * 0.9, size * 0.9, facecolor=SENTENCE_COLORS[kind],
                               edgecolor="#374151", linewidth=0.6))


def draw_mrpc_pipeline() -> Figure:
    """The six stages of lesson 01 left to right, and below them two pairs before and after padding."""
    width, height = 13.0, 3.7
    fig, ax = canvas(width, height)
    step = width / len(STAGES)
    y = 3.0
    for i, (text, kind) in enumerate(STAGES):
        box(ax, step * (i + 0.5), y, step * 0.86, 1.1, text, kind=kind, fontsize=8)
        if i:
            arrow(ax, (step * i - step * 0.07, y), (step * i + step * 0.07, y))

    size = 0.24
    ax.text(0.3, 1.9, "two pairs, one square per token", fontsize=9, va="center")
    _token_row(ax, 0.3, 1.2, 5, 4, 12, size)  # 12 tokens
    _token_row(ax, 0.3, 0.7, 3, 3, 9, size)  # 9 tokens: not padded yet
    ax.text(0.3, 0.4, "different lengths: map stores them unpadded", fontsize=8, va="top")
    arrow(ax, (3.75, 1.1), (6.35, 1.1), label="collator: pad to the batch's longest")
    ax.text(6.6, 1.9, "one batch, one shape", fontsize=9, va="center")
    _token_row(ax, 6.6, 1.2, 5, 4, 12, size)
    _token_row(ax, 6.6, 0.7, 3, 3, 12, size)
    ax.text(6.6, 0.4, "attention_mask is 0 on [PAD], so the model ignores it", fontsize=8, va="top")

    legend = [(0, "token_type_ids = 0 ([CLS] s1 [SEP])"), (1, "token_type_ids = 1 (s2 [SEP])"), ("pad", "[PAD]")]
    for i, (kind, text) in enumerate(legend):
        ax.add_patch(Rectangle((10.25, 1.6 - i * 0.4), size, size, facecolor=SENTENCE_COLORS[kind],
                               edgecolor="#374151", linewidth=0.6))
        ax.text(10.25 + size + 0.12, 1.6 - i * 0.4 + size / 2, text, fontsize=8, va="center")
    return fig
