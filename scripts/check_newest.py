"""The lessons on the newest releases: a venv with the newest torch, transformers, datasets, accelerate, evaluate
and tensorboard (requirements.txt's upper bounds lifted for these six, every other line as written), then the
fast tests and lessons 01-03 under nbval in it, offline, with the CPU kernels capped at AVX2 as .ci/run caps them.

    python scripts/check_newest.py                 # build runs/newest-venv afresh, print the versions, test
    python scripts/check_newest.py --build-only    # only build the venv and print the versions
    python scripts/check_newest.py --reuse         # test in the venv a previous run built (if it is complete)

pip runs with ``PIP_CONFIG_FILE=/dev/null``: no machine-wide pip config (a cap on torch, a local index) decides what
"newest" means here, PyPI does. The versions it ends with are printed beside the newest on PyPI, so a package the
resolver held back shows. Exits non-zero when the build, the fast tests or a lesson fails. Only the standard
library is used, so any Python 3.10+ runs it. Results: docs/measurements.md ("The newest releases").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NEWEST = ("torch", "transformers", "datasets", "accelerate", "evaluate", "tensorboard")
LESSONS = ("01", "02", "03")
OFFLINE = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
CAPPED_KERNELS = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"}
NO_PIP_CONFIG = {"PIP_CONFIG_FILE": os.devnull}
BUILT_MARKER = "newest-built.json"  # written last: a venv without it is incomplete and is built again
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def unpinned_requirements(text: str, names: tuple[str, ...], folder: Path) -> str:
    """``text`` (a requirements file in ``folder``) with the lines of ``names`` reduced to the bare name and the
    relative ``-r FILE`` / ``-e .`` lines made absolute, so the result works from any folder."""
    wanted = {normalize(name) for name in names}
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        option = re.match(r"^(-r|-e|--requirement|--editable)\s+(\S+)$", line)
        if option:
            target = option.group(2)
            lines.append(f"{option.group(1)} {target if '://' in target else (folder / target).resolve()}")
            continue
        name = REQUIREMENT_NAME.match(line)
        lines.append(name.group(1) if name and normalize(name.group(1)) in wanted else line)
    return "".join(line + "\n" for line in lines)


def run(command: list, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(map(str, command)), flush=True)
    return subprocess.run(command, env=env, **kwargs)


def installed(python: Path) -> dict[str, str]:
    listed = subprocess.run([python, "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True,
                            env={**os.environ, **NO_PIP_CONFIG})
    return {normalize(p["name"]): p["version"] for p in json.loads(listed.stdout)}


def newest_on_pypi(python: Path, name: str) -> str:
    """The newest release pip finds for ``name`` with no pip config (PyPI), or "?" when it cannot ask."""
    asked = subprocess.run([python, "-m", "pip", "index", "versions", name], capture_output=True, text=True,
                           env={**os.environ, **NO_PIP_CONFIG})
    found = re.search(r"\((\S+)\)", asked.stdout)
    return found.group(1) if asked.returncode == 0 and found else "?"


def build(venv: Path, base_python: str) -> None:
    if venv.exists():
        run(["rm", "-rf", venv], check=True)
    run([base_python, "-m", "venv", venv], check=True)
    python = venv / "bin" / "python"
    requirements = venv / "requirements-newest.txt"
    requirements.write_text(unpinned_requirements((REPO_ROOT / "requirements.txt").read_text(), NEWEST, REPO_ROOT))
    env = {**os.environ, **NO_PIP_CONFIG}
    env.pop("PIP_FIND_LINKS", None)  # a folder of local wheels must not stand in for PyPI's releases either
    # --upgrade-strategy eager: the six names come as their newest releases even where an older one would do.
    run([python, "-m", "pip", "install", "--quiet", "--no-compile", "--upgrade", "--upgrade-strategy", "eager",
         "-r", requirements], env=env, check=True)
    versions = installed(python)
    (venv / BUILT_MARKER).write_text(json.dumps({name: versions.get(name) for name in NEWEST}, indent=1) + "\n")


def report_versions(python: Path) -> list[str]:
    """Print each of the six beside PyPI's newest; return the ones the resolver held back."""
    versions = installed(python)
    held_back = []
    print("\n== versions in the newest-releases venv ==")
    python_version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                                    capture_output=True, text=True).stdout.strip()
    print(f"{'python':<14} {python_version}")
    for name in NEWEST:
        newest = newest_on_pypi(python, name)
        mine = versions.get(name, "missing")
        note = "newest" if mine == newest else f"newest on PyPI: {newest}"
        if newest != "?" and mine != newest:
            held_back.append(name)
        print(f"{name:<14} {mine:<12} ({note})")
    for name in ("tokenizers", "huggingface-hub", "safetensors", "numpy", "nbval", "ipykernel"):
        print(f"{name:<14} {versions.get(name, 'missing')}")
    return held_back


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=REPO_ROOT / "runs" / "newest-venv")
    parser.add_argument("--python", default=sys.executable, help="the Python the venv is made from")
    parser.add_argument("--reuse", action="store_true", help="use the venv a previous complete build left")
    parser.add_argument("--build-only", action="store_true", help="build and print the versions, run no test")
    args = parser.parse_args(argv)

    times: list[tuple[str, float]] = []
    started = time.monotonic()
    if not (args.reuse and (args.venv / BUILT_MARKER).is_file()):
        build(args.venv, args.python)
        times.append(("build the venv", time.monotonic() - started))
    python = args.venv / "bin" / "python"
    held_back = report_versions(python)
    if held_back:
        print(f"held back by the resolver (not PyPI's newest): {', '.join(held_back)}")
    if args.build_only:
        return 0

    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(OFFLINE, **CAPPED_KERNELS, VIRTUAL_ENV=str(args.venv),
               PATH=f"{args.venv / 'bin'}{os.pathsep}{env['PATH']}")
    results = {}
    steps = {"fast tests": [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow"],
             "lessons 01-03 (nbval)": [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                                       *(str(next((REPO_ROOT / "notebooks").glob(f"{n}_*.ipynb"))) for n in LESSONS)]}
    for step, command in steps.items():
        started = time.monotonic()
        results[step] = run(command, env=env, cwd=REPO_ROOT).returncode
        times.append((step, time.monotonic() - started))

    print("\n== newest releases: result ==")
    for step, seconds in times:
        verdict = "" if step not in results else ("passed" if results[step] == 0 else f"FAILED (exit {results[step]})")
        print(f"{step:<24} {seconds:6.0f} s  {verdict}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
