"""Lesson 05's diagram: the text, the inputs, the targets shifted by one, and -100 labels on question and padding."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.diagrams.shifted_targets import draw_shifted_targets  # noqa: E402

TOKENS = ["Who", "?", " Me", ".", "<|endoftext|>"]


def texts(fig) -> list[str]:
    return [text.get_text() for ax in fig.axes for text in ax.texts]


def test_rows_show_inputs_targets_shifted_by_one_and_ignored_labels():
    fig = draw_shifted_targets(TOKENS, question_length=2, padding=3)
    drawn = texts(fig)
    plt.close(fig)
    # text row: all 5 tokens; inputs: all but the last; targets: all but the first; labels: the answer tokens
    assert drawn.count("Who") == 2 and drawn.count("?") == 3 and drawn.count(" Me") == 4
    assert drawn.count("<eos>") == 3 and "<|endoftext|>" not in drawn
    assert drawn.count("-100") == 2 and drawn.count("-100\n(pad)") == 3
    assert any("targets" in text for text in drawn) and any("inputs" in text for text in drawn)


def test_the_question_must_leave_an_answer():
    for bad in (0, len(TOKENS)):
        with pytest.raises(ValueError, match="question_length"):
            draw_shifted_targets(TOKENS, question_length=bad)
