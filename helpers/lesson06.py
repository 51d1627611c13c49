"""Lesson 06's code, as taught in notebooks/06_trainer_callbacks.ipynb.

Written by `python -m helpers.export` from the notebook's cells marked `#@save`: edit the
notebook and export again; tests/test_export.py fails while the two disagree.
"""

import torch
from transformers import TrainerCallback


class GenerationCallback(TrainerCallback):
    """Every `every` steps, generate an answer to `prompt` and record it in `samples`."""

    def __init__(self, tokenizer, prompt, every, max_new_tokens=20):
        self.tokenizer, self.prompt, self.every, self.max_new_tokens = tokenizer, prompt, every, max_new_tokens
        self.samples = []

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if state.global_step % self.every:
            return
        was_training = model.training
        model.eval()
        inputs = self.tokenizer(self.prompt, return_tensors="pt").to(model.device)
        with torch.no_grad():
            output = model.generate(**inputs, max_new_tokens=self.max_new_tokens, do_sample=False,
                                    eos_token_id=self.tokenizer.eos_token_id, pad_token_id=self.tokenizer.eos_token_id)
        text = self.tokenizer.decode(output[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True).strip()
        self.samples.append((state.global_step, text))
        if was_training:
            model.train()
