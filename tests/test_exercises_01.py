"""Lesson 01's exercise checks: the reference solutions pass, typical wrong answers fail with their hint, and an
unattempted starter is reported as such."""

import pytest
from transformers import AutoTokenizer, DataCollatorWithPadding

from helpers.assets import resolve_assets
from helpers.exercises import NOT_ATTEMPTED
from helpers.exercises.lesson01 import (
    check_collator_multiple_of_8,
    check_count_truncated,
    check_length_sorted_batches,
    padded_tokens,
)
from helpers.mrpc import load_mrpc


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(resolve_assets("bundled", "quick", verbose=False).checkpoint)


@pytest.fixture(scope="module")
def pairs():
    return load_mrpc(resolve_assets("bundled", "quick", verbose=False))["train"].select(range(300))


def full_lengths(tokenizer, dataset):
    return [len(ids) for ids in tokenizer(list(dataset["sentence1"]), list(dataset["sentence2"]))["input_ids"]]


def count_truncated(tokenizer, dataset, max_length):
    return sum(n > max_length for n in full_lengths(tokenizer, dataset))


def length_sorted_batches(lengths, batch_size):
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def starter(*args):
    raise NotImplementedError


def test_reference_solutions_pass(tokenizer, pairs, capsys):
    assert check_count_truncated(count_truncated, tokenizer, pairs)
    assert check_collator_multiple_of_8(DataCollatorWithPadding(tokenizer, pad_to_multiple_of=8), tokenizer)
    assert check_length_sorted_batches(length_sorted_batches)
    assert capsys.readouterr().out.count("✓") == 3


def test_unattempted_exercises_say_so(tokenizer, pairs):
    for verdict in (check_count_truncated(starter, tokenizer, pairs, quiet=True),
                    check_collator_multiple_of_8(None, tokenizer, quiet=True),
                    check_length_sorted_batches(starter, quiet=True)):
        assert verdict.passed is None and verdict.message == NOT_ATTEMPTED and not verdict


@pytest.mark.parametrize("wrong, hint", [
    (lambda t, d, m: sum(n >= m for n in full_lengths(t, d)), "a pair of exactly max_length tokens fits"),
    (lambda t, d, m: sum(max(0, n - m) for n in full_lengths(t, d)), "count pairs, not the tokens cut"),
    (lambda t, d, m: sum(len(a.split()) + len(b.split()) > m for a, b in zip(d["sentence1"], d["sentence2"],
                                                                             strict=True)),
     "special tokens included"),
    (lambda t, d, m: float(count_truncated(t, d, m)), "return the count as an int"),
])
def test_wrong_truncation_counts_get_their_hint(tokenizer, pairs, wrong, hint):
    verdict = check_count_truncated(wrong, tokenizer, pairs, quiet=True)
    assert verdict.passed is False and hint in verdict.message


def test_the_exact_fit_hint_needs_a_pair_of_exactly_max_length(tokenizer, pairs):
    """The check's first length is one some pairs have exactly: `>=` and `>` then differ (else the hint is vacuous)."""
    lengths = full_lengths(tokenizer, pairs)
    exact = sorted(lengths)[len(lengths) // 2]
    assert sum(n >= exact for n in lengths) > sum(n > exact for n in lengths)


@pytest.mark.parametrize("collator, hint", [
    ("plain", "not a multiple of 8"),
    ("max_length", "pad only to the next multiple of 8"),
    ("object", "build the collator object itself"),
])
def test_wrong_collators_get_their_hint(tokenizer, collator, hint):
    made = {"plain": DataCollatorWithPadding(tokenizer),
            "max_length": DataCollatorWithPadding(tokenizer, padding="max_length", max_length=64),
            "object": "DataCollatorWithPadding"}[collator]
    verdict = check_collator_multiple_of_8(made, tokenizer, quiet=True)
    assert verdict.passed is False and hint in verdict.message


@pytest.mark.parametrize("wrong, hint", [
    (lambda lengths, b: [list(range(len(lengths)))[i:i + b] for i in range(0, len(lengths), b)],
     "put pairs of similar length in the same batch"),
    (lambda lengths, b: [sorted(lengths)[i:i + b] for i in range(0, len(lengths), b)], "indices, not lengths"),
    (lambda lengths, b: [sorted(range(len(lengths)), key=lengths.__getitem__)], "batch_size=8"),
])
def test_wrong_batch_orders_get_their_hint(wrong, hint):
    verdict = check_length_sorted_batches(wrong, quiet=True)
    assert verdict.passed is False and hint in verdict.message


def test_padded_tokens_pads_each_batch_to_its_longest():
    assert padded_tokens([[0, 1], [2]], [3, 5, 4]) == 2 * 5 + 4
