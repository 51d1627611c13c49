"""benchmarks/run.py: runs the lesson through run_notebooks with the parameters given, prints its results."""

import importlib.util
import json

import pytest

from helpers.assets import REPO_ROOT

spec = importlib.util.spec_from_file_location("benchmark_run", REPO_ROOT / "benchmarks" / "run.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)

FAST_AND_LEAN = {
    "hardware": "CPU: test, 2 threads", "peak_gflops": 64.0, "profile": "quick",
    "padding": {"pad to 128": {"seconds": 1.6, "padded": 0.64}, "dynamic (course)": {"seconds": 0.8, "padded": 0.14},
                "length-grouped": {"seconds": 0.64, "padded": 0.03}},
    "mixed_precision": {"torch.bfloat16": {"seconds": 8.0}},
    "optimizer_step_seconds": {"for-loop": 0.15, "fused": 0.03},
    "compile": None,
    "runs": {"course loop": {"seconds": 0.75, "accuracy": 0.88, "f1": 0.92},
             "tuned loop": {"seconds": 0.5, "accuracy": 0.87, "f1": 0.91}},
}
THREE_WAYS = {
    "device": "cpu", "profile": "quick", "steps": 40, "batch_size": 8, "repeats": 2,
    "optimizer_step_ms": {"course: fused=None": 150.0, "Trainer: fused=True": 30.0},
    "runs": {"manual loop (lesson 02)": {"seconds": 30.0, "all_seconds": [29.0, 31.0], "accuracy": 0.74, "f1": 0.85},
             "Trainer": {"seconds": 24.0, "all_seconds": [24.0, 24.0], "accuracy": 0.74, "f1": 0.85}},
}


def test_fast_and_lean_table_gives_ratios_to_the_course_loop():
    table = benchmark.fast_and_lean_table(FAST_AND_LEAN)
    assert "64 GFLOP/s" in table and "quick profile" in table
    assert "| padding: pad to 128 (64% pad) | 1.600 | 0.50× |" in table
    assert "| padding: length-grouped (3% pad) | 0.640 | 1.25× |" in table
    assert "| autocast bfloat16 | 8.000 | 0.10× |" in table
    assert "| tuned loop (full run) | 0.500 | 1.50× | 0.8700 | 0.9100 |" in table


def test_three_ways_table_gives_throughput_ratios_and_every_run():
    table = benchmark.three_ways_table(THREE_WAYS)
    assert "median of 2 run(s)" in table and "course: fused=None 150 ms" in table
    assert "| manual loop (lesson 02) | 30.0 | 29.0 / 31.0 | 10.7 | 1.00× |" in table
    assert "| Trainer | 24.0 | 24.0 / 24.0 | 13.3 | 1.25× |" in table


@pytest.fixture
def fake_lesson(monkeypatch, tmp_path):
    """Replace the notebook run: record the command, write a results file (or not)."""
    calls = []
    results_file = tmp_path / "results.json"

    def run_notebooks(command, writes=True):
        calls.append(command)
        if writes:
            results_file.write_text(json.dumps(THREE_WAYS))
        return 0

    monkeypatch.setitem(benchmark.BENCHMARKS, "three-ways", ("06", results_file, {"comparison_repeats": "3"}))
    monkeypatch.setattr(benchmark, "run_notebooks", run_notebooks)
    return calls, results_file


def test_main_passes_parameters_and_prints_the_lessons_results(fake_lesson, capsys, tmp_path):
    calls, _ = fake_lesson
    assert benchmark.main(["three-ways", "-p", "profile", "full", "--out", str(tmp_path)]) == 0
    assert calls == [["06", "--out", str(tmp_path), "-p", "comparison_repeats", "3", "-p", "profile", "full"]]
    assert "| Trainer | 24.0 |" in capsys.readouterr().out


def test_main_fails_instead_of_printing_stale_results(fake_lesson, monkeypatch, capsys):
    calls, results_file = fake_lesson
    results_file.write_text(json.dumps(THREE_WAYS))  # a previous run's file
    monkeypatch.setattr(benchmark, "run_notebooks", lambda command: calls.append(command) or 0)
    assert benchmark.main(["three-ways"]) == 1
    assert "did not finish" in capsys.readouterr().err
