"""pyproject.toml declares what requirements.txt installs: its dependencies are requirements.txt's lines, its `dev`
extra requirements-dev.txt's, so `pip install -e .` alone gives helpers that import, and the two never drift."""

import importlib.util

import pytest
from packaging.requirements import Requirement

from helpers.assets import REPO_ROOT
from helpers.envcheck import RUNTIME_REQUIREMENTS, TOOL_REQUIREMENTS, requirement_specs

tomllib = pytest.importorskip("tomllib")  # the standard library's from Python 3.11 (the course supports 3.10)


def declared() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def disagreements(listed: dict[str, Requirement], lines: list[str]) -> list[str]:
    """What differs between a requirements file's requirements (by name) and pyproject's lines, one line each."""
    from_pyproject = {Requirement(line).name.lower(): Requirement(line) for line in lines}
    return [f"{name}: requirements file {listed.get(name)} vs pyproject {from_pyproject.get(name)}"
            for name in sorted(set(listed) | set(from_pyproject))
            if str(listed.get(name)) != str(from_pyproject.get(name))]


def test_pyproject_dependencies_are_requirements_txt():
    assert disagreements(requirement_specs(RUNTIME_REQUIREMENTS), declared()["dependencies"]) == []


def test_pyprojects_dev_extra_is_requirements_dev_txt():
    assert disagreements(requirement_specs(TOOL_REQUIREMENTS), declared()["optional-dependencies"]["dev"]) == []


def test_a_range_that_differs_or_a_line_missing_on_one_side_is_reported():
    listed = requirement_specs(RUNTIME_REQUIREMENTS)
    lines = [str(r) for r in listed.values() if r.name != "evaluate"]
    lines = ["torch>=0.1" if line.startswith("torch") else line for line in lines]
    found = disagreements(listed, lines)
    assert len(found) == 2 and found[0].startswith("evaluate:") and found[1].startswith("torch:")


def test_ruff_is_pinned_to_one_minor_release():
    ruff = requirement_specs(TOOL_REQUIREMENTS)["ruff"]
    assert {clause.operator for clause in ruff.specifier} == {">=", "<"}, "a minor range: >=0.X,<0.Y"


spec = importlib.util.spec_from_file_location("write_lock", REPO_ROOT / "scripts" / "write_lock.py")
write_lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(write_lock)
LOCK_TEXT = write_lock.LOCK.read_text()


def locked() -> dict[str, str]:
    return {Requirement(line).name.lower(): line.split("==", 1)[1].split()[0] for line in LOCK_TEXT.splitlines()
            if "==" in line and not line.startswith("#")}


def test_the_lock_pins_every_requirement_inside_its_range():
    pins = locked()
    every = {**requirement_specs(RUNTIME_REQUIREMENTS), **requirement_specs(TOOL_REQUIREMENTS)}
    for name, requirement in every.items():
        assert name in pins, f"{name} is not in requirements-lock.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]}: not {requirement}"


def test_the_lock_is_what_lesson_00s_stored_output_printed():
    stored = write_lock.stored_versions()
    assert {"torch", "transformers", "datasets", "evaluate", "accelerate"} <= set(stored)
    assert write_lock.differences(LOCK_TEXT, stored) == {}
    changed = {**stored, "transformers": "99.0.0"}  # negative control: another release than the outputs came from
    assert write_lock.differences(LOCK_TEXT, changed) == {"transformers": (stored["transformers"], "99.0.0")}


def test_the_lock_says_how_to_rebuild_and_installs_anywhere():
    assert "pip install -r requirements-lock.txt" in LOCK_TEXT and "scripts/write_lock.py" in LOCK_TEXT
    assert "file://" not in LOCK_TEXT and LOCK_TEXT.rstrip().endswith("\n-e .")
    assert f"--extra-index-url {write_lock.CPU_INDEX}" in LOCK_TEXT  # torch's +cpu build is on PyTorch's index
    with pytest.raises(ValueError, match="not portable"):
        write_lock.lock_text("torch @ file:///opt/wheels/torch.whl\n", "3.11.7", "Linux x86_64", "2026-01-01")


def test_readmes_cpu_only_install_asks_for_requirements_txts_torch_range():
    readme = (REPO_ROOT / "README.md").read_text()
    line = next(line for line in readme.splitlines() if "--index-url https://download.pytorch.org/whl/cpu" in line)
    asked = Requirement(line.split('pip install "', 1)[1].split('"', 1)[0])
    assert asked.specifier == requirement_specs(RUNTIME_REQUIREMENTS)["torch"].specifier
