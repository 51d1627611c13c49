"""Lesson 07's exercise checks: the reference solutions pass, typical wrong answers fail with their hint, and an
unattempted starter reads "not attempted"."""

import random

import torch

from helpers.exercises import NOT_ATTEMPTED
from helpers.exercises.lesson07 import check_bucket_sampler, check_largest_micro_batch, check_token_budget_batches


def largest_micro_batch(batch_size, budget_mib, memory_mib):
    return max(size for size in range(1, batch_size + 1) if batch_size % size == 0 and memory_mib(size) <= budget_mib)


class BucketBatchSampler(torch.utils.data.Sampler):
    def __init__(self, lengths, batch_size, seed=0, width=4):
        self.lengths, self.batch_size, self.seed, self.width, self.epoch = list(lengths), batch_size, seed, width, 0

    def _batches(self, epoch):
        generator = torch.Generator().manual_seed(self.seed * 1000 + epoch)
        buckets = {}
        for i in torch.randperm(len(self.lengths), generator=generator).tolist():
            buckets.setdefault(self.lengths[i] // self.width, []).append(i)
        pool = [i for key in sorted(buckets) for i in buckets[key]]  # buckets in length order, shuffled inside
        batches = [pool[i:i + self.batch_size] for i in range(0, len(pool), self.batch_size)]
        return [batches[k] for k in torch.randperm(len(batches), generator=generator).tolist()]

    def __iter__(self):
        self.epoch += 1
        yield from self._batches(self.epoch - 1)

    def __len__(self):
        return -(-len(self.lengths) // self.batch_size)


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
    assert check_bucket_sampler(BucketBatchSampler, quiet=True).passed is True
    assert check_token_budget_batches(token_budget_batches, quiet=True).passed is True


def test_the_lesson_samplers_own_answer_passes_exercise_2_too():
    from helpers.batching import LengthGroupedBatchSampler

    assert check_bucket_sampler(LengthGroupedBatchSampler, quiet=True).passed is True


def test_unattempted_starters_say_so(capsys):
    for check in (check_largest_micro_batch, check_bucket_sampler, check_token_budget_batches):
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


class Sorted(BucketBatchSampler):
    def __iter__(self):
        order = sorted(range(len(self.lengths)), key=self.lengths.__getitem__)
        yield from (order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size))


class SameEveryEpoch(BucketBatchSampler):
    def __iter__(self):
        yield from self._batches(0)


class Unseeded(BucketBatchSampler):
    def __iter__(self):
        self.epoch += 1
        yield from self._batches(random.randrange(10**9))


class Random(BucketBatchSampler):
    def __iter__(self):
        order = torch.randperm(len(self.lengths), generator=torch.Generator().manual_seed(self.seed + self.epoch))
        self.epoch += 1
        yield from (order[i:i + self.batch_size].tolist() for i in range(0, len(order), self.batch_size))


class DropsTheShortBatch(BucketBatchSampler):
    def __iter__(self):
        yield from (b for b in super().__iter__() if len(b) == self.batch_size)


class WrongLength(BucketBatchSampler):
    def __len__(self):
        return len(self.lengths)


class OneBatchPerBucket(BucketBatchSampler):
    def _batches(self, epoch):
        batches = super()._batches(epoch)
        return [[i] for batch in batches[:60] for i in batch] + batches[60:]


def test_sampler_wrong_answers_get_their_hint():
    assert "in order of length" in hint(check_bucket_sampler, Sorted)
    assert "repeated the first" in hint(check_bucket_sampler, SameEveryEpoch)
    assert "same seed gave other epochs" in hint(check_bucket_sampler, Unseeded)
    assert "similar length" in hint(check_bucket_sampler, Random)
    assert "exactly one batch" in hint(check_bucket_sampler, DropsTheShortBatch)
    assert "len(sampler) is 203" in hint(check_bucket_sampler, WrongLength)
    assert "too many small batches" in hint(check_bucket_sampler, OneBatchPerBucket)


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
