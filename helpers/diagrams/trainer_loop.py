"""Lesson 06's picture: what ``trainer.train()`` runs, and where each callback event fires."""

from __future__ import annotations

from matplotlib.figure import Figure

from helpers.diagrams import arrow, box, canvas

EVENT_COLOR = "#ede9fe"

# (what the Trainer does, the box's kind, the callback event that fires there)
STEPS: list[tuple[str, str, str]] = [
    ("trainer.train() starts", "data", "on_train_begin"),
    ("an epoch starts (the sampler draws its shuffle)", "data", "on_epoch_begin"),
    ("a step starts: the next batch", "model", "on_step_begin"),
    ("forward → loss → backward → clip → optimizer.step()", "model", "on_optimizer_step"),
    ("lr_scheduler.step(); the step ends: the flow callback\nsets control.should_log / should_evaluate / should_save",
     "optim", "on_step_end"),
    ("if should_log: log loss, grad norm, learning rate", "note", "on_log"),
    ("if should_evaluate: evaluate(eval_dataset), compute_metrics", "loss", "on_evaluate"),
    ("if should_save: write checkpoint-N, rotate old ones", "note", "on_save"),
    ("the epoch ends (then log / evaluate / save if the strategy is \"epoch\")", "data", "on_epoch_end"),
    ("train() ends (load_best_model_at_end reloads the best checkpoint)", "data", "on_train_end"),
]


def draw_trainer_loop() -> Figure:
    """The Trainer's loop, top to bottom, with the callback event fired at each point on the right."""
    fig, ax = canvas(10, 7.6)
    top, gap, x, width, event_x = 7.0, 0.72, 4.3, 5.6, 8.6
    ys = [top - i * gap for i in range(len(STEPS))]
    for y, (what, kind, event) in zip(ys, STEPS, strict=True):
        box(ax, x, y, width, 0.56, what, kind, fontsize=8.5)
        box(ax, event_x, y, 2.2, 0.44, event, EVENT_COLOR, fontsize=9)
        arrow(ax, (x + width / 2, y), (event_x - 1.1, y), color="#6d28d9")
    for upper, lower in zip(ys[:-1], ys[1:], strict=True):
        arrow(ax, (x, upper - 0.28), (x, lower + 0.28))
    left = x - width / 2
    arrow(ax, (left, ys[7]), (left, ys[2]), curve=-0.35)
    arrow(ax, (left, ys[8]), (left, ys[1]), curve=-0.45)
    ax.text(left - 0.55, (ys[7] + ys[2]) / 2, "next step", rotation=90, ha="center", va="center", fontsize=8)
    ax.text(left - 1.05, (ys[8] + ys[1]) / 2, "next epoch", rotation=90, ha="center", va="center", fontsize=8)
    ax.text(event_x, top + 0.45, "callback events\n(every callback, in order)", ha="center", fontsize=9,
            color="#6d28d9")
    ax.text(x, top + 0.45, "what the Trainer does", ha="center", fontsize=9)
    ax.text(5.0, ys[-1] - 0.55, "A callback reads (args, state, control, model, optimizer, lr_scheduler, ...) and "
            "may set control.should_training_stop, should_evaluate, should_save or should_log.",
            ha="center", fontsize=8, color="#374151")
    return fig
