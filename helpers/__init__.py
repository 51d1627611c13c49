"""Plumbing for the course notebooks: asset choice, data fallbacks, metric, checkpoints, figures.

The code a lesson teaches is written out in its notebook; the cells marked ``#@save`` are exported to
``helpers/lessonNN.py`` (see :mod:`helpers.export`) for later lessons to import.

``import helpers`` is light on purpose: the heavy libraries (datasets, evaluate, torch, matplotlib)
are imported on first use, so ``helpers.resolve_assets()`` can set the Hugging Face offline
variables *before* those libraries read them.
"""

import os
import warnings
from importlib import import_module
from typing import Any

PLAIN_PROGRESS_ENV = "COURSE_PLAIN_PROGRESS"

# Without ipywidgets, tqdm.auto falls back to text bars and warns once at import, naming a site-packages
# path. Silence it before any library imports tqdm.
warnings.filterwarnings("ignore", message="IProgress not found")


def use_plain_progress_bars() -> None:
    """Make ``tqdm.auto`` the plain text bar. Headless runs (papermill, nbval) set ``COURSE_PLAIN_PROGRESS=1``:
    there a widget bar would store only its first frame in the notebook, while a text bar stores its last
    line. In JupyterLab (no variable) ``tqdm.auto`` stays the widget bar."""
    import tqdm.auto
    import tqdm.std

    tqdm.auto.tqdm = tqdm.std.tqdm
    tqdm.auto.trange = tqdm.std.trange


if os.environ.get(PLAIN_PROGRESS_ENV) == "1":
    use_plain_progress_bars()

_EXPORTS = {
    "assets": ["PROFILES", "RUNS_DIR", "Assets", "Profile", "resolve_assets"],
    "metric": ["load_glue_mrpc_metric"],
    "mrpc": ["MRPC_FEATURES", "load_mrpc", "read_glue_dir"],
    "batching": ["LengthGroupedBatchSampler"],
    "measure": ["describe_hardware"],
    "display": ["markdown_table", "quiet_library_output", "show_markdown", "show_table"],
    "launcher": ["free_port", "launcher_forks_this_kernel"],
    "qa": ["load_qa_pairs"],
    "plots": ["plot_gradient_norms", "plot_loss_curves", "plot_speedups", "running_mean", "save_figure"],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    return getattr(import_module(f".{_MODULE_OF[name]}", __name__), name)


def __dir__() -> list[str]:
    return __all__
