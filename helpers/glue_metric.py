"""The GLUE-MRPC metric through ``evaluate``: the Hub's ``glue``/``mrpc``, or the local module."""

from __future__ import annotations

from pathlib import Path

import evaluate

from .assets import Assets

LOCAL_GLUE_MRPC = Path(__file__).resolve().parent / "glue_mrpc_metric" / "glue_mrpc.py"


def load_glue_mrpc_metric(assets: Assets) -> evaluate.EvaluationModule:
    """``evaluate.load("glue", "mrpc")`` on the Hub; offline, the local module with the same API."""
    if assets.source == "hub":
        return evaluate.load("glue", "mrpc")
    return evaluate.load(str(LOCAL_GLUE_MRPC))
