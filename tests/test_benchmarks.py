"""benchmarks/run.py: lesson 07's comparisons, headless, through the same functions the lesson calls."""

import json
import re
import subprocess
import sys

import pytest

from benchmarks import fast_and_lean
from helpers.assets import REPO_ROOT

COMPARISONS = sorted(name for name in vars(fast_and_lean) if name.startswith("compare_"))


def lesson_code() -> str:
    notebook = json.loads((REPO_ROOT / "notebooks" / "07_fast_and_lean.ipynb").read_text())
    return "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")


def test_the_lesson_and_the_script_time_the_same_comparisons():
    script = (REPO_ROOT / "benchmarks" / "run.py").read_text()
    assert COMPARISONS == ["compare_adamw", "compare_autocast", "compare_compile", "compare_matmul", "compare_padding",
                           "compare_runs"]
    for name in COMPARISONS:
        assert f"fast_and_lean.{name}(" in lesson_code() and f"fast_and_lean.{name}(" in script, name


@pytest.mark.slow
def test_run_prints_every_table_with_its_verdicts(tmp_path):
    """A tiny run: 40 pairs (5 steps, 2 of them warm-up), one epoch, short timings. Every comparison prints its
    table, each candidate a verdict."""
    command = [sys.executable, str(REPO_ROOT / "benchmarks" / "run.py"), "--source", "bundled", "--profile", "quick",
               "--train-pairs", "40", "--epochs", "1", "--min-run-time", "0.05"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for label in ("padding: seconds per pass over the same pairs", "one 1024×1024 matmul",
                  "a training step, same batch", "AdamW: optimizer.step() alone", "whole runs: seconds per step"):
        assert f"**{label}**" in out, label
    rows = re.findall(r"^\| (.+?) \| (.+?) \|.*\| (faster|slower|within the noise) \|$", out, flags=re.MULTILINE)
    assert {(candidate, baseline) for candidate, baseline, _ in rows} >= {
        ("pad to 128", "dynamic (course)"), ("length-grouped", "dynamic (course)"),
        ("bfloat16 matmul", "float32 matmul"), ("autocast bfloat16", "fp32"), ("fused", "for-loop"),
        ("fused, word embeddings frozen", "for-loop"), ("tuned loop", "course loop")}
    assert "tuned loop: " in out and "[------" in out  # the choice, and Compare's table
