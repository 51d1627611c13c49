"""One schema for the measurements lesson 06 saves, and the table it prints from them.

A results file is JSON::

    {"schema": "full-training-loop/results/1", "lesson": "07", "title": "...", "hardware": "...",
     "profile": "quick", "unit": "s/step", "baseline": "course loop",
     "rows": [{"name": "course loop", "seconds": 0.75, "accuracy": 0.87, "f1": 0.91, "note": ""}, ...]}

``seconds`` is in ``unit``; a row's speed is printed as a ratio to its ``baseline`` row (the file's, or
the row's own ``baseline`` key), both measured in the same run. ``accuracy``, ``f1``, ``note`` and
``baseline`` are optional per row.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .files import atomic_file
from .notebook import markdown_table

SCHEMA = "full-training-loop/results/1"
FILE_KEYS = ("lesson", "title", "hardware", "profile", "unit", "baseline", "rows")


class ResultsError(ValueError):
    """A results file that does not follow the schema."""


def check_results(results: Any, source: str = "results") -> dict[str, Any]:
    """Return ``results`` if it follows the schema, else raise :class:`ResultsError` saying what is wrong."""
    if not isinstance(results, dict):
        raise ResultsError(f"{source}: expected a JSON object, found {type(results).__name__}.")
    if results.get("schema") != SCHEMA:
        raise ResultsError(f"{source}: schema is {results.get('schema')!r}, expected {SCHEMA!r}: "
                           "run the lesson again to write it in the current format.")
    missing = [key for key in FILE_KEYS if key not in results]
    if missing:
        raise ResultsError(f"{source}: missing {', '.join(missing)}.")
    rows = results["rows"]
    if not isinstance(rows, list) or not rows:
        raise ResultsError(f"{source}: 'rows' must be a non-empty list.")
    names = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            raise ResultsError(f"{source}: row {number} needs a 'name'.")
        seconds = row.get("seconds")
        if not isinstance(seconds, int | float) or not math.isfinite(seconds) or seconds <= 0:
            raise ResultsError(f"{source}: row {row['name']!r} has seconds={seconds!r}; expected a number > 0.")
        names.add(row["name"])
    for row in rows:
        baseline = row.get("baseline", results["baseline"])
        if baseline not in names:
            raise ResultsError(f"{source}: row {row['name']!r} compares with {baseline!r}, which is not a row.")
    return results


def save_results(path: str | Path, *, lesson: str, title: str, hardware: str, profile: str, unit: str,
                 baseline: str, rows: list[dict[str, Any]]) -> Path:
    """Check and write a results file (to a temporary file first, then renamed: never half-written)."""
    results = check_results({"schema": SCHEMA, "lesson": lesson, "title": title, "hardware": hardware,
                             "profile": profile, "unit": unit, "baseline": baseline, "rows": rows}, str(path))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as file:
        json.dump(results, file, indent=2)
    return path


def load_results(path: str | Path) -> dict[str, Any]:
    """Read a results file and check it against the schema."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No results at {path}: run the lesson (or benchmarks/run.py) first.")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ResultsError(f"{path} is not valid JSON ({error.msg}): run the lesson again.") from error
    return check_results(results, str(path))


def results_table(results: dict[str, Any]) -> str:
    """The heading line and a Markdown table: each row's time, its speed against its baseline, its scores."""
    seconds = {row["name"]: row["seconds"] for row in results["rows"]}
    lines = []
    for row in results["rows"]:
        baseline = row.get("baseline", results["baseline"])
        scores = [f"{row[key]:.4f}" if row.get(key) is not None else "" for key in ("accuracy", "f1")]
        lines.append([row["name"], f"{row['seconds']:.3f}", f"{seconds[baseline] / row['seconds']:.2f}× {baseline}",
                      *scores, row.get("note", "")])
    heading = f"{results['title']} | {results['hardware']} | {results['profile']} profile"
    table = markdown_table(["", results["unit"], "speed vs", "accuracy", "F1", "note"], lines)
    return f"{heading}\n\n{table}"
