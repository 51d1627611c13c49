"""Timing for the course: steps timed with ``torch.utils.benchmark``, and speed-ups called only beyond their spread.

The lessons call :mod:`benchmarks.timing`; ``python benchmarks/run.py`` prints lesson 07's comparisons headless.
"""

from .timing import (
    Comparison,
    Verdict,
    compare,
    compare_table,
    describe_hardware,
    from_times,
    time_steps,
    verdict,
    verdict_table,
)

__all__ = ["Comparison", "Verdict", "compare", "compare_table", "describe_hardware", "from_times", "time_steps",
           "verdict", "verdict_table"]
