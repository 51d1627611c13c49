"""Every kernel the tests start (nbval's, NotebookClient's) draws plain text progress bars: see
helpers.use_plain_progress_bars. Set before collection, so the kernels inherit it."""

import os

from helpers import PLAIN_PROGRESS_ENV

os.environ.setdefault(PLAIN_PROGRESS_ENV, "1")
