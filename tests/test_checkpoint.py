"""Checkpoints: atomic writes, clear errors on damage, bit-exact resume of a tiny training run."""

import random

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from helpers.checkpoint import (
    MANIFEST,
    STATE,
    WEIGHTS,
    CheckpointError,
    capture_rng_state,
    load_checkpoint,
    restore_rng_state,
    save_checkpoint,
    verify_checkpoint,
)

EPOCHS, BATCH = 3, 4


def make_run(seed=0):
    """The same data every time; ``seed`` sets the model's init, the shuffle and the dropout masks."""
    data_rng = torch.Generator().manual_seed(123)
    data = TensorDataset(torch.randn(22, 6, generator=data_rng), torch.randint(0, 2, (22,), generator=data_rng))
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Dropout(0.3), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(data, batch_size=BATCH, shuffle=True, generator=generator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, 1.0, 0.0, total_iters=EPOCHS * len(loader))
    return model, loader, generator, optimizer, scheduler


def train(model, loader, generator, optimizer, scheduler, start=None, save_at=None, folder=None):
    """The same loop shape as lesson 02: resume = restore the epoch's shuffle, skip the batches done."""
    step, first_epoch, skip = 0, 0, 0
    if start is not None:
        step, first_epoch, skip = start["step"], start["loop"]["epoch"], start["loop"]["batches_done"]
        generator.set_state(start["loop"]["loader_state"])
    for epoch in range(first_epoch, EPOCHS):
        loader_state = generator.get_state()
        for i, (x, y) in enumerate(loader):
            if i < skip:
                continue
            loss = torch.nn.functional.cross_entropy(model(x), y) + 0 * random.random() + 0 * np.random.rand()
            loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            if step == save_at:
                save_checkpoint(folder, model, optimizer, scheduler, step=step,
                                loop_state={"epoch": epoch, "batches_done": i + 1, "loader_state": loader_state})
        skip = 0
    return step


@pytest.mark.parametrize("save_at", [3, 6, 10])  # mid-epoch, at an epoch's end, in the last epoch
def test_resume_is_bit_exact(tmp_path, save_at):
    reference = make_run()
    total = train(*reference, save_at=save_at, folder=tmp_path / "ckpt")
    assert total == EPOCHS * 6

    resumed = make_run(seed=1)  # different init and shuffle: everything must come from the checkpoint
    start = load_checkpoint(tmp_path / "ckpt", resumed[0], resumed[3], resumed[4])
    assert start["step"] == save_at
    train(*resumed, start=start)
    for (name, a), b in zip(reference[0].state_dict().items(), resumed[0].state_dict().values(), strict=True):
        assert torch.equal(a, b), name
    assert resumed[4].get_last_lr() == reference[4].get_last_lr()


def test_rng_state_round_trip():
    state = capture_rng_state()
    expected = (random.random(), np.random.rand(), torch.rand(3))
    restore_rng_state(state)
    assert random.random() == expected[0] and np.random.rand() == expected[1]
    assert torch.equal(torch.rand(3), expected[2])


def test_checkpoint_files_load_safely(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    folder = save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    assert sorted(p.name for p in folder.iterdir()) == sorted([WEIGHTS, STATE, MANIFEST])
    torch.load(folder / STATE, weights_only=True)  # nothing in it needs unpickling of arbitrary objects
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_overwrite_replaces_the_old_checkpoint(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=2)
    assert load_checkpoint(tmp_path / "c", model)["step"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["c"]


def test_a_crash_while_saving_leaves_the_previous_checkpoint(tmp_path, monkeypatch):
    model, _, _, optimizer, scheduler = make_run()
    save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=2)
    assert load_checkpoint(tmp_path / "c", model)["step"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["c"]


def test_truncated_weights_give_a_clear_error(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    folder = save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    data = (folder / WEIGHTS).read_bytes()
    (folder / WEIGHTS).write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="truncated or corrupted"):
        load_checkpoint(folder, model)


def test_corrupted_state_gives_a_clear_error(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    folder = save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    data = bytearray((folder / STATE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / STATE).write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="delete the checkpoint"):
        verify_checkpoint(folder)


def test_missing_manifest_or_folder(tmp_path):
    with pytest.raises(CheckpointError, match="No checkpoint"):
        verify_checkpoint(tmp_path / "nowhere")
    model, _, _, optimizer, scheduler = make_run()
    folder = save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    (folder / MANIFEST).unlink()
    with pytest.raises(CheckpointError, match="not a complete checkpoint"):
        verify_checkpoint(folder)


def test_wrong_architecture_is_refused(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    folder = save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    with pytest.raises(CheckpointError, match="does not fit this model"):
        load_checkpoint(folder, torch.nn.Linear(6, 2))


def test_save_pretrained_atomically_round_trips_and_leaves_nothing_on_failure(tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    from helpers.checkpoint import save_pretrained_atomically

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=32, n_positions=8, n_embd=16, n_layer=1, n_head=2))
    folder = save_pretrained_atomically(model, tmp_path / "best")
    reloaded = GPT2LMHeadModel.from_pretrained(folder)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), reloaded.state_dict().values(),
                                                   strict=True))

    class Broken:
        def save_pretrained(self, path):
            (path / "half-written").write_text("x")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_pretrained_atomically(Broken(), tmp_path / "other")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best"]
