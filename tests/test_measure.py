"""Measurement: a reset starts a new memory high-water mark; step timing by windows; matmul rate."""

import time

import numpy as np
import pytest
import torch

from helpers.measure import (
    current_memory_mib,
    describe_hardware,
    matmul_gflops,
    median_step_seconds,
    peak_memory_mib,
    reset_peak_memory,
    time_steps,
)


def test_peak_grows_with_an_allocation_and_resets():
    reset_peak_memory()
    before = peak_memory_mib()
    block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
    grown = peak_memory_mib()
    del block
    reset_peak_memory()
    after_reset = peak_memory_mib()
    assert grown - before > 48
    assert after_reset < grown - 48


def test_current_memory_follows_an_allocation_and_its_release():
    before = current_memory_mib()
    block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
    held = current_memory_mib()
    del block
    assert held - before > 48 and current_memory_mib() < held - 48


def test_time_steps_times_each_call():
    calls = []

    def step():
        time.sleep(0.01 if len(calls) < 2 else 0.002)
        calls.append(1)

    seconds = time_steps(step, warmup=2, windows=3, window=2)
    assert len(calls) == 8
    assert len(seconds) == 8 and min(seconds[:2]) > 0.009 and max(seconds[2:]) < 0.009


def test_median_step_seconds_ignores_warmup_and_one_slow_window():
    step_seconds = [9.0, 9.0] + [1.0, 1.0] + [5.0, 5.0] + [1.2, 0.8] + [1.0]  # a trailing partial window is left out
    assert median_step_seconds(step_seconds, warmup=2, window=2) == 1.0
    with pytest.raises(ValueError, match="at least 4 step times"):
        median_step_seconds([1.0, 1.0, 1.0], warmup=2, window=2)


def test_matmul_gflops_counts_two_flops_per_multiply_add_over_the_median_time(monkeypatch):
    import helpers.measure as measure

    timed = []

    def fake_time_steps(step, warmup, windows, window):
        product = step()
        timed.append((product.shape, windows, window))
        return [0.5, 0.001, 0.002]  # one slow outlier: the median, not the mean, is the time

    monkeypatch.setattr(measure, "time_steps", fake_time_steps)
    rate = matmul_gflops(size=256, repeats=3)
    assert timed == [((256, 256), 3, 1)]
    assert rate == pytest.approx(2 * 256**3 / 0.002 / 1e9)


def test_describe_hardware_names_the_cpu_and_threads():
    line = describe_hardware(torch.device("cpu"))
    assert line.startswith("CPU: ") and f"{torch.get_num_threads()} threads" in line and torch.__version__ in line
