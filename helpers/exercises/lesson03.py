"""Checks for lesson 03's exercises: accuracy and F1 by hand, the probability threshold that maximises F1,
and the train-and-evaluate loop carried to masked language modelling, with perplexity."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from . import exercise, expect

CASES = (  # (predictions, labels): each has true positives, so F1 is defined
    ([1, 0, 1, 1, 0, 1, 1, 1], [1, 0, 0, 1, 0, 1, 1, 0]),
    ([1, 1, 1, 1, 1, 1], [1, 0, 1, 1, 0, 1]),
    ([0, 0, 1, 0, 1, 0, 0, 1, 1, 0], [1, 0, 1, 1, 1, 0, 1, 1, 0, 0]),
)


def _f1(predictions: list[int], labels: list[int], positive: int = 1) -> float:
    tp = sum(p == y == positive for p, y in zip(predictions, labels, strict=True))
    predicted, actual = predictions.count(positive), labels.count(positive)
    return 2 * tp / (predicted + actual) if predicted + actual else 0.0


@exercise("03.1 · accuracy and F1 by hand")
def check_accuracy_and_f1(accuracy_and_f1: Callable, metric) -> str:
    """``accuracy_and_f1(predictions, labels)`` must return the metric's ``{"accuracy": ..., "f1": ...}``."""
    for predictions, labels in CASES:
        got = accuracy_and_f1(list(predictions), list(labels))
        expect(isinstance(got, dict) and {"accuracy", "f1"} <= set(got),
               'return a dict with the keys "accuracy" and "f1", as metric.compute() does')
        expected = metric.compute(predictions=predictions, references=labels)
        accuracy, f1 = float(got["accuracy"]), float(got["f1"])
        expect(not math.isclose(accuracy, expected["accuracy"] * len(labels)) or len(labels) == 1,
               "accuracy is a fraction of the pairs (between 0 and 1), not a count")
        expect(math.isclose(accuracy, expected["accuracy"], abs_tol=1e-9),
               f"accuracy {accuracy:.4f} for predictions {predictions}: the metric says {expected['accuracy']:.4f}")
        expect(not math.isclose(f1, _f1(predictions, labels, positive=0), abs_tol=1e-9)
               or math.isclose(f1, expected["f1"], abs_tol=1e-9),
               'that is the F1 of class 0: GLUE scores the "equivalent" class, label 1')
        tp = sum(p == y == 1 for p, y in zip(predictions, labels, strict=True))
        precision, recall = tp / predictions.count(1), tp / labels.count(1)
        expect(not math.isclose(f1, (precision + recall) / 2, abs_tol=1e-9)
               or math.isclose(f1, expected["f1"], abs_tol=1e-9),
               "that is the arithmetic mean of precision and recall: F1 is their harmonic mean")
        expect(math.isclose(f1, expected["f1"], abs_tol=1e-9),
               f"F1 {f1:.4f} for predictions {predictions}: the metric says {expected['f1']:.4f}")
    return "accuracy and F1 equal metric.compute()'s on every test case"


def threshold_logits() -> tuple[torch.Tensor, torch.Tensor]:
    """40 pairs' logits and labels where the best F1 threshold is not 0.5 and not the best-accuracy one."""
    generator = torch.Generator().manual_seed(3)
    labels = (torch.rand(40, generator=generator) < 0.6).long()
    score = labels.float() * 1.2 - 0.6 + torch.randn(40, generator=generator)  # P(equivalent) grows with it
    logits = torch.stack([-score / 2, score / 2], dim=1) + torch.randn(40, 1, generator=generator)
    return logits, labels


def f1_at(probabilities: torch.Tensor, labels: torch.Tensor, threshold: float) -> float:
    """F1 of class 1 when a pair is called equivalent at ``probability >= threshold``."""
    return _f1((probabilities >= threshold).long().tolist(), labels.tolist())


def accuracy_at(probabilities: torch.Tensor, labels: torch.Tensor, threshold: float) -> float:
    return ((probabilities >= threshold).long() == labels).float().mean().item()


@exercise("03.2 · the threshold that maximises F1")
def check_best_threshold(best_threshold: Callable) -> str:
    """``best_threshold(logits, labels)`` must return a probability threshold whose F1 is the best possible."""
    logits, labels = threshold_logits()
    got = best_threshold(logits.clone(), labels.clone())
    expect(isinstance(got, float | int | torch.Tensor), f"return the threshold as a number (got {type(got).__name__})")
    threshold = float(got)
    expect(0.0 <= threshold <= 1.0, f"{threshold:.3f} is no probability: apply torch.softmax to the logits and "
                                    "threshold P(equivalent), the second column")
    probabilities = torch.softmax(logits, dim=-1)[:, 1]
    candidates = [0.0, *probabilities.tolist()]
    best = max(f1_at(probabilities, labels, t) for t in candidates)
    best_accuracy = max(candidates, key=lambda t: accuracy_at(probabilities, labels, t))
    got_f1 = max(f1_at(probabilities, labels, threshold), f1_at(probabilities, labels, threshold + 1e-9))
    expect(not math.isclose(threshold, 0.5) or math.isclose(got_f1, best),
           "0.5 is the threshold argmax already uses: try every probability the pairs have as a threshold")
    expect(not math.isclose(got_f1, f1_at(probabilities, labels, best_accuracy)) or math.isclose(got_f1, best),
           "that threshold maximises accuracy: score each threshold by F1 instead")
    expect(math.isclose(got_f1, best, abs_tol=1e-9),
           f"F1 at threshold {threshold:.3f} is {got_f1:.4f}; another threshold gets {best:.4f}")
    at_half = f1_at(probabilities, labels, 0.5)
    return f"threshold {threshold:.3f}: F1 {got_f1:.4f} on the test pairs, against {at_half:.4f} at 0.5"


