"""Run every lesson notebook top to bottom, headless and in order, and print a summary table.

    python scripts/run_notebooks.py                      # executed copies go to runs/notebooks/
    python scripts/run_notebooks.py -p profile full      # papermill parameters, as in the notebooks
    python scripts/run_notebooks.py 01 02                # only lessons whose file name starts so
    python scripts/run_notebooks.py --inplace            # refresh the committed notebooks' outputs

Parameters go to each notebook's cell tagged ``parameters`` (papermill); a notebook that has no such
name ignores it. With no Hub access the lessons use the bundled assets (see helpers/assets.py).
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

import nbformat
import papermill
from tqdm import tqdm

from helpers.assets import RUNS_DIR
from helpers.plots import figures_dir  # the folder every lesson saves its figures in

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO_ROOT / "notebooks"
NOISE_KEYS = ("papermill", "execution")  # per-run metadata papermill adds; not stored in the repo


def parse_value(text: str) -> object:
    """``-p seed 7`` gives an int, ``-p profile full`` a string: Python literals, else plain text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def render_carriage_returns(text: str) -> str:
    """What a terminal shows: on each line, only the text after its last carriage return."""
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def merge_streams(outputs: list) -> list:
    """Join consecutive stdout/stderr chunks and keep only a progress bar's final state, as Jupyter shows it."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                and previous.name == output.name):
            previous.text += output.text
        else:
            merged.append(output)
    for output in merged:
        if output.output_type == "stream":
            output.text = render_carriage_returns(output.text)
    return [o for o in merged if o.output_type != "stream" or o.text.strip()]


def tidy_notebook(path: Path) -> None:
    """Drop papermill's timings and widget state, and collapse progress-bar redraws, before committing."""
    nb = nbformat.read(path, as_version=4)
    for key in (*NOISE_KEYS, "widgets"):
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in NOISE_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    nbformat.write(nb, path)


def shown(path: Path) -> Path:
    """A folder as the learner would type it: relative to the repository when inside it."""
    path = path.resolve()
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


def select(patterns: list[str]) -> list[Path]:
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if patterns:
        notebooks = [nb for nb in notebooks if any(nb.name.startswith(p) for p in patterns)]
    if not notebooks:
        raise SystemExit(f"no lesson notebook matches {patterns}: see {NOTEBOOKS.relative_to(REPO_ROOT)}/")
    return notebooks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="file-name prefixes, e.g. 01 02 (default: all)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a papermill parameter for every notebook, e.g. -p profile full")
    parser.add_argument("--out", type=Path, default=RUNS_DIR / "notebooks",
                        help="folder for the executed copies (default: runs/notebooks)")
    parser.add_argument("--inplace", action="store_true",
                        help="overwrite the committed notebooks with the executed ones (no -p allowed)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    if args.inplace and args.parameter:
        parser.error("--inplace stores the notebooks' defaults: run overrides into --out instead")
    parameters = {name: parse_value(value) for name, value in args.parameter}
    notebooks = select(args.lessons)
    args.out.mkdir(parents=True, exist_ok=True)

    results: list[tuple[str, str, float]] = []
    bar = tqdm(notebooks, unit="notebook", file=sys.stdout)
    for notebook in bar:
        bar.set_description(notebook.stem)
        target = notebook if args.inplace else args.out / notebook.name
        start = time.perf_counter()
        try:
            papermill.execute_notebook(notebook, target, parameters=parameters or None, cwd=NOTEBOOKS,
                                       progress_bar=False, execution_timeout=args.timeout)
            status = "ok"
        except papermill.PapermillExecutionError as error:
            status = f"failed: {error.ename}: {error.evalue}"[:100]
        if args.inplace and status == "ok":
            tidy_notebook(target)
        results.append((notebook.name, status, time.perf_counter() - start))
    bar.close()

    width = max(len(name) for name, _, _ in results)
    print(f"\n{'notebook':<{width}}  {'seconds':>7}  status")
    for name, status, seconds in results:
        print(f"{name:<{width}}  {seconds:7.1f}  {status}")
    total = sum(seconds for _, _, seconds in results)
    failed = sum(status != "ok" for _, status, _ in results)
    where = "in place" if args.inplace else f"in {shown(args.out)}/"
    print(f"{len(results) - failed} ok, {failed} failed, {total:.0f} s in all; executed notebooks {where}; "
          f"figures in {shown(figures_dir())}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
