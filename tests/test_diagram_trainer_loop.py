"""Lesson 06's diagram draws the Trainer's loop with every callback event it names."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from helpers.diagrams.trainer_loop import STEPS, draw_trainer_loop  # noqa: E402

EVENTS = ["on_train_begin", "on_epoch_begin", "on_step_begin", "on_optimizer_step", "on_step_end", "on_log",
          "on_evaluate", "on_save", "on_epoch_end", "on_train_end"]


def test_the_diagram_shows_every_event_in_the_order_the_trainer_fires_them():
    fig = draw_trainer_loop()
    texts = [text.get_text() for text in fig.axes[0].texts]
    assert [text for text in texts if text in EVENTS] == EVENTS
    assert any("should_evaluate" in text for text in texts) and "next epoch" in texts
    plt.close(fig)


def test_every_event_named_is_a_trainer_callback_method():
    from transformers import TrainerCallback

    assert [event for _, _, event in STEPS] == EVENTS
    assert all(callable(getattr(TrainerCallback, event, None)) for event in EVENTS)
