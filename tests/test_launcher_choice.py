"""Lesson 04's choice between notebook_launcher and `accelerate launch`, in each of notebook_launcher's
branches: Colab or Kaggle with a CPU runtime, one GPU or several, and elsewhere (GPUs simulated)."""


import IPython
import pytest
import torch

from helpers.notebook import launcher_forks_this_kernel


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
    assert not forks
    assert why == f"on Colab with {runtime}, notebook_launcher calls the function once, in this kernel (no second " \
                  "process)"


def test_kaggle_is_the_same_branch(machine):
    machine(gpus=1, kaggle=True)
    assert launcher_forks_this_kernel()[1].startswith("on Kaggle with one GPU")


def test_several_gpus_fork_unless_the_kernel_used_cuda(machine):
    machine(COLAB, gpus=4)
    assert launcher_forks_this_kernel() == (True, "notebook_launcher forks this kernel (Colab, 4 GPU(s))")
    machine(COLAB, gpus=4, cuda_used=True)
    forks, why = launcher_forks_this_kernel()
    assert not forks and why == "this kernel has already used CUDA, and notebook_launcher would fork it"


def test_a_plain_cpu_kernel_forks(machine):
    machine()
    assert launcher_forks_this_kernel() == (True, "notebook_launcher forks this kernel (here, 0 GPU(s))")
