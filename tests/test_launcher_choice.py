"""Lesson 04's choice between notebook_launcher and `accelerate launch`, in each of notebook_launcher's
branches: Colab or Kaggle with a CPU runtime, one GPU or several, and elsewhere (GPUs simulated); and
`accelerate_launch`, what the lesson runs where the kernel cannot fork."""


import importlib.util
import sys

import IPython
import pytest
import torch

from helpers import launcher
from helpers.assets import REPO_ROOT
from helpers.launcher import launcher_forks_this_kernel, script_flags


@pytest.fixture
def machine(monkeypatch):
    def simulate(shell: str = "<ipykernel.zmqshell.ZMQInteractiveShell>", gpus: int = 0, cuda_used: bool = False,
                 kaggle: bool = False):
        monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
        monkeypatch.setattr(torch.cuda, "is_available", lambda: gpus > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: gpus)
        monkeypatch.setattr(torch.cuda, "is_initialized", lambda: cuda_used)
        if kaggle:
            monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    return simulate


COLAB = "<google.colab._shell.Shell object>"


@pytest.mark.parametrize(("gpus", "runtime"), [(0, "a CPU runtime"), (1, "one GPU")])
def test_colab_with_fewer_than_two_gpus_runs_one_process_in_the_kernel(machine, gpus, runtime):
    machine(COLAB, gpus=gpus, cuda_used=gpus > 0)
    forks, why = launcher_forks_this_kernel()
    assert not forks and why.startswith(f"on Colab with {runtime}")  # the branch, named for the learner


def test_kaggle_is_the_same_branch(machine):
    machine(gpus=1, kaggle=True)
    assert launcher_forks_this_kernel()[1].startswith("on Kaggle with one GPU")


def test_several_gpus_fork_unless_the_kernel_used_cuda(machine):
    machine(COLAB, gpus=4)
    assert launcher_forks_this_kernel()[0]
    machine(COLAB, gpus=4, cuda_used=True)
    forks, why = launcher_forks_this_kernel()
    assert not forks and "already used CUDA" in why


def test_a_plain_cpu_kernel_forks(machine):
    machine()
    assert launcher_forks_this_kernel()[0]


def test_script_flags_spell_a_config_as_the_scripts_command_line():
    config = {"num_epochs": 3, "lr": 1e-4, "cpu": True, "mrpc_dir": "", "output_dir": "/tmp/run",
              "patience": 0, "mixed_precision": "no", "resume": False, "seed": 0}
    assert script_flags(config) == ["--num-epochs", "3", "--lr", "0.0001", "--cpu", "--output-dir", "/tmp/run",
                                    "--patience", "0", "--mixed-precision", "no", "--seed", "0"]


def test_lesson_04s_config_reaches_its_script_unchanged_through_the_flags(tmp_path, monkeypatch, lesson_04_config):
    """What accelerate_launch hands `accelerate launch`: script_flags of lesson 04's config, which the script's
    own command line must read back into the same config (a key without its flag, a value of another type or a
    setting the script drops would differ). Each number and switch is moved off the lesson's value first, so a flag
    the script reads but ignores for its own default shows too."""
    moved = {bool: lambda value: not value, int: lambda value: value + 1, float: lambda value: value * 2}
    lesson = lesson_04_config(tmp_path)
    config = {key: moved.get(type(value), lambda same: same)(value) for key, value in lesson.items()}
    spec = importlib.util.spec_from_file_location("train_accelerate", REPO_ROOT / "scripts" / "train_accelerate.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    received = []
    monkeypatch.setattr(script, "training_function", received.append)
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "HF_EVALUATE_OFFLINE"):  # the bundled assets set them
        monkeypatch.setenv(name, "1")
    monkeypatch.setattr(sys, "argv", ["train_accelerate.py", *script_flags(config)])
    script.main()
    assert received == [config]


def test_accelerate_launch_hides_the_gpu_from_cpu_processes_and_reports_a_failure(monkeypatch, capsys):
    import subprocess

    seen = {}

    def fake_run(command, **kwargs):
        seen.update(command=command, env=kwargs["env"])
        return subprocess.CompletedProcess(command, 1, stdout="epoch 1\n", stderr="boom")

    monkeypatch.setattr(subprocess, "run", fake_run)
    with pytest.raises(RuntimeError, match="boom"):
        launcher.accelerate_launch("train.py", {"cpu": True, "lr": 0.1, "mixed_precision": "bf16"}, 2)
    command = seen["command"]
    assert seen["env"]["CUDA_VISIBLE_DEVICES"] == ""
    assert command[-6:] == ["train.py", "--cpu", "--lr", "0.1", "--mixed-precision", "bf16"]
    assert "--multi_gpu" in command and command[command.index("--num_processes") + 1] == "2"
    assert command[command.index("--mixed_precision") + 1] == "bf16"  # the launcher's and the script's agree
    assert "accelerate launch --multi_gpu" in capsys.readouterr().out  # the learner sees the command


def test_accelerate_launch_on_one_process_keeps_the_gpu_and_gives_it_the_cores(monkeypatch, tmp_path):
    import json
    import os
    import subprocess

    seen = {}
    (tmp_path / "results.json").write_text(json.dumps({"accuracy": 0.9}))

    def fake_run(command, **kwargs):
        seen.update(command=command, env=kwargs["env"])
        return subprocess.CompletedProcess(command, 0, stdout="", stderr="")

    monkeypatch.setattr(subprocess, "run", fake_run)
    results = launcher.accelerate_launch("train.py", {"cpu": False, "mixed_precision": "no",
                                                      "output_dir": str(tmp_path)}, 1)
    command = seen["command"]
    assert results == {"accuracy": 0.9} and seen["env"] is None and "--multi_gpu" not in command
    assert command[command.index("--num_cpu_threads_per_process") + 1] == str(os.cpu_count() or 1)


LAUNCH = """import os, sys, IPython
{simulate}
from accelerate import notebook_launcher
from helpers.launcher import free_port, launcher_forks_this_kernel

def record(folder):
    open(os.path.join(folder, str(os.getpid())), "w").close()

forks, _ = launcher_forks_this_kernel()
notebook_launcher(record, (sys.argv[1],), num_processes=2, use_port=free_port())
pids = os.listdir(sys.argv[1])
print(forks, len(pids), str(os.getpid()) in pids)
"""


@pytest.mark.slow
@pytest.mark.parametrize("colab", [False, True], ids=["plain-cpu", "colab-cpu-runtime"])
def test_the_verdict_is_what_notebook_launcher_then_does(tmp_path, colab):
    """Behaviour, not wording: where the helper says the kernel forks, accelerate's notebook_launcher really
    runs the function in two other processes; where it says it does not, once, in this very process."""
    import subprocess
    import sys

    simulate = 'IPython.get_ipython = lambda: "<google.colab._shell.Shell object>"' if colab else ""
    env = {key: value for key, value in __import__("os").environ.items() if not key.startswith("KAGGLE")}
    done = subprocess.run([sys.executable, "-c", LAUNCH.format(simulate=simulate), str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    forks, launched, in_this_process = done.stdout.split()[-3:]
    assert (forks, launched, in_this_process) == (("False", "1", "True") if colab else ("True", "2", "False"))
