"""Measuring a stretch of code: peak memory (the GPU's allocator on CUDA, the resident set on CPU) and time."""

from __future__ import annotations

import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import torch

PROC = Path("/proc/self")


def reset_peak_memory() -> None:
    """Start a new peak: CUDA's allocator statistics, and on Linux the kernel's resident-set high-water mark."""
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    try:
        (PROC / "clear_refs").write_text("5")  # "5" resets VmHWM (Linux >= 4.0)
    except OSError:
        pass  # not Linux: the peak below is then the process's peak since it started


def _proc_status_mib(field: str) -> float | None:
    """A memory field of /proc/self/status (e.g. ``VmHWM``, ``VmRSS``) in MiB; None where there is none."""
    try:
        for line in (PROC / "status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_memory_mib() -> float:
    """MiB: peak CUDA memory allocated on a GPU, else the peak resident set size since the last reset."""
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    peak = _proc_status_mib("VmHWM")
    if peak is not None:
        return peak
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def current_memory_mib() -> float:
    """MiB in use now: CUDA memory allocated on a GPU, else the resident set size (0.0 where unknown)."""
    if torch.cuda.is_available():
        return torch.cuda.memory_allocated() / 2**20
    current = _proc_status_mib("VmRSS")
    return 0.0 if current is None else current


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


def median_step_seconds(step_seconds: Sequence[float], warmup: int, window: int) -> float:
    """Seconds per step: the median, over consecutive windows of ``window`` steps after ``warmup``, of
    each window's mean. A step slowed by something else on the machine moves one window, not the median."""
    timed = list(step_seconds[warmup:])
    if window < 1 or len(timed) < window:
        raise ValueError(f"need at least {warmup + max(window, 1)} step times, got {len(step_seconds)}")
    means = [sum(timed[i:i + window]) / window for i in range(0, len(timed) - window + 1, window)]
    return statistics.median(means)


def matmul_gflops(size: int = 2048, repeats: int = 5, device: str | torch.device = "cpu",
                  dtype: torch.dtype = torch.float32) -> float:
    """The machine's matmul rate: median GFLOP/s of ``repeats`` (size x size) @ (size x size) products."""
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    a @ b  # warm-up: thread pool, kernel selection
    seconds = time_steps(lambda: a @ b, warmup=0, windows=repeats, window=1)
    return 2 * size**3 / statistics.median(seconds) / 1e9


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
