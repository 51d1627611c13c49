"""Write requirements-lock.txt: every package of this environment at its exact version (``pip freeze``), with a
header saying where it came from and how to rebuild the environment from it.

    python scripts/write_lock.py            # in the venv whose run stored the lessons' outputs

Run it in a venv built from scratch with ``pip install -r requirements.txt`` whenever the lessons' outputs are stored
again, and commit the lock with them. It refuses (and prints the pip command that fixes it) when a package of
requirements.txt is not at the version lesson 00's stored output printed: a fresh install may already pick a newer
release than the one the outputs came from. The repository's own editable install is written as ``-e .`` (portable), and
a local ``+cpu`` torch build gets PyTorch's CPU index, so the lock installs on any Linux x86-64 machine with Python
of the same minor version. CI keeps installing requirements.txt's ranges, as learners do.
"""

from __future__ import annotations

import datetime
import json
import platform
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCK = REPO_ROOT / "requirements-lock.txt"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
LESSON_00 = REPO_ROOT / "notebooks" / "00_environment_check.ipynb"
VERSION_LINE = re.compile(r"^(?:OK|WARN|FAIL)\s+(\S+)\s+(\S+) \(tested: ", re.MULTILINE)


def stored_versions(notebook: Path = LESSON_00) -> dict[str, str]:
    """The package versions lesson 00's stored output printed (``OK    torch    2.13.0+cpu (tested: ...)``)."""
    cells = json.loads(notebook.read_text())["cells"]
    text = "".join("".join(output.get("text", "")) for cell in cells for output in cell.get("outputs", []))
    return {name.lower(): version for name, version in VERSION_LINE.findall(text) if name != "python"}


def differences(frozen: str, stored: dict[str, str]) -> dict[str, tuple[str | None, str]]:
    """{name: (frozen version or None, stored version)} where the environment is not what lesson 00 printed."""
    pins = dict(line.lower().split("==", 1) for line in frozen.splitlines() if "==" in line)
    normal = {re.sub(r"[-_.]+", "-", name): version for name, version in pins.items()}
    return {name: (normal.get(name), version) for name, version in stored.items() if normal.get(name) != version}


def lock_text(frozen: str, python: str, machine: str, date: str) -> str:
    """The lock file's text from ``pip freeze --exclude-editable`` output."""
    lines = [line for line in frozen.splitlines() if line and not line.startswith("#")]
    local = [line for line in lines if " @ " in line and "file://" in line]
    if local:
        raise ValueError(f"installed from local files, not portable: {local}")
    header = f"""\
# The exact environment the lessons' stored outputs came from: `pip freeze` of a fresh venv built with
# `pip install -r requirements.txt`, requirements.txt's packages at the versions lesson 00's stored output prints,
# written by `python scripts/write_lock.py` on {date} (Python {python}, {machine}). Refresh it whenever
# the outputs are stored again.
#
# To rebuild that environment (Linux x86-64, Python {'.'.join(python.split('.')[:2])}), from the repository's root:
#   python3 -m venv .venv-lock && . .venv-lock/bin/activate
#   pip install -r requirements-lock.txt
# requirements.txt's ranges stay what learners and CI install; this file is for a maintainer who must tell whether
# a changed output comes from a new release or from a change in the course.
"""
    index = [f"--extra-index-url {CPU_INDEX}  # torch's +cpu build"] if any("+cpu" in line for line in lines) else []
    return header + "".join(line + "\n" for line in [*index, *lines, "-e ."])


def main() -> int:
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True,
                            text=True, check=True).stdout
    frozen = "\n".join(line for line in frozen.splitlines() if not re.match(r"^-e\s", line))
    wrong = differences(frozen, stored_versions())
    if wrong:
        print("not the environment lesson 00's stored output shows: "
              + ", ".join(f"{name} {mine} (stored: {theirs})" for name, (mine, theirs) in wrong.items()))
        print("pip install " + " ".join(f"{name}=={theirs}" for name, (_, theirs) in wrong.items()))
        return 1
    text = lock_text(frozen, platform.python_version(), f"{platform.system()} {platform.machine()}",
                     datetime.date.today().isoformat())
    LOCK.write_text(text)
    print(f"wrote {LOCK.relative_to(REPO_ROOT)}: {text.count('==')} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
