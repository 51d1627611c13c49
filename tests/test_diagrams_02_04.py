"""Lessons 02 and 04's diagrams draw what they say: every step, process and arrow label is in the figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.diagrams.data_parallel import draw_data_parallel  # noqa: E402
from helpers.diagrams.training_step import draw_training_step  # noqa: E402


def texts(fig) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


def test_the_training_step_shows_the_five_calls_in_order():
    fig = draw_training_step()
    drawn = texts(fig)
    calls = ["model(**batch)", "loss.backward()", "optimizer.step()", "lr_scheduler.step()", "optimizer.zero_grad()"]
    positions = [drawn.index(call) for call in calls]
    assert positions == sorted(positions)
    assert "next batch" in drawn
    fig.canvas.draw()  # renders without error
    plt.close(fig)


@pytest.mark.parametrize(("processes", "batch"), [(2, 8), (4, 16)])
def test_the_data_parallel_picture_has_a_shard_per_process_and_the_all_reduce(processes, batch):
    fig = draw_data_parallel(processes, batch)
    drawn = texts(fig)
    assert all(f"process {rank}\n{batch // processes} pairs" in drawn for rank in range(processes))
    assert f"batch_size={batch // processes}" in drawn and f"batches 1, {1 + processes}, …" in drawn
    assert f"process {processes}" not in drawn  # negative control: no extra process
    assert "all-reduce" in drawn and f"global batch {batch}" in drawn
    fig.canvas.draw()
    plt.close(fig)
