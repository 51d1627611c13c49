"""helpers.diagnosis.diagnose: each pattern of the course's chapter 3.5 from made-up curves, and the edges."""

import math

import pytest

from helpers.diagnosis import Diagnosis, diagnose, rises_at_end


def steps(values, start=1, every=1):
    return {start + i * every: v for i, v in enumerate(values)}


FLAT_TRAIN = steps([0.69, 0.70] * 15)
FALLING_TRAIN = steps([0.69 - 0.015 * i for i in range(30)])
FALLING_EVAL = steps([0.69, 0.66, 0.63, 0.61, 0.60], start=0, every=10)


def test_healthy_run():
    found = diagnose(FALLING_TRAIN, FALLING_EVAL)
    assert found.verdict == "healthy", found
    assert "fell 13%" in found.reason


def test_learning_rate_too_low_when_the_validation_loss_barely_moves():
    found = diagnose(FLAT_TRAIN, steps([0.690, 0.689, 0.689, 0.688], start=0, every=10))
    assert found.verdict == "learning rate too low", found


def test_learning_rate_too_high_when_an_evaluation_is_worse_than_the_untrained_model():
    found = diagnose(FLAT_TRAIN, steps([0.69, 0.58, 0.95, 0.65, 0.60], start=0, every=10))
    assert found.verdict == "learning rate too high", found
    assert "38% above" in found.reason


def test_learning_rate_too_high_when_a_training_step_spikes():
    train = dict(FLAT_TRAIN) | {12: 1.6}
    found = diagnose(train, steps([0.69, 0.60, 0.64, 0.62], start=0, every=10))
    assert found.verdict == "learning rate too high", found
    assert "2.3×" in found.reason


def test_diverged_run_is_too_high():
    train = dict(FLAT_TRAIN) | {30: math.nan}
    assert diagnose(train, FALLING_EVAL).verdict == "learning rate too high"


def test_overfitting_needs_a_falling_training_loss_and_a_rising_validation_loss():
    evals = steps([0.69, 0.64, 0.60, 0.69, 0.79, 0.83], start=0, every=10)
    found = diagnose(FALLING_TRAIN, evals)
    assert found.verdict == "overfitting", found
    assert "rose for 3 evaluations" in found.reason
    # Negative control: the same validation curve with a flat training loss is not overfitting.
    assert diagnose(FLAT_TRAIN, evals).verdict != "overfitting"


def test_a_run_still_bouncing_is_unclear():
    evals = steps([0.69, 0.55, 0.64, 0.62], start=0, every=10)
    assert diagnose(FLAT_TRAIN, evals) == Diagnosis(
        "unclear", "the validation loss went from 0.690 to 0.620 (best 0.550)")


def test_healthy_allows_the_last_evaluation_a_little_above_the_best():
    evals = steps([0.69, 0.50, 0.40, 0.35, 0.365], start=0, every=10)  # 64 validation pairs jitter like this
    assert diagnose(FALLING_TRAIN, evals).verdict == "healthy"


def test_too_few_values_is_an_error():
    with pytest.raises(ValueError, match="need 3 evaluations"):
        diagnose(FALLING_TRAIN, steps([0.69, 0.6]))


def test_rises_at_end():
    assert rises_at_end([3, 1, 2, 3]) == 2
    assert rises_at_end([1, 2, 1]) == 0
    assert rises_at_end([1]) == 0
