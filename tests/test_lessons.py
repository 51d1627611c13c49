"""The code lessons 01, 02, 03 and 05 teach and later lessons import (helpers/lessonNN.py), on tiny models."""

import pytest
import torch
from transformers import AutoTokenizer, GPT2LMHeadModel, get_scheduler

from helpers.assets import BUNDLED_GPT2_TOKENIZER, resolve_assets
from helpers.glue_metric import load_glue_mrpc_metric
from helpers.lessons.evaluation_loop import evaluate_model
from helpers.lessons.gpt2_qa_pretraining import (
    answer,
    collate_answers,
    encode_text,
    exact_match,
    gpt2_config,
    qa_texts,
    split_qa,
    split_text,
)
from helpers.lessons.mrpc_data_prep import mrpc_dataloaders
from helpers.lessons.training_loop import choose_device, train_epoch, validation_loss


@pytest.fixture(scope="module")
def assets():
    return resolve_assets("bundled", "quick", verbose=False)


@pytest.fixture(scope="module")
def data(assets):
    return mrpc_dataloaders(assets, batch_size=8, seed=7, train_pairs=24, eval_pairs=20)


def test_mrpc_dataloaders_gives_model_ready_batches_in_a_seeded_order(assets, data):
    assert len(data.train_dataloader) == 3 and len(data.eval_dataloader) == 3
    assert data.tokenized_datasets["train"].column_names == ["labels", "input_ids", "token_type_ids", "attention_mask"]
    batch = next(iter(data.train_dataloader))
    assert set(batch) == {"labels", "input_ids", "token_type_ids", "attention_mask"}
    assert batch["input_ids"].shape == batch["attention_mask"].shape and batch["input_ids"].shape[0] == 8
    again = mrpc_dataloaders(assets, batch_size=8, seed=7, train_pairs=24, eval_pairs=20)
    twin = mrpc_dataloaders(assets, batch_size=8, seed=7, train_pairs=24, eval_pairs=20)
    first = [b["labels"].tolist() for b in again.train_dataloader]
    assert first == [b["labels"].tolist() for b in twin.train_dataloader]  # the same shuffle for the same seed
    assert first != [b["labels"].tolist() for b in again.train_dataloader]  # and a new one every epoch
    other = mrpc_dataloaders(assets, batch_size=8, seed=8, train_pairs=24, eval_pairs=20)
    shapes = [b["input_ids"].shape for b in data.train_dataloader]
    assert [b["input_ids"].shape for b in other.train_dataloader] != shapes


def test_mrpc_dataloaders_refuses_more_pairs_than_a_split_holds(assets):
    with pytest.raises(ValueError, match="Setting eval_pairs=100000: the split holds only"):
        mrpc_dataloaders(assets, batch_size=8, seed=0, train_pairs=8, eval_pairs=100_000)


def test_choose_device_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert choose_device() == torch.device("cpu")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert choose_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert choose_device() == torch.device("cuda")


def test_train_epoch_runs_the_course_steps_and_learns(data, tiny_bert):
    model, device = tiny_bert(len(data.tokenizer)), torch.device("cpu")
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    steps = 8 * len(data.train_dataloader)
    lr_scheduler = get_scheduler("linear", optimizer=optimizer, num_warmup_steps=0, num_training_steps=steps)
    before = validation_loss(model, data.train_dataloader, device)
    losses = [loss for _ in range(8) for loss in train_epoch(model, data.train_dataloader, optimizer, lr_scheduler,
                                                               device)]
    assert len(losses) == steps and lr_scheduler.get_last_lr()[0] == 0.0
    assert all(p.grad is None for p in model.parameters())  # zero_grad after every step
    assert validation_loss(model, data.train_dataloader, device) < before
    assert not model.training  # validation_loss leaves eval mode; train_epoch switches back itself


