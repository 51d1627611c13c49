"""Checks for the exercises at the end of each lesson (``helpers/exercises/lessonNN.py``).

A check runs the learner's function (or value) against the reference behaviour on small inputs and prints
one line: ``✓`` when it holds, ``✗`` with a hint that says what is wrong without giving the answer away, or
that the exercise is not attempted yet (the starter code raises ``NotImplementedError`` or the value is
still ``None``), so a lesson stored with its exercises untouched still runs top to bottom.

Writing one::

    @exercise("1.1 · count the truncated pairs")
    def check_count_truncated(count_truncated):
        got = count_truncated(...)
        expect(got == 12, f"counted {got} pairs: count a pair once, however many of its tokens were cut")
        return f"{got} of 40 pairs are cut at max_length=32"  # shown after the ✓
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NOT_ATTEMPTED = "not attempted yet: fill in the cell above (replace `raise NotImplementedError` or `None`), then re-run"


class Hint(AssertionError):
    """A failed check: the message is what the learner reads."""


def expect(condition: object, hint: str) -> None:
    """Fail the running check with ``hint`` unless ``condition`` holds."""
    if not condition:
        raise Hint(hint)


@dataclass(frozen=True)
class Verdict:
    """What a check found. ``passed`` is ``None`` for an exercise not attempted yet."""

    name: str
    passed: bool | None
    message: str

    def __str__(self) -> str:
        mark = {True: "✓", False: "✗", None: "·"}[self.passed]
        return f"{mark} {self.name}: {self.message}"

    def __bool__(self) -> bool:
        return self.passed is True


def exercise(name: str) -> Callable[[Callable[..., str | None]], Callable[..., Verdict]]:
    """Turn ``check(answer, ...)`` into a function that prints and returns a :class:`Verdict`.

    ``None`` as the answer, or ``NotImplementedError`` raised while checking it, means not attempted;
    :class:`Hint` means wrong; any other exception is the learner's bug and is named with its type.
    """

    def decorate(check: Callable[..., str | None]) -> Callable[..., Verdict]:
        @functools.wraps(check)
        def run(answer: Any, *args: Any, quiet: bool = False, **kwargs: Any) -> Verdict:
            if answer is None:
                verdict = Verdict(name, None, NOT_ATTEMPTED)
            else:
                try:
                    detail = check(answer, *args, **kwargs)
                    verdict = Verdict(name, True, detail or "correct")
                except NotImplementedError:
                    verdict = Verdict(name, None, NOT_ATTEMPTED)
                except Hint as hint:
                    verdict = Verdict(name, False, str(hint))
                except Exception as error:  # the learner's code raised: say what, not where to look in ours
                    verdict = Verdict(name, False, f"your code raised {type(error).__name__}: {error}")
            if not quiet:
                print(verdict)
            return verdict

        return run

    return decorate
