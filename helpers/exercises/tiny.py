"""Tiny models and batches for the exercise checks: a model that trains in milliseconds on any CPU."""

from __future__ import annotations

import torch
from transformers import BertConfig, BertForSequenceClassification


def tiny_classifier(seed: int = 0, dropout: float = 0.0) -> BertForSequenceClassification:
    """A 1-layer, 16-wide BERT classifier with 2 labels; ``dropout`` 0 makes every forward pass repeatable."""
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=16, num_labels=2,
                        hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout)
    return BertForSequenceClassification(config)


def tiny_batches(count: int, size: int, length: int = 6, seed: int = 1) -> list[dict[str, torch.Tensor]]:
    """``count`` batches of ``size`` random pairs, all ``length`` tokens long (no padding), with labels."""
    generator = torch.Generator().manual_seed(seed)
    return [{"input_ids": torch.randint(1, 50, (size, length), generator=generator),
             "attention_mask": torch.ones(size, length, dtype=torch.long),
             "labels": torch.randint(0, 2, (size,), generator=generator)} for _ in range(count)]


def joined(batches: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The batches as one batch of all their pairs."""
    return {key: torch.cat([batch[key] for batch in batches]) for key in batches[0]}


def max_difference(a: torch.nn.Module, b: torch.nn.Module) -> float:
    """The largest difference between two models' parameters, wherever each lives (a prepared model may be on a GPU)."""
    pairs = zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    return max((x.cpu() - y.cpu()).abs().max().item() for x, y in pairs)


def one_step_per_two_batches(batches: list[dict], loss_scale: float = 1.0) -> torch.nn.Module:
    """The tiny model after one SGD step on each pair of batches joined into one (the loss times ``loss_scale``)."""
    model = tiny_classifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for start in range(0, len(batches), 2):
        (loss_scale * model(**joined(batches[start:start + 2])).loss).backward()
        optimizer.step()
        optimizer.zero_grad()
    return model
