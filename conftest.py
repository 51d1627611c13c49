"""Every kernel the tests start (nbval's, NotebookClient's) draws plain text progress bars: see
helpers.use_plain_progress_bars. Set before collection, so the kernels inherit it.

At the end of a run, the time spent in each part of the suite is printed (unit tests, slow tests, the
lessons under nbval, the solutions under nbval), and each lesson's own time, so CI's log says where its minutes
went."""

import os
from collections import defaultdict

import pytest

from helpers import PLAIN_PROGRESS_ENV

os.environ.setdefault(PLAIN_PROGRESS_ENV, "1")

_PART_SECONDS: dict[str, float] = defaultdict(float)
_PART_COUNTS: dict[str, int] = defaultdict(int)
_LESSON_SECONDS: dict[str, float] = defaultdict(float)


def suite_part(item: pytest.Item) -> str:
    """Which part of the suite a test belongs to."""
    path = str(item.nodeid)
    if path.startswith("notebooks/"):
        return "lessons (nbval)"
    if path.startswith("solutions/"):
        return "solutions (nbval)"
    return "slow tests" if item.get_closest_marker("slow") else "fast tests"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Cells of lessons and solutions run under nbval are slow too: `-m "not slow"` leaves them out."""
    for item in items:
        if str(item.nodeid).startswith(("notebooks/", "solutions/")):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    import time

    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    part = suite_part(item)
    _PART_SECONDS[part] += seconds
    _PART_COUNTS[part] += 1
    if part == "lessons (nbval)":
        _LESSON_SECONDS[item.nodeid.split("::")[0].removeprefix("notebooks/")] += seconds


def pytest_terminal_summary(terminalreporter) -> None:
    if not _PART_SECONDS:
        return
    terminalreporter.section("time per part of the suite")
    for part in ("fast tests", "slow tests", "lessons (nbval)", "solutions (nbval)"):
        if part in _PART_SECONDS:
            terminalreporter.write_line(f"{part:<18} {_PART_COUNTS[part]:>4} items {_PART_SECONDS[part]:>8.1f} s")
        if part == "lessons (nbval)":
            for lesson, seconds in sorted(_LESSON_SECONDS.items()):
                terminalreporter.write_line(f"  {lesson:<34} {seconds:>8.1f} s")
