"""The safety a hand-written checkpoint needs: an atomic write, and a clear error when it fits another model.

Lesson 02 builds its checkpoint dict in a cell and reads it back with ``torch.load(path, weights_only=True)``;
these helpers hold only what a learner would likely miss.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch

from .atomic_files import atomic_file


class CheckpointMismatchError(RuntimeError):
    """A checkpoint whose tensors do not fit the model it is loaded into."""


def save_atomically(obj: Any, path: str | Path) -> Path:
    """``torch.save(obj, path)``, written to a temporary file in the same folder and then renamed over ``path``:
    a crash while saving leaves the previous file whole, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "wb") as file:
        torch.save(obj, file)
    return path


def save_pretrained_atomically(model: Any, folder: str | Path) -> Path:
    """``model.save_pretrained(folder)``, written to a temporary folder beside it first: ``folder`` then holds the
    previous save or the new one, whole (after a crash between the two renames, neither)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        model.save_pretrained(staging)
        if folder.exists():
            old = staging.with_name(f"{staging.name}-old")
            folder.replace(old)
            staging.replace(folder)
            shutil.rmtree(old)
        else:
            staging.replace(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def load_model_state(model: torch.nn.Module, state_dict: dict[str, torch.Tensor]) -> None:
    """``model.load_state_dict(state_dict)`` once every name and shape matches; otherwise a
    :class:`CheckpointMismatchError` that says what differs and what to do, with the model untouched."""
    expected = {name: tuple(tensor.shape) for name, tensor in model.state_dict().items()}
    saved = {name: tuple(tensor.shape) for name, tensor in state_dict.items()}
    missing, unexpected = sorted(expected.keys() - saved.keys()), sorted(saved.keys() - expected.keys())
    shapes = [f"{name}: saved {saved[name]}, model {expected[name]}"
              for name in sorted(expected.keys() & saved.keys()) if saved[name] != expected[name]]
    if missing or unexpected or shapes:
        details = "; ".join(part for part in (f"missing {missing[:3]}" if missing else "",
                                              f"unexpected {unexpected[:3]}" if unexpected else "",
                                              f"other shapes: {', '.join(shapes[:3])}" if shapes else "") if part)
        raise CheckpointMismatchError(
            f"The checkpoint does not fit this model ({details}). Build the model exactly as the run that saved it "
            "did (the same checkpoint name and num_labels, or config). The model was left unchanged.")
    model.load_state_dict(state_dict)
