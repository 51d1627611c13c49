"""Measuring a stretch of code: the activations autograd keeps for ``backward()``, time, and whether a speed
difference is above its noise."""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import torch


def synchronize() -> None:
    """Wait for queued GPU work, so a clock read after it counts that work (no-op on CPU)."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def time_steps(step: Callable[[], object], warmup: int, windows: int, window: int) -> list[float]:
    """Call ``step()`` ``warmup + windows * window`` times; the wall seconds of each call."""
    seconds = []
    for _ in range(warmup + windows * window):
        synchronize()
        start = time.perf_counter()
        step()
        synchronize()
        seconds.append(time.perf_counter() - start)
    return seconds


def window_means(step_seconds: Sequence[float], warmup: int, window: int) -> list[float]:
    """Mean seconds per step of each consecutive window of ``window`` steps after ``warmup`` (a trailing
    partial window is left out): one repeat of the measurement per window."""
    timed = list(step_seconds[warmup:])
    if window < 1 or len(timed) < window:
        raise ValueError(f"need at least {warmup + max(window, 1)} step times, got {len(step_seconds)}")
    return [sum(timed[i:i + window]) / window for i in range(0, len(timed) - window + 1, window)]


def median_step_seconds(step_seconds: Sequence[float], warmup: int, window: int) -> float:
    """Seconds per step: the median of :func:`window_means`. A step slowed by something else on the
    machine moves one window, not the median."""
    return statistics.median(window_means(step_seconds, warmup, window))


def relative_spread(values: Sequence[float]) -> float:
    """(max - min) / median of repeated measurements: 0.08 means the repeats span 8 % of their median."""
    if not values:
        raise ValueError("no measurements")
    return (max(values) - min(values)) / statistics.median(values)


@dataclass(frozen=True)
class Comparison:
    """Repeats of a baseline and of a candidate (seconds each): the speed-up and whether it is above the noise.

    The noise is the larger relative spread of the two sets of repeats. The candidate is *faster* only when
    its speed-up exceeds ``1 + noise``, *slower* only below ``1 / (1 + noise)``; otherwise the difference is
    *within the noise* and says nothing either way.
    """

    baseline: tuple[float, ...]
    candidate: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.baseline or not self.candidate:
            raise ValueError("compare needs at least one measurement on each side")
        if len(self.baseline) < 2 and len(self.candidate) < 2:
            raise ValueError("a single measurement on each side has no spread: repeat at least one of them")

    @property
    def speedup(self) -> float:
        return statistics.median(self.baseline) / statistics.median(self.candidate)

    @property
    def noise(self) -> float:
        return max(relative_spread(self.baseline), relative_spread(self.candidate))

    @property
    def verdict(self) -> str:
        if self.speedup > 1 + self.noise:
            return "faster"
        if self.speedup < 1 / (1 + self.noise):
            return "slower"
        return "within the noise"

    def __str__(self) -> str:
        return f"{self.speedup:.2f}× ({self.verdict}: repeats spread {self.noise:.0%})"


def compare(baseline: Iterable[float], candidate: Iterable[float]) -> Comparison:
    """Compare repeated timings (seconds: lower is faster) of a baseline and a candidate."""
    return Comparison(tuple(baseline), tuple(candidate))


@dataclass
class SavedTensors:
    """Bytes of the tensors autograd saved for ``backward()``, each storage counted once."""

    storages: dict[int, int] = field(default_factory=dict)

    @property
    def mib(self) -> float:
        return sum(self.storages.values()) / 2**20


@contextmanager
def saved_for_backward(exclude: Iterable[torch.Tensor] = ()) -> Iterator[SavedTensors]:
    """Count what autograd keeps for ``backward()`` while the block runs: the activations, which grow with the
    batch. Tensors sharing a storage with one in ``exclude`` (pass ``model.parameters()``) are not counted."""
    excluded = {t.untyped_storage().data_ptr() for t in exclude}
    saved = SavedTensors()

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in excluded and storage.nbytes():
            saved.storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        yield saved


def matmul_gflops(size: int = 2048, repeats: int = 5, device: str | torch.device = "cpu",
                  dtype: torch.dtype = torch.float32) -> float:
    """The machine's matmul peak: GFLOP/s of the fastest of ``repeats`` (size x size) @ (size x size) products
    (a peak is what the machine can do, so a busy moment in one repeat does not lower it)."""
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    a @ b  # warm-up: thread pool, kernel selection
    seconds = time_steps(lambda: a @ b, warmup=0, windows=repeats, window=1)
    return 2 * size**3 / min(seconds) / 1e9


def describe_hardware(device: torch.device) -> str:
    """One line naming what timings came from: the GPU, or the CPU model and the threads torch uses."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda}), torch {torch.__version__}"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    name = "Apple GPU (MPS)" if device.type == "mps" else "CPU"
    return f"{name}: {cpu}, {torch.get_num_threads()} threads, torch {torch.__version__}"
