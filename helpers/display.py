"""What a lesson shows: tables as Markdown in a notebook (printed elsewhere), and the libraries kept quiet so a
stored notebook holds only what the lesson prints."""

from __future__ import annotations

import warnings


def quiet_library_output() -> None:
    """Silence the libraries' per-file progress bars and load reports; the lessons' own bars stay.

    transformers' load report prints the checkpoint's folder (a machine path) and the libraries'
    bars print rates that change every run; the lessons print what matters (e.g. which weights
    are newly initialised) themselves.
    """
    import datasets
    import transformers

    # Accelerate sets the thread count of CPU worker processes itself and warns about it, naming its path.
    warnings.filterwarnings("ignore", message="OMP_NUM_THREADS/MKL_NUM_THREADS unset")
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    datasets.disable_progress_bars()


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def show_table(header: list[str], rows: list[list[object]]) -> None:
    """Display a table as Markdown in a notebook (printed elsewhere)."""
    show_markdown(markdown_table(header, rows))


def show_markdown(text: str) -> None:
    """Display Markdown text in a notebook (printed elsewhere)."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown(text))
    else:
        print(text)
