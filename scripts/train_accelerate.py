"""Lesson 04's Accelerate training function, as a script for `accelerate launch`.

Written by notebooks/04_accelerate.ipynb (its %%writefile cell): edit the notebook, not this file.
Split as Accelerate's own `examples/nlp_example.py`: `get_dataloaders`, then the loop in `training_function`.

    accelerate launch --multi_gpu --num_processes 2 scripts/train_accelerate.py --cpu --profile quick  # 2 CPU processes
    accelerate launch --multi_gpu --num_processes 4 scripts/train_accelerate.py --profile full  # 4 GPUs
"""

import argparse
import json
import os
import time

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import AutoModelForSequenceClassification, get_scheduler

import helpers
from helpers.lesson01 import MRPCData, mrpc_dataloaders
from helpers.settings import non_negative, positive


def get_dataloaders(accelerator: Accelerator, assets: helpers.Assets, config: dict) -> MRPCData:
    """Lesson 01's pipeline; the main process tokenizes first and caches, the others then read its cache."""
    with accelerator.main_process_first():
        return mrpc_dataloaders(assets, config["batch_size"], config["seed"], config["train_pairs"],
                                config["eval_pairs"])


def evaluate(accelerator: Accelerator, model, eval_dataloader, metric) -> dict:
    """Lesson 03's evaluation loop on every process; `gather_for_metrics` counts each pair exactly once."""
    model.eval()
    losses, positives = [], 0
    for batch in eval_dataloader:
        with torch.no_grad():
            outputs = model(**batch)
        predictions = outputs.logits.argmax(dim=-1)
        pair_losses = torch.nn.functional.cross_entropy(outputs.logits, batch["labels"], reduction="none")
        predictions, references, pair_losses = accelerator.gather_for_metrics(
            (predictions, batch["labels"], pair_losses)
        )
        metric.add_batch(predictions=predictions, references=references)
        losses.append(pair_losses)
        positives += predictions.sum().item()
    losses = torch.cat(losses)
    return {**metric.compute(), "loss": losses.mean().item(), "evaluated_pairs": len(losses),
            "predicted_positive": positives / len(losses)}


def training_function(config: dict) -> dict:
    accelerator = Accelerator(cpu=config["cpu"], mixed_precision=config["mixed_precision"])
    if accelerator.device.type == "cpu" and accelerator.num_processes > 1:
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // accelerator.num_processes))  # no oversubscription
    set_seed(config["seed"])
    helpers.quiet_library_output()
    assets = helpers.resolve_assets(config["source"], config["profile"], config["mrpc_dir"], verbose=False)
    data = get_dataloaders(accelerator, assets, config)
    metric = helpers.load_glue_mrpc_metric(assets)

    model = AutoModelForSequenceClassification.from_pretrained(config["checkpoint"] or assets.checkpoint, num_labels=2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config["lr"])
    train_dataloader, eval_dataloader, model, optimizer = accelerator.prepare(
        data.train_dataloader, data.eval_dataloader, model, optimizer
    )
    num_training_steps = config["num_epochs"] * len(train_dataloader)
    lr_scheduler = get_scheduler("linear", optimizer=optimizer, num_warmup_steps=0,
                                 num_training_steps=num_training_steps)
    accelerator.print(f"{accelerator.num_processes} process(es), {accelerator.distributed_type}, "
                      f"device {accelerator.device.type}, mixed precision {accelerator.mixed_precision}: "
                      f"{len(train_dataloader)} training batches per process per epoch")

    best_accuracy, epochs_without_improvement, history = -1.0, 0, []
    train_seconds = 0.0  # the training steps alone (no setup, no evaluation), per epoch in `history` too
    for epoch in range(config["num_epochs"]):
        model.train()
        epoch_start = time.perf_counter()
        for batch in train_dataloader:
            outputs = model(**batch)
            loss = outputs.loss
            accelerator.backward(loss)
            optimizer.step()
            lr_scheduler.step()
            optimizer.zero_grad()
        epoch_seconds = time.perf_counter() - epoch_start
        train_seconds += epoch_seconds

        with torch.random.fork_rng(devices=[]):  # evaluating must not move training's random stream (lesson 02)
            scores = evaluate(accelerator, model, eval_dataloader, metric)
        history.append({**scores, "train_seconds": epoch_seconds})
        accelerator.print(f"epoch {epoch + 1}: accuracy {scores['accuracy']:.4f}, F1 {scores['f1']:.4f}, "
                          f"loss {scores['loss']:.4f} over {scores['evaluated_pairs']} validation pairs")

        if config["patience"]:  # early stopping: the main process decides, check_trigger stops every process
            if scores["accuracy"] > best_accuracy:
                best_accuracy, epochs_without_improvement = scores["accuracy"], 0
            else:
                epochs_without_improvement += 1
            if epochs_without_improvement >= config["patience"] and accelerator.is_main_process:
                accelerator.set_trigger()
            if accelerator.check_trigger():
                accelerator.print(f"early stopping after epoch {epoch + 1}: no better accuracy for "
                                  f"{config['patience']} epoch(s)")
                break

    results = {"accuracy": scores["accuracy"], "f1": scores["f1"], "eval_loss": scores["loss"], "history": history,
               "epochs_run": epoch + 1,
               "num_processes": accelerator.num_processes, "distributed_type": str(accelerator.distributed_type),
               "batches_per_process": len(train_dataloader), "evaluated_pairs": scores["evaluated_pairs"],
               "predicted_positive": scores["predicted_positive"],
               "final_lr": lr_scheduler.get_last_lr()[0], "train_seconds": train_seconds,
               "threads": torch.get_num_threads(),
               "gradient_mib": sum(p.numel() * p.element_size() for p in model.parameters() if p.requires_grad) / 2**20}
    if config["results_file"] and accelerator.is_main_process:
        with open(config["results_file"], "w") as handle:
            json.dump(results, handle)
    accelerator.wait_for_everyone()
    if config["save_dir"]:  # the trained model, as `from_pretrained` reads it (the main process writes it)
        accelerator.unwrap_model(model).save_pretrained(config["save_dir"], is_main_process=accelerator.is_main_process,
                                                        save_function=accelerator.save)
    accelerator.end_training()
    return results


