"""benchmarks/run.py: runs the lesson through run_notebooks with the parameters given, prints its results."""

import importlib.util
import json

import pytest

from helpers.assets import REPO_ROOT
from helpers.results import SCHEMA

spec = importlib.util.spec_from_file_location("benchmark_run", REPO_ROOT / "benchmarks" / "run.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)

THREE_WAYS = {
    "schema": SCHEMA, "lesson": "06", "title": "Lesson 06: three ways", "hardware": "CPU: test", "profile": "quick",
    "unit": "s per run", "baseline": "manual loop (lesson 02)",
    "rows": [{"name": "manual loop (lesson 02)", "seconds": 30.0, "accuracy": 0.74, "f1": 0.85},
             {"name": "Trainer", "seconds": 24.0, "accuracy": 0.74, "f1": 0.85}],
}


def test_every_benchmark_reads_the_file_its_lesson_writes():
    for prefix, results_file, _ in benchmark.BENCHMARKS.values():
        notebook = json.loads(next((REPO_ROOT / "notebooks").glob(f"{prefix}_*.ipynb")).read_text())
        code = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
        assert f'"lesson{prefix}"' in code and f'"{results_file.name}"' in code and "helpers.save_results(" in code


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
    assert "| Trainer | 24.000 | 1.25× manual loop (lesson 02) | 0.7400 | 0.8500 |" in capsys.readouterr().out


def test_main_fails_instead_of_printing_stale_results(fake_lesson, monkeypatch, capsys):
    calls, results_file = fake_lesson
    results_file.write_text(json.dumps(THREE_WAYS))  # a previous run's file
    monkeypatch.setattr(benchmark, "run_notebooks", lambda command: calls.append(command) or 0)
    assert benchmark.main(["three-ways"]) == 1
    assert "did not finish" in capsys.readouterr().err
