"""The lessons' functions take what they use: no function body reads a value a notebook cell assigned.

A function that reads the notebook's `model` or `device` silently follows whatever a later cell assigns to
them (lesson 05 once had to write `single_model, model = model, batched_model` for that). Keyword defaults
(`*, device=device`) are fine: they are bound when the cell runs, and the signature says what is read.
"""

import ast
import json
from pathlib import Path

import pytest

from helpers.assets import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Kept in the course's shape on purpose (README, "Taught once, imported after"): Dataset.map passes one argument.
COURSE_SHAPED = {("01", "tokenize_function")}


def notebook_code(path: Path) -> str:
    """The lesson's code cells as one module; shell (`!`) and magic (`%`) lines become `pass`."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    lines = [line if not line.lstrip().startswith(("!", "%")) else line[: len(line) - len(line.lstrip())] + "pass"
             for source in sources if not source.startswith("%%") for line in source.splitlines()]
    return "\n".join(lines)


def globals_read_by_functions(code: str) -> dict[str, list[str]]:
    """For each module-level function: the names its body reads that only a module-level assignment defines."""
    tree = ast.parse(code)
    assigned, other = set(), set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            other |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            other.add(node.name)
        else:
            assigned |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found = {}
    for function in (node for node in tree.body if isinstance(node, ast.FunctionDef)):
        inner = [n for statement in function.body for n in ast.walk(statement)]
        own = {a.arg for n in [function, *inner] if isinstance(n, ast.FunctionDef | ast.Lambda)
               for a in ast.walk(n.args) if isinstance(a, ast.arg)}
        own |= {n.id for n in inner if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        own |= {n.name for n in inner if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        read = {n.id for n in inner if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if names := sorted((read & assigned) - own - other):
            found[function.name] = names
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_functions_read_no_notebook_variable(path):
    found = {name: names for name, names in globals_read_by_functions(notebook_code(path)).items()
             if (path.name[:2], name) not in COURSE_SHAPED}
    assert not found, f"{path.name}: functions read notebook variables instead of arguments: {found}"


def test_the_check_sees_a_function_that_reads_a_notebook_variable():
    code = ("import torch\nmodel = torch.nn.Linear(1, 1)\ndevice = 'cpu'\n"
            "def bad(batch):\n    return model(batch.to(device))\n"
            "def good(model, batch, *, device=device):\n    return model(batch.to(device))\n"
            "def nested(model):\n    def inner(x):\n        return model(x)\n    return inner\n")
    assert globals_read_by_functions(code) == {"bad": ["device", "model"]}


def test_the_course_shaped_exception_is_still_there():
    found = globals_read_by_functions(notebook_code(NOTEBOOKS[1]))
    assert found == {"tokenize_function": ["tokenizer"]}, "update COURSE_SHAPED and README if lesson 01 changed"