def main():
    parser = argparse.ArgumentParser(description="Fine-tune on MRPC with Accelerate (lesson 04).")
    parser.add_argument("--source", default="auto", choices=["auto", "hub", "bundled"])
    parser.add_argument("--profile", default="auto", choices=["auto", "quick", "full"])
    parser.add_argument("--mrpc-dir", default="")
    parser.add_argument("--mixed-precision", default="no", choices=["no", "fp16", "bf16"])
    parser.add_argument("--num-epochs", type=int, default=None, help="default: the profile's")
    parser.add_argument("--lr", type=float, default=None, help="default: the profile's")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--train-pairs", type=int, default=None, help="default: the profile's")
    parser.add_argument("--eval-pairs", type=int, default=None, help="default: the profile's")
    parser.add_argument("--patience", type=int, default=0, help="epochs without a better accuracy; 0: no stopping")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cpu", action="store_true", help="train on the CPU even if a GPU is present")
    parser.add_argument("--results-file", default="", help="write the final metrics here as JSON")
    parser.add_argument("--checkpoint", default="", help="start from this model folder; default: the profile's")
    parser.add_argument("--save-dir", default="", help="save the trained model to this folder")
    args = parser.parse_args()
    assets = helpers.resolve_assets(args.source, args.profile, args.mrpc_dir, verbose=False)
    profile = assets.profile
    try:
        config = {
            "source": assets.source, "profile": profile.name, "mrpc_dir": args.mrpc_dir, "seed": args.seed,
            "batch_size": positive("--batch-size", args.batch_size, None),
            "num_epochs": positive("--num-epochs", args.num_epochs, profile.num_epochs),
            "lr": positive("--lr", args.lr, profile.learning_rate),
            "train_pairs": positive("--train-pairs", args.train_pairs, profile.mrpc_train_pairs),
            "eval_pairs": positive("--eval-pairs", args.eval_pairs, profile.mrpc_eval_pairs),
            "cpu": args.cpu, "mixed_precision": args.mixed_precision,
            "patience": non_negative("--patience", args.patience, None),
            "results_file": args.results_file, "checkpoint": args.checkpoint, "save_dir": args.save_dir,
        }
    except ValueError as error:
        parser.error(str(error))
    results = training_function(config)
    if results["num_processes"] == 1 or int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps({k: v for k, v in results.items() if k != "history"}))


if __name__ == "__main__":
    main()
