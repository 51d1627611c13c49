"""Checkpoints: atomic writes, clear errors on damage, bit-exact resume of a tiny training run."""

import random
from pathlib import Path

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
            # Python's and NumPy's generators weigh the loss, so a resume that failed to restore either changes
            # every later update (as random augmentation or sampling would in a real loop).
            weight = 1 + 0.5 * random.random() + 0.5 * float(np.random.rand())
            loss = weight * torch.nn.functional.cross_entropy(model(x), y)
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


@pytest.mark.parametrize("forgotten", ["python", "numpy", "torch"])
def test_resume_that_forgets_one_generator_is_caught(tmp_path, monkeypatch, forgotten):
    """Negative control: restoring every generator but one must break the bit-exact comparison above."""
    import helpers.checkpoint as checkpoint

    def restore_all_but_one(state):
        saved = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
        restore_rng_state(state)
        {"python": lambda: random.setstate(saved["python"]), "numpy": lambda: np.random.set_state(saved["numpy"]),
         "torch": lambda: torch.set_rng_state(saved["torch"])}[forgotten]()

    monkeypatch.setattr(checkpoint, "restore_rng_state", restore_all_but_one)
    reference = make_run()
    train(*reference, save_at=3, folder=tmp_path / "ckpt")
    random.seed(99)
    np.random.seed(99)
    torch.manual_seed(99)  # the resuming process's generators are elsewhere
    resumed = make_run(seed=1)
    train(*resumed, start=load_checkpoint(tmp_path / "ckpt", resumed[0], resumed[3], resumed[4]))
    assert not all(torch.equal(a, b) for a, b in zip(reference[0].state_dict().values(),
                                                     resumed[0].state_dict().values(), strict=True))


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


def test_same_names_other_shapes_are_refused_before_the_model_is_touched(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    folder = save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    torch.manual_seed(1)
    wider = torch.nn.Sequential(torch.nn.Linear(6, 32), torch.nn.Dropout(0.3), torch.nn.ReLU(), torch.nn.Linear(32, 2))
    before = {name: tensor.clone() for name, tensor in wider.state_dict().items()}
    with pytest.raises(CheckpointError, match=r"other shapes: 0\.bias: saved \(16,\), model \(32,\).*left unchanged"):
        load_checkpoint(folder, wider)
    assert all(torch.equal(before[name], tensor) for name, tensor in wider.state_dict().items())


def test_a_tied_model_round_trips(tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=32, n_positions=8, n_embd=16, n_layer=1, n_head=2))
    optimizer = torch.optim.AdamW(model.parameters())
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, 1.0, 0.0, total_iters=2)
    save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    torch.manual_seed(1)
    other = GPT2LMHeadModel(GPT2Config(vocab_size=32, n_positions=8, n_embd=16, n_layer=1, n_head=2))
    load_checkpoint(tmp_path / "c", other)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), other.state_dict().values(), strict=True))


@pytest.mark.parametrize(("loop_state", "message"), [
    ({"epoch": np.int64(1)}, r"loop_state\['epoch'\] is a numpy.int64.*int\(\.\.\.\)"),
    ({"files": [Path("runs")]}, r"loop_state\['files'\]\[0\] is a pathlib.*PosixPath.*str\(path\)"),
    ({1: "a"}, "use string keys"),
])
def test_loop_state_that_could_not_be_read_back_is_refused_before_saving(tmp_path, loop_state, message):
    model, _, _, optimizer, scheduler = make_run()
    with pytest.raises(TypeError, match=message):
        save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1, loop_state=loop_state)
    assert not list(tmp_path.iterdir())


def test_a_manifest_of_the_wrong_shape_is_a_checkpoint_error(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    folder = save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    for text in ("[1, 2]", '{"model.safetensors": 3}', "{}"):
        (folder / MANIFEST).write_text(text)
        with pytest.raises(CheckpointError, match="is not a checkpoint manifest"):
            verify_checkpoint(folder)


def test_a_save_killed_between_its_renames_is_recovered(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    (tmp_path / "c").rename(tmp_path / ".c.old")  # what a kill after the first rename leaves
    (tmp_path / ".c.x1.partial").mkdir()  # and the staging folder of a save killed earlier
    assert load_checkpoint(tmp_path / "c", model)["step"] == 1  # the previous checkpoint, put back
    save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]  # stale staging folders cleaned up


def test_saving_over_a_regular_file_is_refused_and_keeps_the_file(tmp_path):
    model, _, _, optimizer, scheduler = make_run()
    (tmp_path / "c").write_text("notes")
    with pytest.raises(CheckpointError, match="is a file, not a folder"):
        save_checkpoint(tmp_path / "c", model, optimizer, scheduler, step=1)
    assert (tmp_path / "c").read_text() == "notes" and sorted(p.name for p in tmp_path.iterdir()) == ["c"]
