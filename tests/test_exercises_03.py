"""Lesson 03's exercise checks: the reference solutions pass, typical wrong answers fail with their hint, and an
unattempted starter is reported as such."""

import math

import pytest
import torch
from transformers import AutoTokenizer

from helpers.assets import resolve_assets
from helpers.exercises import NOT_ATTEMPTED
from helpers.exercises.lesson03 import (
    accuracy_at,
    check_accuracy_and_f1,
    check_best_threshold,
    check_mlm_loop,
    f1_at,
    threshold_logits,
)
from helpers.glue_metric import load_glue_mrpc_metric


@pytest.fixture(scope="module")
def assets():
    return resolve_assets("bundled", "quick", verbose=False)


@pytest.fixture(scope="module")
def metric(assets):
    return load_glue_mrpc_metric(assets)


@pytest.fixture(scope="module")
def tokenizer(assets):
    return AutoTokenizer.from_pretrained(assets.checkpoint)


def accuracy_and_f1(predictions, labels):
    pairs = list(zip(predictions, labels, strict=True))
    tp = sum(p == y == 1 for p, y in pairs)
    fp = sum(p == 1 and y == 0 for p, y in pairs)
    fn = sum(p == 0 and y == 1 for p, y in pairs)
    return {"accuracy": sum(p == y for p, y in pairs) / len(pairs), "f1": 2 * tp / (2 * tp + fp + fn)}


def best_threshold(logits, labels):
    probabilities = torch.softmax(logits, dim=-1)[:, 1]
    return max(probabilities.tolist(), key=lambda t: f1_at(probabilities, labels, t))


def mlm_loop(model, train_dataloader, eval_dataloader, optimizer, num_epochs, device, *, train_each_epoch=True,
             eval_mode=True, no_grad=True, perplexity=math.exp):
    history = []
    if not train_each_epoch:
        model.train()
    for _ in range(num_epochs):
        if train_each_epoch:
            model.train()
        for batch in train_dataloader:
            loss = model(**{k: v.to(device) for k, v in batch.items()}).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        if eval_mode:
            model.eval()
        losses = []
        with torch.set_grad_enabled(not no_grad):
            for batch in eval_dataloader:
                losses.append(model(**{k: v.to(device) for k, v in batch.items()}).loss.item())
        mean = sum(losses) / len(losses) if losses else math.nan
        history.append({"loss": mean, "perplexity": perplexity(mean)})
    return history


def starter(*args):
    raise NotImplementedError


def test_reference_solutions_pass(metric, tokenizer, capsys):
    assert check_accuracy_and_f1(accuracy_and_f1, metric)
    assert check_best_threshold(best_threshold)
    assert check_mlm_loop(mlm_loop, tokenizer)
    assert capsys.readouterr().out.count("✓") == 3


def test_unattempted_exercises_say_so(metric, tokenizer):
    for verdict in (check_accuracy_and_f1(starter, metric, quiet=True), check_best_threshold(starter, quiet=True),
                    check_mlm_loop(starter, tokenizer, quiet=True)):
        assert verdict.passed is None and verdict.message == NOT_ATTEMPTED and not verdict


def f1_of_class_0(predictions, labels):
    flipped = accuracy_and_f1([1 - p for p in predictions], [1 - y for y in labels])
    return {"accuracy": accuracy_and_f1(predictions, labels)["accuracy"], "f1": flipped["f1"]}


def arithmetic_mean(predictions, labels):
    tp = sum(p == y == 1 for p, y in zip(predictions, labels, strict=True))
    precision, recall = tp / predictions.count(1), tp / labels.count(1)
    return {"accuracy": accuracy_and_f1(predictions, labels)["accuracy"], "f1": (precision + recall) / 2}


def accuracy_as_count(predictions, labels):
    return {**accuracy_and_f1(predictions, labels), "accuracy": sum(p == y for p, y in zip(predictions, labels,
                                                                                        strict=True))}


@pytest.mark.parametrize("wrong, hint", [
    (f1_of_class_0, "the F1 of class 0"),
    (arithmetic_mean, "harmonic mean"),
    (accuracy_as_count, "not a count"),
    (lambda p, y: (0.5, 0.5), 'return a dict with the keys "accuracy" and "f1"'),
])
def test_wrong_scores_get_their_hint(metric, wrong, hint):
    verdict = check_accuracy_and_f1(wrong, metric, quiet=True)
    assert verdict.passed is False and hint in verdict.message


def best_accuracy_threshold(logits, labels):
    probabilities = torch.softmax(logits, dim=-1)[:, 1]
    return max(probabilities.tolist(), key=lambda t: accuracy_at(probabilities, labels, t))


@pytest.mark.parametrize("wrong, hint", [
    (lambda logits, labels: 0.5, "0.5 is the threshold argmax already uses"),
    (best_accuracy_threshold, "maximises accuracy"),
    (lambda logits, labels: max(logits[:, 1].tolist(), key=lambda t: f1_at(logits[:, 1], labels, t)),
     "apply torch.softmax"),
    (lambda logits, labels: "0.3", "return the threshold as a number"),
])
def test_wrong_thresholds_get_their_hint(wrong, hint):
    verdict = check_best_threshold(wrong, quiet=True)
    assert verdict.passed is False and hint in verdict.message


def test_the_threshold_test_data_separates_the_wrong_answers():
    """Negative control for the check's data: F1's best threshold beats 0.5 and the best-accuracy threshold."""
    logits, labels = threshold_logits()
    probabilities = torch.softmax(logits, dim=-1)[:, 1]
    best = max(f1_at(probabilities, labels, t) for t in probabilities.tolist())
    assert best > f1_at(probabilities, labels, 0.5) + 0.02
    assert best > f1_at(probabilities, labels, best_accuracy_threshold(logits, labels)) + 0.005


@pytest.mark.parametrize("options, hint", [
    ({"train_each_epoch": False}, "call model.train() at the start of each epoch"),
    ({"eval_mode": False}, "call model.eval() before evaluating"),
    ({"no_grad": False}, "run it under torch.no_grad()"),
    ({"perplexity": lambda loss: 2 ** loss}, "perplexity is exp(mean validation loss)"),
])
def test_wrong_mlm_loops_get_their_hint(tokenizer, options, hint):
    def wrong(*args):
        return mlm_loop(*args, **options)

    verdict = check_mlm_loop(wrong, tokenizer, quiet=True)
    assert verdict.passed is False and hint in verdict.message


def test_an_mlm_loop_that_never_steps_or_evaluates_once_gets_its_hint(tokenizer):
    def no_step(model, train_dataloader, eval_dataloader, optimizer, num_epochs, device):
        return mlm_loop(model, train_dataloader, eval_dataloader, torch.optim.SGD(model.parameters(), lr=0.0),
                        num_epochs, device)

    assert "the weights never changed" in check_mlm_loop(no_step, tokenizer, quiet=True).message

    def evaluates_at_the_end(model, train_dataloader, eval_dataloader, optimizer, num_epochs, device):
        for _ in range(num_epochs - 1):
            mlm_loop(model, train_dataloader, [], optimizer, 1, device)  # trains; its evaluation has no batches
        return mlm_loop(model, train_dataloader, eval_dataloader, optimizer, 1, device) * num_epochs

    assert "validation forward passes" in check_mlm_loop(evaluates_at_the_end, tokenizer, quiet=True).message