SENTENCES = [f"the {animal} {verb} the {thing} in the {place}." for animal in ("cat", "dog", "bird")
             for verb in ("sees", "finds") for thing in ("ball", "box") for place in ("house", "garden")]


def _mlm_loaders(tokenizer) -> tuple[torch.utils.data.DataLoader, list[dict]]:
    """24 short sentences for training (batches of 4, reshuffled each epoch, masked afresh) and 9 for
    validation, masked once (batches of 3) so every epoch scores the same masked tokens."""
    from transformers import DataCollatorForLanguageModeling

    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)
    encoded = [tokenizer(text) for text in SENTENCES]
    torch.manual_seed(0)
    train = torch.utils.data.DataLoader(encoded, batch_size=4, shuffle=True, collate_fn=collator,
                                        generator=torch.Generator().manual_seed(0))
    held_out = [tokenizer(text.replace("the ", "a ", 1)) for text in SENTENCES[::8] + SENTENCES[3::8] + SENTENCES[5::8]]
    eval_batches = [collator(held_out[i:i + 3]) for i in range(0, 9, 3)]
    return train, eval_batches


def _tiny_masked_lm(tokenizer):
    from transformers import BertConfig, BertForMaskedLM

    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    return BertForMaskedLM(config)


def _mean_loss(model, batches: list[dict]) -> tuple[float, float]:
    """The validation loss averaged over batches, and over masked tokens."""
    model.eval()
    losses, weighted, tokens = [], 0.0, 0
    with torch.no_grad():
        for batch in batches:
            loss = model(**batch).loss.item()
            masked = int((batch["labels"] != -100).sum())
            losses.append(loss)
            weighted, tokens = weighted + loss * masked, tokens + masked
    return sum(losses) / len(losses), weighted / tokens


@exercise("03.3 · train and evaluate a masked language model")
def check_mlm_loop(train_and_evaluate_mlm: Callable, tokenizer, num_epochs: int = 3) -> str:
    """``train_and_evaluate_mlm(model, train_dataloader, eval_dataloader, optimizer, num_epochs, device)`` must
    train and evaluate after every epoch, returning ``[{"loss": ..., "perplexity": ...}, ...]``."""
    train, eval_batches = _mlm_loaders(tokenizer)
    model = _tiny_masked_lm(tokenizer)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    calls: list[tuple[int, bool, bool]] = []

    def spy(module, args, kwargs):
        input_ids = kwargs.get("input_ids", args[0] if args else None)
        calls.append((len(input_ids), module.training, torch.is_grad_enabled()))

    model.register_forward_pre_hook(spy, with_kwargs=True)
    before = [p.detach().clone() for p in model.parameters()]
    history = train_and_evaluate_mlm(model, train, eval_batches, optimizer, num_epochs, torch.device("cpu"))

    expect(isinstance(history, list) and len(history) == num_epochs,
           f"return one entry per epoch ({num_epochs} epochs), each a dict with 'loss' and 'perplexity'")
    expect(all(isinstance(h, dict) and {"loss", "perplexity"} <= set(h) for h in history),
           "each epoch's entry is a dict with the keys 'loss' and 'perplexity'")
    train_calls = [c for c in calls if c[0] == 4]
    eval_calls = [c for c in calls if c[0] == 3]
    expect(len(train_calls) == num_epochs * len(train), f"{len(train_calls)} training forward passes for "
           f"{num_epochs} epochs of {len(train)} batches: train on every batch of every epoch")
    expect(len(eval_calls) == num_epochs * len(eval_batches),
           f"{len(eval_calls)} validation forward passes: evaluate on every validation batch after every epoch")
    expect(not any(training for _, training, _ in eval_calls),
           "validation ran in train mode (dropout on): call model.eval() before evaluating")
    expect(not any(grad for _, _, grad in eval_calls),
           "validation recorded gradients: run it under torch.no_grad()")
    expect(all(training for _, training, _ in train_calls),
           "an epoch after the first trained in eval mode (dropout off): call model.train() at the start of each epoch")
    expect(any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True)),
           "the weights never changed: call loss.backward() and optimizer.step()")
    losses = [float(h["loss"]) for h in history]
    for h, loss in zip(history, losses, strict=True):
        expect(math.isclose(float(h["perplexity"]), math.exp(loss), rel_tol=1e-4),
               f"perplexity {float(h['perplexity']):.2f} for a validation loss of {loss:.4f}: "
               "perplexity is exp(mean validation loss)")
    by_batch, by_token = _mean_loss(model, eval_batches)
    expect(min(abs(losses[-1] - by_batch), abs(losses[-1] - by_token)) < 1e-3 * by_batch,
           f"the last epoch's validation loss is {losses[-1]:.4f}, but the model's mean loss on the validation "
           f"batches is {by_batch:.4f}: average the loss over the whole validation set")
    expect(losses[-1] < losses[0], f"the validation loss did not fall ({losses[0]:.3f} → {losses[-1]:.3f}): "
                                   "does every step call optimizer.step() and optimizer.zero_grad()?")
    return (f"validation loss {losses[0]:.2f} → {losses[-1]:.2f}, perplexity "
            f"{history[0]['perplexity']:.0f} → {history[-1]['perplexity']:.0f} over {num_epochs} epochs")
