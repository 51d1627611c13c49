"""Lesson 05's exercise checks: the reference solutions pass, typical wrong answers fail with their hint, and
an unattempted starter is reported as not attempted (tiny GPT-2, about a second a check)."""

import math

import pytest
import torch

from helpers.exercises.lesson05 import check_answer_only_loss, check_perplexity, check_sampling_probs
from helpers.lessons.gpt2_qa_pretraining import encode_text, split_text


def starter(*args, **kwargs):
    raise NotImplementedError  # your code here


def mean_token_losses(model, texts, tokenizer, per_text: bool) -> float:
    losses = []
    with torch.no_grad():
        for text in texts:
            input_ids, target_ids = encode_text(tokenizer, text)
            losses.append(torch.nn.functional.cross_entropy(model(input_ids.unsqueeze(0)).logits[0], target_ids,
                                                            reduction="none"))
    return (sum(loss.mean().item() for loss in losses) / len(losses)) if per_text else torch.cat(losses).mean().item()


def perplexity(model, texts, tokenizer):
    return math.exp(mean_token_losses(model, texts, tokenizer, per_text=False))


def perplexity_per_text(model, texts, tokenizer):
    return math.exp(mean_token_losses(model, texts, tokenizer, per_text=True))


def loss_not_perplexity(model, texts, tokenizer):
    return mean_token_losses(model, texts, tokenizer, per_text=False)


def sampling_probs(logits, temperature=1.0, top_k=None):
    logits = logits / temperature
    if top_k is not None:
        logits = logits.masked_fill(logits < logits.topk(top_k).values[-1], float("-inf"))
    return torch.softmax(logits, dim=-1)


def temperature_multiplies(logits, temperature=1.0, top_k=None):
    return sampling_probs(logits * temperature, 1.0, top_k)


def temperature_squared(logits, temperature=1.0, top_k=None):
    return sampling_probs(logits / temperature**2, 1.0, top_k)


def top_k_ignored(logits, temperature=1.0, top_k=None):
    return torch.softmax(logits / temperature, dim=-1)


def top_k_smallest(logits, temperature=1.0, top_k=None):
    logits = logits / temperature
    if top_k is not None:
        logits = logits.masked_fill(logits > (-logits).topk(top_k).values[-1] * -1, float("-inf"))
    return torch.softmax(logits, dim=-1)


def top_k_not_renormalised(logits, temperature=1.0, top_k=None):
    probs = torch.softmax(logits / temperature, dim=-1)
    if top_k is not None:
        probs = probs.masked_fill(probs < probs.topk(top_k).values[-1], 0.0)
        probs[probs.argmax()] += 1 - probs.sum()  # sums to 1, but the kept ratios are wrong
    return probs


def answer_loss(model, tokenizer, text, offset: int = 0, mask_question: bool = True, keep_eos: bool = True,
                no_grad: bool = False):
    """The reference, with knobs for the typical mistakes: ``question_length - 1 + offset`` targets get -100."""
    input_ids, target_ids = encode_text(tokenizer, text)
    question_length = len(tokenizer.encode(split_text(text, tokenizer.eos_token)[0]))
    target_ids = target_ids.clone()
    if mask_question:
        target_ids[: question_length - 1 + offset] = -100
    if not keep_eos:
        target_ids[-1] = -100
    with torch.set_grad_enabled(not no_grad):
        logits = model(input_ids.unsqueeze(0)).logits[0]
        return torch.nn.functional.cross_entropy(logits, target_ids)


WRONG = [
    (check_perplexity, perplexity_per_text, "Average the loss over all tokens"),
    (check_perplexity, loss_not_perplexity, "that is the mean loss itself"),
    (check_sampling_probs, temperature_multiplies, "a temperature above 1 should flatten"),
    (check_sampling_probs, temperature_squared, "by the wrong amount"),
    (check_sampling_probs, top_k_ignored, "with top_k=1 all the probability should sit on the most likely token"),
    (check_sampling_probs, top_k_smallest, "with top_k=1 all the probability"),
    (check_sampling_probs, top_k_not_renormalised, "keep their ratios"),
    (check_answer_only_loss, lambda m, t, x: answer_loss(m, t, x, mask_question=False),
     "that is the loss on every token"),
    (check_answer_only_loss, lambda m, t, x: answer_loss(m, t, x, offset=1), "the answer's first token is left out"),
    (check_answer_only_loss, lambda m, t, x: answer_loss(m, t, x, keep_eos=False), "the final EOS is left out"),
    (check_answer_only_loss, lambda m, t, x: answer_loss(m, t, x, offset=-2), "got "),
    (check_answer_only_loss, lambda m, t, x: answer_loss(m, t, x, no_grad=True), "does not require gradients"),
]


@pytest.mark.parametrize("check, solution", [(check_perplexity, perplexity), (check_sampling_probs, sampling_probs),
                                             (check_answer_only_loss, answer_loss)])
def test_the_reference_solution_passes(check, solution):
    verdict = check(solution, quiet=True)
    assert verdict.passed is True, verdict.message


@pytest.mark.parametrize("check, wrong, hint", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_a_typical_wrong_answer_fails_with_its_hint(check, wrong, hint):
    verdict = check(wrong, quiet=True)
    assert verdict.passed is False and hint in verdict.message, verdict.message


@pytest.mark.parametrize("check", [check_perplexity, check_sampling_probs, check_answer_only_loss])
def test_an_unattempted_starter_is_not_attempted(check, capsys):
    verdict = check(starter)
    assert verdict.passed is None and not verdict
    assert "not attempted" in capsys.readouterr().out


def test_a_solution_that_raises_is_named_not_hidden():
    verdict = check_perplexity(lambda model, texts, tokenizer: texts.nope, quiet=True)
    assert verdict.passed is False and "AttributeError" in verdict.message
