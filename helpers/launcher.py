"""Launching lesson 04's training function on several processes: the kernel check that decides between the
course's ``notebook_launcher`` and ``accelerate launch``, and the launch itself."""

from __future__ import annotations

from pathlib import Path


def free_port() -> str:
    """A TCP port nobody uses right now (for a process group's rendezvous): two launches at once must not
    share one, as a fixed port would make them."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def launcher_forks_this_kernel() -> tuple[bool, str]:
    """Whether ``notebook_launcher(..., num_processes=2)`` starts two processes from this kernel, and why not.

    Accelerate's Colab/Kaggle branch (a CPU runtime or one GPU) ignores ``num_processes`` and calls the
    function once, in the kernel; everywhere else it forks the kernel, which forked children cannot do
    once the kernel has used CUDA.
    """
    import os

    import torch
    from IPython import get_ipython

    where = ("Colab" if "google.colab" in str(get_ipython()) else
             "Kaggle" if any(name.startswith("KAGGLE") for name in os.environ) else None)
    gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if where and gpus < 2:
        runtime = "a CPU runtime" if gpus == 0 else "one GPU"
        return False, (f"on {where} with {runtime}, notebook_launcher calls the function once, in this kernel "
                       "(no second process)")
    if torch.cuda.is_initialized():
        return False, "this kernel has already used CUDA, and notebook_launcher would fork it"
    return True, f"notebook_launcher forks this kernel ({where or 'here'}, {gpus} GPU(s))"


def cpu_only_env() -> dict[str, str]:
    """This process's environment with every GPU hidden: CPU processes on a GPU machine must not see one
    (accelerate's barrier would give each rank a GPU of its own)."""
    import os

    return {**os.environ, "CUDA_VISIBLE_DEVICES": ""}


def script_flags(config: dict) -> list[str]:
    """``config`` as a script's command line: ``lr=1e-4`` -> ``--lr 1e-4``, ``num_epochs`` -> ``--num-epochs``,
    ``True`` -> the bare flag; ``False``, ``None`` and ``""`` are left out."""
    flags: list[str] = []
    for key, value in config.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            flags.append(flag)
        elif value is not False and value is not None and value != "":  # 0 is a value (seed=0), not False
            flags += [flag, str(value)]
    return flags


def read_results(config: dict) -> dict:
    """The results ``training_function(config)`` wrote to ``config["output_dir"]``: a launched function runs in
    other processes, and ``notebook_launcher`` returns nothing."""
    import json

    return json.loads((Path(config["output_dir"]) / "results.json").read_text())


def accelerate_launch(script: str | Path, config: dict, num_processes: int) -> dict:
    """``accelerate launch`` ``script`` on ``num_processes`` processes of this machine with ``config`` as its flags:
    prints the command and what the script printed, returns its results (:func:`read_results`), raises
    ``RuntimeError`` with its error output if it failed. Each process gets its share of the CPU cores (accelerate
    launch would give it one thread); CPU runs hide the GPU (:func:`cpu_only_env`)."""
    import os
    import subprocess
    import sys

    launch = ["--multi_gpu"] if num_processes > 1 else []
    launch += ["--num_processes", str(num_processes), "--num_machines", "1", "--mixed_precision",
               config["mixed_precision"], "--dynamo_backend", "no", "--main_process_port", free_port(),
               "--num_cpu_threads_per_process", str(max(1, (os.cpu_count() or 1) // num_processes))]
    command = [*launch, str(script), *script_flags(config)]
    print("accelerate launch", " ".join(os.path.relpath(arg) if os.path.isabs(arg) else arg for arg in command))
    done = subprocess.run([sys.executable, "-m", "accelerate.commands.launch", *command], capture_output=True,
                          text=True, check=False, env=cpu_only_env() if config.get("cpu") else None)
    print(done.stdout.rstrip())
    if done.returncode != 0:
        raise RuntimeError(f"accelerate launch failed:\n{done.stderr[-3000:]}")
    return read_results(config)
