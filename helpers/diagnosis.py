"""Reading learning curves the way the course's chapter 3.5 does, from logged values instead of by eye."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import mean

# Thresholds, relative to the run's own numbers, so they hold for any loss scale; wide on purpose, so that a
# run's verdict does not hang on the last digits a CPU kernel or a seed changes.
BARELY_MOVED = 0.02  # the validation loss changed by less than 2 % over the whole run
WORSE_THAN_START = 1.15  # an evaluation 15 % worse than the untrained model, or ...
SPIKE = 2.0  # ... a training step's loss twice the loss the run started from
ROSE_FROM_BEST = 1.10  # the last evaluation 10 % above the best one ...
RISES_IN_A_ROW = 2  # ... after at least this many rises in a row
TRAIN_FELL = 0.75  # training loss at the end below 75 % of its start
NEAR_BEST = 1.10  # healthy: the last evaluation within 10 % of the best (64 pairs make it jitter)
IMPROVED = 0.95  # healthy: the last evaluation at least 5 % below the first


@dataclass(frozen=True)
class Diagnosis:
    """A verdict on one run ("healthy", "overfitting", ...) and the logged values it rests on."""

    verdict: str
    reason: str

    def __str__(self) -> str:
        return f"{self.verdict}: {self.reason}"


def rises_at_end(values: list[float]) -> int:
    """How many evaluations in a row, counting back from the last, were higher than the one before."""
    count = 0
    for before, after in zip(values[-2::-1], values[:0:-1], strict=True):
        if after <= before:
            break
        count += 1
    return count


def diagnose(train_loss: dict[int, float], eval_loss: dict[int, float], window: int = 10) -> Diagnosis:
    """Diagnose a run from its logged curves: ``{step: value}`` of the training loss (every step) and of the
    validation loss (every evaluation, the first before training). ``window`` steps are averaged at each end
    of the training loss, which is noisy from batch to batch."""
    train = [train_loss[step] for step in sorted(train_loss)]
    evals = [eval_loss[step] for step in sorted(eval_loss)]
    if len(evals) < 3 or len(train) < 2 * window:
        raise ValueError(f"need 3 evaluations and {2 * window} training steps, got {len(evals)} and {len(train)}")
    if not all(math.isfinite(v) for v in train + evals):
        return Diagnosis("learning rate too high", "the loss became inf or nan: training diverged")
    first, best, last = evals[0], min(evals), evals[-1]
    train_start, train_end = mean(train[:window]), mean(train[-window:])
    moved = abs(last - first) / first
    if moved < BARELY_MOVED:
        return Diagnosis("learning rate too low", f"the validation loss moved {moved:.1%} in {len(train)} steps")
    rises = rises_at_end(evals)
    if last > ROSE_FROM_BEST * best and rises >= RISES_IN_A_ROW and train_end < TRAIN_FELL * train_start:
        return Diagnosis("overfitting", f"the validation loss rose for {rises} evaluations, {last / best - 1:.0%} "
                         f"above its best, while the training loss fell {1 - train_end / train_start:.0%}")
    worst, spike = max(evals), max(train)
    if worst > WORSE_THAN_START * first or spike > SPIKE * train_start:
        return Diagnosis("learning rate too high", f"the worst evaluation was {worst / first - 1:.0%} above the "
                         f"untrained model's, the highest step loss {spike / train_start:.1f}× the start: erratic")
    if last <= NEAR_BEST * best and last <= IMPROVED * first:
        return Diagnosis("healthy", f"the validation loss fell {1 - last / first:.0%} and ends at its best "
                         f"(within {NEAR_BEST - 1:.0%})")
    return Diagnosis("unclear", f"the validation loss went from {first:.3f} to {last:.3f} (best {best:.3f})")
