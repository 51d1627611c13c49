"""Lessons 01 and 03 draw their diagrams: the figures hold the labels the lessons' text refers to, and render."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.diagrams.mrpc_pipeline import draw_mrpc_pipeline  # noqa: E402
from helpers.diagrams.train_eval_modes import draw_train_eval_modes  # noqa: E402


def texts(figure) -> str:
    return "\n".join(t.get_text() for ax in figure.axes for t in ax.texts)


def renders(figure) -> bool:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n" and len(buffer.getvalue()) > 10_000


@pytest.mark.parametrize("draw, labels", [
    (draw_mrpc_pipeline, ["sentence pairs", "tokenizer(s1, s2)", "token_type_ids", "Dataset.map(",
                          "DataCollatorWith-", "padded batches", "[PAD]", "attention_mask"]),
    (draw_train_eval_modes, ["model.train()", "model.eval()", "torch.no_grad()", "dropout ON", "dropout OFF",
                             "loss.backward()", "gradients flow back", "no backward", "metric.add_batch"]),
])
def test_diagram_shows_its_labels_and_renders(draw, labels):
    figure = draw()
    try:
        shown = texts(figure)
        missing = [label for label in labels if label not in shown]
        assert not missing, missing
        assert "not in this diagram" not in shown  # negative control: the lookup does not match everything
        assert renders(figure)
    finally:
        plt.close(figure)


def test_the_pipeline_pads_the_short_pair_to_the_long_ones_width():
    """Below the stages: two unpadded rows of 12 and 9 squares, then both 12 wide once padded."""
    figure = draw_mrpc_pipeline()
    try:
        rows: dict[tuple[bool, float], int] = {}
        for patch in figure.axes[0].patches:
            if type(patch).__name__ == "Rectangle" and patch.get_x() < 10:  # token squares, not the legend's
                key = (patch.get_x() < 5, round(patch.get_y(), 2))
                rows[key] = rows.get(key, 0) + 1
        before = sorted(count for (left, _), count in rows.items() if left)
        after = sorted(count for (left, _), count in rows.items() if not left)
        assert (before, after) == ([9, 12], [12, 12]), rows
    finally:
        plt.close(figure)
