"""A local Hugging Face Hub that serves the bundled assets under the course's names, through a real server.

    python -m venv .venv-olah && .venv-olah/bin/pip install olah==0.5.4     # the server, in its own venv
    python scripts/hub_mirror.py -- python scripts/run_notebooks.py -p source hub

builds git repositories (in ``runs/hub-mirror/`` unless ``--root``) for the models ``bert-base-uncased``
and ``sentence-transformers/all-MiniLM-L6-v2`` (both the bundled MiniLM's files), the tokenizer ``gpt2``
(``data/qa/tokenizer``), the dataset ``nyu-mll/glue`` (config ``mrpc`` as parquet, the Hub's features) and the
Space ``evaluate-metric/glue`` (the local GLUE-MRPC module, tagged ``v<evaluate version>``, the revision
``evaluate.load`` asks for), starts
`olah <https://pypi.org/project/olah/>`_ offline on 127.0.0.1, and runs the command after ``--`` with
``HF_ENDPOINT`` pointing at it and no offline variable set. The libraries then take their network path
(``from_pretrained``, ``load_dataset``, ``evaluate.load``) exactly as they would against huggingface.co.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.assets import (
    BUNDLED_GPT2_TOKENIZER,
    HUB_CHECKPOINT,
    HUB_GPT2_TOKENIZER,
    HUB_QUICK_CHECKPOINT,
    OFFLINE_ENVS,
    REPO_ROOT,
    RUNS_DIR,
    bundled_checkpoint_dir,
)
from helpers.glue_metric import LOCAL_GLUE_MRPC
from helpers.mrpc import BUNDLED_MRPC_DIR, HUB_DATASET, read_glue_dir

OLAH_VERSION = "0.5.4"  # pinned: olah's on-disk formats change between minor releases
DEFAULT_OLAH = REPO_ROOT / ".venv-olah" / "bin" / "olah-cli"
LFS_FROM_BYTES = 100_000  # larger files are stored as Git LFS pointers, as on the Hub
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.txt",
               "special_tokens_map.json")
GIT_ENV = {"GIT_AUTHOR_NAME": "hub-mirror", "GIT_AUTHOR_EMAIL": "hub-mirror@localhost",
           "GIT_COMMITTER_NAME": "hub-mirror", "GIT_COMMITTER_EMAIL": "hub-mirror@localhost",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}

GLUE_CARD = """---
configs:
- config_name: mrpc
  data_files:
{data_files}
dataset_info:
- config_name: mrpc
  features:
  - name: sentence1
    dtype: string
  - name: sentence2
    dtype: string
  - name: label
    dtype:
      class_label:
        names:
          '0': not_equivalent
          '1': equivalent
  - name: idx
    dtype: int32
  splits:
{splits}
---
# GLUE (local mirror)

