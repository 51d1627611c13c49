"""The environment check: OK/FAIL lines and the exit code."""

import os
import subprocess
import sys
from importlib import metadata

from helpers import envcheck


def test_requirements_are_parsed_without_options_or_editable_lines():
    specs = envcheck.requirement_specs()
    assert "torch" in specs and "transformers" in specs
    assert specs["torch"].specifier.contains("2.13.0")
    assert not any(name.startswith("-") for name in specs)


def test_a_version_outside_the_range_fails_with_the_fix(monkeypatch):
    monkeypatch.setattr(envcheck.metadata, "version", lambda name: "4.57.0")
    check = envcheck.check_package("transformers", envcheck.requirement_specs())
    assert not check.ok and "pip install -r requirements.txt" in check.detail
    assert check.line().startswith("FAIL")


def test_a_missing_package_fails(monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(envcheck.metadata, "version", missing)
    assert not envcheck.check_package("accelerate", envcheck.requirement_specs()).ok


def test_main_exits_non_zero_on_any_fail(monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert envcheck.main() == 0
    monkeypatch.setattr(envcheck, "check_python", lambda: envcheck.Check(False, "python", "3.8"))
    assert envcheck.main() == 1
    assert "FAIL  python" in capsys.readouterr().out


def test_unknown_profile_is_a_fail_line(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("COURSE_PROFILE", "fastest")
    lines = {check.name: check for check in envcheck.check_assets()}
    assert not lines["profile"].ok and "Unknown profile" in lines["profile"].detail


def test_scikit_learn_is_checked_for_the_metric():
    assert "scikit-learn" in envcheck.CORE_PACKAGES
    assert envcheck.check_package("scikit-learn", envcheck.requirement_specs()).ok


def test_a_torch_that_does_not_import_gives_fail_lines_not_a_traceback(tmp_path):
    """Run in a fresh interpreter whose `torch` is a broken module: the table still prints, with FAIL lines."""
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("raise OSError('libtorch_cpu.so: cannot open shared object')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "HF_HUB_OFFLINE": "1", "COURSE_PROFILE": "auto"}
    run = subprocess.run([sys.executable, "-m", "helpers.envcheck"], env=env, capture_output=True, text=True,
                         cwd=envcheck.REPO_ROOT)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "FAIL  device                           torch does not import (OSError: libtorch_cpu.so" in run.stdout
    assert "FAIL  profile" in run.stdout and "FAIL" in run.stdout.splitlines()[-1]


def test_without_requirements_txt_the_other_checks_still_run(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    checks = {check.name: check for check in envcheck.run_checks(tmp_path / "requirements.txt")}
    assert not checks["requirements.txt"].ok and "run the check from a clone" in checks["requirements.txt"].detail
    assert checks["torch"].ok and checks["torch"].detail.endswith("(requirements: any version)")
