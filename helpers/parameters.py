"""One rule for every lesson setting: ``None`` means the profile's value; nonsense is an error naming it.

A papermill parameter, a notebook's settings cell and ``scripts/train_accelerate.py``'s flags all go
through these two functions, so ``-p num_epochs 0`` or ``--lr -1`` stops with a message that names the
setting instead of silently running with a default (``x or default`` would turn a deliberate 0 into it).
A count where 0 has a meaning (``--patience 0``: no early stopping) goes through :func:`non_negative` instead.
"""

from __future__ import annotations

from typing import Any, TypeVar

Number = TypeVar("Number", int, float)


def _number(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"Setting {name}={value!r}: expected a number (or None for the profile's value).")


def positive_or_default(name: str, value: Number | None, default: Number | None) -> Number | None:
    """``value`` if given (it must be > 0), else ``default``; ``default`` may be ``None`` ("all")."""
    if value is None:
        return default
    _number(name, value)
    if not value > 0:
        raise ValueError(f"Setting {name}={value!r}: it must be greater than 0 (or None for the profile's value).")
    return value


def non_negative_or_default(name: str, value: Number | None, default: Number | None) -> Number | None:
    """``value`` if given (it must be >= 0: 0 is a value, e.g. no early stopping), else ``default``."""
    if value is None:
        return default
    _number(name, value)
    if not value >= 0:
        raise ValueError(f"Setting {name}={value!r}: it must be 0 or more (or None for the profile's value).")
    return value


def take_pairs(dataset: Any, name: str, count: int | None) -> Any:
    """The first ``count`` rows of ``dataset`` (all of them for ``None``); more than it holds is an error."""
    if count is None:
        return dataset
    count = positive_or_default(name, count, None)
    if count > len(dataset):
        raise ValueError(f"Setting {name}={count}: the split holds only {len(dataset)} pairs. "
                         f"Ask for at most {len(dataset)}, or None for all of them.")
    return dataset.select(range(count))


def training_settings(assets: Any, *, seed: int, batch_size: int, num_epochs: int | None,
                      learning_rate: float | None) -> tuple[int, float, int | None, int | None]:
    """Lesson 02's settings cell in one call: ``num_epochs`` and ``learning_rate`` (``None``: the profile's)
    and ``batch_size`` checked, the profile's training and validation pair counts (``None``: all); prints them
    and returns ``(num_epochs, learning_rate, train_pairs, eval_pairs)``."""
    num_epochs = positive_or_default("num_epochs", num_epochs, assets.profile.num_epochs)
    learning_rate = positive_or_default("learning_rate", learning_rate, assets.profile.learning_rate)
    positive_or_default("batch_size", batch_size, None)
    train_pairs, eval_pairs = assets.profile.mrpc_train_pairs, assets.profile.mrpc_eval_pairs
    print(f"batch_size={batch_size}  num_epochs={num_epochs}  learning_rate={learning_rate:g}  seed={seed}")
    print(f"training pairs: {train_pairs or 'all'}  validation pairs: {eval_pairs or 'all'}")
    return num_epochs, learning_rate, train_pairs, eval_pairs
