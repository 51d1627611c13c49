"""Checks for lesson 07's exercises: a micro-batch that fits a memory budget, a batch sampler of your own,
and batches cut by a token budget with lengths padded to a multiple."""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Sequence

from . import exercise, expect

# (batch_size, fixed MiB, MiB per pair, budget MiB, the answer): the weights, gradients and optimizer state are
# fixed; what autograd keeps for backward() grows with the micro-batch.
MEMORY_CASES = [
    (8, 100, 30, 250, 4),
    (8, 100, 30, 400, 8),  # the whole batch fits: no accumulation
    (12, 100, 20, 235, 6),  # 6 divides 12; so does 4, a power of two, but 6 fits too
    (12, 100, 20, 220, 6),  # exactly the budget still fits
    (12, 100, 20, 205, 4),  # 5 fits but does not divide 12
    (8, 100, 30, 135, 1),
]


@exercise("07.1 · the largest micro-batch that fits")
def check_largest_micro_batch(largest_micro_batch: Callable) -> str:
    """``largest_micro_batch(batch_size, budget_mib, memory_mib)`` must return the largest micro-batch size that
    divides ``batch_size`` and whose ``memory_mib(size)`` is within ``budget_mib``."""
    for batch_size, fixed, per_pair, budget, answer in MEMORY_CASES:
        def memory_mib(size: int, fixed: float = fixed, per_pair: float = per_pair) -> float:
            return fixed + per_pair * size

        got = largest_micro_batch(batch_size, budget, memory_mib)
        case = f"batch_size={batch_size}, budget_mib={budget} (memory_mib(n) = {fixed} + {per_pair}·n)"
        expect(isinstance(got, numbers.Integral) and not isinstance(got, bool),
               f"{case}: return the micro-batch size as an int (got {got!r})")
        expect(got == answer or got != batch_size // answer,
               f"{case}: you returned {got}, the number of micro-batches: return the size of each one")
        expect(batch_size % got == 0,
               f"{case}: {got} does not divide {batch_size}, so the batch cannot be cut into equal micro-batches")
        expect(memory_mib(got) <= budget, f"{case}: memory_mib({got}) = {memory_mib(got)} MiB, over the budget")
        expect(got >= answer, f"{case}: {got} fits, but a larger micro-batch that divides {batch_size} fits too "
                              "(one that uses exactly the budget still fits)")
    return "e.g. a batch of 8 under a 250 MiB budget: 2 micro-batches of 4, gradients accumulated over both"


def padded_fraction(batches: Sequence[Sequence[int]], lengths: Sequence[int]) -> float:
    """The share of a batch's tokens that are padding when each batch is padded to its longest example."""
    padded = sum(len(batch) * max(lengths[i] for i in batch) for batch in batches)
    return 1 - sum(lengths[i] for batch in batches for i in batch) / padded


def _lengths(count: int, low: int, high: int, seed: int = 0) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(low, high) for _ in range(count)]


def _random_batches(count: int, batch_size: int, seed: int = 1) -> list[list[int]]:
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [order[i:i + batch_size] for i in range(0, count, batch_size)]


