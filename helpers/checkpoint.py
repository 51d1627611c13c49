"""Training checkpoints that are written atomically, verified on load, and resume a run exactly.

A checkpoint is a folder:

* ``model.safetensors``: the model's weights (safetensors: no code runs when it is read);
* ``training_state.pt``: optimizer, scheduler, step, RNG states and the loop's own bookkeeping,
  read back with ``torch.load(..., weights_only=True)``;
* ``manifest.json``: size and SHA-256 of both files, so a truncated or corrupted file is caught.

It is first written to a temporary folder beside the target and renamed into place, so a crash
while saving leaves either the previous checkpoint or none, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_model, save_model

WEIGHTS, STATE, MANIFEST = "model.safetensors", "training_state.pt", "manifest.json"
FORMAT_VERSION = 1


class CheckpointError(RuntimeError):
    """A checkpoint folder that cannot be used as it is."""


def capture_rng_state() -> dict[str, Any]:
    """The global RNG states that shape the rest of a run: Python, NumPy, torch (and CUDA if present)."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": pos,
                  "has_gauss": has_gauss, "cached_gaussian": cached},
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    """Undo :func:`capture_rng_state`: the next random numbers are the ones the saved run drew."""
    random.setstate(state["python"])
    numpy = state["numpy"]
    np.random.set_state((numpy["kind"], numpy["keys"].numpy().astype(np.uint32), numpy["pos"],
                         numpy["has_gauss"], numpy["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


@contextmanager
def atomic_folder(folder: str | Path) -> Iterator[Path]:
    """Yield a staging folder beside ``folder``; on success it replaces ``folder`` in one rename.

    On any error (or interruption) the staging folder is removed and ``folder`` is left as it was.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent))
    try:
        yield staging
        for path in staging.rglob("*"):
            if path.is_file():
                _fsync(path)
        if folder.exists():  # replace an older folder of the same name: move it aside first
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            folder.rename(old)
            staging.rename(folder)
            shutil.rmtree(old)
        else:
            staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def save_checkpoint(folder: str | Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    scheduler: Any, *, step: int, loop_state: dict[str, Any] | None = None) -> Path:
    """Write model, optimizer, scheduler, ``step``, RNG states and ``loop_state`` to ``folder`` atomically.

    ``loop_state`` is the loop's own bookkeeping (e.g. the epoch, the batches done in it and the
    DataLoader generator's state): tensors, numbers, strings, lists and dicts only.
    """
    with atomic_folder(folder) as staging:
        save_model(model, str(staging / WEIGHTS))
        torch.save({"format": FORMAT_VERSION, "step": step, "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "rng": capture_rng_state(),
                    "loop": loop_state or {}}, staging / STATE)
        manifest = {name: {"bytes": (staging / name).stat().st_size, "sha256": _digest(staging / name)}
                    for name in (WEIGHTS, STATE)}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return Path(folder)


def save_pretrained_atomically(model: Any, folder: str | Path) -> Path:
    """``model.save_pretrained(folder)`` (safetensors weights + config), but all or nothing."""
    with atomic_folder(folder) as staging:
        model.save_pretrained(staging)
    return Path(folder)


def verify_checkpoint(folder: str | Path) -> None:
    """Raise :class:`CheckpointError` unless every file is present, complete and unchanged."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"No checkpoint at {folder}: train first, or point at an existing checkpoint folder.")
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise CheckpointError(f"{folder} has no readable {MANIFEST} ({error}): it is not a complete checkpoint; "
                              "delete it and resume from an earlier one.") from error
    for name in (WEIGHTS, STATE):
        path = folder / name
        expected = manifest.get(name, {})
        if not path.is_file():
            raise CheckpointError(f"{path} is missing: the checkpoint is incomplete; delete it and resume "
                                  "from an earlier one.")
        size = path.stat().st_size
        if size != expected.get("bytes") or _digest(path) != expected.get("sha256"):
            raise CheckpointError(f"{path} is truncated or corrupted ({size} bytes, expected {expected.get('bytes')}"
                                  " with a matching SHA-256): delete the checkpoint and resume from an earlier one.")


def load_checkpoint(folder: str | Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer | None = None,
                    scheduler: Any = None, restore_rng: bool = True) -> dict[str, Any]:
    """Verify ``folder``, load it into ``model`` (and ``optimizer``/``scheduler``), restore the RNGs.

    Returns ``{"step": ..., "loop": ...}`` so the loop can pick up where it stopped.
    """
    verify_checkpoint(folder)
    folder = Path(folder)
    missing, unexpected = load_model(model, str(folder / WEIGHTS), strict=False, device=_device_of(model))
    if missing or unexpected:
        raise CheckpointError(f"{folder / WEIGHTS} does not fit this model (missing {sorted(missing)[:3]}, unexpected "
                              f"{unexpected[:3]}): build the same architecture as the run that saved it.")
    state = torch.load(folder / STATE, weights_only=True, map_location="cpu")
    if state.get("format") != FORMAT_VERSION:
        raise CheckpointError(f"{folder} has checkpoint format {state.get('format')}, this code reads "
                              f"{FORMAT_VERSION}.")
    if optimizer is not None:
        optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(state["scheduler"])
    if restore_rng:
        restore_rng_state(state["rng"])
    return {"step": state["step"], "loop": state["loop"]}


def _device_of(model: torch.nn.Module) -> str:
    parameter = next(model.parameters(), None)
    return str(parameter.device) if parameter is not None else "cpu"
