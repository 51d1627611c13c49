"""Checks for lesson 04's exercises: `clip_grad_norm_`, `accumulate`, and a `save_state`/`load_state` round trip.

Each check builds its own ``Accelerator(cpu=True)`` in this process (one process: seconds, no launch) and forgets
it afterwards, so the lesson's launches before and after are unaffected.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch
from transformers import get_scheduler

from ..notebook import reset_accelerate_state
from . import exercise, expect
from .tiny import max_difference, one_step_per_two_batches, tiny_batches, tiny_classifier


@contextmanager
def fresh_accelerator(**options) -> Iterator:
    """An ``Accelerator(cpu=True, **options)`` of its own, forgotten on exit."""
    from accelerate import Accelerator

    reset_accelerate_state()
    try:
        yield Accelerator(cpu=True, **options)
    finally:
        reset_accelerate_state()


@exercise("04.1 · clip the gradients with Accelerate")
def check_accelerated_clipped_step(clipped_step: Callable) -> str:
    """``clipped_step(accelerator, model, optimizer, batch, max_norm)``: one step, its gradient clipped to max_norm."""
    batch, max_norm = tiny_batches(1, 8)[0], 0.05
    with fresh_accelerator() as accelerator:
        model = tiny_classifier()
        model, optimizer = accelerator.prepare(model, torch.optim.SGD(model.parameters(), lr=1.0))
        clipped_step(accelerator, model, optimizer, batch, max_norm)
    reference = tiny_classifier()
    reference(**batch).loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(reference.parameters(), max_norm).item()
    torch.optim.SGD(reference.parameters(), lr=1.0).step()
    expect(max_difference(model, tiny_classifier()) > 0, "the weights did not move: call optimizer.step()")
    expect(max_difference(model, reference) < 1e-6, f"the update is not the clipped gradient's (its norm was "
                                                    f"{norm:.3f}): call accelerator.clip_grad_norm_ on the model's "
                                                    "parameters between accelerator.backward and optimizer.step")
    return f"the gradient norm {norm:.3f} was clipped to {max_norm}"


@exercise("04.2 · accumulate with Accelerate")
def check_accumulating_loop(train: Callable) -> str:
    """``train(accelerator, model, optimizer, batches)`` under ``gradient_accumulation_steps=2``: one update per 2
    batches, equal to one step on a batch twice the size."""
    batches = tiny_batches(4, 4)
    steps = []
    with fresh_accelerator(gradient_accumulation_steps=2) as accelerator:
        model = tiny_classifier()
        inner = torch.optim.SGD(model.parameters(), lr=0.5)
        inner.register_step_post_hook(lambda *_: steps.append(1))
        model, optimizer = accelerator.prepare(model, inner)
        train(accelerator, model, optimizer, batches)
    expect(len(steps) == 2, f"the weights were updated {len(steps)} times for 4 batches: run each batch inside "
                            "`with accelerator.accumulate(model):`, which lets the optimizer step every 2nd batch")
    halved = max_difference(model, one_step_per_two_batches(batches, loss_scale=0.5))
    expect(halved > 1e-6, "each update is half the size of one on a batch of 8: accelerator.backward already "
                          "divides the loss by gradient_accumulation_steps, so do not divide it yourself")
    difference = max_difference(model, one_step_per_two_batches(batches))
    expect(difference < 1e-5, f"the weights differ from one step per batch of 8 by up to {difference:.2g}: "
                              "call accelerator.backward, optimizer.step and optimizer.zero_grad for every batch, "
                              "inside accelerator.accumulate(model)")
    return "2 batches of 4 gave the update of one batch of 8"


@exercise("04.3 · save_state and load_state")
def check_resume(resume: Callable) -> str:
    """``resume(accelerator, model, optimizer, lr_scheduler, folder)``: fresh objects in, prepared and loaded with
    the state saved in ``folder`` out; training on must equal the run that never stopped, bit for bit."""
    batches = tiny_batches(6, 4)

    def fresh(seed: int):
        model = tiny_classifier(seed, dropout=0.1)  # dropout: the random state must be restored too
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
        return model, optimizer, get_scheduler("linear", optimizer=optimizer, num_warmup_steps=0,
                                               num_training_steps=len(batches))

    def train(accelerator, model, optimizer, lr_scheduler, part):
        model.train()
        for batch in part:
            accelerator.backward(model(**batch).loss)
            optimizer.step()
            lr_scheduler.step()
            optimizer.zero_grad()

    with tempfile.TemporaryDirectory() as folder:
        with fresh_accelerator() as accelerator:
            torch.manual_seed(0)
            model, optimizer, lr_scheduler = accelerator.prepare(*fresh(0))
            train(accelerator, model, optimizer, lr_scheduler, batches[:3])
            accelerator.save_state(folder)
            train(accelerator, model, optimizer, lr_scheduler, batches[3:])
            reference, reference_lr = model, lr_scheduler.get_last_lr()[0]
        untouched = tiny_classifier(1, dropout=0.1)
        with fresh_accelerator() as accelerator:
            objects = fresh(1)
            torch.manual_seed(123)  # a new process: its random state is not the saved run's
            prepared = resume(accelerator, *objects, folder)
            expect(isinstance(prepared, tuple) and len(prepared) == 3,
                   "return the prepared (model, optimizer, lr_scheduler)")
            model, optimizer, lr_scheduler = prepared
            expect(max_difference(model, untouched) > 0,
                   "the weights are still the fresh model's: load the saved state after preparing the objects")
            train(accelerator, model, optimizer, lr_scheduler, batches[3:])
    resumed_lr = lr_scheduler.get_last_lr()[0]
    expect(abs(resumed_lr - reference_lr) < 1e-12,
           f"the learning rate ends at {resumed_lr:.3g}, the run that never stopped at {reference_lr:.3g}: the "
           "scheduler's position was not restored; prepare the scheduler with the other objects")
    expect(max_difference(model, reference) == 0, "the resumed run's weights differ from the uninterrupted run's: "
                                                  "is everything saved restored (optimizer moments, random state)?")
    return "3 steps, save_state, fresh objects, load_state, 3 more steps: bit-equal to 6 uninterrupted steps"
