"""Lesson 07's exercise checks: the reference solutions pass, typical wrong answers fail with their hint, and an
unattempted starter reads "not attempted"."""

import torch

from helpers.exercises import NOT_ATTEMPTED
from helpers.exercises.lesson07 import check_largest_micro_batch, check_loss_scale, check_token_budget_batches


def largest_micro_batch(batch_size, budget_mib, memory_mib):
    return max(size for size in range(1, batch_size + 1) if batch_size % size == 0 and memory_mib(size) <= budget_mib)


def choose_loss_scale(gradients):
    scale = 2.0 ** 40
    while not torch.isfinite((gradients * scale).half()).all():
        scale /= 2
    return scale


def token_budget_batches(lengths, max_tokens, multiple=8):
    batches, batch, width = [], [], 0
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        padded = multiple * -(-lengths[i] // multiple)
        if batch and (len(batch) + 1) * max(width, padded) > max_tokens:
            batches.append(batch)
            batch, width = [], 0
        batch.append(i)
        width = max(width, padded)
    return batches + [batch] if batch else batches


def not_yet(*args, **kwargs):
    raise NotImplementedError  # your code here


def test_reference_solutions_pass():
    assert check_largest_micro_batch(largest_micro_batch, quiet=True).passed is True
    assert check_loss_scale(choose_loss_scale, quiet=True).passed is True
    assert check_token_budget_batches(token_budget_batches, quiet=True).passed is True


def test_unattempted_starters_say_so(capsys):
    for check in (check_largest_micro_batch, check_loss_scale, check_token_budget_batches):
        verdict = check(not_yet)
        assert verdict.passed is None and not verdict
        assert NOT_ATTEMPTED in capsys.readouterr().out
    assert check_largest_micro_batch(None, quiet=True).passed is None


def hint(check, answer):
    verdict = check(answer, quiet=True)
    assert verdict.passed is False
    return verdict.message


def test_micro_batch_wrong_answers_get_their_hint():
    def any_size(batch_size, budget_mib, memory_mib):  # the largest that fits, divisor or not
        return max(s for s in range(1, batch_size + 1) if memory_mib(s) <= budget_mib)

    def strictly_below(batch_size, budget_mib, memory_mib):
        return max(s for s in range(1, batch_size + 1) if batch_size % s == 0 and memory_mib(s) < budget_mib)

    def powers_of_two(batch_size, budget_mib, memory_mib):
        return max(s for s in (1, 2, 4, 8, 16) if batch_size % s == 0 and memory_mib(s) <= budget_mib)

    def steps_not_size(batch_size, budget_mib, memory_mib):
        return batch_size // largest_micro_batch(batch_size, budget_mib, memory_mib)

    def ignores_budget(batch_size, budget_mib, memory_mib):
        return batch_size

    assert "5 does not divide 8" in hint(check_largest_micro_batch, any_size)
    assert "exactly the budget still fits" in hint(check_largest_micro_batch, strictly_below)
    assert "a larger micro-batch that divides 12 fits too" in hint(check_largest_micro_batch, powers_of_two)
    assert "the number of micro-batches" in hint(check_largest_micro_batch, steps_not_size)
    assert "over the budget" in hint(check_largest_micro_batch, ignores_budget)
    assert "as an int" in hint(check_largest_micro_batch, lambda *args: 4.0)


def test_loss_scale_wrong_answers_get_their_hint():
    def exact_ratio(gradients):  # 65504 / max: not a power of two
        return 65504 / gradients.abs().max().item()

    def at_least_one(gradients):
        return max(choose_loss_scale(gradients), 1.0)

    def signed_max(gradients):  # the largest value, not the largest magnitude
        return choose_loss_scale(gradients.clamp(min=0))

    def twice_too_large(gradients):
        return 2 * choose_loss_scale(gradients)

    def half_of_it(gradients):  # safe, but loses small gradients it could keep
        return choose_loss_scale(gradients) / 2

    assert "not a power of two" in hint(check_loss_scale, exact_ratio)
    assert "only a scale below 1" in hint(check_loss_scale, at_least_one)
    assert "negative gradients count too" in hint(check_loss_scale, signed_max)
    assert "the scale is too large" in hint(check_loss_scale, twice_too_large)
    assert "also keeps every gradient finite" in hint(check_loss_scale, half_of_it)
    assert "as a number" in hint(check_loss_scale, lambda g: True)


def test_the_summary_shows_what_the_scale_saves():
    message = check_loss_scale(choose_loss_scale, quiet=True).message
    assert message.startswith("gradients of 1e-7 × randn: ") and "0% after × 2^" in message
    unscaled = int(message.split(": ")[1].split("%")[0])
    assert unscaled >= 10  # a tenth of such gradients vanish in float16 without a scale: what the scale is for


def test_token_budget_wrong_answers_get_their_hint():
    def no_rounding(lengths, max_tokens, multiple=8):
        return token_budget_batches(lengths, max_tokens, multiple=1)

    def unsorted(lengths, max_tokens, multiple=8):
        batches, batch, width = [], [], 0
        for i, length in enumerate(lengths):
            padded = multiple * -(-length // multiple)
            if batch and (len(batch) + 1) * max(width, padded) > max_tokens:
                batches.append(batch)
                batch, width = [], 0
            batch.append(i)
            width = max(width, padded)
        return batches + [batch]

    def fixed_size(lengths, max_tokens, multiple=8):
        size = max_tokens // (multiple * -(-max(lengths) // multiple))  # sized for the longest pair: always fits
        return [list(range(i, min(i + size, len(lengths)))) for i in range(0, len(lengths), size)]

    def one_batch(lengths, max_tokens, multiple=8):
        return [list(range(len(lengths)))]

    def loses_the_last(lengths, max_tokens, multiple=8):
        return token_budget_batches(lengths, max_tokens, multiple)[:-1]

    assert "padded to a multiple of 8" in hint(check_token_budget_batches, no_rounding)
    assert "are enough" in hint(check_token_budget_batches, unsorted)
    assert "are enough" in hint(check_token_budget_batches, fixed_size)
    assert "pads to more than max_tokens" in hint(check_token_budget_batches, one_batch)
    assert "exactly one batch" in hint(check_token_budget_batches, loses_the_last)
