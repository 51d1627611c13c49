"""Lesson 02's checkpoint recipe on a tiny run: a bit-exact resume, and each piece of state shown to be needed;
then the helpers' safety: the atomic writes and the clear error on a model that does not fit."""

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from helpers.checkpoint import CheckpointMismatchError, load_model_state, save_atomically, save_pretrained_atomically

EPOCHS = 3


def make_run(seed: int = 0):
    """The same data every time; ``seed`` sets the model's init and the loader's shuffle."""
    data_rng = torch.Generator().manual_seed(123)
    data = TensorDataset(torch.randn(22, 6, generator=data_rng), torch.randint(0, 2, (22,), generator=data_rng))
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Dropout(0.3), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    loader = DataLoader(data, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, 1.0, 0.0, total_iters=EPOCHS * len(loader))
    return model, loader, optimizer, scheduler


def train(model, loader, optimizer, scheduler, epochs) -> list[float]:
    """Lesson 02's loop over ``epochs``: shuffle from the loader's generator, dropout from torch's."""
    model.train()
    losses = []
    for _ in epochs:
        for x, y in loader:
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(loss.item())
    return losses


def checkpoint_dict(model, loader, optimizer, scheduler, epoch: int) -> dict:
    """The dict lesson 02 builds in its training cell."""
    return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "lr_scheduler": scheduler.state_dict(),
            "epoch": epoch, "torch_rng": torch.get_rng_state(), "cuda_rng": torch.cuda.get_rng_state_all(),
            "loader_rng": loader.generator.get_state()}


def resume(path, forgotten: str | None = None):
    """A fresh run (other init, other shuffle, other global generator) restored from ``path`` as lesson 02 does,
    except the ``forgotten`` entry; returns the run and the epoch to continue with."""
    model, loader, optimizer, scheduler = make_run(seed=1)
    state = torch.load(path, weights_only=True)
    restore = {"model": lambda: load_model_state(model, state["model"]),
               "optimizer": lambda: optimizer.load_state_dict(state["optimizer"]),
               "lr_scheduler": lambda: scheduler.load_state_dict(state["lr_scheduler"]),
               "torch_rng": lambda: torch.set_rng_state(state["torch_rng"]),
               "cuda_rng": lambda: torch.cuda.set_rng_state_all(state["cuda_rng"]),
               "loader_rng": lambda: loader.generator.set_state(state["loader_rng"])}
    for name, step in restore.items():
        if name != forgotten:
            step()
    return (model, loader, optimizer, scheduler), state["epoch"]


def reference_run(path, save_after: int):
    """The uninterrupted run, saving after epoch ``save_after``; its losses after the save and its final model."""
    run = make_run()
    train(*run, range(save_after))
    save_atomically(checkpoint_dict(*run, epoch=save_after), path)
    return train(*run, range(save_after, EPOCHS)), run[0]


@pytest.mark.parametrize("save_after", [1, 2])
def test_resume_is_bit_exact(tmp_path, save_after):
    losses, model = reference_run(tmp_path / "ckpt.pt", save_after)
    run, epoch = resume(tmp_path / "ckpt.pt")
    assert epoch == save_after
    assert train(*run, range(epoch, EPOCHS)) == losses
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), run[0].state_dict().values(),
                                                 strict=True))


@pytest.mark.parametrize("forgotten", ["model", "optimizer", "lr_scheduler", "torch_rng", "loader_rng"])
def test_a_resume_that_forgets_one_entry_is_another_run(tmp_path, forgotten):
    """Negative control: every entry but the CUDA generators (empty without a GPU) changes the resumed losses."""
    losses, _ = reference_run(tmp_path / "ckpt.pt", save_after=1)
    run, epoch = resume(tmp_path / "ckpt.pt", forgotten=forgotten)
    assert train(*run, range(epoch, EPOCHS)) != losses


def test_the_checkpoint_loads_with_weights_only_and_leaves_no_temporary_file(tmp_path):
    run = make_run()
    path = save_atomically(checkpoint_dict(*run, epoch=1), tmp_path / "ckpt.pt")
    assert torch.load(path, weights_only=True)["epoch"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]


def test_a_crash_while_saving_leaves_the_previous_file(tmp_path, monkeypatch):
    save_atomically({"epoch": 1}, tmp_path / "ckpt.pt")

    def crash_half_way(obj, file):
        file.write(b"half a checkpoint")
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(torch, "save", crash_half_way)
    with pytest.raises(KeyboardInterrupt):
        save_atomically({"epoch": 2}, tmp_path / "ckpt.pt")
    assert torch.load(tmp_path / "ckpt.pt", weights_only=True) == {"epoch": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]


@pytest.mark.parametrize(("other", "message"), [
    (torch.nn.Sequential(torch.nn.Linear(6, 32), torch.nn.Dropout(0.3), torch.nn.ReLU(), torch.nn.Linear(32, 2)),
     r"other shapes: 0\.bias: saved \(16,\), model \(32,\)"),
    (torch.nn.Sequential(torch.nn.Linear(6, 16)), r"unexpected \['3\.bias', '3\.weight'\]"),
    (torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2), torch.nn.Linear(2, 2)),
     r"missing \['2\.bias'"),
])
def test_a_model_that_does_not_fit_gets_a_clear_error_and_stays_untouched(other, message):
    saved = make_run()[0].state_dict()
    before = {name: tensor.clone() for name, tensor in other.state_dict().items()}
    with pytest.raises(CheckpointMismatchError, match=message + r".*Build the model exactly as the run that saved"):
        load_model_state(other, saved)
    assert all(torch.equal(before[name], tensor) for name, tensor in other.state_dict().items())


def test_save_pretrained_atomically_replaces_the_folder_and_leaves_nothing_on_failure(tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(vocab_size=32, n_positions=8, n_embd=16, n_layer=1, n_head=2)
    for seed in (0, 1):  # the second save replaces the first
        torch.manual_seed(seed)
        model = GPT2LMHeadModel(config)
        folder = save_pretrained_atomically(model, tmp_path / "best")
    reloaded = GPT2LMHeadModel.from_pretrained(folder)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), reloaded.state_dict().values(),
                                                 strict=True))

    class Broken:
        def save_pretrained(self, path):
            (path / "half-written").write_text("x")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_pretrained_atomically(Broken(), tmp_path / "best")
    assert [p.name for p in tmp_path.iterdir()] == ["best"]
    assert "half-written" not in {p.name for p in folder.iterdir()}
