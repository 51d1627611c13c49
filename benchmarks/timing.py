"""Time callables with ``torch.utils.benchmark`` and say whether one is faster than another beyond the noise.

Each candidate is a ``Timer`` statement. :func:`time_steps` runs a label's candidates **interleaved in
rounds**: candidate A's blocks, then B's, ..., ``rounds`` times, each round for ``min_run_time / rounds``
seconds, and merges each candidate's rounds into one ``Measurement``. A drift of the machine's speed (another
job, a clock change) then lands on every candidate alike. Timer's clock synchronizes the GPU before each
reading, so queued CUDA work is counted.

The spread is the **interquartile range** of the blocks: :func:`verdict` calls a candidate *faster* only when
its speed-up over the baseline exceeds ``1 + noise``, where ``noise`` is the larger IQR / median of the two,
*slower* only below ``1 / (1 + noise)``, and otherwise *within the noise*.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.utils.benchmark import Compare, Measurement, Timer
from torch.utils.benchmark.utils.common import TaskSpec

FASTER, SLOWER, WITHIN = "faster", "slower", "within the noise"


def time_steps(candidates: Mapping[str, Callable[[], object]], *, label: str, min_run_time: float = 1.0,
               rounds: int = 3, description: str = "time per call") -> list[Measurement]:
    """Time each candidate (``sub_label`` = its name) for about ``min_run_time`` seconds in all, taking turns
    over ``rounds`` rounds; one Measurement per candidate, in the order given. Each round's first call
    (Timer's block-size estimate) warms up and is not counted."""
    if not candidates:
        raise ValueError("nothing to time")
    if rounds < 1 or min_run_time <= 0:
        raise ValueError(f"need rounds >= 1 and min_run_time > 0, got {rounds} and {min_run_time}")
    timers = {name: Timer(stmt="step()", globals={"step": step}, label=label, sub_label=name,
                          description=description, num_threads=torch.get_num_threads())
              for name, step in candidates.items()}
    measured = [timer.blocked_autorange(min_run_time=min_run_time / rounds)
                for _ in range(rounds) for timer in timers.values()]
    return Measurement.merge(measured)


def from_times(seconds: Iterable[float], *, label: str, sub_label: str,
               description: str = "time per call") -> Measurement:
    """A Measurement of times taken elsewhere (a training run's steps, repeated runs): one block per time."""
    times = [float(s) for s in seconds]
    if not times or min(times) <= 0:
        raise ValueError(f"{sub_label}: need times > 0, got {times}")
    return Measurement(number_per_run=1, raw_times=times, task_spec=TaskSpec(
        stmt=sub_label, setup="", label=label, sub_label=sub_label, description=description,
        num_threads=torch.get_num_threads()))


@dataclass(frozen=True)
class Verdict:
    """A candidate against a baseline: the speed-up of the medians and whether it is beyond their IQRs."""

    baseline: Measurement
    candidate: Measurement

    def __post_init__(self) -> None:
        for side in (self.baseline, self.candidate):
            if len(side.times) < 2:
                raise ValueError(f"{side.task_spec.sub_label}: {len(side.times)} block(s) have no spread; "
                                 "time it longer or over more rounds")

    @property
    def speedup(self) -> float:
        """Baseline median over candidate median: 2.0 means the candidate takes half the time."""
        return self.baseline.median / self.candidate.median

    @property
    def noise(self) -> float:
        """The larger relative spread, IQR / median, of the two measurements."""
        return max(m.iqr / m.median for m in (self.baseline, self.candidate))

    @property
    def word(self) -> str:
        if self.speedup > 1 + self.noise:
            return FASTER
        if self.speedup < 1 / (1 + self.noise):
            return SLOWER
        return WITHIN

    def __str__(self) -> str:
        return f"{self.speedup:.2f}× ({self.word}: IQR {self.noise:.0%} of the median)"


def verdict(baseline: Measurement, candidate: Measurement) -> Verdict:
    """Compare two measurements of the same work (lower time is faster)."""
    return Verdict(baseline, candidate)


@dataclass(frozen=True)
class Comparison:
    """Candidates timed together, each judged against the one named ``baseline``."""

    label: str
    baseline: str
    measurements: dict[str, Measurement]

    @property
    def verdicts(self) -> dict[str, Verdict]:
        base = self.measurements[self.baseline]
        return {name: verdict(base, m) for name, m in self.measurements.items() if name != self.baseline}

    def faster(self) -> list[str]:
        """The candidates faster than the baseline beyond the noise, the fastest first."""
        return sorted((name for name, v in self.verdicts.items() if v.word == FASTER),
                      key=lambda name: self.measurements[name].median)

    def table(self) -> str:
        return f"**{self.label}**\n\n{verdict_table(self.verdicts)}"

    def _repr_markdown_(self) -> str:  # a notebook shows the table
        return self.table()


def compare(candidates: Mapping[str, Callable[[], object]], *, baseline: str, label: str, min_run_time: float = 1.0,
            rounds: int = 3) -> Comparison:
    """:func:`time_steps` over the candidates (``baseline`` among them), kept by name for their verdicts."""
    if baseline not in candidates:
        raise ValueError(f"the baseline {baseline!r} is not among the candidates {list(candidates)}")
    measurements = time_steps(candidates, label=label, min_run_time=min_run_time, rounds=rounds)
    return Comparison(label, baseline, {m.task_spec.sub_label: m for m in measurements})


def compare_table(measurements: Sequence[Measurement]) -> str:
    """torch.utils.benchmark's ``Compare`` table: one row per candidate, medians in a shared unit."""
    compare = Compare(list(measurements))
    compare.trim_significant_figures()
    return str(compare)


def verdict_table(verdicts: Mapping[str, Verdict]) -> str:
    """A Markdown table, one row per named verdict: both medians, the speed-up, the spread, the verdict."""
    lines = ["| candidate | baseline | s, baseline | s, candidate | speed-up | IQR / median | verdict |",
             "|---|---|---|---|---|---|---|"]
    for name, v in verdicts.items():
        lines.append(f"| {name} | {v.baseline.task_spec.sub_label} | {v.baseline.median:.4g} "
                     f"| {v.candidate.median:.4g} | {v.speedup:.2f}× | {v.noise:.0%} | {v.word} |")
    return "\n".join(lines)


def describe_hardware(device: torch.device) -> str:
    """One line naming what timings came from: the GPU, or the CPU model and the threads torch uses."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda}), torch {torch.__version__}"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    name = "Apple GPU (MPS)" if device.type == "mps" else "CPU"
    return f"{name}: {cpu}, {torch.get_num_threads()} threads, torch {torch.__version__}"
