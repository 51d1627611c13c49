"""Lesson 04's script under `accelerate launch`: on two CPU processes, and on two "machines" (localhost)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.launcher import free_port

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "train_accelerate.py"


@pytest.mark.skipif(not SCRIPT.is_file(), reason="written by notebooks/04_accelerate.ipynb")
@pytest.mark.slow
def test_script_trains_on_two_cpu_processes_and_evaluates_every_pair_once(tmp_path):
    command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
               "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
               "--main_process_port", free_port(), str(SCRIPT), "--cpu", "--source", "bundled", "--profile", "quick",
               "--num-epochs", "1", "--train-pairs", "24", "--eval-pairs", "21", "--output-dir", str(tmp_path)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["num_processes"] == 2
    assert results["distributed_type"] == "DistributedType.MULTI_CPU"
    assert results["batches_per_process"] == 2  # 24 pairs, batch 8, 2 processes: 3 batches split 2 + 1 (padded)
    assert results["evaluated_pairs"] == 21  # an odd count: gather_for_metrics drops the padding duplicates
    assert results["final_lr"] == 0.0
    assert "over 21 validation pairs" in done.stdout  # what the main process printed agrees



@pytest.mark.skipif(not SCRIPT.is_file(), reason="written by notebooks/04_accelerate.ipynb")
@pytest.mark.slow
def test_the_launchers_mixed_precision_reaches_the_accelerator_unless_the_script_is_given_its_own(tmp_path):
    """`accelerate launch --mixed_precision bf16` (lesson 04's last section) must train in bf16: an explicit
    `Accelerator(mixed_precision=...)` overrides the launcher's setting, so the script passes none unless asked."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    printed = {}
    for name, own in (("launcher's", []), ("script's own", ["--mixed-precision", "no"])):  # the second: control
        command = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", "1", "--num_machines", "1",
                   "--mixed_precision", "bf16", "--dynamo_backend", "no", str(SCRIPT), "--cpu", "--source",
                   "bundled", "--profile", "quick", "--num-epochs", "1", "--train-pairs", "8", "--eval-pairs", "8",
                   "--output-dir", str(tmp_path / name.split("'")[0]), *own]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        printed[name] = done.stdout
    assert "mixed precision bf16" in printed["launcher's"]
    assert "mixed precision no" in printed["script's own"]

RANK_WRAPPER = """# One machine's rank of the script, which also writes checksums of the model it trained. The script
# has no such option and lesson 04 writes it, so it runs here unchanged, by runpy, two Accelerator methods wrapped.
import hashlib, json, os, runpy, sys
from pathlib import Path

import torch
from accelerate import Accelerator

out, script = Path(sys.argv[1]), sys.argv[2]
prepare, end_training = Accelerator.prepare, Accelerator.end_training


def checksum(model):
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode() + tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def prepare_and_remember(self, *objects, **kwargs):
    prepared = prepare(self, *objects, **kwargs)
    self.model_seen = next(o for o in prepared if isinstance(o, torch.nn.Module))
    self.model_prepared = checksum(self.unwrap_model(self.model_seen))
    return prepared


def write_then_end(self):
    (out / f"rank{self.process_index}.json").write_text(json.dumps({
        "process_index": self.process_index, "num_processes": self.num_processes,
        "distributed_type": str(self.distributed_type), "backend": self.state.backend,
        "wrapper": type(self.model_seen).__name__, "machine_rank": os.environ.get("GROUP_RANK"),
        "local_rank": os.environ.get("LOCAL_RANK"),
        "prepared": self.model_prepared, "trained": checksum(self.unwrap_model(self.model_seen))}))
    end_training(self)


Accelerator.prepare, Accelerator.end_training = prepare_and_remember, write_then_end
sys.argv = [script, *sys.argv[3:]]
runpy.run_path(script, run_name="__main__")
"""
TWO_MACHINES_TIMEOUT_S = 300  # a rendezvous that never completes fails here instead of hanging the suite


@pytest.mark.skipif(not SCRIPT.is_file(), reason="written by notebooks/04_accelerate.ipynb")
@pytest.mark.slow
def test_script_trains_one_model_on_two_machines(tmp_path):
    """Multi-node as `accelerate launch` spells it, on localhost: two launches, machine ranks 0 and 1, one CPU
    process each, one rendezvous (gloo). Each rank trains on its own half of the batches, so the two models
    stay identical only if the gradients were averaged across the machines."""
    wrapper = tmp_path / "rank.py"
    wrapper.write_text(RANK_WRAPPER)
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    ranks, logs = [], [tmp_path / f"machine{r}.log" for r in (0, 1)]
    for machine_rank in (0, 1):
        command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_machines", "2",
                   "--num_processes", "2", "--machine_rank", str(machine_rank), "--main_process_ip", "127.0.0.1",
                   "--main_process_port", port, "--mixed_precision", "no", "--dynamo_backend", "no",
                   str(wrapper), str(tmp_path), str(SCRIPT), "--cpu", "--source", "bundled", "--profile", "quick",
                   "--num-epochs", "1", "--train-pairs", "32", "--eval-pairs", "16",
                   "--output-dir", str(tmp_path / "out")]
        with logs[machine_rank].open("w") as log:  # a file, not a pipe: a full pipe would block the rank
            ranks.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                          start_new_session=True))  # its own process group, killed whole below
    deadline, timed_out = time.monotonic() + TWO_MACHINES_TIMEOUT_S, False
    while any(rank.poll() is None for rank in ranks):
        failed = any(rank.returncode not in (None, 0) for rank in ranks)  # the other would wait for it forever
        timed_out = time.monotonic() > deadline
        if failed or timed_out:
            for rank in ranks:
                if rank.poll() is None:
                    os.killpg(rank.pid, signal.SIGKILL)
                    rank.wait()
            break
        time.sleep(0.5)
    printed = [log.read_text() for log in logs]
    assert not timed_out, f"no result in {TWO_MACHINES_TIMEOUT_S} s:\n" + printed[0][-2000:] + printed[1][-2000:]
    for rank, text in zip(ranks, printed, strict=True):
        assert rank.returncode == 0, text[-3000:]

    seen = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [(s["process_index"], s["machine_rank"], s["local_rank"]) for s in seen] == [(0, "0", "0"), (1, "1", "0")]
    for rank in seen:
        assert (rank["num_processes"], rank["distributed_type"], rank["backend"], rank["wrapper"]) == (
            2, "DistributedType.MULTI_CPU", "gloo", "DistributedDataParallel")
    assert seen[0]["prepared"] == seen[1]["prepared"]  # DDP starts every rank from rank 0's weights
    assert seen[0]["trained"] != seen[0]["prepared"]  # they trained
    assert seen[0]["trained"] == seen[1]["trained"]  # on different batches, into one model
    results = json.loads((tmp_path / "out" / "results.json").read_text())  # the script's own report, from rank 0
    assert (results["num_processes"], results["distributed_type"]) == (2, "DistributedType.MULTI_CPU")
    assert results["batches_per_process"] == 2  # 32 pairs, batch 8: 4 batches, 2 on each machine
    assert results["evaluated_pairs"] == 16