@exercise("07.2 · a batch sampler of your own")
def check_bucket_sampler(sampler_class: type) -> str:
    """``sampler_class(lengths, batch_size, seed=...)`` must be a batch sampler: every index once per epoch,
    little padding, a new order each epoch and the same epochs for the same seed, and ``len()`` = batches."""
    lengths, batch_size = _lengths(203, 20, 60), 8
    sampler = sampler_class(lengths, batch_size, seed=0)
    epochs = [[list(batch) for batch in sampler] for _ in range(2)]
    for number, batches in enumerate(epochs, start=1):
        expect(sorted(i for batch in batches for i in batch) == list(range(len(lengths))),
               f"epoch {number}: every index 0..{len(lengths) - 1} must appear in exactly one batch (indices, "
               "not lengths)")
        expect(all(0 < len(batch) <= batch_size for batch in batches),
               f"epoch {number}: every batch must hold 1 to batch_size={batch_size} indices")
    batches = epochs[0]
    full = math.ceil(len(lengths) / batch_size)
    expect(len(batches) <= full + full // 4,
           f"{len(batches)} batches where {full} would hold every pair: too many small batches")
    expect(len(sampler) == len(batches), f"len(sampler) is {len(sampler)} but an epoch yields {len(batches)} batches: "
                                         "DataLoader reports len() as the number of batches")
    random_padding = padded_fraction(_random_batches(len(lengths), batch_size), lengths)
    padding = padded_fraction(batches, lengths)
    expect(padding < random_padding / 2,
           f"{padding:.1%} of the tokens are padding, {random_padding:.1%} in random batches: put pairs of similar "
           "length in the same batch")
    longest = [max(lengths[i] for i in batch) for batch in batches]
    expect(longest != sorted(longest) and longest != sorted(longest, reverse=True),
           "the batches come in order of length: shuffle the order of the batches too")
    expect(epochs[0] != epochs[1], "the second epoch repeated the first: draw a new order each time the sampler is "
                                   "iterated")
    again = sampler_class(lengths, batch_size, seed=0)
    expect([list(b) for b in again] == epochs[0] and [list(b) for b in again] == epochs[1],
           "a new sampler with the same seed gave other epochs: draw every random choice from a generator seeded "
           "with seed (and the epoch)")
    other = [list(b) for b in sampler_class(lengths, batch_size, seed=1)]
    expect(other != epochs[0], "seed=1 gave the same batches as seed=0: use the seed")
    return f"{padding:.1%} of the tokens are padding ({random_padding:.1%} in random batches)"


def _round_up(length: int, multiple: int) -> int:
    return multiple * math.ceil(length / multiple)


def _fewest_batches(lengths: Sequence[int], max_tokens: int, multiple: int) -> int:
    """Batches a greedy cut of the length-sorted pairs needs (a short, near-full batch each)."""
    count, size = 0, 0
    for length in sorted(lengths):
        if (size + 1) * _round_up(length, multiple) > max_tokens:
            count, size = count + 1, 0
        size += 1
    return count + (size > 0)


@exercise("07.3 · batches by a token budget")
def check_token_budget_batches(token_budget_batches: Callable) -> str:
    """``token_budget_batches(lengths, max_tokens, multiple)`` must cut every index into batches whose padded size
    (pairs × the longest length rounded up to a multiple of ``multiple``) is at most ``max_tokens``, with few
    batches."""
    summary = ""
    for max_tokens, multiple, seed in ((1024, 8, 0), (512, 1, 1), (2000, 64, 2)):
        lengths = _lengths(300, 20, 120, seed)
        case = f"max_tokens={max_tokens}, multiple={multiple}"
        batches = [list(batch) for batch in token_budget_batches(lengths, max_tokens, multiple)]
        expect(sorted(i for batch in batches for i in batch) == list(range(len(lengths))),
               f"{case}: every index 0..{len(lengths) - 1} must appear in exactly one batch")
        for batch in batches:
            longest = max(lengths[i] for i in batch)
            padded = len(batch) * _round_up(longest, multiple)
            expect(len(batch) * longest <= max_tokens,
                   f"{case}: a batch of {len(batch)} pairs, the longest {longest} tokens, pads to more than "
                   f"max_tokens ({len(batch) * longest})")
            expect(padded <= max_tokens,
                   f"{case}: a batch of {len(batch)} pairs, the longest {longest} tokens, is padded to a multiple of "
                   f"{multiple}: {padded} tokens, over max_tokens")
        fewest = _fewest_batches(lengths, max_tokens, multiple)
        expect(len(batches) <= fewest + fewest // 10 + 1,
               f"{case}: {len(batches)} batches where {fewest} are enough: fill each batch up to the budget, and "
               "let pairs of similar length share one so that short pairs fill it")
        if not summary:
            sizes = sorted(len(batch) for batch in batches)
            summary = (f"{len(batches)} batches of {sizes[0]} to {sizes[-1]} pairs under {max_tokens} tokens, "
                       f"{padded_fraction(batches, lengths):.1%} padding (before rounding up to a multiple of "
                       f"{multiple})")
    return summary
