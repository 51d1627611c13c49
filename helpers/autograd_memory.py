"""What autograd keeps for ``backward()`` while a block runs: the activations, and autocast's copies of the
weights apart (lesson 07's memory measurements; timing is in ``benchmarks/``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch


@dataclass
class SavedTensors:
    """Bytes of the tensors autograd saved for ``backward()``, each storage counted once: activations, and the
    copies of excluded tensors (autocast's 16-bit copies of the weights) apart."""

    storages: dict[int, int] = field(default_factory=dict)
    copies: dict[int, int] = field(default_factory=dict)

    @property
    def mib(self) -> float:
        return sum(self.storages.values()) / 2**20

    @property
    def copies_mib(self) -> float:
        return sum(self.copies.values()) / 2**20


def _copied_from(tensor: torch.Tensor, excluded: set[int]) -> bool:
    """Whether ``tensor`` is a dtype cast (``.to()``, as autocast makes) of one of the ``excluded`` storages, or a
    view of one (``.t()``): a chain of one-input steps through a ``ToCopyBackward0`` back to that leaf."""
    grad_fn, cast = tensor.grad_fn, False
    while grad_fn is not None:
        if type(grad_fn).__name__ == "AccumulateGrad":
            return cast and grad_fn.variable.untyped_storage().data_ptr() in excluded
        cast = cast or type(grad_fn).__name__ == "ToCopyBackward0"
        inputs = [fn for fn, _ in grad_fn.next_functions if fn is not None]
        grad_fn = inputs[0] if len(inputs) == 1 else None
    return False


@contextmanager
def saved_for_backward(exclude: Iterable[torch.Tensor] = ()) -> Iterator[SavedTensors]:
    """Count what autograd keeps for ``backward()`` while the block runs: the activations, which grow with the
    batch. Tensors sharing a storage with one in ``exclude`` (pass ``model.parameters()``) are not counted, and
    casts of them (autocast's) are counted apart, in ``copies``."""
    excluded = {t.untyped_storage().data_ptr() for t in exclude}
    saved = SavedTensors()

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in excluded and storage.nbytes():
            kind = saved.copies if _copied_from(tensor, excluded) else saved.storages
            kind[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        yield saved
