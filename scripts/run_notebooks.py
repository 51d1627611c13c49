"""Run every lesson notebook top to bottom, headless and in order, and print a summary table.

    python scripts/run_notebooks.py                      # executed copies go to runs/notebooks/
    python scripts/run_notebooks.py -p profile full      # papermill parameters, as in the notebooks
    python scripts/run_notebooks.py 01 02                # only lessons whose file name starts so
    python scripts/run_notebooks.py --inplace            # refresh the committed notebooks' outputs
    python scripts/run_notebooks.py 01 --through-tag last-hub-call   # only up to the cell tagged so

Parameters go to each notebook's cell tagged ``parameters`` (papermill); a notebook that has no such
name ignores it, and a name no selected lesson has is an error before anything runs (a typo, e.g.
``-p nmu_epochs 3``). With no Hub access the lessons use the bundled assets (see helpers/assets.py).
Whatever stops a lesson (an error, a dead kernel, ``--timeout``), the others still run and the summary
says what happened; ``--inplace`` replaces a committed notebook only with a run that succeeded.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from nbconvert.preprocessors import CoalesceStreamsPreprocessor
from tqdm import tqdm
from traitlets.config import Config

from helpers import PLAIN_PROGRESS_ENV
from helpers.assets import MRPC_DIR_ENV, RUNS_DIR, RUNS_ENV
from helpers.plots import FIGURES_ENV, figures_dir  # the folder every lesson saves its figures in

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO_ROOT / "notebooks"
NOISE_KEYS = ("papermill", "execution")  # per-run metadata papermill adds; not stored in the repo


def parse_value(text: str) -> object:
    """``-p seed 7`` gives an int, ``-p profile full`` a string: Python literals, else plain text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def merge_streams(outputs: list) -> list:
    """Join consecutive stdout/stderr chunks and keep only a progress bar's final state, as Jupyter shows it
    (nbconvert's CoalesceStreamsPreprocessor); then drop the streams left blank (a bar that erased itself)."""
    cell, _ = CoalesceStreamsPreprocessor().preprocess_cell(nbformat.NotebookNode(outputs=outputs), {}, 0)
    return [o for o in cell.outputs if o.output_type != "stream" or o.text.strip()]


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
    """The lessons whose file names start with one of ``patterns`` (all for none); a pattern that matches
    no lesson is an error, also next to one that does."""
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    unmatched = [p for p in patterns if not any(nb.name.startswith(p) for nb in notebooks)]
    if unmatched or not notebooks:
        raise SystemExit(f"no lesson notebook matches {unmatched or patterns}: see {shown(NOTEBOOKS)}/ "
                         "(give file-name prefixes such as 01 or 07_fast)")
    return [nb for nb in notebooks if not patterns or any(nb.name.startswith(p) for p in patterns)]


def check_parameters(names: list[str], notebooks: list[Path]) -> None:
    """Refuse a parameter that none of ``notebooks`` has (a typo would otherwise run with the defaults)."""
    known = set().union(*(papermill.inspect_notebook(str(nb)) for nb in notebooks))  # the parameters cells
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown parameter {', '.join(unknown)}: the selected lessons take "
                         f"{', '.join(sorted(known))}")


def absolute_paths(parameters: dict, environ) -> None:
    """A relative ``mrpc_dir`` (parameter or ``MRPC_DIR``), ``COURSE_RUNS_DIR`` or ``COURSE_FIGURES_DIR`` means
    from where the command was typed, not from notebooks/, where the lessons run: make it absolute first."""
    for where, key in ((parameters, "mrpc_dir"), (environ, MRPC_DIR_ENV), (environ, RUNS_ENV), (environ, FIGURES_ENV)):
        value = where.get(key)
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            where[key] = str(Path(value).expanduser().resolve())


def kernel_config(socket_dir: Path) -> Config:
    """Local sockets (IPC) between runner and kernel where the OS has them, in ``socket_dir``: over TCP, the
    default, every kernel prints a warning about unencrypted traffic into the runner's output."""
    config = Config()
    if os.name == "posix":
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(socket_dir / "kernel")  # not the lessons' folder, where kernels run
    return config


