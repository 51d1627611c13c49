"""Install the course on Google Colab, keeping Colab's own torch. Every lesson's first cell runs it there.

    python scripts/colab_setup.py    # pip install requirements.txt (less torch, if torch is installed) + helpers

Colab ships a CUDA build of torch matched to its GPUs and drivers; reinstalling torch from
``requirements.txt`` would download gigabytes and could break it. Everything else is installed as on any
machine. It reads ``requirements.txt`` with the standard library alone, apart from
``helpers.envcheck``'s parser on purpose: it runs before anything, ``helpers`` included, is installed.
``PIP_DRY_RUN=1`` (pip's own variable) shows what would be installed without installing.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requirements_to_install(text: str, keep_torch: bool) -> list[str]:
    """The requirement lines of ``requirements.txt``, without comments, the editable ``-e .`` (installed
    from the repository's path instead) and, when ``keep_torch``, without torch."""
    wanted = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-e"):
            continue
        name = REQUIREMENT_NAME.match(line)
        if keep_torch and name and name.group(1).lower() == "torch":
            continue
        wanted.append(line)
    return wanted


def main() -> int:
    keep_torch = importlib.util.find_spec("torch") is not None
    requirements = requirements_to_install((REPO_ROOT / "requirements.txt").read_text(), keep_torch)
    command = [sys.executable, "-m", "pip", "install", "--quiet", *requirements, "-e", str(REPO_ROOT)]
    print(f"installing {len(requirements)} requirements and helpers" + (" (torch kept as installed)" if keep_torch
                                                                          else ""))
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main())
