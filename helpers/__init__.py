"""The course's code: ``helpers.lessons`` (generated from the lessons' ``#@save`` cells), the plumbing modules
lessons import by name (``from helpers.assets import resolve_assets``), ``helpers.exercises`` and
``helpers.diagrams``. docs/developing.md draws the layout.

Importing the package imports no heavy library: ``helpers.assets`` is light, so ``resolve_assets()`` can set the
Hugging Face offline variables *before* datasets, evaluate and transformers read them.
"""

import os
import warnings

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
