"""Checks for lesson 05's exercises: per-token perplexity, temperature and top-k sampling, and the loss on the
answer's tokens only. Each runs in about a second on a tiny GPT-2 (1 layer, 16 dimensions, a few training
steps) or on small tensors, and compares the learner's result with the reference on the same model, so it
holds on any CPU or GPU."""

from __future__ import annotations

import math

import torch

from . import exercise, expect

QUESTION, ANSWER = "What is the capital of France?", " The capital of France is Paris."
TEXTS = [  # lengths differ on purpose: a mean over texts and a mean over tokens disagree on them
    "What is 2 + 3? 2 + 3 equals 5.",
    "Which word means the opposite of up? The opposite of up is down.",
    "How many hours are in 7 days? 7 days is 168 hours.",
]


def tiny_gpt2(steps: int = 30, seed: int = 0):
    """The bundled QA tokenizer and a 1-layer GPT-2 trained for ``steps`` steps on the check's texts (eval mode),
    so that its losses differ from token to token as a real model's do."""
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    from ..assets import BUNDLED_GPT2_TOKENIZER

    tokenizer = AutoTokenizer.from_pretrained(BUNDLED_GPT2_TOKENIZER)
    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=64, n_embd=16, n_layer=1, n_head=2,
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                        bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id)
    model = GPT2LMHeadModel(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    texts = [text + tokenizer.eos_token for text in [*TEXTS, QUESTION + ANSWER]]
    for step in range(steps):
        ids = torch.tensor(tokenizer.encode(texts[step % len(texts)]))
        logits = model(ids[:-1].unsqueeze(0)).logits[0]
        torch.nn.functional.cross_entropy(logits, ids[1:]).backward()
        optimizer.step()
        optimizer.zero_grad()
    return tokenizer, model.eval()


def token_losses(model, tokenizer, text: str) -> torch.Tensor:
    """The next-token loss at every position of ``text`` (no reduction)."""
    ids = torch.tensor([tokenizer.encode(text)])
    with torch.no_grad():
        logits = model(ids).logits[0, :-1]
    return torch.nn.functional.cross_entropy(logits, ids[0, 1:], reduction="none")


@exercise("05.1 · perplexity per token")
def check_perplexity(perplexity) -> str:
    tokenizer, model = tiny_gpt2()
    texts = [text + tokenizer.eos_token for text in TEXTS]
    losses = [token_losses(model, tokenizer, text) for text in texts]
    per_token = math.exp(torch.cat(losses).mean().item())
    per_text = math.exp(sum(loss.mean().item() for loss in losses) / len(losses))
    got = perplexity(model, texts, tokenizer)
    expect(isinstance(got, int | float) or (torch.is_tensor(got) and got.numel() == 1),
           f"return one number (a float), not {type(got).__name__}")
    got = float(got)
    expect(not math.isclose(got, math.log(per_token), rel_tol=1e-4),
           f"got {got:.4g}: that is the mean loss itself; a perplexity is exp of it")
    expect(got >= 1, f"got {got:.4g}: a perplexity is exp of a mean loss, never below 1")
    expect(not math.isclose(got, per_text, rel_tol=1e-4),
           "that is exp of the mean of each text's mean loss: every text counts the same however long it is. "
           "Average the loss over all tokens of all texts, then take exp")
    expect(math.isclose(got, per_token, rel_tol=1e-4),
           f"got {got:.4g} on three texts with a tiny GPT-2; check the shift (inputs without the last "
           "token, targets without the first) and that you average over tokens before exp")
    return (f"{got:.2f} on a tiny GPT-2 (a uniform guess over its {len(tokenizer):,} tokens scores {len(tokenizer):,}; "
            f"averaging per text would give {per_text:.2f})")


@exercise("05.2 · temperature and top-k")
def check_sampling_probs(sampling_probs) -> str:
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(50, generator=generator) * 2
    reference = torch.softmax(logits, dim=-1)

    def probs(**kwargs) -> torch.Tensor:
        got = sampling_probs(logits.clone(), **kwargs)
        expect(torch.is_tensor(got) and got.shape == logits.shape,
               f"return a tensor of probabilities shaped like the logits {tuple(logits.shape)}")
        expect(torch.isfinite(got).all() and (got >= 0).all(), "probabilities must be finite and not negative")
        total = got.sum().item()
        expect(math.isclose(total, 1.0, rel_tol=1e-4), f"the probabilities sum to {total:.4g}, not 1")
        return got

    expect(torch.allclose(probs(temperature=1.0, top_k=None), reference, atol=1e-6),
           "at temperature 1 with no top-k the probabilities should be the plain softmax of the logits")
    hot, cold = probs(temperature=2.0, top_k=None), probs(temperature=0.5, top_k=None)
    expect(hot.max() < reference.max() < cold.max(),
           "a temperature above 1 should flatten the distribution and one below 1 sharpen it: "
           "how do you combine the logits with the temperature?")
    expect(torch.allclose(hot, torch.softmax(logits / 2.0, dim=-1), atol=1e-6),
           "temperature 2 flattens the distribution, but by the wrong amount: "
           "reread how the temperature acts on the logits")
    greedy = probs(temperature=1.0, top_k=1)
    expect(greedy.argmax() == logits.argmax() and math.isclose(greedy.max().item(), 1.0, rel_tol=1e-5),
           "with top_k=1 all the probability should sit on the most likely token: that is greedy decoding")
    top5 = probs(temperature=1.0, top_k=5)
    kept = set(torch.nonzero(top5).flatten().tolist())
    expect(len(kept) == 5, f"with top_k=5, {len(kept)} tokens have a probability above 0: keep exactly 5")
    expect(kept == set(logits.topk(5).indices.tolist()), "with top_k=5, keep the five largest logits, not others")
    expected = torch.zeros_like(reference)
    expected[list(kept)] = torch.softmax(logits[list(kept)], dim=-1)
    expect(torch.allclose(top5, expected, atol=1e-6),
           "the kept tokens' probabilities should keep their ratios and add up to 1 among themselves")
    return "top_k=1 is greedy; temperature divides the logits; top-k keeps the k most likely tokens"


@exercise("05.3 · loss on the answer's tokens only")
def check_answer_only_loss(answer_only_loss) -> str:
    tokenizer, model = tiny_gpt2()
    text = QUESTION + ANSWER + tokenizer.eos_token
    losses = token_losses(model, tokenizer, text)
    question_length = len(tokenizer.encode(QUESTION))
    on_answer = losses[question_length - 1:].mean().item()  # target t is token t + 1: '?' predicts the answer's first
    got = answer_only_loss(model, tokenizer, text)
    expect(torch.is_tensor(got) and got.numel() == 1, "return the loss as a one-element tensor (it must backpropagate)")
    expect(got.requires_grad, "the loss does not require gradients: compute it outside torch.no_grad()")
    value = got.item()
    expect(not math.isclose(value, losses.mean().item(), rel_tol=1e-4),
           "that is the loss on every token: put -100 on the targets that are question tokens")
    expect(not math.isclose(value, losses[question_length:].mean().item(), rel_tol=1e-4),
           "the answer's first token is left out: it is the target of the question's last position ('?')")
    expect(not math.isclose(value, losses[question_length - 1:-1].mean().item(), rel_tol=1e-4),
           "the final EOS is left out: the model must learn to stop, so predicting EOS counts")
    expect(math.isclose(value, on_answer, rel_tol=1e-4),
           f"got {value:.4f}; the loss should average the next-token loss over the answer's tokens and the EOS "
           "(inputs without the last token, targets without the first, -100 on question targets)")
    return f"{value:.4f}: the mean loss over the {len(losses) - question_length + 1} answer targets (EOS included)"
