"""Checks for lesson 02's exercises: a warm-up schedule, gradient clipping, gradient accumulation."""

from __future__ import annotations

import torch

from . import exercise, expect
from .tiny import max_difference, one_step_per_two_batches, tiny_batches, tiny_classifier

LR, STEPS = 1e-4, 50


@exercise("02.1 · linear warm-up")
def check_warmup_scheduler(warmup_scheduler) -> str:
    """``warmup_scheduler(optimizer, num_training_steps)`` warms up over the first 10 % of the steps, then decays."""
    probe = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=LR)
    scheduler = warmup_scheduler(probe, STEPS)
    expect(scheduler is not None and hasattr(scheduler, "get_last_lr"),
           "return the scheduler that get_scheduler builds")
    lrs = [scheduler.get_last_lr()[0]]
    for _ in range(STEPS):
        probe.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    peak = max(range(len(lrs)), key=lrs.__getitem__)
    expect(lrs[0] == 0, f"the learning rate at step 0 is {lrs[0]:.3g}: warm-up starts at 0")
    expect(abs(lrs[peak] - LR) < 1e-12, f"the learning rate peaks at {lrs[peak]:.3g}: it should reach the "
                                        f"optimizer's {LR:g}")
    expect(peak == STEPS // 10, f"the learning rate peaks at step {peak} of {STEPS}: the warm-up should end after "
                                "10 % of the training steps")
    expect(abs(lrs[-1]) < 1e-12, f"after the last step the learning rate is {lrs[-1]:.3g}: the decay should end at 0")
    rising = lrs[: peak + 1]
    expect(all(abs((b - a) - LR / peak) < 1e-12 for a, b in zip(rising, rising[1:], strict=False)),
           "the warm-up is not a straight line from 0: use the linear schedule")
    return f"0 at step 0, {LR:g} at step {peak}, 0 after step {STEPS}"


@exercise("02.2 · gradient clipping")
def check_clipped_step(clipped_step) -> str:
    """``clipped_step(model, optimizer, batch, max_norm)``: one training step, its gradient norm at most max_norm."""
    batch = tiny_batches(1, 8)[0]
    max_norm = 0.05
    model = tiny_classifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    clipped_step(model, optimizer, batch, max_norm)
    reference = tiny_classifier()
    reference_optimizer = torch.optim.SGD(reference.parameters(), lr=1.0)
    reference(**batch).loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(reference.parameters(), max_norm).item()
    reference_optimizer.step()
    unclipped = tiny_classifier()
    unclipped(**batch).loss.backward()
    torch.optim.SGD(unclipped.parameters(), lr=1.0).step()
    expect(max_difference(model, tiny_classifier()) > 0, "the weights did not move: call optimizer.step()")
    expect(max_difference(model, unclipped) > 1e-6, f"the weights moved as far as the whole gradient (norm "
                                                    f"{norm:.3f}) takes them: clip it before optimizer.step()")
    expect(max_difference(model, reference) < 1e-6, "the update is not the clipped gradient's: clip the gradients "
                                                    "of all parameters to max_norm between backward and step")
    expect(all(p.grad is None or not p.grad.any() for p in model.parameters()),
           "gradients are left in .grad after the step: the next step would add to them")
    return f"the gradient norm {norm:.3f} was clipped to {max_norm}"


@exercise("02.3 · gradient accumulation")
def check_train_accumulating(train_accumulating) -> str:
    """``train_accumulating(model, optimizer, batches)``: one optimizer step per 2 batches, equal to one step on
    a batch twice the size."""
    batches = tiny_batches(4, 4)
    model = tiny_classifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    steps = []
    optimizer.register_step_post_hook(lambda *_: steps.append(1))
    train_accumulating(model, optimizer, batches)
    expect(len(steps) == 2, f"optimizer.step() ran {len(steps)} times for 4 batches: step once every 2 batches")
    doubled = max_difference(model, one_step_per_two_batches(batches, loss_scale=2.0))
    expect(doubled > 1e-6, "each update is twice the size of one on a batch of 8: the gradients of 2 batches add "
                           "up, so divide each loss by 2")
    difference = max_difference(model, one_step_per_two_batches(batches))
    expect(difference < 1e-5, f"the weights differ from one step per batch of 8 by up to {difference:.2g}: are the "
                              "gradients zeroed after each step, and only then?")
    return "2 batches of 4 gave the update of one batch of 8"
