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


COLAB_LAUNCH = """import json, sys, IPython
IPython.get_ipython = lambda: "<google.colab._shell.Shell object>"  # what accelerate and the helper read
from pathlib import Path
from accelerate import notebook_launcher
from helpers.launcher import accelerate_launch, free_port, launcher_forks_this_kernel, read_results

SCRIPT, runs, batch_size = Path({script!r}), Path({runs!r}), 4
config, one_config = {config!r}, {{"output_dir": ""}}
{cell}
print(json.dumps(two))
"""


def lesson_04_two_process_cell() -> str:
    """The cell of lesson 04 that launches two processes, as the notebook has it."""
    cells = nbformat.read(REPO_ROOT / "notebooks" / "04_accelerate.ipynb", as_version=4).cells
    found = [c.source for c in cells if c.cell_type == "code" and "launcher_forks_this_kernel()" in c.source]
    assert len(found) == 1, f"expected one cell that chooses the launcher, found {len(found)}"
    return found[0]


@pytest.mark.slow
def test_lesson_04s_two_process_cell_runs_two_processes_on_a_simulated_colab_cpu_runtime(tmp_path, lesson_04_config):
    """What Colab changes for lesson 04 is who launches: accelerate's notebook_launcher there runs a 2-process
    launch once, in the kernel. Lesson 04's cell (run as the notebook has it, on a few pairs) must see that and
    start 2 real processes with `accelerate launch`. The rest of the lesson is what nbval runs."""
    import json
    import sys

    config = {**lesson_04_config(tmp_path), "source": "bundled", "mrpc_dir": "", "init_from": "", "resume_from": "",
              "save_state": False, "seed": 0, "batch_size": 4, "eval_pairs": 8, "cpu": True}
    code = COLAB_LAUNCH.format(script=str(REPO_ROOT / "scripts" / "train_accelerate.py"), runs=str(tmp_path),
                               config=config, cell=lesson_04_two_process_cell())
    env = {**__import__("os").environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600,
                          check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    two = json.loads(done.stdout.strip().splitlines()[-1])
    assert "accelerate launch --multi_gpu --num_processes 2" in done.stdout  # the cell's other branch ran
    assert (two["num_processes"], two["distributed_type"]) == (2, "DistributedType.MULTI_CPU")
