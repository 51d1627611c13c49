"""Measurement: saved activations; step timing by windows; speed-ups called only above their noise; matmul rate."""

from types import SimpleNamespace

import pytest
import torch

from helpers.measure import (
    compare,
    describe_hardware,
    matmul_gflops,
    median_step_seconds,
    relative_spread,
    saved_for_backward,
    time_steps,
    window_means,
)


def test_time_steps_times_each_call_between_two_synchronizations(monkeypatch):
    """On a clock that only the steps move: each call's own time, read after the GPU's queue is drained."""
    import helpers.measure as measure

    durations = [10.0, 10.0, 2.0, 2.0, 3.0, 2.0, 2.0, 5.0]  # 2 warm-up calls, then 3 windows of 2
    now, events = [0.0], []

    def step():
        events.append("step")
        now[0] += durations[events.count("step") - 1]

    monkeypatch.setattr(measure, "time", SimpleNamespace(perf_counter=lambda: now[0]))
    monkeypatch.setattr(measure, "synchronize", lambda: events.append("sync"))
    seconds = time_steps(step, warmup=2, windows=3, window=2)
    assert seconds == durations  # warm-up included: the caller drops it (median_step_seconds)
    assert events == ["sync", "step", "sync"] * 8


def test_median_step_seconds_ignores_warmup_and_one_slow_window():
    step_seconds = [9.0, 9.0] + [1.0, 1.0] + [5.0, 5.0] + [1.2, 0.8] + [1.0]  # a trailing partial window is left out
    assert median_step_seconds(step_seconds, warmup=2, window=2) == 1.0
    with pytest.raises(ValueError, match="at least 4 step times"):
        median_step_seconds([1.0, 1.0, 1.0], warmup=2, window=2)


def test_window_means_are_the_repeats_the_median_is_taken_over():
    assert window_means([9.0, 1.0, 2.0, 3.0, 5.0, 7.0], warmup=1, window=2) == [1.5, 4.0]  # 7.0: partial window
    with pytest.raises(ValueError, match="at least 3 step times"):
        window_means([1.0, 1.0], warmup=1, window=2)


def test_relative_spread_is_the_range_over_the_median():
    assert relative_spread([0.9, 1.0, 1.1]) == pytest.approx(0.2)
    assert relative_spread([2.0]) == 0.0
    with pytest.raises(ValueError):
        relative_spread([])


def test_a_speedup_counts_only_above_the_spread_of_the_repeats():
    baseline = [1.00, 1.04, 0.96]  # spread 8 %
    assert compare(baseline, [0.50, 0.51, 0.49]).verdict == "faster"
    assert compare(baseline, [2.0, 2.1]).verdict == "slower"
    within = compare(baseline, [0.95, 0.94])  # 1.05x: real-looking, but inside the baseline's 8 %
    assert within.speedup == pytest.approx(1 / 0.945) and within.verdict == "within the noise"
    noisy = compare([1.0, 1.0], [0.5, 1.0, 0.7])  # 1.43x, but the candidate's own repeats span 71 %
    assert noisy.noise == pytest.approx(0.5 / 0.7) and noisy.verdict == "within the noise"
    assert str(compare(baseline, [0.5, 0.5])) == "2.00× (faster: repeats spread 8%)"


def test_a_comparison_without_repeats_is_refused():
    with pytest.raises(ValueError, match="no spread"):
        compare([1.0], [0.5])
    with pytest.raises(ValueError, match="at least one measurement"):
        compare([], [0.5, 0.4])


def test_saved_for_backward_counts_activations_that_grow_with_the_batch_not_the_weights():
    model = torch.nn.Sequential(torch.nn.Linear(100, 200), torch.nn.ReLU(), torch.nn.Linear(200, 10))
    kept = {}
    for rows in (8, 16):
        with saved_for_backward(exclude=model.parameters()) as saved:
            loss = model(torch.randn(rows, 100)).sum()
        loss.backward()
        kept[rows] = saved.mib * 2**20
    assert kept[8] == 8 * (100 + 200) * 4  # the input and the ReLU's output (the second layer's input: counted once)
    assert kept[16] == 2 * kept[8]
    with saved_for_backward() as with_weights:  # negative control: without the exclusion the weights count too
        model(torch.randn(8, 100)).sum()
    assert with_weights.mib * 2**20 == kept[8] + 200 * 10 * 4  # + the 2nd layer's weight (its input's gradient)


def test_matmul_gflops_counts_two_flops_per_multiply_add_over_the_fastest_time(monkeypatch):
    import helpers.measure as measure

    timed = []

    def fake_time_steps(step, warmup, windows, window):
        product = step()
        timed.append((product.shape, windows, window))
        return [0.5, 0.002, 0.001]  # a peak: the fastest repeat, not the median or the mean

    monkeypatch.setattr(measure, "time_steps", fake_time_steps)
    rate = matmul_gflops(size=256, repeats=3)
    assert timed == [((256, 256), 3, 1)]
    assert rate == pytest.approx(2 * 256**3 / 0.001 / 1e9)


def test_describe_hardware_names_the_cpu_and_threads():
    line = describe_hardware(torch.device("cpu"))
    assert line.startswith("CPU: ") and f"{torch.get_num_threads()} threads" in line and torch.__version__ in line
