"""The Hub path through a real mirror server: scripts/hub_mirror.py builds the course's repositories from
the bundled assets and olah serves them; the libraries' network code then loads every asset a lesson
asks the Hub for. CI installs olah in its own venv and sets COURSE_REQUIRE_HUB_MIRROR=1, so there the
server test cannot be skipped."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.assets import REPO_ROOT

spec = importlib.util.spec_from_file_location("hub_mirror", REPO_ROOT / "scripts" / "hub_mirror.py")
hub_mirror = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hub_mirror)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def test_the_mirror_holds_the_course_repositories_with_large_files_in_lfs_and_refs_recorded(tmp_path):
    import evaluate

    ids = hub_mirror.build_mirror(tmp_path / "mirrors", tmp_path / "cache")
    assert ids == ["models/bert-base-uncased", "models/sentence-transformers/all-MiniLM-L6-v2", "models/gpt2",
                   "spaces/evaluate-metric/glue", "datasets/nyu-mll/glue"]
    model = tmp_path / "mirrors" / "models" / "bert-base-uncased"
    pointer = (model / "model.safetensors").read_text()
    assert pointer.startswith("version https://git-lfs.github.com/spec/v1\noid sha256:")
    oid, size = pointer.split("sha256:")[1].split()[0], int(pointer.split("size ")[1])
    assert (model / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4] / oid).stat().st_size == size > 50_000_000
    assert 120 < len(pointer) < 150  # olah recognises an LFS pointer by its size
    assert not git(model, "status", "--porcelain")  # everything committed
    space = tmp_path / "mirrors" / "spaces" / "evaluate-metric" / "glue"
    assert git(space, "tag").split() == [f"v{evaluate.__version__}"]  # the revision evaluate.load asks for
    card = (tmp_path / "mirrors" / "datasets" / "nyu-mll" / "glue" / "README.md").read_text()
    assert "config_name: mrpc" in card and "path: mrpc/validation-00000-of-00001.parquet" in card
    record = tmp_path / "cache" / "api" / "models" / "bert-base-uncased" / "revision" / "main" / "resolved_commit.json"
    assert json.loads(record.read_text())["status_code"] == 200
    assert Path(f"{record}.body").read_text() == git(model, "rev-parse", "HEAD").strip()


def test_a_command_without_olah_installed_says_how_to_install_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"pip install olah==0\.5\.4"):
        with hub_mirror.serve(tmp_path, tmp_path / "no-olah-cli"):
            pass


PROBE = """
from helpers.assets import resolve_assets
from helpers.glue_metric import load_glue_mrpc_metric
from helpers.mrpc import load_mrpc
from transformers import AutoModelForSequenceClassification, AutoTokenizer
assets = resolve_assets(source="auto", uses=("model", "data", "metric", "tokenizer"))
tokenizer = AutoTokenizer.from_pretrained(assets.checkpoint)
model = AutoModelForSequenceClassification.from_pretrained(assets.checkpoint, num_labels=2)
gpt2 = AutoTokenizer.from_pretrained(assets.gpt2_tokenizer)
mrpc = load_mrpc(assets)
metric = load_glue_mrpc_metric(assets)
print("RESULT", tokenizer("hello world")["input_ids"], model.config.hidden_size, len(gpt2), mrpc["train"].num_rows,
      mrpc["validation"].features["label"].names, metric.compute(predictions=[0, 1, 1], references=[0, 1, 0]))
"""


@pytest.mark.slow
def test_every_hub_call_of_the_lessons_goes_through_the_mirror(tmp_path):
    olah = Path(os.environ.get("OLAH_CLI", hub_mirror.DEFAULT_OLAH))
    if not olah.is_file():
        if os.environ.get("COURSE_REQUIRE_HUB_MIRROR") == "1":
            pytest.fail(f"COURSE_REQUIRE_HUB_MIRROR=1 but olah is not installed at {olah}")
        pytest.skip(f"olah not installed at {olah} (python -m venv .venv-olah && .venv-olah/bin/pip install "
                    f"olah=={hub_mirror.OLAH_VERSION})")
    with hub_mirror.serve(tmp_path, olah) as endpoint:
        env = hub_mirror.hub_env(endpoint, tmp_path / "hf-home")
        run = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                             timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"assets: hub (the Hub at {endpoint} answered)" in run.stdout
    assert "model:     sentence-transformers/all-MiniLM-L6-v2 (the quick profile's" in run.stdout  # no GPU: quick
    result = run.stdout.split("RESULT ", 1)[1]
    assert result.startswith("[101, 7592, 2088, 102] 384 1024 1800 ['not_equivalent', 'equivalent']"), result
    assert "{'accuracy': 0.6666666666666666, 'f1': 0.6666666666666666}" in result
    downloaded = {p.name for p in (tmp_path / "hf-home").rglob("*") if p.is_file()}
    assert {"model.safetensors", "vocab.txt", "glue.py", "train-00000-of-00001.parquet"} <= downloaded
