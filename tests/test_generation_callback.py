"""Lesson 06's GenerationCallback (exported from the notebook): it must leave the model as it found it."""

import torch
from transformers import GPT2Config, GPT2LMHeadModel, TrainerControl, TrainerState, TrainingArguments

from helpers.assets import BUNDLED_GPT2_TOKENIZER
from helpers.lessons.trainer_callbacks import GenerationCallback


def test_generation_callback_samples_and_restores_train_mode_without_touching_weights(tmp_path):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(BUNDLED_GPT2_TOKENIZER)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=32, n_embd=32, n_layer=1, n_head=2))
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    callback = GenerationCallback(tokenizer, "What is the capital of France?", every=2)
    args, control = TrainingArguments(output_dir=str(tmp_path), report_to="none", use_cpu=True), TrainerControl()
    for step in (1, 2, 3, 4):
        callback.on_step_end(args, TrainerState(global_step=step), control, model=model)
    assert [step for step, _ in callback.samples] == [2, 4]
    assert all(isinstance(text, str) for _, text in callback.samples)
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())

