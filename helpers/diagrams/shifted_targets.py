"""Lesson 05's picture: one QA text as tokens, the inputs and the targets shifted by one, and the labels of
a padded batch row where the question and the padding are ``-100`` (ignored by the loss)."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from . import arrow, box, canvas

IGNORED = -100


def draw_shifted_targets(tokens: Sequence[str], question_length: int, padding: int = 2) -> Figure:
    """Tokens of "question answer <eos>" (``question_length`` of them the question's), then three rows:
    the inputs (every token but the last), the targets (every token but the first, one place to the left),
    and the labels a padded batch row gets: ``-100`` on the question and the ``padding`` pad positions."""
    if not 0 < question_length < len(tokens):
        raise ValueError(f"question_length must be between 1 and {len(tokens) - 1}, got {question_length}")
    columns = len(tokens) + padding
    cell = 0.78
    left = 2.3
    fig, ax = canvas(left + columns * cell + 0.3, 4.6)
    rows = {"text": 3.95, "inputs": 2.95, "targets": 1.95, "labels": 0.75}
    notes = {"text": "the text\n(question, answer, <eos>)", "inputs": "inputs\n(all but the last)",
             "targets": "targets\n(next token)", "labels": "labels of a padded\nbatch row (section 9)"}
    for row, y in rows.items():
        ax.text(left - 0.15, y, notes[row], ha="right", va="center", fontsize=8.5)

    def x(column: int) -> float:
        return left + (column + 0.5) * cell

    def show(token: str) -> str:
        return token.replace("<|endoftext|>", "<eos>")

    for i, token in enumerate(tokens):
        kind = "data" if i < question_length else "optim"
        box(ax, x(i), rows["text"], cell * 0.92, 0.5, show(token), kind=kind, fontsize=7.5)
        if i < len(tokens) - 1:
            box(ax, x(i), rows["inputs"], cell * 0.92, 0.5, show(token), kind=kind, fontsize=7.5)
        if i > 0:  # target at position i - 1 is token i: the same token, one column to the left
            box(ax, x(i - 1), rows["targets"], cell * 0.92, 0.5, show(token), kind=kind, fontsize=7.5)
    for i in range(len(tokens) - 1):
        arrow(ax, (x(i), rows["inputs"] - 0.27), (x(i), rows["targets"] + 0.27))
    for i in range(columns):
        if i < len(tokens):
            label, kind = (str(IGNORED), "note") if i < question_length else (show(tokens[i]), "optim")
        else:
            label, kind = f"{IGNORED}\n(pad)", "note"
        box(ax, x(i), rows["labels"], cell * 0.92, 0.6, label, kind=kind, fontsize=7.5)
    ax.text(left, 0.12, f"{IGNORED}: ignored by the loss (question and padding). The model shifts labels by one "
            "itself, so labels line up with the text, not with the targets.", fontsize=8, va="center")
    ax.text(left, 4.45, "blue: question tokens   green: answer tokens and <eos>   "
            "each input position predicts the target below it", fontsize=8, va="center")
    return fig
