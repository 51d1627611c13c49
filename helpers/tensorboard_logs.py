"""TensorBoard plumbing for lesson 08: where runs log, reading a run's logs back, what the tracker costs."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

from .assets import RUNS_DIR

TENSORBOARD_DIR = RUNS_DIR / "tensorboard"
# What `pip install tensorboard` adds beside the course's other requirements (the rest were already there).
TENSORBOARD_DISTRIBUTIONS = ("tensorboard", "tensorboard-data-server", "grpcio", "protobuf", "absl-py",
                             "markdown", "werkzeug")


def fresh_log_dir(name: str, root: Path = TENSORBOARD_DIR) -> Path:
    """``root/name``, emptied: a rerun of the lesson replaces its runs instead of appending to them."""
    folder = Path(root) / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def read_scalars(run_dir: str | Path) -> dict[str, dict[int, float]]:
    """Every scalar TensorBoard stored in one run's folder, as ``{tag: {step: value}}``.

    TensorBoard stores scalars as 32-bit floats: compare them with a run's own floats after rounding those
    to float32. A folder with no event file is an error, not an empty run.
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run_dir = Path(run_dir)
    if not any(run_dir.glob("events.out.tfevents.*")):
        raise FileNotFoundError(f"no TensorBoard event file in {run_dir}")
    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})  # 0: keep every point
    accumulator.Reload()
    return {tag: {event.step: event.value for event in accumulator.Scalars(tag)}
            for tag in accumulator.Tags()["scalars"]}


def installed_mib(distributions: tuple[str, ...] = TENSORBOARD_DISTRIBUTIONS) -> float:
    """The disk space the installed files of ``distributions`` take, in MiB (missing ones count 0)."""
    total = 0
    for name in distributions:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            path = Path(dist.locate_file(file))
            if path.is_file():
                total += path.stat().st_size
    return total / 2**20
