"""Lesson 05's question-answer pairs (made by data/make_qa_pairs.py)."""

from __future__ import annotations

import json
from pathlib import Path

from .assets import DATA_DIR

QA_FILE = DATA_DIR / "qa" / "qa_pairs.jsonl"
QA_FIELDS = ("question", "answer")


def load_qa_pairs(path: str | Path = QA_FILE) -> list[dict[str, str]]:
    """The QA pairs as dicts with at least ``question`` and ``answer``; clear errors on a bad file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run `python data/make_qa_pairs.py` to make the QA set.")
    rows = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{line_no} is not valid JSON ({error.msg}).") from error
        missing = [field for field in QA_FIELDS if not str(row.get(field, "")).strip()]
        if missing:
            raise ValueError(f"{path}:{line_no} has no {' or '.join(missing)}: every line needs "
                             '{"question": ..., "answer": ...}.')
        rows.append(row)
    if not rows:
        raise ValueError(f"{path} holds no QA pairs.")
    return rows
