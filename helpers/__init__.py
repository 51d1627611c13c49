"""Plumbing for the course notebooks: asset choice, data fallbacks, metric, checkpoints, plots.

The training code the course teaches lives in the notebooks, never here.
"""

import warnings

# Without ipywidgets, tqdm.auto falls back to text bars (what headless runs want) and warns once at
# import; the warning names a site-packages path. Silence it before any library imports tqdm.
warnings.filterwarnings("ignore", message="IProgress not found")

from .assets import PROFILES, Assets, Profile, resolve_assets
from .metric import load_glue_mrpc_metric
from .mrpc import MRPC_FEATURES, load_mrpc, read_glue_dir
from .notebook import quiet_library_output
from .plots import save_figure

__all__ = ["PROFILES", "Assets", "Profile", "resolve_assets", "load_glue_mrpc_metric", "MRPC_FEATURES",
           "load_mrpc", "read_glue_dir", "quiet_library_output", "save_figure"]
