"""Every measured number in a lesson's prose is shown by that lesson's own outputs.

A number that looks measured — one with a decimal point, a percentage, a ratio (``1.7×``) or a unit
(``s``, ``ms``, ``MiB``, ``GFLOP/s``, ``it/s``) — in a markdown cell must appear in one of the lesson's
stored outputs, or be listed in the notebook's metadata ``course_figures`` (``{"3,668": "MRPC's training
split, course 3.2"}``): the course's published figures, and values that are settings rather than results.
Inline code, links and section references ("chapter 3.4", "lesson 05") are not claims.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from helpers.assets import REPO_ROOT

LESSONS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NUMBER = r"\d[\d,]*(?:\.\d+)?(?:e-?\d+)?"
MEASURED = re.compile(
    rf"(?<![\w.\-/])({NUMBER})(?:\s?(%|×|x\b|s\b|ms\b|µs\b|MiB\b|MB\b|GiB\b|GB\b|GFLOP/s|TFLOP/s|it/s|samples/s|pairs/s))?"
)
NOT_CLAIMS = [
    re.compile(r"`[^`]*`"),  # inline code: settings and calls, not results
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"https?://\S+"),
    re.compile(r"(?i)\b(?:chapter|section|sections|lesson|lessons|part|parts|step|cell|cells|issue|python|"
               r"torch|transformers|datasets|accelerate|evaluate|version|versions|v)\s+[\d.]+(?:\s*[-–,/]\s*[\d.]+)*"),
    re.compile(r"\b\d+\.\d+\.\d+\b"),  # version numbers
]


def measured_numbers(markdown: str) -> list[str]:
    """The numbers in ``markdown`` that read as measurements, as written."""
    for pattern in NOT_CLAIMS:
        markdown = pattern.sub(" ", markdown)
    found = []
    for match in MEASURED.finditer(markdown):
        number, unit = match.group(1), match.group(2)
        if unit or "." in number or "e" in number:
            found.append(number)
    return found


def output_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            data = output.get("data", {})
            for mime in ("text/plain", "text/markdown", "text/html"):
                value = data.get(mime, "")
                parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts).replace(",", "")


def unbacked_numbers(notebook: nbformat.NotebookNode) -> list[str]:
    """Numbers in the prose that no output shows and the metadata does not list as a course figure."""
    outputs = output_text(notebook)
    allowed = set(notebook.metadata.get("course_figures", {}))
    missing = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for number in measured_numbers(cell.source):
            if number not in allowed and number.replace(",", "") not in outputs:
                missing.append(number)
    return missing


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_measured_number_in_the_prose_is_in_the_lessons_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    missing = unbacked_numbers(notebook)
    assert not missing, (f"{path.name}: these numbers in the markdown appear in no output of the lesson: {missing}. "
                         "Print them from a cell, or list a course figure in the notebook's metadata 'course_figures'.")


def test_a_planted_unbacked_number_fails():
    """Negative control: the check sees a number no output shows, and accepts one an output shows."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Accuracy reached 0.913 after 12.5 s, a 1.8× speed-up (chapter 3.4, `lr=5e-5`)."),
        nbformat.v4.new_code_cell("print(0.913)",
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="0.913\n")]),
    ])
    assert unbacked_numbers(notebook) == ["12.5", "1.8"]
    notebook.metadata["course_figures"] = {"12.5": "planted", "1.8": "planted"}
    assert unbacked_numbers(notebook) == []
