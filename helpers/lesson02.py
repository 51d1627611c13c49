"""Lesson 02's code, as taught in notebooks/02_training_loop.ipynb.

Written by `python -m helpers.export` from the notebook's cells marked `#@save`: edit the
notebook and export again; tests/test_export.py fails while the two disagree.
"""

import torch


def choose_device() -> torch.device:
    """A CUDA GPU if there is one, else Apple's MPS, else the CPU: where every lesson trains."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def train_epoch(model, train_dataloader, optimizer, lr_scheduler, device, progress_bar=None) -> list[float]:
    """One pass of the course's loop over `train_dataloader`; returns each step's loss."""
    model.train()
    losses = []
    for batch in train_dataloader:
        batch = {k: v.to(device) for k, v in batch.items()}
        outputs = model(**batch)
        loss = outputs.loss
        loss.backward()

        optimizer.step()
        lr_scheduler.step()
        optimizer.zero_grad()
        losses.append(loss.detach())  # on the device: `.item()` here would make a GPU wait at every step
        if progress_bar is not None:
            progress_bar.update(1)
    return torch.stack(losses).tolist()


def validation_loss(model, eval_dataloader, device) -> float:
    """The mean loss per validation pair, in eval mode and without gradients."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in eval_dataloader:
            batch = {k: v.to(device) for k, v in batch.items()}
            total += model(**batch).loss.item() * len(batch["labels"])
            count += len(batch["labels"])
    return total / count
