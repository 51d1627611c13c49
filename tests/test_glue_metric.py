"""The local GLUE-MRPC metric module against scikit-learn, through evaluate's API."""

import random

import pytest
from sklearn.metrics import accuracy_score, f1_score

from helpers.assets import PROFILES, Assets
from helpers.glue_metric import LOCAL_GLUE_MRPC, load_glue_mrpc_metric


@pytest.fixture(scope="module")
def metric():
    return load_glue_mrpc_metric(Assets("bundled", "test", PROFILES["quick"], "test"))


def test_matches_scikit_learn_over_batches(metric):
    rng = random.Random(0)
    refs = [rng.randint(0, 1) for _ in range(203)]
    preds = [r if rng.random() < 0.8 else 1 - r for r in refs]
    for start in range(0, len(refs), 16):
        metric.add_batch(predictions=preds[start:start + 16], references=refs[start:start + 16])
    result = metric.compute()
    assert set(result) == {"accuracy", "f1"}
    assert result["accuracy"] == pytest.approx(accuracy_score(refs, preds))
    assert result["f1"] == pytest.approx(f1_score(refs, preds))


def test_f1_is_for_the_positive_class(metric):
    result = metric.compute(predictions=[1, 1, 0, 0], references=[1, 0, 0, 0])
    assert result == {"accuracy": 0.75, "f1": pytest.approx(2 / 3)}


def test_the_local_module_never_answers_to_the_hub_name(monkeypatch):
    """A local folder named glue/ would shadow the Hub's ``evaluate.load("glue", ...)`` and break
    ``load_dataset("glue", ...)`` (FIELD-NOTES): from where the lessons run, the Hub name must stay the Hub's."""
    import evaluate

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_EVALUATE_OFFLINE", "1")
    for folder in (LOCAL_GLUE_MRPC.parents[2] / "notebooks", LOCAL_GLUE_MRPC.parents[2]):
        monkeypatch.chdir(folder)
        with pytest.raises(FileNotFoundError):
            evaluate.load("glue", "mrpc")  # offline, so only a shadowing local module could answer
    assert evaluate.load(str(LOCAL_GLUE_MRPC)).compute(predictions=[1], references=[1])["accuracy"] == 1.0


@pytest.mark.parametrize(("predictions", "references", "message"), [
    ([], [], "no predictions were added"),
    ([0.7, 0.2], [1, 0], r"predictions must be 0 or 1, found \[0.2, 0.7\]\. Pass class ids"),
    ([1, 0], [1, -1], r"references must be 0 or 1, found \[-1\]\. -1 marks GLUE's unlabelled test split"),
    ([2, 0], [1, 0], r"predictions must be 0 or 1, found \[2\]"),
])
def test_bad_inputs_say_what_to_do(metric, predictions, references, message):
    with pytest.raises(ValueError, match=message):
        metric.compute(predictions=predictions, references=references)


def test_tensors_of_class_ids_still_work(metric):
    import torch

    result = metric.compute(predictions=torch.tensor([1, 0, 1]), references=torch.tensor([1, 0, 0]))
    assert result == {"accuracy": pytest.approx(2 / 3), "f1": pytest.approx(2 / 3)}
