"""helpers.baselines: a trained run's margin is asserted on the bundled sample, where it was measured, and only
reported on other data (real MRPC, the hard sample)."""

import pytest

from helpers.assets import resolve_assets
from helpers.baselines import check_beats_majority, margins_measured


@pytest.fixture
def bundled():
    return resolve_assets("bundled", "quick", verbose=False)


@pytest.fixture
def other_data(tmp_path):
    return resolve_assets("bundled", "quick", mrpc_dir=tmp_path, verbose=False)


def test_margins_were_measured_on_the_bundled_sample_only(bundled, other_data):
    assert margins_measured(bundled) and not margins_measured(other_data)


def test_on_the_bundled_sample_a_run_short_of_its_margin_stops_the_lesson(bundled, capsys):
    assert check_beats_majority("run", 0.80, 0.735, 0.05, bundled)
    assert "+6.5 points" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="only \\+0.025 over the majority class"):
        check_beats_majority("run", 0.76, 0.735, 0.05, bundled)


def test_on_other_data_a_short_run_is_reported_not_asserted(other_data, capsys):
    assert not check_beats_majority("run", 0.69, 0.685, 0.10, other_data)
    out = capsys.readouterr().out
    assert "+0.5 points" in out and "not asserted on GLUE MRPC tsv files from MRPC_DIR" in out
    assert "0.8431" in out  # what the course's full run reaches
