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
from safetensors import safe_open
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


def _old(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.old")


def recover_interrupted_save(folder: str | Path) -> bool:
    """Put back the previous checkpoint if a save was killed between its two renames; True if it did.

    A save over an existing folder moves the old one to ``.<name>.old``, then renames the new one into
    place. Killed in between, ``folder`` is gone and the old checkpoint waits beside it, complete.
    """
    folder = Path(folder)
    old = _old(folder)
    if folder.exists() or not old.is_dir():
        return False
    old.rename(folder)
    return True


@contextmanager
def atomic_folder(folder: str | Path) -> Iterator[Path]:
    """Yield a staging folder beside ``folder``; on success it replaces ``folder`` in one rename.

    On any error (or interruption) the staging folder is removed and ``folder`` is left as it was.
    Staging folders left by a save that was killed (``.<name>.*.partial``) are removed first.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise CheckpointError(f"{folder} is a file, not a folder: save the checkpoint elsewhere, or move the file "
                              "away first (nothing was written).")
    folder.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_save(folder)
    for stale in folder.parent.glob(f".{folder.name}.*.partial"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent))
    try:
        yield staging
        for path in staging.rglob("*"):
            if path.is_file():
                _fsync(path)
        if folder.exists():  # replace an older folder of the same name: move it aside first
            old = _old(folder)
            shutil.rmtree(old, ignore_errors=True)
            folder.rename(old)
            staging.rename(folder)
            shutil.rmtree(old)
        else:
            staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def check_loop_state(value: Any, where: str = "loop_state") -> None:
    """Raise ``TypeError`` naming the entry unless ``value`` holds only what ``weights_only`` loading reads back:
    tensors, Python numbers, strings, booleans, None, and lists, tuples and dicts (string keys) of them."""
    if value is None or isinstance(value, torch.Tensor) or type(value) in (bool, int, float, str):
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_loop_state(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has the key {key!r} ({type(key).__name__}): use string keys.")
            check_loop_state(item, f"{where}[{key!r}]")
        return
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    hint = ("convert it with int(...) or float(...)" if isinstance(value, np.generic) else
            "store str(path)" if isinstance(value, os.PathLike) else "store tensors, numbers, strings, lists or dicts")
    raise TypeError(f"{where} is a {kind}, which torch.load(weights_only=True) refuses to read back: {hint}.")


def save_checkpoint(folder: str | Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    scheduler: Any, *, step: int, loop_state: dict[str, Any] | None = None) -> Path:
    """Write model, optimizer, scheduler, ``step``, RNG states and ``loop_state`` to ``folder`` atomically.

    ``loop_state`` is the loop's own bookkeeping (e.g. the epoch, the batches done in it and the
    DataLoader generator's state): tensors, numbers, strings, lists and dicts only, checked before anything
    is written (a NumPy integer or a ``Path`` would save, then refuse to load).
    """
    check_loop_state(loop_state or {})
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
    recover_interrupted_save(folder)
    if not folder.is_dir():
        raise CheckpointError(f"No checkpoint at {folder}: train first, or point at an existing checkpoint folder.")
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise CheckpointError(f"{folder} has no readable {MANIFEST} ({error}): it is not a complete checkpoint; "
                              "delete it and resume from an earlier one.") from error
    if not isinstance(manifest, dict) or not all(isinstance(manifest.get(name), dict) for name in (WEIGHTS, STATE)):
        raise CheckpointError(f"{folder / MANIFEST} is not a checkpoint manifest (expected an object with an entry "
                              f"for {WEIGHTS} and {STATE}): delete the checkpoint and resume from an earlier one.")
    for name in (WEIGHTS, STATE):
        path = folder / name
        expected = manifest[name]
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
    check_fits(folder / WEIGHTS, model)
    load_model(model, str(folder / WEIGHTS), strict=True, device=_device_of(model))
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


def check_fits(weights: Path, model: torch.nn.Module) -> None:
    """Raise :class:`CheckpointError` unless ``weights`` has exactly the model's tensor names and shapes,
    before anything is copied into the model (a failed load must not leave it half overwritten)."""
    with safe_open(str(weights), framework="pt") as handle:
        saved = {name: tuple(handle.get_slice(name).get_shape()) for name in handle.keys()}
    # safetensors stores a tied tensor once (e.g. GPT-2's output layer shares the input embedding)
    expected = {name: tuple(t.shape) for name, t in model.state_dict().items() if name in saved or
                not _shares_storage_with_saved(model, name, saved)}
    missing, unexpected = sorted(set(expected) - set(saved)), sorted(set(saved) - set(expected))
    wrong = [f"{name}: saved {saved[name]}, model {expected[name]}" for name in sorted(set(saved) & set(expected))
             if saved[name] != expected[name]]
    if missing or unexpected or wrong:
        details = "; ".join(part for part in (f"missing {missing[:3]}" if missing else "",
                                              f"unexpected {unexpected[:3]}" if unexpected else "",
                                              f"other shapes: {', '.join(wrong[:3])}" if wrong else "") if part)
        raise CheckpointError(f"{weights} does not fit this model ({details}): build the same architecture, with the "
                              "same sizes, as the run that saved it. The model was left unchanged.")


def _shares_storage_with_saved(model: torch.nn.Module, name: str, saved: dict[str, tuple]) -> bool:
    state = model.state_dict()
    pointer = state[name].untyped_storage().data_ptr()
    return any(other in saved and state[other].untyped_storage().data_ptr() == pointer for other in state)


def _device_of(model: torch.nn.Module) -> str:
    parameter = next(model.parameters(), None)
    return str(parameter.device) if parameter is not None else "cpu"
