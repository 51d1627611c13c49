"""Lesson 04's script under `accelerate launch` on two CPU processes, and the launcher's multi-process path."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import free_port

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "train_accelerate.py"


@pytest.mark.skipif(not SCRIPT.is_file(), reason="written by notebooks/04_accelerate.ipynb")
@pytest.mark.slow
def test_script_trains_on_two_cpu_processes_and_evaluates_every_pair_once(tmp_path):
    results_file = tmp_path / "results.json"
    command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
               "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
               "--main_process_port", free_port(), str(SCRIPT), "--cpu", "--source", "bundled", "--profile", "quick",
               "--num-epochs", "1", "--train-pairs", "24", "--eval-pairs", "21", "--results-file", str(results_file)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(results_file.read_text())
    assert results["num_processes"] == 2
    assert results["distributed_type"] == "DistributedType.MULTI_CPU"
    assert results["batches_per_process"] == 2  # 24 pairs, batch 8, 2 processes: 3 batches split 2 + 1 (padded)
    assert results["evaluated_pairs"] == 21  # an odd count: gather_for_metrics drops the padding duplicates
    assert results["final_lr"] == 0.0
    assert json.loads(done.stdout.strip().splitlines()[-1])["evaluated_pairs"] == 21


def _gather_on_every_rank(path: str) -> None:
    import torch
    from accelerate import Accelerator

    accelerator = Accelerator(cpu=True)
    gathered = accelerator.gather(torch.tensor([accelerator.process_index]))
    if accelerator.is_main_process:
        Path(path).write_text(json.dumps({"ranks": gathered.tolist(), "n": accelerator.num_processes}))


def test_debug_launcher_forms_a_two_process_group(tmp_path):
    from accelerate import debug_launcher

    from helpers import reset_accelerate_state

    out = tmp_path / "gathered.json"
    debug_launcher(_gather_on_every_rank, (str(out),), num_processes=2)
    reset_accelerate_state()
    assert json.loads(out.read_text()) == {"ranks": [0, 1], "n": 2}
