"""Timing for the course: steps timed with ``torch.utils.benchmark``, and speed-ups called only beyond their spread.

:mod:`benchmarks.timing` holds the machinery, :mod:`benchmarks.fast_and_lean` lesson 07's comparisons;
``python benchmarks/run.py`` prints those comparisons headless.
"""
