"""Run a lesson's measurements headless, on any profile and machine, and print its table.

    python benchmarks/run.py fast-and-lean                        # lesson 07, this machine's default profile
    python benchmarks/run.py fast-and-lean -p profile full        # the course's full run (e.g. on a GPU)
    python benchmarks/run.py fast-and-lean -p try_compile True    # also time torch.compile
    python benchmarks/run.py three-ways                           # lesson 06's comparison, median of 3 runs
    python benchmarks/run.py three-ways -p profile full -p comparison_repeats 5

The measurement code is the lesson's own: the notebook runs through papermill (as
``scripts/run_notebooks.py`` does, with the same ``-p`` parameters) into ``runs/benchmarks/``, and this
script prints the results file the lesson saves (the schema and the one table formatter are in
``helpers/results.py``; the lesson prints the same table). Speeds are ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))  # run_notebooks; helpers is installed

from run_notebooks import main as run_notebooks  # noqa: E402

from helpers.assets import RUNS_DIR  # noqa: E402
from helpers.results import load_results, results_table  # noqa: E402

BENCHMARKS = {  # name: (lesson prefix, results file the lesson writes, default parameters)
    "fast-and-lean": ("07", RUNS_DIR / "lesson07" / "results.json", {}),
    "three-ways": ("06", RUNS_DIR / "lesson06" / "results.json", {"comparison_repeats": "3"}),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=sorted(BENCHMARKS))
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a papermill parameter of the lesson, e.g. -p profile full")
    parser.add_argument("--out", type=Path, default=RUNS_DIR / "benchmarks",
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
    print(results_table(load_results(results_file)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