def cut_through_tag(notebook: Path, tag: str, folder: Path) -> Path:
    """A copy of ``notebook`` in ``folder`` that ends with its last cell tagged ``tag``; none is an error."""
    nb = nbformat.read(notebook, as_version=4)
    tagged = [i for i, cell in enumerate(nb.cells) if tag in cell.metadata.get("tags", [])]
    if not tagged:
        raise SystemExit(f"{notebook.name} has no cell tagged {tag!r}: tag the last cell to run "
                         "(JupyterLab: Property Inspector > Cell Tags), or leave out --through-tag")
    nb.cells = nb.cells[:tagged[-1] + 1]
    copy = folder / notebook.name
    nbformat.write(nb, copy)
    return copy


def run_one(notebook: Path, target: Path, parameters: dict, timeout: int | None, socket_dir: Path) -> str:
    """Execute ``notebook`` into ``target``; "ok", or "failed: ..." whatever stopped it (not Ctrl-C)."""
    try:
        papermill.execute_notebook(notebook, target, parameters=parameters or None, cwd=NOTEBOOKS,
                                   progress_bar=False, execution_timeout=timeout,
                                   config=kernel_config(socket_dir))
        return "ok"
    except papermill.PapermillExecutionError as error:
        return f"failed: {error.ename}: {error.evalue}"
    except Exception as error:  # a dead kernel, a cell timeout, a kernel that never started
        return f"failed: {type(error).__name__}: {error}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="file-name prefixes, e.g. 01 02 (default: all)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a papermill parameter for every notebook, e.g. -p profile full")
    parser.add_argument("--out", type=Path, default=RUNS_DIR / "notebooks",
                        help="folder for the executed copies (default: runs/notebooks)")
    parser.add_argument("--inplace", action="store_true",
                        help="overwrite the committed notebooks with the executed ones (no -p allowed)")
    parser.add_argument("--timeout", type=int, default=None,
                        help="seconds allowed per cell (default: none; the full profile on a CPU takes hours)")
    parser.add_argument("--through-tag", metavar="TAG",
                        help="run each lesson only up to its last cell tagged TAG (not with --inplace)")
    args = parser.parse_args(argv)
    if args.inplace and args.parameter:
        parser.error("--inplace stores the notebooks' defaults: run overrides into --out instead")
    if args.inplace and args.through_tag:
        parser.error("--inplace stores whole lessons: run --through-tag into --out instead")
    parameters = {name: parse_value(value) for name, value in args.parameter}
    absolute_paths(parameters, os.environ)
    os.environ.setdefault(PLAIN_PROGRESS_ENV, "1")  # text bars in the stored lessons, as under nbval
    notebooks = select(args.lessons)
    check_parameters(list(parameters), notebooks)
    args.out.mkdir(parents=True, exist_ok=True)

    results: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory(prefix="course-kernels-") as sockets:
        if args.through_tag:
            notebooks = [cut_through_tag(nb, args.through_tag, Path(sockets)) for nb in notebooks]
        bar = tqdm(notebooks, unit="notebook", file=sys.stdout)
        for notebook in bar:
            bar.set_description(notebook.stem)
            start = time.perf_counter()
            if args.inplace:  # run into a temporary file: the committed lesson is replaced only by a clean run
                handle, temporary = tempfile.mkstemp(suffix=".ipynb", prefix=f".{notebook.stem}.", dir=NOTEBOOKS)
                os.close(handle)
                try:
                    status = run_one(notebook, Path(temporary), parameters, args.timeout, Path(sockets))
                    if status == "ok":
                        tidy_notebook(Path(temporary))
                        os.replace(temporary, notebook)
                finally:  # a failed run, or Ctrl-C: no half-written copy stays beside the lessons
                    Path(temporary).unlink(missing_ok=True)
            else:
                status = run_one(notebook, args.out / notebook.name, parameters, args.timeout, Path(sockets))
            results.append((notebook.name, status, time.perf_counter() - start))
    bar.close()

    width = max(len(name) for name, _, _ in results)
    print(f"\n{'notebook':<{width}}  {'seconds':>7}  status")
    for name, status, seconds in results:
        print(f"{name:<{width}}  {seconds:7.1f}  {status.splitlines()[0]}")
    for name, status, _ in results:
        if status != "ok":
            print(f"\n{name} {status}")
    total = sum(seconds for _, _, seconds in results)
    failed = sum(status != "ok" for _, status, _ in results)
    where = "in place" if args.inplace else f"in {shown(args.out)}/"
    print(f"{len(results) - failed} ok, {failed} failed, {total:.0f} s in all; executed notebooks {where}; "
          f"figures in {shown(figures_dir())}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
