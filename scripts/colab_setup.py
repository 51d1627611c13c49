"""Install on Google Colab only what the lessons import and Colab lacks. Every lesson's first cell runs it there.

    python scripts/colab_setup.py             # what is missing or too old, and helpers (this clone, editable)
    python scripts/colab_setup.py --bundled   # also the bundled model, for source="bundled"

It reads ``requirements.txt``, the lessons' own list (``requirements-dev.txt``'s JupyterLab and test tools
are never installed: Colab runs its own Jupyter). A package Colab has at a version the list accepts, or a
newer one (lesson 00 then says WARN), is left alone. Torch and Colab's Jupyter stack are never installed or
upgraded: pip gets their installed versions as constraints, so an install that would move one fails instead
of breaking the runtime. The bundled model (83 MB) is installed only when the lessons will use it:
``--bundled``, ``COURSE_SOURCE=bundled``, an offline variable, or a Hub that does not answer.
``PIP_DRY_RUN=1`` (pip's own variable) shows what would be installed without installing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # this clone's helpers: they import only the standard library and packaging

from packaging.requirements import Requirement  # noqa: E402

from helpers.assets import BUNDLED_PACKAGE, choose_source  # noqa: E402
from helpers.envcheck import judge_version, requirement_lines  # noqa: E402

HELPERS_DISTRIBUTION = "full-training-loop-helpers"
# Colab warns that upgrading these "can cause your runtime to repeatedly crash" (googlecolab/colabtools#1110).
KEPT_AS_INSTALLED = ("torch", "ipython", "ipykernel", "ipywidgets", "jupyter-client", "notebook", "tornado", "pyzmq",
                     "prompt-toolkit")


def requirements_to_install(text: str, keep_torch: bool) -> list[str]:
    """The requirement lines of a requirements file, without comments, options (``-r``, and the editable
    ``-e .``, installed from the clone's path instead) and, when ``keep_torch``, without torch."""
    return [line for line in requirement_lines(text) if not (keep_torch and Requirement(line).name.lower() == "torch")]


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def missing_or_too_old(lines: list[str], bundled: bool) -> list[str]:
    """The lines whose package is not installed or older than the line's lower bound; the bundled model's line
    only when ``bundled``, and never one of :data:`KEPT_AS_INSTALLED` that is installed."""
    wanted = []
    for line in lines:
        requirement = Requirement(line)
        name = requirement.name.lower()
        version = installed_version(name)
        if name == BUNDLED_PACKAGE and not bundled:
            continue
        if version is not None and (name in KEPT_AS_INSTALLED or judge_version(version, requirement) != "FAIL"):
            continue
        wanted.append(line)
    return wanted


def bundled_model_needed(asked: bool) -> tuple[bool, str]:
    """Whether the lessons will use the bundled model here, and why (the choice the lessons' ``auto`` makes)."""
    if asked:
        return True, "asked for (--bundled)"
    try:
        source, reason = choose_source(None)
    except (ValueError, ConnectionError) as error:
        return False, str(error)
    return source == "bundled", f"assets: {source} ({reason})"


def helpers_installed_from(folder: Path) -> bool:
    """Whether ``helpers`` is already installed, editable, from ``folder`` (each lesson's cell runs this script)."""
    for distribution in metadata.distributions(name=HELPERS_DISTRIBUTION):
        direct_url = distribution.read_text("direct_url.json")  # a clone's own egg-info has none
        if direct_url and json.loads(direct_url).get("url") == folder.as_uri():
            return True
    return False


def pip_command(wanted: list[str], constraints: Path, with_helpers: bool) -> list[str]:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--constraint", str(constraints), *wanted]
    return command + (["-e", str(REPO_ROOT)] if with_helpers else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundled", action="store_true", help="also install the bundled model (source='bundled')")
    args = parser.parse_args(argv)

    lines = requirements_to_install((REPO_ROOT / "requirements.txt").read_text(), keep_torch=False)
    bundled, why = bundled_model_needed(args.bundled)
    wanted = missing_or_too_old(lines, bundled)
    with_helpers = not helpers_installed_from(REPO_ROOT)
    kept = {name: version for name in KEPT_AS_INSTALLED if (version := installed_version(name))}

    print(f"bundled model ({BUNDLED_PACKAGE}): {'needed' if bundled else 'not needed'}, {why}")
    if "torch" in kept:
        print(f"torch kept as installed ({kept['torch']}), and Colab's Jupyter: "
              + ", ".join(f"{name} {version}" for name, version in kept.items() if name != "torch"))
    if not wanted and not with_helpers:
        print("nothing to install: Colab has everything the lessons import")
        return 0
    print("installing: " + ", ".join(wanted + (["helpers (this clone, editable)"] if with_helpers else [])))
    with tempfile.TemporaryDirectory() as folder:
        constraints = Path(folder) / "kept-as-installed.txt"
        constraints.write_text("".join(f"{name}=={version}\n" for name, version in kept.items()))
        return subprocess.run(pip_command(wanted, constraints, with_helpers)).returncode


if __name__ == "__main__":
    sys.exit(main())
