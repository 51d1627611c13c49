"""Lesson 08's code, as taught in notebooks/08_learning_curves.ipynb.

Written by `python -m helpers.export` from the notebook's cells marked `#@save`: edit the
notebook and export again; tests/test_export.py fails while the two disagree.
"""

import torch
from accelerate import Accelerator
from transformers import get_scheduler

from helpers.lesson03 import evaluate_model


def train_and_log(model, train_dataloader, eval_dataloader, metric, learning_rate, num_steps, eval_every, device,
                  log, backward=torch.Tensor.backward) -> dict[str, dict[int, float]]:
    """The course's loop for `num_steps` steps; `log(values, step)` gets the training loss of every step and the
    validation loss and accuracy every `eval_every` steps (and at step 0). Returns what it logged."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    lr_scheduler = get_scheduler("linear", optimizer=optimizer, num_warmup_steps=0, num_training_steps=num_steps)
    history = {"train/loss": {}, "eval/loss": {}, "eval/accuracy": {}}

    def record(values, step):
        for name, value in values.items():
            history[name][step] = value
        log(values, step)

    def evaluate(step):
        with torch.random.fork_rng():  # evaluation draws no random numbers that training would have drawn
            results = evaluate_model(model, eval_dataloader, metric, device)
        record({"eval/loss": results["loss"], "eval/accuracy": results["accuracy"]}, step)

    evaluate(0)
    step = 0
    while step < num_steps:
        for batch in train_dataloader:
            model.train()
            batch = {k: v.to(device) for k, v in batch.items()}
            loss = model(**batch).loss
            backward(loss)
            optimizer.step()
            lr_scheduler.step()
            optimizer.zero_grad()
            step += 1
            record({"train/loss": loss.item()}, step)
            if step % eval_every == 0 or step == num_steps:
                evaluate(step)
            if step == num_steps:
                break
    return history


def accelerate_and_log(model, train_dataloader, eval_dataloader, metric, learning_rate, num_steps, eval_every,
                       log_dir, run_name="accelerate") -> dict[str, dict[int, float]]:
    """`train_and_log` through Accelerate, logging to TensorBoard in `log_dir/run_name`."""
    accelerator = Accelerator(log_with="tensorboard", project_dir=log_dir)
    accelerator.init_trackers(run_name)
    model, train_dataloader, eval_dataloader = accelerator.prepare(model, train_dataloader, eval_dataloader)
    history = train_and_log(model, train_dataloader, eval_dataloader, metric, learning_rate, num_steps, eval_every,
                            accelerator.device, log=accelerator.log, backward=accelerator.backward)
    accelerator.end_training()
    return history
