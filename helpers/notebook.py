"""Keep what a notebook stores stable and readable across machines."""

from __future__ import annotations


def quiet_library_output() -> None:
    """Silence the libraries' per-file progress bars and load reports; the lessons' own bars stay.

    transformers' load report prints the checkpoint's folder (a machine path) and the libraries'
    bars print rates that change every run; the lessons print what matters (e.g. which weights
    are newly initialised) themselves.
    """
    import datasets
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    datasets.disable_progress_bars()
