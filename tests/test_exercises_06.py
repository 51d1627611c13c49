"""Lesson 06's exercise checks: the reference solutions pass, typical wrong answers fail with their hint,
and the starters (as the lesson stores them) count as not attempted."""

import numpy as np
import pytest
from transformers import TrainerCallback

from helpers.exercises import NOT_ATTEMPTED
from helpers.exercises.lesson06 import (
    check_compute_metrics,
    check_learning_rate_recorder,
    check_stop_at_loss,
    scheduler_learning_rates,
    stop_points,
)


def precision_recall(eval_pred):  # the reference solution of 06.1
    logits, labels = eval_pred
    predictions = np.argmax(logits, axis=-1)
    true_positives = int(((predictions == 1) & (labels == 1)).sum())
    predicted, actual = int((predictions == 1).sum()), int((labels == 1).sum())
    return {"precision": true_positives / predicted if predicted else 0.0,
            "recall": true_positives / actual if actual else 0.0}


class LearningRateRecorder(TrainerCallback):  # the reference solution of 06.2
    def __init__(self):
        self.learning_rates = []

    def on_step_begin(self, args, state, control, lr_scheduler=None, **kwargs):
        self.learning_rates.append(lr_scheduler.get_last_lr()[0])


class StopAtLoss(TrainerCallback):  # the reference solution of 06.3
    def __init__(self, threshold):
        self.threshold = threshold

    def on_log(self, args, state, control, logs=None, **kwargs):
        if "loss" in logs and logs["loss"] < self.threshold:
            control.should_training_stop = True


def test_reference_solutions_pass(capsys):
    assert check_compute_metrics(precision_recall).passed is True
    assert check_learning_rate_recorder(LearningRateRecorder).passed is True
    assert check_stop_at_loss(StopAtLoss).passed is True
    assert capsys.readouterr().out.count("✓") == 3


def test_starters_are_not_attempted(capsys):
    def compute_metrics(eval_pred):
        raise NotImplementedError  # your code here

    class Starter(TrainerCallback):
        def __init__(self, *args):
            raise NotImplementedError  # your code here

    verdicts = [check_compute_metrics(compute_metrics), check_learning_rate_recorder(Starter),
                check_stop_at_loss(Starter), check_compute_metrics(None)]
    assert [v.passed for v in verdicts] == [None] * 4
    assert capsys.readouterr().out.count(NOT_ATTEMPTED) == 4


def swapped(eval_pred):
    scores = precision_recall(eval_pred)
    return {"precision": scores["recall"], "recall": scores["precision"]}


def divides_by_zero(eval_pred):
    logits, labels = eval_pred
    predictions = np.argmax(logits, axis=-1)
    true_positives = int(((predictions == 1) & (labels == 1)).sum())
    return {"precision": true_positives / int((predictions == 1).sum()), "recall": 0.75}


def no_argmax(eval_pred):
    logits, labels = eval_pred
    predictions = (logits[:, 1] > 0.5).astype(int)  # a probability threshold on raw logits
    return precision_recall(((np.stack([1 - predictions, predictions], axis=1)), labels))


@pytest.mark.parametrize(("answer", "hint"), [
    (swapped, "swapped"),
    (divides_by_zero, "ZeroDivisionError"),
    (no_argmax, "share of pairs predicted 1"),
    (lambda eval_pred: [0.6, 0.75], "return a dict"),
])
def test_wrong_metrics_fail_with_their_hint(answer, hint):
    verdict = check_compute_metrics(answer, quiet=True)
    assert verdict.passed is False and hint in verdict.message, verdict.message


class OneStepAhead(LearningRateRecorder):
    def on_step_begin(self, *args, **kwargs):
        pass

    def on_step_end(self, args, state, control, lr_scheduler=None, **kwargs):
        self.learning_rates.append(lr_scheduler.get_last_lr()[0])


class BaseRate(LearningRateRecorder):
    def on_step_begin(self, args, state, control, **kwargs):
        self.learning_rates.append(args.learning_rate)


class EveryEvent(LearningRateRecorder):
    def on_log(self, args, state, control, logs=None, **kwargs):
        self.learning_rates.append(logs.get("learning_rate", 0.0))


@pytest.mark.parametrize(("answer", "hint"), [
    (OneStepAhead, "one step ahead"),
    (BaseRate, "the base rate"),
    (EveryEvent, "record one per step"),
])
def test_wrong_recorders_fail_with_their_hint(answer, hint):
    verdict = check_learning_rate_recorder(answer, quiet=True)
    assert verdict.passed is False and hint in verdict.message, verdict.message


def test_the_schedule_starts_at_zero_and_warms_up():
    assert scheduler_learning_rates() == pytest.approx([0.0, 5e-4, 1e-3, 7.5e-4, 5e-4, 2.5e-4])


class NeverStops(StopAtLoss):
    def on_log(self, *args, **kwargs):
        pass


class OneStepLate(StopAtLoss):
    def on_log(self, *args, **kwargs):
        pass

    def on_step_end(self, args, state, control, **kwargs):
        losses = [entry["loss"] for entry in state.log_history if "loss" in entry]
        if losses and losses[-1] < self.threshold:
            control.should_training_stop = True


@pytest.mark.parametrize(("answer", "hint"), [(NeverStops, "ran all"), (OneStepLate, "one step late")])
def test_wrong_stoppers_fail_with_their_hint(answer, hint):
    verdict = check_stop_at_loss(answer, quiet=True)
    assert verdict.passed is False and hint in verdict.message, verdict.message


def test_stop_points_are_new_lows_with_the_first_step_below_them():
    losses = {1: 0.7, 2: 0.69, 3: 0.71, 4: 0.6, 5: 0.65, 6: 0.5, 7: 0.4}
    for threshold, step in stop_points(losses):
        assert min(s for s, loss in losses.items() if loss < threshold) == step
    assert len(stop_points(losses)) == 2
