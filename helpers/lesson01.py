"""Lesson 01's code, as taught in notebooks/01_mrpc_data_prep.ipynb.

Written by `python -m helpers.export` from the notebook's cells marked `#@save`: edit the
notebook and export again; tests/test_export.py fails while the two disagree.
"""

from dataclasses import dataclass

import torch
from datasets import DatasetDict
from torch.utils.data import DataLoader
from transformers import AutoTokenizer, DataCollatorWithPadding, PreTrainedTokenizerBase

import helpers
from helpers.settings import take_pairs


def tokenize_mrpc(raw_datasets: DatasetDict, tokenizer: PreTrainedTokenizerBase) -> DatasetDict:
    """Sections 3 and 5: tokenize every pair with `map(batched=True)`, keep the model's columns, as tensors."""

    def tokenize_function(example):
        return tokenizer(example["sentence1"], example["sentence2"], truncation=True)

    tokenized_datasets = raw_datasets.map(tokenize_function, batched=True)
    tokenized_datasets = tokenized_datasets.remove_columns(["sentence1", "sentence2", "idx"])
    tokenized_datasets = tokenized_datasets.rename_column("label", "labels")
    tokenized_datasets.set_format("torch")
    return tokenized_datasets


@dataclass
class MRPCData:
    """What this lesson builds: raw and tokenized splits, tokenizer, collator and the two DataLoaders."""

    raw_datasets: DatasetDict
    tokenized_datasets: DatasetDict
    tokenizer: PreTrainedTokenizerBase
    data_collator: DataCollatorWithPadding
    train_dataloader: DataLoader
    eval_dataloader: DataLoader


def mrpc_dataloaders(assets: helpers.Assets, batch_size: int, seed: int, train_pairs: int | None = None,
                     eval_pairs: int | None = None, eval_batch_size: int | None = None) -> MRPCData:
    """Sections 1-6 in one call; `train_pairs`/`eval_pairs` keep the first pairs of a split (None: all)."""
    raw_datasets = helpers.load_mrpc(assets)
    raw_datasets["train"] = take_pairs(raw_datasets["train"], "train_pairs", train_pairs)
    raw_datasets["validation"] = take_pairs(raw_datasets["validation"], "eval_pairs", eval_pairs)
    tokenizer = AutoTokenizer.from_pretrained(assets.checkpoint)
    tokenized_datasets = tokenize_mrpc(raw_datasets, tokenizer)
    data_collator = DataCollatorWithPadding(tokenizer=tokenizer)
    train_dataloader = DataLoader(
        tokenized_datasets["train"], shuffle=True, batch_size=batch_size, collate_fn=data_collator,
        generator=torch.Generator().manual_seed(seed),
    )
    eval_dataloader = DataLoader(tokenized_datasets["validation"], collate_fn=data_collator,
                                 batch_size=batch_size if eval_batch_size is None else eval_batch_size)
    return MRPCData(raw_datasets, tokenized_datasets, tokenizer, data_collator, train_dataloader, eval_dataloader)
