"""Lesson 05's code, as taught in notebooks/05_gpt2_qa_pretraining.ipynb.

Written by `python -m helpers.export` from the notebook's cells marked `#@save`: edit the
notebook and export again; tests/test_export.py fails while the two disagree.
"""

import random

import torch
from transformers import GPT2Config


def qa_texts(qa_pairs: list[dict], eos: str) -> list[str]:
    """One training text per pair: the question, a space, the answer and the end-of-sequence token."""
    return [f"{pair['question']} {pair['answer']}{eos}" for pair in qa_pairs]


def split_qa(qa_pairs: list[dict], seed: int, train_share: float = 0.8) -> tuple[list[dict], list[dict]]:
    """A seeded shuffle of the facts, then the pairs of the first 80 % of facts for training and the rest held
    out: every phrasing of a fact lands on the same side. A pair without a "fact" is a fact of its own."""
    def fact(pair: dict) -> tuple:
        return pair.get("family"), pair.get("fact", pair["question"])

    facts = list(dict.fromkeys(map(fact, qa_pairs)))
    random.Random(seed).shuffle(facts)
    train_facts = set(facts[: round(train_share * len(facts))])
    return [p for p in qa_pairs if fact(p) in train_facts], [p for p in qa_pairs if fact(p) not in train_facts]


def split_text(text: str, eos: str) -> tuple[str, str]:
    """A training text back into its question (with the "?") and its answer (without EOS)."""
    question, rest = text.split("? ", 1)
    return question + "?", rest.removesuffix(eos)


def encode_text(tokenizer, text: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The inputs (every token but the last) and the shifted targets (every token but the first)."""
    tokens = tokenizer.encode(text)
    input_ids = torch.tensor(tokens[:-1])
    target_ids = torch.tensor(tokens[1:])
    return input_ids, target_ids


def gpt2_config(tokenizer, n_layer: int, n_head: int, n_embd: int, dropout: float, n_positions: int = 64) -> GPT2Config:
    """A GPT-2 architecture sized for the QA set: the vocabulary is the tokenizer's, EOS doubles as BOS."""
    return GPT2Config(
        vocab_size=len(tokenizer), n_positions=n_positions, n_embd=n_embd, n_layer=n_layer, n_head=n_head,
        resid_pdrop=dropout, embd_pdrop=dropout, attn_pdrop=dropout,
        bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id,
    )


def answer(model, tokenizer, question: str, max_new_tokens: int = 40) -> str:
    """Greedy decoding: append the most likely next token until EOS or `max_new_tokens`."""
    model.eval()
    device = next(model.parameters()).device
    ids = tokenizer.encode(question)
    prompt_length = len(ids)
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(torch.tensor([ids[-model.config.n_positions:]], device=device)).logits
            next_id = int(logits[0, -1].argmax())
            if next_id == tokenizer.eos_token_id:
                break
            ids.append(next_id)
    return tokenizer.decode(ids[prompt_length:]).strip()


def exact_match(model, tokenizer, texts: list[str]) -> tuple[list[tuple[str, str, str, bool]], float]:
    """Each text's question, expected and generated answer and whether they match; and the share that do."""
    results = []
    for text in texts:
        question, expected = split_text(text, tokenizer.eos_token)
        generated = answer(model, tokenizer, question)
        results.append((question, expected, generated, generated == expected))
    return results, sum(r[3] for r in results) / len(results)


def collate_answers(texts: list[str], tokenizer) -> dict[str, torch.Tensor]:
    """Pad a batch with EOS, mask the padding, and label the answer tokens only (-100 elsewhere)."""
    encoded = [tokenizer.encode(t) for t in texts]
    question_lengths = [len(tokenizer.encode(split_text(t, tokenizer.eos_token)[0])) for t in texts]
    width = max(len(ids) for ids in encoded)
    input_ids = torch.full((len(texts), width), tokenizer.eos_token_id)
    attention_mask = torch.zeros((len(texts), width), dtype=torch.long)
    labels = torch.full((len(texts), width), -100)
    for row, (ids, q_len) in enumerate(zip(encoded, question_lengths, strict=True)):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        attention_mask[row, : len(ids)] = 1
        labels[row, q_len : len(ids)] = torch.tensor(ids[q_len:])  # answer tokens and the final EOS
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
