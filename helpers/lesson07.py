"""Lesson 07's code, as taught in notebooks/07_fast_and_lean.ipynb.

Written by `python -m helpers.export` from the notebook's cells marked `#@save`: edit the
notebook and export again; tests/test_export.py fails while the two disagree.
"""

import time

import torch
from tqdm.auto import tqdm
from transformers import AutoModelForSequenceClassification, get_scheduler, set_seed


def train_step(model, optimizer, lr_scheduler, batch, scaler, amp_dtype=None, max_grad_norm=None):
    """One step of lesson 02's loop: under autocast if `amp_dtype` is set, clipped if `max_grad_norm` is."""
    with torch.autocast(batch["input_ids"].device.type, dtype=amp_dtype or torch.bfloat16,
                        enabled=amp_dtype is not None):
        outputs = model(**batch)
    loss = outputs.loss
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)  # true gradients for the norm and for clipping (no-op unless fp16)
    if max_grad_norm is None:
        grad_norm = torch.nn.utils.get_total_norm([p.grad for p in model.parameters() if p.grad is not None])
    else:
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)  # measured, then clipped
    scaler.step(optimizer)  # optimizer.step(), skipped if fp16 gradients overflowed
    scaler.update()
    lr_scheduler.step()
    optimizer.zero_grad()
    return loss.item(), grad_norm.item()  # .item() waits for a GPU to finish the step


def fresh_run(checkpoint, device, learning_rate, num_training_steps, seed, fused=False, freeze_word_embeddings=False):
    """Seeded model, AdamW (`fused`, over the trainable parameters) and the linear schedule."""
    set_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2).to(device)
    if freeze_word_embeddings:
        model.base_model.embeddings.word_embeddings.weight.requires_grad_(False)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate,
                                  fused=fused or None)
    lr_scheduler = get_scheduler("linear", optimizer=optimizer, num_warmup_steps=0,
                                 num_training_steps=num_training_steps)
    return model, optimizer, lr_scheduler


def train(model, optimizer, lr_scheduler, train_dataloader, device, num_epochs, amp_dtype=None, max_grad_norm=None,
          desc="training"):
    """`train_step` over the loader for `num_epochs`: each step's seconds (loading included), loss, gradient norm."""
    history = {"step_seconds": [], "loss": [], "grad_norm": []}
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)  # fp16 only, see section 2
    model.train()
    with tqdm(total=num_epochs * len(train_dataloader), desc=desc, mininterval=2) as progress_bar:
        last = time.perf_counter()
        for _ in range(num_epochs):
            for batch in train_dataloader:
                batch = {k: v.to(device) for k, v in batch.items()}
                loss, grad_norm = train_step(model, optimizer, lr_scheduler, batch, scaler, amp_dtype, max_grad_norm)
                history["step_seconds"].append(time.perf_counter() - last)
                last = time.perf_counter()
                history["loss"].append(loss)
                history["grad_norm"].append(grad_norm)
                progress_bar.update(1)
    return history
