"""Checks for lesson 06's exercises. Each runs the learner's code in a Trainer on a tiny BERT (hidden size 16,
one layer) and a few dozen made-up examples, on the CPU, in a few seconds."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

import numpy as np
import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    EvalPrediction,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    default_data_collator,
    get_scheduler,
    set_seed,
)
from transformers.trainer_callback import PrinterCallback

from helpers.exercises import exercise, expect

# 8 pairs: predicted 1 for 5 of them (3 right), 4 labelled 1  ->  precision 3/5, recall 3/4
LOGITS = np.array([[0.1, 0.9], [0.2, 0.7], [0.3, 0.6], [0.9, 0.1], [0.8, 0.2], [0.4, 0.5], [0.1, 2.0], [0.7, 0.3]])
LABELS = np.array([1, 1, 1, 1, 0, 0, 0, 0])
LR_STEPS, LR_WARMUP, LR = 6, 2, 1e-3
LOSS_STEPS = 40


def tiny_examples(count: int = 48, length: int = 8, seed: int = 0) -> list[dict]:
    """Random token ids, labelled 1 when the first token is above the middle of the vocabulary: learnable."""
    ids = torch.randint(5, 100, (count, length), generator=torch.Generator().manual_seed(seed))
    return [{"input_ids": row.tolist(), "attention_mask": [1] * length, "labels": int(row[0] > 52)} for row in ids]


def tiny_trainer(output_dir: str, callbacks: list[TrainerCallback] | None = None,
                 compute_metrics: Callable | None = None, **arguments) -> Trainer:
    """A Trainer on a tiny BERT, the CPU and no tracker; ``arguments`` change its TrainingArguments."""
    set_seed(0)
    config = BertConfig(vocab_size=100, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=16, num_labels=2)
    model = BertForSequenceClassification(config)
    settings = {"learning_rate": 3e-3, "per_device_train_batch_size": 8, "per_device_eval_batch_size": 8,
                "save_strategy": "no", "disable_tqdm": True, "seed": 0} | arguments
    args = TrainingArguments(output_dir, use_cpu=True, report_to="none", **settings)
    examples = tiny_examples()
    trainer = Trainer(model=model, args=args, train_dataset=examples, eval_dataset=examples[:16],
                      data_collator=default_data_collator, compute_metrics=compute_metrics, callbacks=callbacks)
    trainer.remove_callback(PrinterCallback)  # its log lines would bury the check's verdict
    return trainer


def _number(metrics: object, key: str) -> float:
    expect(isinstance(metrics, dict), f"compute_metrics returned a {type(metrics).__name__}: return a dict "
                                      "of metric names to numbers")
    expect(key in metrics, f"no {key!r} in the dict you returned (keys: {sorted(metrics)})")
    return float(metrics[key])


@exercise("06.1 · precision and recall in compute_metrics")
def check_compute_metrics(compute_metrics: Callable) -> str:
    metrics = compute_metrics(EvalPrediction(predictions=LOGITS, label_ids=LABELS))
    precision, recall = _number(metrics, "precision"), _number(metrics, "recall")
    expect(not (np.isclose(precision, 0.75) and np.isclose(recall, 0.6)),
           "precision and recall are swapped: precision divides by the pairs *predicted* 1")
    expect(np.isclose(precision, 0.6), f"precision {precision:.3f} on the 8 test pairs: it should be the share of "
                                       "pairs predicted 1 (argmax of the logits) whose label is 1")
    expect(np.isclose(recall, 0.75), f"recall {recall:.3f} on the 8 test pairs: it should be the share of pairs "
                                     "labelled 1 that were predicted 1")
    all_zero = np.stack([np.ones(len(LABELS)), np.zeros(len(LABELS))], axis=1)  # every pair predicted 0
    none_positive = compute_metrics(EvalPrediction(predictions=all_zero, label_ids=LABELS))
    expect(_number(none_positive, "precision") == 0.0,
           "when no pair is predicted 1, precision has nothing to divide by: return 0.0 (as scikit-learn does)")
    with tempfile.TemporaryDirectory() as output_dir:
        scores = tiny_trainer(output_dir, compute_metrics=compute_metrics).evaluate()
    expect("eval_precision" in scores and "eval_recall" in scores,
           f"trainer.evaluate() did not report them: got {sorted(scores)}")
    return (f"precision {precision:.2f}, recall {recall:.2f} on the 8 test pairs; trainer.evaluate() reports "
            "eval_precision and eval_recall")


def scheduler_learning_rates(steps: int = LR_STEPS, warmup: int = LR_WARMUP, lr: float = LR) -> list[float]:
    """The learning rate each of ``steps`` optimizer steps uses under the Trainer's linear schedule."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = get_scheduler("linear", optimizer=optimizer, num_warmup_steps=warmup, num_training_steps=steps)
    rates = []
    for _ in range(steps):
        rates.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return rates


