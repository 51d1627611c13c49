"""The same run is the same run: the quick profile's MRPC fine-tuning at the lessons' seed, trained by the
manual loop in lesson 03 (evaluation between epochs under ``fork_rng``) and lesson 04 (Accelerate on one
process, the full run of its section 3), ends with the same accuracy and F1 in both stored lessons. (Lesson 02
seeds after building its model, so its run is another one; lesson 06's manual loop takes the Trainer's fused
AdamW, another kernel.)"""

import re

import nbformat
import pytest

from helpers.assets import REPO_ROOT

RESULT = re.compile(r"accuracy (0\.\d{4}), F1 (0\.\d{4})")
RUNS = {  # lesson: the line prefix that reports the final result of that run
    "03_evaluation_loop": "epoch 3: accuracy",
    "04_accelerate": "epoch 3: accuracy",  # the first 3-epoch run it prints: one process, full settings
}


def final_result(notebook: nbformat.NotebookNode, prefix: str) -> tuple[str, str]:
    """(accuracy, F1) on the first printed line containing ``prefix``."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if prefix in line and (match := RESULT.search(line)):
                    return match.groups()
    raise LookupError(f"no line with {prefix!r} and an accuracy/F1 pair")


def test_the_quick_mrpc_run_ends_the_same_in_every_lesson_that_trains_it():
    results = {name: final_result(nbformat.read(REPO_ROOT / "notebooks" / f"{name}.ipynb", as_version=4), prefix)
               for name, prefix in RUNS.items()}
    assert len(set(results.values())) == 1, results


def test_a_lesson_with_another_result_or_none_is_noticed():
    """Negative control: the reader finds the pair on its line, and says when there is none."""
    cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text="warm-up\nmanual loop: 94.0 s, accuracy 0.8800, F1 0.9221\n")])
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert final_result(notebook, "manual loop:") == ("0.8800", "0.9221")
    with pytest.raises(LookupError):
        final_result(notebook, "epoch 3: accuracy")
