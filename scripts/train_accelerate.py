"""Lesson 04's training function for `accelerate launch`, written by the lesson's %%writefile cell: edit that."""

import argparse
import json
from pathlib import Path

import torch
from accelerate import Accelerator
from safetensors.torch import load_model
from transformers import AutoModelForSequenceClassification, get_scheduler, set_seed

from helpers.assets import resolve_assets
from helpers.display import quiet_library_output
from helpers.glue_metric import load_glue_mrpc_metric
from helpers.lessons.mrpc_data_prep import mrpc_dataloaders
from helpers.parameters import non_negative_or_default, positive_or_default


@torch.no_grad()
def evaluate(accelerator: Accelerator, model, eval_dataloader, metric) -> dict:
    """Lesson 03's evaluation on every process; `gather_for_metrics` counts each pair exactly once."""
    model.eval()
    losses, positives = [], 0
    for batch in eval_dataloader:
        logits = model(**batch).logits
        pair_losses = torch.nn.functional.cross_entropy(logits, batch["labels"], reduction="none")
        predictions, references, pair_losses = accelerator.gather_for_metrics(
            (logits.argmax(dim=-1), batch["labels"], pair_losses))
        metric.add_batch(predictions=predictions, references=references)
        losses.append(pair_losses)
        positives += predictions.sum().item()
    losses = torch.cat(losses)
    return {**metric.compute(), "loss": losses.mean().item(), "evaluated_pairs": len(losses),
            "predicted_positive": positives / len(losses)}


def training_function(config: dict) -> None:
    accelerator = Accelerator(cpu=config["cpu"], mixed_precision=config["mixed_precision"])
    set_seed(config["seed"])
    quiet_library_output()
    assets = resolve_assets(config["source"], config["profile"], config["mrpc_dir"], verbose=False)
    with accelerator.main_process_first():  # the main process tokenizes and caches, the others read its cache
        data = mrpc_dataloaders(assets, config["batch_size"], config["seed"], config["train_pairs"],
                                config["eval_pairs"])
    metric = load_glue_mrpc_metric(assets)

    model = AutoModelForSequenceClassification.from_pretrained(assets.checkpoint, num_labels=2)
    if config["init_from"]:  # the weights of another run's save_state folder; a fresh optimizer and schedule
        load_model(model, Path(config["init_from"], "model.safetensors"))
    optimizer = torch.optim.AdamW(model.parameters(), lr=config["lr"])
    train_dataloader, eval_dataloader, model, optimizer = accelerator.prepare(
        data.train_dataloader, data.eval_dataloader, model, optimizer
    )
    lr_scheduler = get_scheduler("linear", optimizer=optimizer, num_warmup_steps=0,
                                 num_training_steps=config["num_epochs"] * len(train_dataloader))
    accelerator.register_for_checkpointing(lr_scheduler)  # save_state keeps the schedule's position too
    if config["resume_from"]:  # model, optimizer, schedule and random state, as save_state left them
        accelerator.load_state(config["resume_from"])
    accelerator.print(f"{accelerator.num_processes} process(es), {accelerator.distributed_type}, mixed precision "
                      f"{accelerator.mixed_precision}: {len(train_dataloader)} training batches per process per epoch")

    best_accuracy, best_epoch = -1.0, 0
    for epoch in range(config["num_epochs"]):
        model.train()
        for batch in train_dataloader:
            outputs = model(**batch)
            loss = outputs.loss
            accelerator.backward(loss)
            optimizer.step()
            lr_scheduler.step()
            optimizer.zero_grad()

        with torch.random.fork_rng(devices=[]):  # evaluating must not move training's random stream (lesson 02)
            scores = evaluate(accelerator, model, eval_dataloader, metric)
        accelerator.print(f"epoch {epoch + 1}: accuracy {scores['accuracy']:.4f}, F1 {scores['f1']:.4f}, "
                          f"loss {scores['loss']:.4f} over {scores['evaluated_pairs']} validation pairs")

        if scores["accuracy"] > best_accuracy:
            best_accuracy, best_epoch = scores["accuracy"], epoch
        if config["patience"] and epoch - best_epoch >= config["patience"] and accelerator.is_main_process:
            accelerator.set_trigger()  # early stopping: check_trigger() is now true on every process
        if accelerator.check_trigger():
            accelerator.print(f"early stopping after epoch {epoch + 1}")
            break

    if config["save_state"]:  # every process calls it: the main one writes the model, each its random state
        accelerator.save_state(config["output_dir"])
    if config["output_dir"] and accelerator.is_main_process:  # launched processes return nothing to the notebook
        Path(config["output_dir"]).mkdir(parents=True, exist_ok=True)
        Path(config["output_dir"], "results.json").write_text(json.dumps({
            **scores, "epochs_run": epoch + 1, "final_lr": lr_scheduler.get_last_lr()[0],
            "num_processes": accelerator.num_processes, "distributed_type": str(accelerator.distributed_type),
            "batches_per_process": len(train_dataloader)}))
    accelerator.wait_for_everyone()  # all past their last collective before the group goes (gloo can deadlock)
    accelerator.end_training()


def main():
    parser = argparse.ArgumentParser(description="Fine-tune on MRPC with Accelerate (lesson 04). Sizes left "
                                     "unset are the profile's; --patience 0: no early stopping.")
    for flag, kind, default in (("source", str, "auto"), ("profile", str, "auto"), ("mrpc-dir", str, ""),
                                ("mixed-precision", str, None), ("output-dir", str, ""), ("init-from", str, ""),
                                ("resume-from", str, ""), ("seed", int, 42), ("batch-size", int, 8),
                                ("num-epochs", int, None), ("lr", float, None), ("train-pairs", int, None),
                                ("eval-pairs", int, None), ("patience", int, 0)):
        parser.add_argument(f"--{flag}", type=kind, default=default)
    for flag in ("cpu", "save-state"):
        parser.add_argument(f"--{flag}", action="store_true")
    args = parser.parse_args()
    assets = resolve_assets(args.source, args.profile, args.mrpc_dir, verbose=False)
    profile = assets.profile
    try:
        config = {**vars(args), "source": assets.source, "profile": profile.name,
                  "patience": non_negative_or_default("--patience", args.patience, None)}
        for key, default in (("batch_size", None), ("num_epochs", profile.num_epochs), ("lr", profile.learning_rate),
                             ("train_pairs", profile.mrpc_train_pairs), ("eval_pairs", profile.mrpc_eval_pairs)):
            config[key] = positive_or_default("--" + key.replace("_", "-"), config[key], default)  # unset: profile's
    except ValueError as error:
        parser.error(str(error))
    training_function(config)


if __name__ == "__main__":
    main()
