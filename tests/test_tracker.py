"""What TensorBoard stored equals each way's own history: the manual loop (SummaryWriter), Accelerate
(`log_with="tensorboard"`) and the Trainer (`report_to="tensorboard"`), on a tiny BERT in seconds.

Lesson 08 draws its curves from these files, so a value lost, rounded or shifted by a step here would be a
wrong curve there. TensorBoard stores 32-bit floats: the histories are compared after rounding to float32.
"""

import socket

import numpy as np
import pytest
import torch
from datasets import Dataset
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter
from transformers import Trainer, TrainingArguments

from helpers.glue_metric import LOCAL_GLUE_MRPC
from helpers.lessons.learning_curves import accelerate_and_log, train_and_log
from helpers.tensorboard_logs import fresh_log_dir, installed_mib, read_scalars

STEPS, EVERY = 6, 2
VOCAB = 50  # tiny_data's token ids are below it
TAGS = ("train/loss", "eval/loss", "eval/accuracy")


class Collate:
    def __call__(self, rows):
        return {"input_ids": torch.stack([r["input_ids"] for r in rows]),
                "labels": torch.tensor([r["labels"] for r in rows])}


def tiny_data():
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(0, VOCAB, (24, 6), generator=generator)
    rows = [{"input_ids": ids[i], "labels": int(ids[i, 0] % 2)} for i in range(24)]
    train = DataLoader(rows[:16], batch_size=4, shuffle=True, collate_fn=Collate(),
                       generator=torch.Generator().manual_seed(0))
    return train, DataLoader(rows[16:], batch_size=4, collate_fn=Collate())


def metric():
    import evaluate

    return evaluate.load(str(LOCAL_GLUE_MRPC))


def as_float32(history):
    return {tag: {step: float(np.float32(value)) for step, value in values.items()} for tag, values in history.items()}


# pytest-socket: any connection to an address other than this machine fails the test.
LOCAL_ONLY = pytest.mark.allow_hosts(["127.0.0.1", "::1"])


@LOCAL_ONLY
def test_manual_loop_logs_read_back_equal_its_history(tmp_path, tiny_bert):
    train, evals = tiny_data()
    writer = SummaryWriter(fresh_log_dir("manual", tmp_path))
    history = train_and_log(tiny_bert(VOCAB), train, evals, metric(), 1e-3, STEPS, EVERY, "cpu",
                            log=lambda values, step: [writer.add_scalar(k, v, step) for k, v in values.items()])
    writer.close()
    assert list(history["train/loss"]) == list(range(1, STEPS + 1))
    assert list(history["eval/loss"]) == [0, 2, 4, 6]
    assert read_scalars(tmp_path / "manual") == as_float32(history)


@LOCAL_ONLY
def test_accelerate_logs_read_back_equal_its_history(tmp_path, tiny_bert):
    train, evals = tiny_data()
    history = accelerate_and_log(tiny_bert(VOCAB), train, evals, metric(), 1e-3, STEPS, EVERY, log_dir=tmp_path)
    assert read_scalars(tmp_path / "accelerate") == as_float32(history)
    assert len(history["train/loss"]) == STEPS


@LOCAL_ONLY
def test_trainer_logs_read_back_equal_its_log_history(tmp_path, monkeypatch, tiny_bert):
    train, evals = tiny_data()
    monkeypatch.setenv("TENSORBOARD_LOGGING_DIR", str(tmp_path / "trainer"))
    args = TrainingArguments(tmp_path / "out", max_steps=STEPS, per_device_train_batch_size=4, learning_rate=1e-3,
                             eval_strategy="steps", eval_steps=EVERY, eval_on_start=True, logging_steps=1,
                             save_strategy="no", report_to="tensorboard", disable_tqdm=True, use_cpu=True)
    rows = [dict(input_ids=b["input_ids"][i], labels=int(b["labels"][i])) for b in train for i in range(4)]
    dataset = Dataset.from_list([{"input_ids": r["input_ids"].tolist(), "labels": r["labels"]} for r in rows])
    eval_rows = [{"input_ids": b["input_ids"][i].tolist(), "labels": int(b["labels"][i])} for b in evals for i in
                 range(len(b["labels"]))]
    trainer = Trainer(model=tiny_bert(VOCAB), args=args, train_dataset=dataset,
                      eval_dataset=Dataset.from_list(eval_rows),
                      compute_metrics=lambda p: metric().compute(predictions=p.predictions.argmax(-1),
                                                                 references=p.label_ids))
    trainer.train()
    logs = trainer.state.log_history
    history = {"train/loss": {e["step"]: e["loss"] for e in logs if "loss" in e},
               "eval/loss": {e["step"]: e["eval_loss"] for e in logs if "eval_loss" in e},
               "eval/accuracy": {e["step"]: e["eval_accuracy"] for e in logs if "eval_accuracy" in e}}
    stored = read_scalars(tmp_path / "trainer")
    assert {tag: stored[tag] for tag in TAGS} == as_float32(history)
    assert list(stored["eval/loss"]) == [0, 2, 4, 6]
    assert list(stored["train/loss"]) == list(range(1, STEPS + 1))


def test_read_scalars_sees_a_wrong_value(tmp_path):
    """Negative control: a history that differs from the stored one by one value at one step is caught."""
    writer = SummaryWriter(tmp_path)
    for step, value in enumerate([0.5, 0.25, 0.125]):
        writer.add_scalar("train/loss", value, step)
    writer.close()
    assert read_scalars(tmp_path) == {"train/loss": {0: 0.5, 1: 0.25, 2: 0.125}}
    assert read_scalars(tmp_path) != {"train/loss": {0: 0.5, 1: 0.25, 3: 0.125}}


def test_read_scalars_refuses_a_folder_without_logs(tmp_path):
    with pytest.raises(FileNotFoundError, match="no TensorBoard event file"):
        read_scalars(tmp_path)


def test_fresh_log_dir_empties_a_previous_run(tmp_path):
    (fresh_log_dir("run", tmp_path) / "events.out.tfevents.old").write_text("x")
    assert list(fresh_log_dir("run", tmp_path).iterdir()) == []


def test_installed_mib_counts_tensorboard_and_nothing_for_missing_packages():
    assert installed_mib(("tensorboard",)) > 1
    assert installed_mib(("no-such-distribution-here",)) == 0


@LOCAL_ONLY
@pytest.mark.filterwarnings("ignore:A test tried to use socket")  # the plugin warns as it blocks
def test_local_only_blocks_other_hosts_and_lets_this_machine_through():
    """Negative control for the mark the read-back tests carry (it needs the pytest-socket plugin)."""
    from pytest_socket import SocketConnectBlockedError

    with pytest.raises(SocketConnectBlockedError, match="192.0.2.1"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with socket.create_server(("127.0.0.1", 0)) as server:
        socket.create_connection(server.getsockname(), timeout=1).close()
