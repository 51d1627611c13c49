"""Every measured number in a lesson's prose is shown by that lesson's own outputs.

A number that looks measured — one with a decimal point, a percentage, a ratio (``1.7×``) or a unit
(``s``, ``ms``, ``MiB``, ``GFLOP/s``, ``it/s``) — in a markdown cell must appear in one of the lesson's
stored outputs as a whole number (``0.1`` is not in ``10.1``) or as a longer printed number rounded to the
decimals the prose writes (``0.69`` for ``0.6931``), or be listed in the notebook's metadata ``course_figures``
(``{"3,668": "MRPC's training split, course 3.2"}``): the course's published figures, and values that are
settings rather than results.
Inline code, links and section references ("chapter 3.4", "lesson 05") are not claims.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest

from helpers.assets import REPO_ROOT

LESSONS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NUMBER = r"\d[\d,]*(?:\.\d+)?(?:e-?\d+)?"
MEASURED = re.compile(
    rf"(?<![\w.\-/])({NUMBER})(?:\s?(%|×|x\b|s\b|ms\b|µs\b|MiB\b|MB\b|GiB\b|GB\b|GFLOP/s|TFLOP/s|it/s|samples/s|pairs/s))?"
)
OUTPUT_NUMBER = re.compile(rf"(?<![\d.])(?:{NUMBER})(?!\.?\d)")
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


def output_numbers(outputs: str) -> list[str]:
    """Every whole number in ``outputs``, as printed: "10.1" is one number, and holds no "0.1"."""
    return OUTPUT_NUMBER.findall(outputs)


def shows(printed: list[str], number: str) -> bool:
    """Whether a printed number is ``number``, or rounds to it: prose may round an output ("ln 2 ≈ 0.69" for a
    printed 0.6931), to as many decimals as it writes, but "0.1" is not in "10.1" nor "3" in "3.5"."""
    if number in printed:
        return True
    if "." not in number or "e" in number:
        return False
    decimals = len(number.split(".")[1])
    half_unit = Decimal(5).scaleb(-decimals - 1)
    return any("." in value and "e" not in value and len(value.split(".")[1]) > decimals
               and abs(Decimal(value) - Decimal(number)) <= half_unit for value in printed)


def unbacked_numbers(notebook: nbformat.NotebookNode) -> list[str]:
    """Numbers in the prose that no output shows and the metadata does not list as a course figure."""
    printed = output_numbers(output_text(notebook))
    allowed = set(notebook.metadata.get("course_figures", {}))
    missing = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for number in measured_numbers(cell.source):
            if number not in allowed and not shows(printed, number.replace(",", "")):
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


def test_a_number_is_matched_whole_not_inside_another():
    """Negative control: the old substring match took "0.1" in the prose as shown by an output's "10.1 s", and
    "1.8×" by "21.85"; a number is now matched whole, or as the rounding of a longer printed one."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Warm-up took 0.1 s, then 3 s; a 1.8× speed-up; the loss starts near 0.69."),
        nbformat.v4.new_code_cell("print(...)", outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text="train: 10.1 s, 3.5 s, 21.85 samples/s, loss 0.6931\n")]),
    ])
    assert "0.1" in output_text(notebook) and "1.8" in output_text(notebook)  # what the substring match accepted
    assert unbacked_numbers(notebook) == ["0.1", "3", "1.8"]  # 0.69: the printed 0.6931, rounded
