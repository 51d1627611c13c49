"""benchmarks.timing: candidates timed in turns by torch.utils.benchmark, and verdicts only beyond the spread."""

import time

import pytest
import torch

from benchmarks.timing import (
    Comparison,
    compare,
    compare_table,
    describe_hardware,
    from_times,
    time_steps,
    verdict,
    verdict_table,
)


def measured(name, times):
    return from_times(times, label="test", sub_label=name)


BASELINE = measured("baseline", [1.00, 0.98, 1.02, 0.99, 1.01])  # IQR 2 % of the median


def test_a_speedup_counts_only_beyond_the_interquartile_range():
    assert verdict(BASELINE, measured("half", [0.50, 0.49, 0.51, 0.50])).word == "faster"
    assert verdict(BASELINE, measured("double", [2.0, 2.1, 1.9])).word == "slower"
    close = verdict(BASELINE, measured("close", [0.99, 0.985, 0.995]))  # 1.01x: inside the 2 %
    assert close.speedup == pytest.approx(1 / 0.99) and close.word == "within the noise"
    noisy = verdict(BASELINE, measured("noisy", [0.2, 0.4, 0.8, 1.2]))  # median 0.6, 1.67x, but IQR 92 % of it
    assert noisy.noise == pytest.approx(0.55 / 0.6) and noisy.speedup > 1.5 and noisy.word == "within the noise"
    assert str(verdict(BASELINE, measured("half", [0.5, 0.5]))) == "2.00× (faster: IQR 2% of the median)"


def test_a_single_block_has_no_spread_and_is_refused():
    with pytest.raises(ValueError, match="no spread"):
        verdict(BASELINE, measured("once", [0.5]))
    with pytest.raises(ValueError, match="times > 0"):
        measured("none", [])


def test_time_steps_takes_turns_and_merges_each_candidates_rounds():
    calls = []
    candidates = {name: (lambda name=name: calls.append(name) or time.sleep(0.002)) for name in ("a", "b")}
    measurements = time_steps(candidates, label="turns", min_run_time=0.03, rounds=3)
    assert [m.task_spec.sub_label for m in measurements] == ["a", "b"]
    assert all(m.task_spec.label == "turns" and len(m.times) >= 3 for m in measurements)
    turns = [name for i, name in enumerate(calls) if i == 0 or calls[i - 1] != name]
    assert turns == ["a", "b"] * 3  # round by round, not all of a's time first
    assert all(m.median >= 0.002 for m in measurements)  # a sleep lasts at least its time: a floor, not a race


def test_time_steps_refuses_nothing_to_time():
    with pytest.raises(ValueError, match="nothing to time"):
        time_steps({}, label="x")
    with pytest.raises(ValueError, match="rounds >= 1"):
        time_steps({"a": lambda: None}, label="x", rounds=0)


def test_tables_name_every_candidate_and_its_verdict():
    half = measured("half", [0.5, 0.49, 0.51])
    table = compare_table([BASELINE, half])
    assert "test" in table and "baseline" in table and "half" in table
    rows = verdict_table({"half the work": verdict(BASELINE, half)}).splitlines()
    assert rows[2] == "| half the work | baseline | 1 | 0.5 | 2.00× | 2% | faster |"


def test_a_comparison_judges_each_candidate_against_its_baseline():
    steps = {"slow": lambda: time.sleep(0.004), "fast": lambda: None, "also slow": lambda: time.sleep(0.004)}
    comparison = compare(steps, baseline="slow", label="sleeps", min_run_time=0.06, rounds=2)
    assert list(comparison.measurements) == ["slow", "fast", "also slow"]
    assert set(comparison.verdicts) == {"fast", "also slow"}
    assert comparison.verdicts["fast"].speedup > 1  # no sleep takes less than a 4 ms sleep: a floor, not a race
    assert comparison.table().startswith("**sleeps**\n\n| candidate | baseline |")
    assert comparison._repr_markdown_() == comparison.table()
    with pytest.raises(ValueError, match="baseline 'none' is not among"):
        compare(steps, baseline="none", label="sleeps")


def test_faster_lists_only_verdicts_beyond_the_noise_fastest_first():
    comparison = Comparison("t", "baseline", {"baseline": BASELINE, "half": measured("half", [0.5, 0.51, 0.49]),
                                              "quarter": measured("quarter", [0.25, 0.26, 0.24]),
                                              "same": measured("same", [1.0, 1.01, 0.99])})
    assert comparison.faster() == ["quarter", "half"]


def test_describe_hardware_names_the_cpu_and_threads():
    line = describe_hardware(torch.device("cpu"))
    assert line.startswith("CPU: ") and f"{torch.get_num_threads()} threads" in line and torch.__version__ in line
