"""Checks for lesson 07's exercises: a micro-batch that fits a memory budget, a loss scale for float16, and
batches cut by a token budget with lengths padded to a multiple."""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Sequence

import torch

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


def _gauss(count: int, scale: float, seed: int) -> list[float]:
    """Normal draws from Python's generator: the same numbers on every CPU (torch.randn's vector path may not be)."""
    rng = random.Random(seed)
    return [scale * rng.gauss(0, 1) for _ in range(count)]


# (what the gradients are, a flat float32 tensor): the largest |gradient| sets the scale; gradients past 65,504
# need a scale below 1, and a negative one counts as much as a positive one.
SCALE_CASES = {
    "1e-7 × randn": torch.tensor(_gauss(10_000, 1e-7, 0)),
    "10 × randn": torch.tensor(_gauss(10_000, 10.0, 1)),
    "up to 1.5": torch.tensor([1.5, -0.25, 1e-3, 0.0]),
    "one of 1e5": torch.tensor([1e5, 3.0, -2.0]),
    "the largest negative": torch.tensor([-300.0, 2.0, 0.5]),
}


def _finite(gradients: torch.Tensor, scale: float) -> bool:
    return bool(torch.isfinite((gradients * scale).half()).all())


@exercise("07.2 · a loss scale for float16")
def check_loss_scale(choose_loss_scale: Callable) -> str:
    """``choose_loss_scale(gradients)`` must return the largest power of two ``S`` with every entry of
    ``gradients * S`` finite in float16."""
    for case, gradients in SCALE_CASES.items():
        got = choose_loss_scale(gradients.clone())
        expect(isinstance(got, numbers.Real | torch.Tensor) and not isinstance(got, bool),
               f"{case}: return the scale as a number (got {got!r})")
        scale = float(got)
        expect(scale > 0 and math.log2(scale).is_integer(),
               f"{case}: {scale:g} is not a power of two: GradScaler's scales are, so that multiplying and dividing "
               "by them changes only the exponent and loses nothing")
        largest = gradients.abs().max().item()
        expect(_finite(gradients, scale) or scale < 1 or largest <= 65504,
               f"{case}: the largest |gradient| is {largest:g}, past float16's 65,504: only a scale below 1 keeps it "
               "finite")
        expect(_finite(gradients, scale) or not _finite(gradients.clamp(min=0), scale),
               f"{case}: gradients * {scale:g} overflows in float16: the largest *magnitude* sets the scale, and "
               "negative gradients count too")
        expect(_finite(gradients, scale), f"{case}: gradients * {scale:g} has an infinity in float16 (largest finite "
                                          "value 65,504): the scale is too large")
        expect(not _finite(gradients, 2 * scale), f"{case}: {2 * scale:g} also keeps every gradient finite: take the "
                                                  "largest such power of two, so fewer small gradients round to 0")
    gradients = SCALE_CASES["1e-7 × randn"]
    scale = float(choose_loss_scale(gradients.clone()))
    zeros = [((gradients * s).half() == 0).float().mean().item() for s in (1, scale)]
    return (f"gradients of 1e-7 × randn: {zeros[0]:.0%} round to 0 in float16, {zeros[1]:.0%} after × "
            f"2^{math.log2(scale):.0f}")


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