def test_evaluate_model_counts_every_pair_once_and_matches_its_predictions(assets, data, tiny_bert):
    model = tiny_bert(len(data.tokenizer))
    scores = evaluate_model(model, data.eval_dataloader, load_glue_mrpc_metric(assets), torch.device("cpu"))
    assert len(scores["predictions"]) == len(scores["labels"]) == 20
    right = sum(p == y for p, y in zip(scores["predictions"], scores["labels"], strict=True))
    assert scores["accuracy"] == pytest.approx(right / 20)
    assert scores["loss"] > 0 and not model.training


@pytest.fixture(scope="module")
def gpt_tokenizer():
    return AutoTokenizer.from_pretrained(BUNDLED_GPT2_TOKENIZER)


def test_qa_split_is_seeded_keeps_facts_whole_and_leaves_its_input_alone(gpt_tokenizer):
    pairs = [{"family": "f", "fact": str(i // 2), "question": f"What is {i}?", "answer": f"It is {i}."}
             for i in range(20)]  # 10 facts, each asked twice
    original = [dict(pair) for pair in pairs]
    train, val = split_qa(pairs, seed=42)
    assert pairs == original and len(train) == 16 and len(val) == 4
    assert sorted(p["question"] for p in train + val) == sorted(p["question"] for p in pairs)
    assert not {p["fact"] for p in train} & {p["fact"] for p in val}  # no fact on both sides
    assert (train, val) == split_qa(pairs, seed=42) and (train, val) != split_qa(pairs, seed=1)
    eos = gpt_tokenizer.eos_token
    text = qa_texts(train, eos)[0]
    assert split_text(text, eos)[0].endswith("?") and not split_text(text, eos)[1].endswith(eos)


def test_qa_split_by_question_would_share_facts():
    """Negative control: the same pairs split by question (each its own fact) put a fact on both sides."""
    pairs = [{"family": "f", "fact": str(i // 2), "question": f"What is {i}?", "answer": f"It is {i}."}
             for i in range(20)]
    train, val = split_qa([{k: v for k, v in p.items() if k != "fact"} for p in pairs], seed=42)
    fact_of = {p["question"]: p["fact"] for p in pairs}
    assert {fact_of[p["question"]] for p in train} & {fact_of[p["question"]] for p in val}


def test_encode_text_shifts_targets_by_one(gpt_tokenizer):
    inputs, targets = encode_text(gpt_tokenizer, "What is 1? It is 1." + gpt_tokenizer.eos_token)
    assert torch.equal(inputs[1:], targets[:-1]) and targets[-1] == gpt_tokenizer.eos_token_id


def test_collate_answers_labels_only_the_answer_and_its_eos(gpt_tokenizer):
    eos = gpt_tokenizer.eos_token
    texts = [f"What is 1? It is one.{eos}", f"Why? Because.{eos}"]
    batch = collate_answers(texts, gpt_tokenizer)
    short = len(gpt_tokenizer.encode(texts[1]))
    question = len(gpt_tokenizer.encode("Why?"))
    assert batch["attention_mask"][1].sum() == short
    assert (batch["labels"][1, :question] == -100).all() and (batch["labels"][1, short:] == -100).all()
    assert batch["labels"][1, short - 1] == gpt_tokenizer.eos_token_id


def test_answer_decodes_greedily_and_exact_match_scores(gpt_tokenizer):
    torch.manual_seed(0)
    model = GPT2LMHeadModel(gpt2_config(gpt_tokenizer, n_layer=1, n_head=2, n_embd=16, dropout=0.0))
    config = model.config
    assert config.vocab_size == len(gpt_tokenizer) and config.eos_token_id == gpt_tokenizer.eos_token_id
    short = answer(model, gpt_tokenizer, "What is 1?", max_new_tokens=2)
    generated = answer(model, gpt_tokenizer, "What is 1?")
    assert len(gpt_tokenizer.encode(short)) <= 2 and generated.startswith(short)
    results, share = exact_match(model, gpt_tokenizer, [f"What is 1? {generated}{gpt_tokenizer.eos_token}"])
    assert results[0][2] == generated and results[0][3] and share == 1.0
