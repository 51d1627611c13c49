"""Colab: every lesson has the badge and the install cell; the cell installs the course when Colab is there."""

import importlib.util
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.assets import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BADGE_TARGET = "https://colab.research.google.com/github/full-training-loop/full-training-loop/blob/main/notebooks/"

spec = importlib.util.spec_from_file_location("colab_setup", REPO_ROOT / "scripts" / "colab_setup.py")
colab_setup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colab_setup)


def printed(cell) -> str:
    """All a cell printed: the kernel may send one print in several stream messages."""
    return "".join(o.get("text", "") for o in cell.outputs)


def colab_cell(path: Path) -> tuple[int, str]:
    cells = nbformat.read(path, as_version=4).cells
    found = [(i, c.source) for i, c in enumerate(cells) if 'if "google.colab" in sys.modules:' in c.source]
    assert len(found) == 1, f"{path.name}: expected one Colab install cell, found {len(found)}"
    return found[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lesson_has_its_badge_and_the_colab_cell_before_any_other_code(path):
    cells = nbformat.read(path, as_version=4).cells
    assert f"({BADGE_TARGET}{path.name})" in cells[0].source and "colab-badge.svg" in cells[0].source
    index, source = colab_cell(path)
    assert all(c.cell_type == "markdown" for c in cells[:index])
    assert source == colab_cell(NOTEBOOKS[0])[1], "the Colab cell differs from lesson 00's: keep them identical"


def test_requirements_keep_colabs_torch_and_install_helpers_from_the_clone():
    text = "# comment\ntorch>=2.6,<2.14\ntorchvision\ntransformers>=5.0,<6  # note\n\n-e .\n"
    assert colab_setup.requirements_to_install(text, keep_torch=True) == ["torchvision", "transformers>=5.0,<6"]
    assert colab_setup.requirements_to_install(text, keep_torch=False)[0] == "torch>=2.6,<2.14"
    real = colab_setup.requirements_to_install((REPO_ROOT / "requirements.txt").read_text(), keep_torch=True)
    assert not any(r.startswith("torch") for r in real) and any(r.startswith("transformers") for r in real)


@pytest.mark.slow
def test_the_cell_does_nothing_outside_colab(tmp_path):
    _, source = colab_cell(NOTEBOOKS[0])
    check = "import os\nprint(os.getcwd(), 'course' in dir())"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source), nbformat.v4.new_code_cell(check)])
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert printed(nb.cells[1]).strip() == f"{tmp_path} False"


@pytest.mark.slow
def test_the_cell_clones_installs_and_enters_the_course_on_simulated_colab(tmp_path):
    if subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("needs the repository's git history to clone from")
    course = tmp_path / "course"
    simulate = f"""import os, sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")  # what Colab's runtime has imported
os.environ.update(COURSE_DIR={str(course)!r}, COURSE_REPO_URL={REPO_ROOT.as_uri()!r}, PIP_DRY_RUN="1")"""
    check = "import helpers\nprint(os.getcwd())\nprint(helpers.__file__)"
    _, source = colab_cell(NOTEBOOKS[0])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in (simulate, source, check)])
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert "torch kept as installed" in printed(nb.cells[1])
    cwd, helpers_file = printed(nb.cells[2]).split()
    assert cwd == str(course / "notebooks")
    assert Path(helpers_file).is_relative_to(course) and (course / "requirements.txt").exists()


@pytest.mark.slow
def test_lesson_04_runs_on_a_simulated_colab_cpu_runtime(tmp_path):
    """On Colab with fewer than 2 GPUs notebook_launcher ignores num_processes and runs the function once in
    the kernel; lesson 04 must notice, say so, and start its 2-process runs with `accelerate launch` instead."""
    simulate = """import IPython
type(IPython.get_ipython()).__str__ = lambda self: "<google.colab._shell.Shell object>"  # what accelerate reads"""
    path = REPO_ROOT / "notebooks" / "04_accelerate.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(simulate))
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):  # a short run: this test is about who launches what
            cell.source += '\nsource = "bundled"\nprofile = "quick"\ntrain_pairs = 64\neval_pairs = 32\nnum_epochs = 1'
    last = next(i for i, cell in enumerate(nb.cells) if cell.source.startswith("two = launch(config, 2,"))
    nb.cells = nb.cells[: last + 1]  # up to the 2-process launch: the learning checks after it need the full run
    NotebookClient(nb, timeout=900, resources={"metadata": {"path": str(path.parent)}}).execute()
    text = {i: printed(cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"}
    one = next(t for i, t in text.items() if nb.cells[i].source == "one = launch(config, 1, runs)")
    two = text[last]
    assert "Launching training on one CPU." in one  # accelerate's Colab branch: the function runs in the kernel
    assert "on Colab with a CPU runtime, notebook_launcher calls the function once" in two
    assert "with `accelerate launch` instead" in two
    assert "2 process(es), DistributedType.MULTI_CPU" in two
