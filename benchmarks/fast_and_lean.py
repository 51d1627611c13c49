"""Lesson 07's comparisons, one function each: what is timed against what, with :mod:`benchmarks.timing`.

Every function takes the lesson's own pieces (a training step, batches, optimizers) and returns a
:class:`~benchmarks.timing.Comparison`, whose verdicts say *faster* or *slower* only beyond the spread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import torch

from .timing import Comparison, Measurement, compare, from_times

Batch = dict[str, torch.Tensor]


def compare_padding(step: Callable[[Batch], object], batchings: Mapping[str, Sequence[Batch]], *, baseline: str,
                    min_run_time: float, rounds: int = 2) -> Comparison:
    """Each candidate trains ``step`` over its batches once. Give them the same pairs, batched each its own way,
    and the times differ by the padding alone."""
    passes = {name: (lambda batches=batches: [step(batch) for batch in batches]) for name, batches in batchings.items()}
    return compare(passes, baseline=baseline, label="padding: seconds per pass over the same pairs",
                   min_run_time=min_run_time, rounds=rounds)


def compare_matmul(dtypes: Sequence[torch.dtype], *, device: torch.device, size: int = 1024,
                   min_run_time: float = 0.5) -> Comparison:
    """One (size x size) matrix product in fp32 and in each 16-bit type: what autocast can gain at best."""
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)
    operands = {f"{str(dtype).removeprefix('torch.')} matmul": (a.to(dtype), b.to(dtype))
                for dtype in (torch.float32, *dtypes)}
    products = {name: (lambda pair=pair: pair[0] @ pair[1]) for name, pair in operands.items()}
    return compare(products, baseline="float32 matmul", label=f"one {size}×{size} matmul", min_run_time=min_run_time)


def compare_autocast(step: Callable[[Batch, torch.dtype | None], object], batch: Batch,
                     dtypes: Sequence[torch.dtype], *, min_run_time: float) -> Comparison:
    """A training step on the same batch in fp32 and under autocast in each 16-bit type."""
    steps = {"fp32": lambda: step(batch, None)}
    steps |= {f"autocast {str(dtype).removeprefix('torch.')}": (lambda d=dtype: step(batch, d)) for dtype in dtypes}
    return compare(steps, baseline="fp32", label="a training step, same batch", min_run_time=min_run_time)


def compare_adamw(optimizers: Mapping[str, torch.optim.Optimizer], *, baseline: str,
                  min_run_time: float) -> Comparison:
    """``optimizer.step()`` alone, on the gradients already in the parameters."""
    return compare({name: optimizer.step for name, optimizer in optimizers.items()}, baseline=baseline,
                   label="AdamW: optimizer.step() alone", min_run_time=min_run_time)


def compare_compile(step: Callable[[Batch], object], compiled_step: Callable[[Batch], object], batch: Batch, *,
                    min_run_time: float) -> tuple[float, Comparison]:
    """The compiled step's first call (the compilation, seconds), then eager against compiled on one batch shape."""
    start = time.perf_counter()
    compiled_step(batch)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    compile_seconds = time.perf_counter() - start
    return compile_seconds, compare({"eager": lambda: step(batch), "torch.compile": lambda: compiled_step(batch)},
                                    baseline="eager", label="a training step, same batch", min_run_time=min_run_time)


def compare_runs(step_seconds: Mapping[str, Sequence[float]], *, baseline: str, warmup: int = 2) -> Comparison:
    """Whole training runs, each of its steps (after ``warmup``) one block of the timing."""
    measurements: dict[str, Measurement] = {
        name: from_times(seconds[warmup:], label="whole runs: seconds per step", sub_label=name)
        for name, seconds in step_seconds.items()}
    return Comparison("whole runs: seconds per step", baseline, measurements)
