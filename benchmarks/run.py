"""Run a lesson's measurements headless, on any profile and machine, and print its table.

    python benchmarks/run.py fast-and-lean                        # lesson 07, this machine's default profile
    python benchmarks/run.py fast-and-lean -p profile full        # the course's full run (e.g. on a GPU)
    python benchmarks/run.py fast-and-lean -p try_compile True    # also time torch.compile
    python benchmarks/run.py three-ways                           # lesson 06's comparison, median of 3 runs
    python benchmarks/run.py three-ways -p profile full -p comparison_repeats 5

The measurement code is the lesson's own: the notebook runs through papermill (as
``scripts/run_notebooks.py`` does, with the same ``-p`` parameters) into ``runs/benchmarks/``, and this
script prints the results file the lesson saves. Throughput is a ratio to the course's manual loop
measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))  # run_notebooks; helpers is installed

from run_notebooks import main as run_notebooks  # noqa: E402

from helpers.notebook import markdown_table  # noqa: E402

BENCHMARKS = {  # name: (lesson prefix, results file the lesson writes, default parameters)
    "fast-and-lean": ("07", REPO_ROOT / "runs" / "lesson07" / "results.json", {}),
    "three-ways": ("06", REPO_ROOT / "runs" / "lesson06" / "comparison.json", {"comparison_repeats": "3"}),
}


def fast_and_lean_table(results: dict) -> str:
    """Lesson 07: every configuration's seconds per step and speed as a ratio to the course loop."""
    course = results["runs"]["course loop"]
    dynamic = results["padding"]["dynamic (course)"]["seconds"]
    rows = [["course loop (full run)", f"{course['seconds']:.3f}", "1.00×", f"{course['accuracy']:.4f}",
             f"{course['f1']:.4f}"]]
    for name, speed in results["padding"].items():
        rows.append([f"padding: {name} ({speed['padded']:.0%} pad)", f"{speed['seconds']:.3f}",
                     f"{dynamic / speed['seconds']:.2f}×", "", ""])
    for name, speed in results["mixed_precision"].items():
        rows.append([f"autocast {name.removeprefix('torch.')}", f"{speed['seconds']:.3f}",
                     f"{dynamic / speed['seconds']:.2f}×", "", ""])
    for name, seconds in results["optimizer_step_seconds"].items():
        rows.append([f"AdamW step alone: {name}", f"{seconds:.3f}", "", "", ""])
    if results.get("compile"):
        grouped = results["padding"]["length-grouped"]["seconds"]
        rows.append(["torch.compile (length-grouped)", f"{results['compile']['seconds']:.3f}",
                     f"{grouped / results['compile']['seconds']:.2f}× vs eager grouped", "", ""])
    tuned = results["runs"]["tuned loop"]
    rows.append(["tuned loop (full run)", f"{tuned['seconds']:.3f}", f"{course['seconds'] / tuned['seconds']:.2f}×",
                 f"{tuned['accuracy']:.4f}", f"{tuned['f1']:.4f}"])
    header = (f"{results['hardware']}; fp32 matmul peak {results['peak_gflops']:,.0f} GFLOP/s; "
              f"{results['profile']} profile")
    table = markdown_table(["configuration", "s/step", "speed vs course loop", "accuracy", "F1"], rows)
    return f"{header}\n\n{table}"


def three_ways_table(results: dict) -> str:
    """Lesson 06: training time (median of the repeats), samples/s as a ratio to the manual loop, metrics."""
    runs, samples = results["runs"], results["steps"] * results["batch_size"]
    base = runs["manual loop (lesson 02)"]["seconds"]
    rows = [[name, f"{r['seconds']:.1f}", " / ".join(f"{s:.1f}" for s in r["all_seconds"]),
             f"{samples / r['seconds']:.1f}", f"{base / r['seconds']:.2f}×", f"{r['accuracy']:.4f}", f"{r['f1']:.4f}"]
            for name, r in runs.items()]
    steps_ms = ", ".join(f"{name} {ms:.0f} ms" for name, ms in results["optimizer_step_ms"].items())
    header = (f"{results['device']}, {results['profile']} profile, {results['steps']} steps, "
              f"median of {results['repeats']} run(s); AdamW step alone: {steps_ms}")
    table = markdown_table(["", "training time (s)", "each run (s)", "samples/s", "throughput vs manual loop",
                            "accuracy", "F1"], rows)
    return f"{header}\n\n{table}"


FORMATTERS = {"fast-and-lean": fast_and_lean_table, "three-ways": three_ways_table}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=sorted(BENCHMARKS))
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a papermill parameter of the lesson, e.g. -p profile full")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "runs" / "benchmarks",
                        help="folder for the executed notebook (default: runs/benchmarks)")
    args = parser.parse_args(argv)
    prefix, results_file, defaults = BENCHMARKS[args.benchmark]
    parameters = defaults | dict(args.parameter)
    results_file.unlink(missing_ok=True)  # never print a previous run's numbers
    command = [prefix, "--out", str(args.out)]
    for name, value in parameters.items():
        command += ["-p", name, value]
    if run_notebooks(command) != 0 or not results_file.exists():
        print(f"the lesson did not finish: see the executed notebook in {args.out}/", file=sys.stderr)
        return 1
    print()
    print(FORMATTERS[args.benchmark](json.loads(results_file.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
