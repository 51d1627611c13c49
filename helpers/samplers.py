"""Batches of similar length: less padding per batch, the same examples once per epoch."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import Sampler


class LengthGroupedBatchSampler(Sampler[list[int]]):
    """Yield batches of indices whose examples have similar lengths, in a seeded random order.

    Each epoch: shuffle all indices, cut them into groups of ``batch_size * group_batches``, sort each
    group by length (longest first), cut it into batches, and shuffle the order of all batches. Every
    index appears exactly once per epoch; the same ``seed`` and epoch give the same batches. Larger
    groups mean less padding and less randomness in which examples share a batch.

    Pass it as ``DataLoader(dataset, batch_sampler=..., collate_fn=...)``. The epoch advances by one
    each time the sampler is iterated; :meth:`set_epoch` sets it (e.g. when resuming).
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, seed: int = 0, group_batches: int = 16,
                 drop_last: bool = False) -> None:
        if batch_size < 1 or group_batches < 1:
            raise ValueError(f"batch_size and group_batches must be >= 1, got {batch_size} and {group_batches}")
        if len(lengths) == 0:
            raise ValueError("lengths is empty: pass one length per example (e.g. len(input_ids))")
        self.lengths = list(lengths)
        self.batch_size, self.seed, self.group_batches, self.drop_last = batch_size, seed, group_batches, drop_last
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Make the next iteration yield ``epoch``'s batches."""
        self.epoch = epoch

    def __len__(self) -> int:
        n, size = len(self.lengths), self.batch_size
        return n // size if self.drop_last else -(-n // size)

    def __iter__(self) -> Iterator[list[int]]:
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        self.epoch += 1
        order = torch.randperm(len(self.lengths), generator=generator).tolist()
        group_size = self.batch_size * self.group_batches
        batches = []
        for start in range(0, len(order), group_size):
            group = sorted(order[start:start + group_size], key=lambda i: -self.lengths[i])
            batches += [group[i:i + self.batch_size] for i in range(0, len(group), self.batch_size)]
        # Only the last group can end in a short batch; with drop_last it goes.
        if self.drop_last and len(batches[-1]) < self.batch_size:
            batches.pop()
        for k in torch.randperm(len(batches), generator=generator).tolist():
            yield batches[k]
