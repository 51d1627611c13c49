"""One settings rule: None is the profile's value; 0, negatives and oversized counts are errors naming the setting."""

import os
import subprocess
import sys

import pytest
from datasets import Dataset

from helpers.assets import PROFILES, REPO_ROOT, resolve_assets
from helpers.mrpc import load_mrpc
from helpers.parameters import non_negative_or_default, positive_or_default, take_pairs, training_settings


def test_none_means_the_default_and_a_given_value_wins():
    assert positive_or_default("num_epochs", None, 3) == 3
    assert positive_or_default("train_pairs", None, None) is None
    assert positive_or_default("num_epochs", 1, 3) == 1
    assert positive_or_default("learning_rate", 2e-5, 5e-5) == 2e-5


@pytest.mark.parametrize("value", [0, -1, 0.0, -1e-5])
def test_zero_and_negative_values_are_refused_by_name(value):
    with pytest.raises(ValueError, match=rf"Setting learning_rate={value!r}: it must be greater than 0"):
        positive_or_default("learning_rate", value, 5e-5)


@pytest.mark.parametrize("value", [True, "3", [3]])
def test_non_numbers_are_refused(value):
    with pytest.raises(TypeError, match="num_epochs"):
        positive_or_default("num_epochs", value, 3)
    with pytest.raises(TypeError, match="patience"):
        non_negative_or_default("patience", value, 0)


def test_a_count_where_zero_means_something_takes_zero_and_refuses_negatives():
    """``--patience 0`` (no early stopping) is a value; a negative one is refused as "0 or more", not "> 0"."""
    assert non_negative_or_default("patience", 0, 2) == 0
    assert non_negative_or_default("patience", 3, 0) == 3
    assert non_negative_or_default("patience", None, 2) == 2
    for value in (-2, -1e-5, float("nan")):
        with pytest.raises(ValueError, match=rf"Setting --patience={value!r}: it must be 0 or more"):
            non_negative_or_default("--patience", value, 0)


def test_take_pairs_keeps_the_first_rows_and_refuses_more_than_the_split_holds():
    split = Dataset.from_dict({"x": list(range(10))})
    assert take_pairs(split, "train_pairs", None) is split
    assert take_pairs(split, "train_pairs", 4)["x"][:] == [0, 1, 2, 3]
    assert len(take_pairs(split, "train_pairs", 10)) == 10
    with pytest.raises(ValueError, match="Setting train_pairs=11: the split holds only 10 pairs"):
        take_pairs(split, "train_pairs", 11)
    with pytest.raises(ValueError, match="Setting eval_pairs=0"):
        take_pairs(split, "eval_pairs", 0)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_each_profiles_sizes_are_valid_settings_that_fit_the_bundled_splits(name):
    """The profile's values pass the same rule as a learner's (so a lesson's defaults never trip it), and its
    pair counts can be taken from the bundled sample: the full profile means every pair, the course's run."""
    profile = PROFILES[name]
    data = load_mrpc(resolve_assets("bundled", name, verbose=False))
    for setting in ("num_epochs", "learning_rate", "qa_max_epochs", "qa_patience"):
        value = getattr(profile, setting)
        assert positive_or_default(setting, None, value) == value
    train = take_pairs(data["train"], "train_pairs", profile.mrpc_train_pairs)
    validation = take_pairs(data["validation"], "eval_pairs", profile.mrpc_eval_pairs)
    if name == "full":
        assert train is data["train"] and validation is data["validation"]
    else:
        assert 0 < len(validation) < len(train) < data["train"].num_rows


def run_script(*arguments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}
    return subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "train_accelerate.py"), "--source", "bundled",
                           "--profile", "quick", "--cpu", *arguments],
                          capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.mark.parametrize(("arguments", "message"), [
    (("--lr", "0"), "Setting --lr=0.0: it must be greater than 0"),
    (("--num-epochs", "-1"), "Setting --num-epochs=-1: it must be greater than 0"),
    (("--train-pairs", "0"), "Setting --train-pairs=0: it must be greater than 0"),
    (("--patience", "-2"), "Setting --patience=-2: it must be 0 or more"),
])
@pytest.mark.slow
def test_the_script_refuses_nonsense_before_training(arguments, message):
    done = run_script(*arguments)
    assert done.returncode == 2 and message in done.stderr


@pytest.mark.slow
def test_the_script_refuses_more_pairs_than_the_split_holds():
    done = run_script("--train-pairs", "5000", "--eval-pairs", "8")
    assert done.returncode != 0
    assert "Setting train_pairs=5000: the split holds only 1800 pairs" in done.stderr


def test_non_negative_takes_zero_and_refuses_negatives():
    assert non_negative_or_default("frozen_layers", 0, 3) == 0
    assert non_negative_or_default("frozen_layers", None, 3) == 3
    with pytest.raises(ValueError, match="frozen_layers=-1: it must be 0 or more"):
        non_negative_or_default("frozen_layers", -1, 3)
    with pytest.raises(TypeError):
        non_negative_or_default("frozen_layers", True, 3)


def test_training_settings_takes_the_profiles_values_for_none_and_refuses_nonsense(capsys):
    assets = resolve_assets("bundled", "quick", verbose=False)
    profile = assets.profile
    assert training_settings(assets, seed=1, batch_size=8, num_epochs=None, learning_rate=None) == (
        profile.num_epochs, profile.learning_rate, profile.mrpc_train_pairs, profile.mrpc_eval_pairs)
    assert f"num_epochs={profile.num_epochs}" in capsys.readouterr().out
    assert training_settings(assets, seed=1, batch_size=8, num_epochs=5, learning_rate=0.5)[:2] == (5, 0.5)
    for bad in ({"batch_size": 0}, {"num_epochs": -1}, {"learning_rate": 0}):
        settings = {"seed": 1, "batch_size": 8, "num_epochs": None, "learning_rate": None} | bad
        with pytest.raises(ValueError, match=next(iter(bad))):
            training_settings(assets, **settings)
