"""Checks for lesson 01's exercises: truncation, padding to a multiple of 8, and a length-sorted batch order."""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Sequence

from . import exercise, expect


def _full_lengths(tokenizer, dataset) -> list[int]:
    """Tokens per pair as the model sees it ([CLS] s1 [SEP] s2 [SEP]), nothing cut."""
    return [len(ids) for ids in tokenizer(list(dataset["sentence1"]), list(dataset["sentence2"]))["input_ids"]]


@exercise("01.1 · count the truncated pairs")
def check_count_truncated(count_truncated: Callable, tokenizer, dataset) -> str:
    """``count_truncated(tokenizer, dataset, max_length)`` must count the pairs that lose tokens at ``max_length``
    (checked on the first 300 pairs of ``dataset``, at three lengths)."""
    dataset = dataset.select(range(min(300, len(dataset))))
    lengths = _full_lengths(tokenizer, dataset)
    exact = sorted(lengths)[len(lengths) // 2]  # some pairs are exactly this long: they fit, nothing is cut
    for max_length in (exact, max(lengths), exact - 7):
        got = count_truncated(tokenizer, dataset, max_length)
        expected = sum(n > max_length for n in lengths)
        expect(isinstance(got, numbers.Integral) and not isinstance(got, bool),
               f"return the count as an int (got {type(got).__name__})")
        expect(got <= len(lengths), f"at max_length={max_length} you counted {got}, more than the "
                                    f"{len(lengths)} pairs: count pairs, not the tokens cut")
        expect(got != sum(n >= max_length for n in lengths) or got == expected,
               f"at max_length={max_length} you counted {got}: a pair of exactly max_length tokens fits, it is not cut")
        expect(got == expected, f"at max_length={max_length} you counted {got} pairs: count a pair when its whole "
                                "tokenization (special tokens included) is longer than max_length")
    cut = sum(n > exact for n in lengths)
    return f"{cut} of {len(lengths)} pairs are longer than max_length={exact} and lose tokens"


def _features(tokenizer, lengths: Sequence[int]) -> list[dict]:
    """Tokenized-looking examples of the given lengths (ids of the word "a"), each with a label."""
    a = tokenizer.convert_tokens_to_ids("a")
    return [{"input_ids": [tokenizer.cls_token_id] + [a] * (n - 2) + [tokenizer.sep_token_id],
             "token_type_ids": [0] * n, "attention_mask": [1] * n, "labels": i % 2} for i, n in enumerate(lengths)]


@exercise("01.2 · pad to a multiple of 8")
def check_collator_multiple_of_8(collator, tokenizer) -> str:
    """``collator`` must pad each batch to the smallest multiple of 8 that holds its longest example."""
    expect(callable(collator), "build the collator object itself (it is called on a list of examples)")
    for lengths in ((9, 14, 5), (16, 3), (33, 40, 12, 7), (3, 4)):
        batch = collator(_features(tokenizer, lengths))
        width = batch["input_ids"].shape[1]
        longest = max(lengths)
        expect(width % 8 == 0,
               f"examples of lengths {list(lengths)} were padded to {width} tokens: not a multiple of 8")
        expect(width == 8 * math.ceil(longest / 8),
               f"examples of lengths {list(lengths)} were padded to {width} tokens: the longest is {longest}, "
               "so pad only to the next multiple of 8, not to a fixed length")
        expect(int(batch["attention_mask"].sum()) == sum(lengths), "the attention mask must be 1 on real tokens only")
    return "every batch is padded to the smallest multiple of 8 that holds its longest example"


def padded_tokens(batches: Sequence[Sequence[int]], lengths: Sequence[int]) -> int:
    """Tokens a model processes when each batch is padded to its longest example."""
    return sum(len(batch) * max(lengths[i] for i in batch) for batch in batches)


@exercise("01.3 · a length-sorted batch order")
def check_length_sorted_batches(length_sorted_batches: Callable) -> str:
    """``length_sorted_batches(lengths, batch_size)`` must use every index once, in batches of ``batch_size``
    (the last may be smaller), with pairs of similar length together."""
    rng = random.Random(0)
    lengths = [rng.randint(20, 100) for _ in range(203)]
    batch_size = 8
    batches = length_sorted_batches(lengths, batch_size)
    batches = [list(batch) for batch in batches]
    seen = sorted(i for batch in batches for i in batch)
    expect(seen == list(range(len(lengths))),
           "every index 0..len(lengths)-1 must appear in exactly one batch (indices, not lengths)")
    sizes = sorted(len(batch) for batch in batches)
    expect(sizes[1:] == [batch_size] * (len(batches) - 1) and 0 < sizes[0] <= batch_size,
           f"batches must hold batch_size={batch_size} indices, except possibly one smaller batch")
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    sorted_batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    reference = max(padded_tokens(sorted_batches, lengths), padded_tokens(sorted_batches[::-1], lengths))
    shuffled = list(range(len(lengths)))
    random.Random(1).shuffle(shuffled)
    random_order = padded_tokens([shuffled[i:i + batch_size] for i in range(0, len(shuffled), batch_size)], lengths)
    got = padded_tokens(batches, lengths)
    expect(got <= reference + 8 * batch_size,
           f"your batches are padded to {got:,} tokens in all, a shuffled order to {random_order:,}: "
           "put pairs of similar length in the same batch")
    return f"{got:,} tokens instead of {random_order:,} in a shuffled order ({1 - got / random_order:.0%} fewer)"