MRPC-shaped synthetic sample from full-training-loop's `data/mrpc`, served under the Hub's name.
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def add_file(repo: Path, name: str, data: bytes) -> None:
    """Write ``name``: small files as they are, large ones as an LFS pointer with the bytes in .git/lfs."""
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if len(data) < LFS_FROM_BYTES:
        path.write_bytes(data)
        return
    oid = hashlib.sha256(data).hexdigest()
    blob = repo / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(data)
    path.write_text(f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n")


def record_refs(cache: Path, kind: str, name: str, repo: Path) -> None:
    """Tell offline olah where ``main`` and each tag point, as its file route would have recorded them.

    Without these records olah answers a path the repository lacks with 401 RepoNotFound instead of the
    Hub's 404, and ``from_pretrained`` stops at its first optional-file probe.
    """
    refs = subprocess.run(["git", "-C", str(repo), "for-each-ref", "--format=%(refname:short) %(objectname)",
                           "refs/heads", "refs/tags"], check=True, capture_output=True, text=True).stdout
    for ref, sha in (line.split() for line in refs.splitlines()):
        record = cache / "api" / kind / name / "revision" / ref / "resolved_commit.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"status_code": 200, "headers": {}, "cached_at": time.time()}))
        Path(f"{record}.body").write_text(sha)


def make_repo(root: Path, kind: str, name: str, files: dict[str, bytes], tag: str | None = None) -> Path:
    """A git repository at ``root/<kind>/<name>`` (olah's layout) holding ``files`` in one commit."""
    repo = root / kind / name
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for file_name, data in files.items():
        add_file(repo, file_name, data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{name} from full-training-loop's bundled assets")
    if tag:
        git(repo, "tag", tag)
    return repo


def glue_files(workdir: Path) -> dict[str, bytes]:
    """``nyu-mll/glue``'s mrpc config: one parquet file per split and a card mapping the config to them."""
    import datasets

    datasets.disable_progress_bars()
    splits = read_glue_dir(BUNDLED_MRPC_DIR)
    files, data_files, split_info = {}, [], []
    for split, dataset in splits.items():
        name = f"mrpc/{split}-00000-of-00001.parquet"
        dataset.to_parquet(workdir / "split.parquet")
        files[name] = (workdir / "split.parquet").read_bytes()
        data_files.append(f"  - split: {split}\n    path: {name}")
        split_info.append(f"  - name: {split}\n    num_bytes: {len(files[name])}\n    num_examples: {len(dataset)}")
    files["README.md"] = GLUE_CARD.format(data_files="\n".join(data_files), splits="\n".join(split_info)).encode()
    return files


def build_mirror(root: Path, cache: Path) -> list[str]:
    """Make every repository the lessons ask the Hub for under ``root``, and olah's records of their refs
    under ``cache``; returns their ``type/name`` ids."""
    import evaluate

    root.mkdir(parents=True, exist_ok=True)
    model_dir = bundled_checkpoint_dir()
    made = [
        make_repo(root, "models", HUB_CHECKPOINT, {f: (model_dir / f).read_bytes() for f in MODEL_FILES}),
        make_repo(root, "models", HUB_QUICK_CHECKPOINT, {f: (model_dir / f).read_bytes() for f in MODEL_FILES}),
        make_repo(root, "models", HUB_GPT2_TOKENIZER,
                  {p.name: p.read_bytes() for p in sorted(BUNDLED_GPT2_TOKENIZER.iterdir()) if p.is_file()}),
        make_repo(root, "spaces", "evaluate-metric/glue",
                  {"glue.py": LOCAL_GLUE_MRPC.read_bytes(), "README.md": b"# GLUE metric (local mirror: MRPC)\n"},
                  tag=f"v{evaluate.__version__}"),
    ]
    with tempfile.TemporaryDirectory() as workdir:
        made.append(make_repo(root, "datasets", HUB_DATASET[0], glue_files(Path(workdir))))
    ids = [repo.relative_to(root).as_posix() for repo in made]
    for repo, repo_id in zip(made, ids, strict=True):
        record_refs(cache, *repo_id.split("/", 1), repo)
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(endpoint: str, server: subprocess.Popen, timeout: float = 60) -> None:
    """olah's ``/`` answers 500; a repository's revision API is the readiness check."""
    url = f"{endpoint}/api/models/{HUB_CHECKPOINT}/revision/main"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"olah exited with code {server.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise TimeoutError(f"olah did not serve {url} within {timeout:g} s")


@contextmanager
def serve(root: Path, olah: Path = DEFAULT_OLAH) -> Iterator[str]:
    """Build the mirror under ``root``, run olah offline on a free port, and yield its endpoint."""
    if not Path(olah).is_file():
        raise FileNotFoundError(f"olah is not installed at {olah}: run `python -m venv .venv-olah && "
                                f".venv-olah/bin/pip install olah=={OLAH_VERSION}` (or pass --olah).")
    shutil.rmtree(root / "cache", ignore_errors=True)
    build_mirror(root / "mirrors", root / "cache")
    port = free_port()
    config = root / "olah.toml"
    config.write_text(f'[basic]\nhost = "127.0.0.1"\nport = {port}\nrepos-path = "{root / "cache"}"\n'
                      f'mirrors-path = ["{root / "mirrors"}"]\n\n[accessibility]\noffline = true\n')
    log = (root / "olah.log").open("w")
    server = subprocess.Popen([str(olah), "-c", str(config)], stdout=log, stderr=subprocess.STDOUT, cwd=root)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        wait_until_ready(endpoint, server)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def hub_env(endpoint: str, hf_home: Path) -> dict[str, str]:
    """A learner's environment on the Hub, with ``endpoint`` as the Hub and a cache of its own in ``hf_home``
    (the mirror's "bert-base-uncased" is MiniLM: it must never land in the real Hugging Face cache)."""
    env = {k: v for k, v in os.environ.items() if k not in (*OFFLINE_ENVS, "HF_EVALUATE_OFFLINE")}
    return {**env, "HF_ENDPOINT": endpoint, "HF_HOME": str(hf_home), "HF_UPDATE_DOWNLOAD_COUNTS": "0"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=RUNS_DIR / "hub-mirror", help="where repositories and cache go")
    parser.add_argument("--olah", type=Path, default=DEFAULT_OLAH, help="olah-cli in its own virtual environment")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run against the mirror")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --, e.g. -- python scripts/run_notebooks.py -p source hub")
    root = args.root.resolve()
    shutil.rmtree(root / "hf-home", ignore_errors=True)  # every run downloads through the mirror again
    try:
        with serve(root, args.olah) as endpoint:
            print(f"Hub mirror at {endpoint} (HF_ENDPOINT), serving the bundled assets under the course's names",
                  flush=True)
            return subprocess.run(command, env=hub_env(endpoint, root / "hf-home")).returncode
    except (FileNotFoundError, RuntimeError, TimeoutError) as error:  # no olah, or it did not start
        print(f"hub_mirror: {error} (olah's log: {root / 'olah.log'})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
