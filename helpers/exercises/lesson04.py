"""Checks for lesson 04's exercises: the schedule's length on N processes, a `save_state`/`load_state` round trip,
and resuming in the middle of an epoch.

Each check runs in this process in seconds (no launch). The checks that need an ``Accelerator`` build a plain one;
Accelerate keeps one state per process, so in the lesson's kernel they share the one its runs set up.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable

import torch
from torch.utils.data import DataLoader
from transformers import get_scheduler

from . import exercise, expect
from .tiny import max_difference, tiny_batches, tiny_classifier


@exercise("04.1 · the schedule's length on N processes")
def check_num_training_steps(num_training_steps: Callable) -> str:
    """``num_training_steps(num_pairs, batch_size, num_epochs, num_processes)``: the optimizer steps each process
    takes, ``num_epochs * len(train_dataloader)`` as ``prepare`` on that many processes leaves the DataLoader."""
    from accelerate.data_loader import prepare_data_loader

    settings = ((320, 8, 3, 1), (320, 8, 3, 2), (21, 4, 1, 2), (10, 4, 2, 4), (50, 8, 2, 3))
    for pairs, batch, epochs, processes in settings:
        shard = prepare_data_loader(DataLoader(range(pairs), batch_size=batch), num_processes=processes,
                                    process_index=0, put_on_device=False)
        want, got = epochs * len(shard), num_training_steps(pairs, batch, epochs, processes)
        setting = f"{pairs} pairs in batches of {batch}, {epochs} epoch(s) on {processes} process(es)"
        expect(processes == 1 or got != epochs * math.ceil(pairs / batch),
               f"{setting}: {got} is one process's count, but prepare deals the batches out to the processes")
        expect(got == want, f"{setting}: each process takes {want} steps, not {got}. A last, smaller batch is still "
                            "a step, and a process left one batch short gets one more (even_batches)")
    return "the schedule is as long as each process's share of the batches"


@exercise("04.2 · save_state and load_state")
def check_resume(resume: Callable) -> str:
    """``resume(accelerator, model, optimizer, lr_scheduler, folder)``: fresh objects in, prepared and loaded with
    the state saved in ``folder`` out; training on must equal the run that never stopped, bit for bit."""
    from accelerate import Accelerator

    batches = tiny_batches(6, 4)

    def fresh(seed: int):
        model = tiny_classifier(seed, dropout=0.1)  # dropout: the random state must be restored too
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
        return model, optimizer, get_scheduler("linear", optimizer=optimizer, num_warmup_steps=0,
                                               num_training_steps=len(batches))

    def train(accelerator, model, optimizer, lr_scheduler, part):
        model.train()
        for batch in part:
            accelerator.backward(model(**{key: value.to(accelerator.device) for key, value in batch.items()}).loss)
            optimizer.step()
            lr_scheduler.step()
            optimizer.zero_grad()

    with tempfile.TemporaryDirectory() as folder:
        accelerator = Accelerator()
        torch.manual_seed(0)
        model, optimizer, lr_scheduler = accelerator.prepare(*fresh(0))
        train(accelerator, model, optimizer, lr_scheduler, batches[:3])
        accelerator.save_state(folder)
        train(accelerator, model, optimizer, lr_scheduler, batches[3:])
        reference, reference_lr = model, lr_scheduler.get_last_lr()[0]
        untouched = tiny_classifier(1, dropout=0.1)
        accelerator = Accelerator()
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


@exercise("04.3 · resume in the middle of an epoch")
def check_remaining_batches(remaining_batches: Callable) -> str:
    """``remaining_batches(accelerator, train_dataloader, steps_done)``: what the epoch has left after ``steps_done``
    batches, as a run resumed mid-epoch must see it, without loading the batches it skips."""
    from accelerate import Accelerator

    accelerator, loaded = Accelerator(), []

    class Pairs(torch.utils.data.Dataset):  # records which pairs were loaded (on real data: read, tokenized, padded)
        def __len__(self) -> int:
            return 20

        def __getitem__(self, index: int) -> int:
            loaded.append(index)
            return index

    def shuffled() -> DataLoader:
        return accelerator.prepare(DataLoader(Pairs(), batch_size=4, shuffle=True,
                                              generator=torch.Generator().manual_seed(0)))

    epoch = [batch.tolist() for batch in shuffled()]
    loaded.clear()
    got = [batch.tolist() for batch in remaining_batches(accelerator, shuffled(), 2)]
    expect(got, "no batch came back: steps_done counts batches, not pairs")
    expect(got != epoch, "the whole epoch came back: skip the batches the saved run already trained on")
    expect(got == epoch[2:], f"got {len(got)} batches of the epoch's {len(epoch)}, not its last 3 in the epoch's "
                             "order: skip the first steps_done batches of the same shuffled order")
    expect(len(loaded) == 12, f"{len(loaded)} pairs were loaded for the 12 that remain: the skipped batches were "
                              "loaded too; accelerator.skip_first_batches skips them without loading")
    return "the last 3 batches of the epoch, in its order, the first 2 never loaded"
