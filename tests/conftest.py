"""Fixtures the unit tests share. The suite-wide hooks (plain progress bars, the time per part of the suite) are in
the repository's top-level conftest.py; this one holds only what several test modules build the same way."""

import pytest


@pytest.fixture
def tiny_bert():
    """``tiny_bert(vocab_size)``: a BERT for sequence classification (2 labels), one layer of width 16, seeded: the
    same call builds the same weights, and it trains in seconds on a CPU."""
    from transformers import BertConfig, BertForSequenceClassification, set_seed

    def build(vocab_size: int) -> BertForSequenceClassification:
        set_seed(0)
        config = BertConfig(vocab_size=vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                            intermediate_size=32, num_labels=2)
        return BertForSequenceClassification(config)

    return build
