"""Peak memory of a stretch of code: the GPU's allocator on CUDA, the process's resident set on CPU."""

from __future__ import annotations

import resource
import sys
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


def peak_memory_mib() -> float:
    """MiB: peak CUDA memory allocated on a GPU, else the peak resident set size since the last reset."""
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    try:
        for line in (PROC / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux
