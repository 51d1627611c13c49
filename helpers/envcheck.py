"""Is this environment ready for the course? One line per check: OK, WARN, FAIL or SKIP.

    python -m helpers.envcheck          # exits 1 if any line says FAIL

Checks Python and every package of requirements.txt against its range: below the lower bound is a FAIL
with the fix, above the upper bound (newer than the releases the course was tested with) a WARN that
names the tested range, and a package this setting does not need (the bundled model when the assets come
from the Hub; the tools of requirements-dev.txt on Colab) a SKIP. Then the device, and which asset source
and profile the lessons will use, and why.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from .assets import BUNDLED_PACKAGE, DATA_DIR, REPO_ROOT, choose_profile, choose_source

RUNTIME_REQUIREMENTS = REPO_ROOT / "requirements.txt"  # what the lessons import
TOOL_REQUIREMENTS = REPO_ROOT / "requirements-dev.txt"  # JupyterLab and the tests
MIN_PYTHON = (3, 10)
TESTED_PYTHON = (3, 11)  # the newest Python the lessons ran on (Colab runs 3.13)


@dataclass(frozen=True)
class Check:
    status: str  # "OK", "WARN" (works, untested), "FAIL" (fix it first) or "SKIP" (not needed here)
    name: str
    detail: str

    @property
    def ok(self) -> bool:
        """Everything but a FAIL: the lessons can run."""
        return self.status != "FAIL"

    def line(self) -> str:
        return f"{self.status:<4}  {self.name:<32} {self.detail}"


def on_colab() -> bool:
    """Whether this runs inside Google Colab's runtime (its kernel has imported ``google.colab``)."""
    return "google.colab" in sys.modules


def requirement_lines(text: str) -> list[str]:
    """The requirement lines of a requirements file's text, without comments; blank lines and options (``-r``,
    ``-e``, ``--index-url`` ...) are left out."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def requirement_specs(path: Path = RUNTIME_REQUIREMENTS) -> dict[str, Requirement]:
    """The named requirements of one requirements file, in its order, by lower-case name (a line packaging cannot
    parse is skipped)."""
    specs = {}
    for line in requirement_lines(path.read_text()):
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        specs[requirement.name.lower()] = requirement
    return specs


def judge_version(version: str, requirement: Requirement) -> str:
    """"OK" inside the range, "FAIL" below its lower bound, "WARN" above its upper bound (newer than tested)."""
    if requirement.specifier.contains(version, prereleases=True):
        return "OK"
    try:
        installed = Version(version)
        failed = [clause for clause in requirement.specifier
                  if not clause.contains(version, prereleases=True)]
        below = any(installed < Version(clause.version.removesuffix(".*")) for clause in failed)
    except InvalidVersion:
        return "FAIL"
    return "FAIL" if below else "WARN"


def check_package(name: str, requirement: Requirement | None, not_needed: str | None = None) -> Check:
    """One package against its requirement; ``not_needed`` says why this setting does without it (SKIP)."""
    wanted = str(requirement.specifier) if requirement and requirement.specifier else "any version"
    fix = f"pip install '{requirement}'" if requirement else "pip install -r requirements.txt"
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        if not_needed:
            return Check("SKIP", name, f"not needed: {not_needed}")
        return Check("FAIL", name, f"not installed (needs {wanted}): {fix}")
    if not_needed:
        return Check("SKIP", name, f"{version}, not needed: {not_needed}")
    if requirement is None:
        return Check("OK", name, f"{version} (requirements: any version)")
    verdict = judge_version(version, requirement)
    if verdict == "FAIL":
        return Check("FAIL", name, f"{version}, older than the course needs ({wanted}): {fix}")
    if verdict == "WARN":
        return Check("WARN", name, f"{version}, newer than the tested range {wanted}: the lessons may well run; "
                                   f"if one breaks, {fix}")
    return Check("OK", name, f"{version} (tested: {wanted})")


def check_tools(specs: dict[str, Requirement], colab: bool) -> Check:
    """JupyterLab and the test tools, as one line: not needed on Colab, which runs its own Jupyter."""
    name = "tools (requirements-dev.txt)"
    if colab:
        return Check("SKIP", name, "not needed on Colab: its own Jupyter runs the lessons")
    checks = [check_package(tool, requirement) for tool, requirement in specs.items()]
    failed = [check.name for check in checks if check.status == "FAIL"]
    newer = [check.name for check in checks if check.status == "WARN"]
    if failed:
        return Check("FAIL", name, f"missing or too old: {', '.join(failed)}: pip install -r requirements.txt")
    if newer:
        return Check("WARN", name, f"newer than tested: {', '.join(newer)} (the rest of the {len(checks)} in range)")
    return Check("OK", name, f"all {len(checks)} installed, in their tested ranges (JupyterLab, the tests)")


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    tested = ".".join(map(str, TESTED_PYTHON))
    if version[:2] < MIN_PYTHON:
        return Check("FAIL", "python", f"{shown}: the course needs Python {'.'.join(map(str, MIN_PYTHON))} or newer")
    if version[:2] > TESTED_PYTHON:
        return Check("WARN", "python", f"{shown}, newer than the Python the lessons were tested with ({tested})")
    return Check("OK", "python", f"{shown} (tested: {tested})")


def check_device() -> Check:
    try:
        import torch
    except (ImportError, OSError) as error:  # a broken or half-installed torch
        return Check("FAIL", "device", f"torch does not import ({type(error).__name__}: {error}): "
                                       "pip install -r requirements.txt")

    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        bf16 = "bf16 supported" if torch.cuda.is_bf16_supported() else "no bf16: use fp16"
        return Check("OK", "device", f"CUDA: {name} ({torch.cuda.device_count()} GPU(s), {bf16})")
    if torch.backends.mps.is_available():
        return Check("OK", "device", "Apple MPS: works for the lessons; some results differ slightly from CPU/CUDA "
                                     "(not bit-identical), and lesson 02's exact-resume check only asserts on CPU")
    return Check("OK", "device", f"CPU only ({torch.get_num_threads()} threads): the lessons use the quick profile")


def check_source() -> tuple[Check, str | None]:
    """The asset source line, and the source (``None`` when it cannot be decided)."""
    try:
        source, reason = choose_source(None)
    except (ValueError, ConnectionError) as error:
        return Check("FAIL", "asset source", str(error)), None
    return Check("OK", "asset source", f"{source} ({reason})"), source


def check_assets(source: Check | None = None) -> list[Check]:
    """The asset source (``source``: the line :func:`check_source` gave), the profile and the bundled data."""
    checks = [source or check_source()[0]]
    try:
        profile, reason = choose_profile(None)
        checks.append(Check("OK", "profile", f"{profile.name} ({reason}): {profile.summary}"))
    except ValueError as error:
        checks.append(Check("FAIL", "profile", str(error)))
    except (ImportError, OSError) as error:  # "auto" asks torch whether CUDA is there
        checks.append(Check("FAIL", "profile", f"auto needs torch, which does not import ({error})"))
    for relative in ("mrpc/train.tsv", "mrpc/dev.tsv", "qa/qa_pairs.jsonl", "qa/tokenizer/tokenizer.json"):
        path = DATA_DIR / relative
        checks.append(Check("OK" if path.is_file() else "FAIL", f"data/{relative}",
                            "present" if path.is_file() else "missing: restore it with git, or run its generator"))
    return checks


def check_requirements(requirements: Path, tools: Path, colab: bool, source: str | None) -> list[Check]:
    """One line per package of ``requirements``, then one for the tools of ``tools``; with the assets from the
    Hub (``source``), the bundled model is not needed."""
    try:
        specs = requirement_specs(requirements)
    except OSError as error:
        return [Check("FAIL", "requirements.txt", f"cannot be read ({error.strerror}: {requirements}): "
                                                  "run the check from a clone of the course")]
    hub_only = "the assets come from the Hub (lesson 00's asset source)" if source == "hub" else None
    checks = [check_package(name, requirement, hub_only if name == BUNDLED_PACKAGE else None)
              for name, requirement in specs.items()]
    try:
        checks.append(check_tools(requirement_specs(tools), colab))
    except OSError as error:
        checks.append(Check("FAIL", "requirements-dev.txt", f"cannot be read ({error.strerror}: {tools})"))
    return checks


def run_checks(requirements: Path = RUNTIME_REQUIREMENTS, tools: Path = TOOL_REQUIREMENTS,
               colab: bool | None = None) -> list[Check]:
    colab = on_colab() if colab is None else colab
    source_line, source = check_source()  # asked once: an unanswered Hub costs seconds
    return [check_python(), *check_requirements(requirements, tools, colab, source), check_device(),
            *check_assets(source_line)]


def summary(checks: list[Check]) -> str:
    """How many lines say each status, e.g. "17 OK, 1 WARN, 0 FAIL, 1 SKIP"."""
    counts = {status: sum(check.status == status for check in checks) for status in ("OK", "WARN", "FAIL", "SKIP")}
    return ", ".join(f"{count} {status}" for status, count in counts.items())


def main() -> int:
    checks = run_checks()
    for check in checks:
        print(check.line())
    print(summary(checks))
    return 0 if all(check.ok for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