@exercise("06.2 · a callback that records the learning rate")
def check_learning_rate_recorder(recorder_class: type) -> str:
    recorder = recorder_class()
    with tempfile.TemporaryDirectory() as output_dir:
        tiny_trainer(output_dir, [recorder], max_steps=LR_STEPS, warmup_steps=LR_WARMUP, learning_rate=LR,
                     lr_scheduler_type="linear", logging_steps=1).train()
    expect(hasattr(recorder, "learning_rates"), "the callback has no `learning_rates` attribute")
    got = [float(rate) for rate in recorder.learning_rates]
    expected = scheduler_learning_rates()
    expect(len(got) == len(expected), f"{LR_STEPS} optimizer steps ran and you recorded {len(got)} values: "
                                      "record one per step")
    expect(not np.allclose(got, LR), f"every value is {LR:g}, the base rate in `args`: read what the scheduler "
                                     "gives each step")
    expect(not np.allclose(got, expected[1:] + [0.0]),
           f"your values are one step ahead: the first step used {expected[0]:g} (warm-up starts at 0), you "
           f"recorded {got[0]:g}; the scheduler had already stepped when you read it")
    expect(np.allclose(got, expected, rtol=1e-6, atol=1e-12),
           f"recorded {[f'{rate:.2g}' for rate in got]}: not the rates the steps used")
    return f"{len(got)} values, {' → '.join(f'{rate:.2g}' for rate in got)}: warm-up, then linear decay"


def stop_points(losses: dict[int, float], count: int = 2) -> list[tuple[float, int]]:
    """``count`` thresholds, each with the first step whose logged loss falls below it (taken from new lows)."""
    lows, best = [], float("inf")
    for step in sorted(losses):
        if losses[step] < best:
            if best < float("inf"):
                lows.append(((best + losses[step]) / 2, step))
            best = losses[step]
    picks = [lows[round(k * (len(lows) - 1) / count)] for k in range(1, count + 1)]
    return sorted(set(picks), key=lambda pick: pick[1])


@exercise("06.3 · a callback that stops at a loss threshold")
def check_stop_at_loss(callback_class: type) -> str:
    arguments = {"max_steps": LOSS_STEPS, "logging_steps": 1}
    with tempfile.TemporaryDirectory() as output_dir:
        reference = tiny_trainer(output_dir, **arguments)
        reference.train()
        losses = {entry["step"]: entry["loss"] for entry in reference.state.log_history if "loss" in entry}
        stopped = []
        for threshold, step in stop_points(losses):
            trainer = tiny_trainer(output_dir, [callback_class(threshold)], **arguments)
            trainer.train()
            ran = trainer.state.global_step
            expect(ran != LOSS_STEPS, f"training ran all {LOSS_STEPS} steps although the logged loss fell below "
                                      f"{threshold:.4f} at step {step}: tell the Trainer to stop")
            expect(ran != step + 1, f"stopped at step {ran}, one step late: the loss logged at step {step} was "
                                    f"already below {threshold:.4f}")
            expect(ran == step, f"stopped at step {ran}; the first logged loss below {threshold:.4f} was at step "
                                f"{step}")
            stopped.append(f"step {ran} for {threshold:.4f}")
    return "stopped where the logged loss first fell below the threshold: " + ", ".join(stopped)
