"""The length-grouped batch sampler: each index once per epoch, seeded, less padding than random batches."""

import random

import pytest

from helpers.samplers import LengthGroupedBatchSampler

_rng = random.Random(0)
LENGTHS = [_rng.randint(20, 60) for _ in range(203)]  # 203: the last batch is short


def padded_fraction(batches, lengths):
    padded = sum(len(b) * max(lengths[i] for i in b) for b in batches)
    return 1 - sum(lengths) / padded


@pytest.mark.parametrize("group_batches", [1, 4, 16, 1000])
def test_every_index_exactly_once_per_epoch(group_batches):
    sampler = LengthGroupedBatchSampler(LENGTHS, batch_size=8, seed=1, group_batches=group_batches)
    for _ in range(3):
        batches = list(sampler)
        assert sorted(i for b in batches for i in b) == list(range(len(LENGTHS)))
        assert len(batches) == len(sampler) == 26
        assert sorted(len(b) for b in batches)[0] == 203 % 8 and all(len(b) <= 8 for b in batches)


def test_deterministic_under_a_seed_and_new_order_each_epoch():
    first, second = (LengthGroupedBatchSampler(LENGTHS, 8, seed=7) for _ in range(2))
    epoch0, epoch1 = list(first), list(first)
    assert epoch0 == list(second) and epoch1 == list(second)
    assert epoch0 != epoch1
    assert epoch0 != list(LengthGroupedBatchSampler(LENGTHS, 8, seed=8))


def test_set_epoch_replays_an_epoch():
    sampler = LengthGroupedBatchSampler(LENGTHS, 8, seed=3)
    epochs = [list(sampler) for _ in range(3)]
    sampler.set_epoch(1)
    assert list(sampler) == epochs[1]
    assert list(sampler) == epochs[2]


def test_groups_cut_padding_well_below_random_batches():
    random_batches = [list(range(i, min(i + 8, 203))) for i in range(0, 203, 8)]  # lengths are random
    grouped = list(LengthGroupedBatchSampler(LENGTHS, 8, seed=0, group_batches=16))
    assert padded_fraction(grouped, LENGTHS) < padded_fraction(random_batches, LENGTHS) / 4


def test_drop_last_drops_only_the_short_batch():
    sampler = LengthGroupedBatchSampler(LENGTHS, 8, seed=0, drop_last=True)
    batches = list(sampler)
    assert len(batches) == len(sampler) == 25 and all(len(b) == 8 for b in batches)
    assert len({i for b in batches for i in b}) == 200


@pytest.mark.parametrize("kwargs", [{"batch_size": 0}, {"group_batches": 0}, {"lengths": []}])
def test_bad_arguments_say_what_to_pass(kwargs):
    arguments = {"lengths": LENGTHS, "batch_size": 8} | kwargs
    with pytest.raises(ValueError, match="must be >= 1|one length per example"):
        LengthGroupedBatchSampler(**arguments)
