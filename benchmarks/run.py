"""Time lesson 07's comparisons headless, on any profile and machine, and print their tables.

    python benchmarks/run.py                        # this machine's default profile (quick on a CPU)
    python benchmarks/run.py --profile full         # the course's full run (e.g. on a GPU)
    python benchmarks/run.py --compile              # also time torch.compile (by default only on CUDA)

The same calls as the lesson: its exported training step (``helpers/lessons/fast_and_lean.py``) and the comparisons of
``benchmarks/fast_and_lean.py``, no notebook involved. Each table judges its candidates against their baseline;
speeds are ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the checkout's root, for `benchmarks` and `helpers`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch

from benchmarks import fast_and_lean
from benchmarks.timing import Comparison, compare_table, describe_hardware
from helpers.assets import resolve_assets
from helpers.display import quiet_library_output
from helpers.samplers import LengthGroupedBatchSampler


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="auto", choices=["auto", "quick", "full"])
    parser.add_argument("--source", default="auto", choices=["auto", "hub", "bundled"])
    parser.add_argument("--min-run-time", type=float, default=1.5, help="seconds per timed candidate (default 1.5)")
    parser.add_argument("--train-pairs", type=int, default=None, help="pairs to train on (default: the profile's)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs of the whole runs (default: the profile's)")
    parser.add_argument("--compile", action="store_true", help="also time torch.compile (always on CUDA)")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    assets = resolve_assets(args.source, args.profile, "")
    quiet_library_output()
    from transformers import DataCollatorWithPadding  # after resolve_assets: it sets the offline variables first

    from helpers.lessons.fast_and_lean import fresh_run, train, train_step
    from helpers.lessons.mrpc_data_prep import mrpc_dataloaders
    from helpers.lessons.training_loop import choose_device

    device, batch_size, seed, min_run_time = choose_device(), 8, args.seed, args.min_run_time
    epochs = args.epochs or assets.profile.num_epochs
    data = mrpc_dataloaders(assets, batch_size=batch_size, seed=seed,
                            train_pairs=args.train_pairs or assets.profile.mrpc_train_pairs, eval_pairs=32)
    train_set = data.tokenized_datasets["train"]
    new_run = functools.partial(fresh_run, assets.checkpoint, device, assets.profile.learning_rate,
                                epochs * len(data.train_dataloader), seed)
    fp32 = torch.amp.GradScaler(device.type, enabled=False)
    print(describe_hardware(device), f"| {assets.profile.name} profile\n")

    model, optimizer, lr_scheduler = new_run()
    pairs = [train_set[i] for i in range(2 * batch_size)]
    fixed = DataCollatorWithPadding(tokenizer=data.tokenizer, padding="max_length", max_length=128)

    def cut(features: list, collate) -> list[dict]:
        return [{k: v.to(device) for k, v in collate(features[i:i + batch_size]).items()}
                for i in range(0, len(features), batch_size)]

    batchings = {"pad to 128": cut(pairs, fixed), "dynamic (course)": cut(pairs, data.data_collator),
                 "length-grouped": cut(sorted(pairs, key=lambda f: len(f["input_ids"])), data.data_collator)}
    timings: list[Comparison] = [fast_and_lean.compare_padding(
        lambda batch: train_step(model, optimizer, lr_scheduler, batch, fp32), batchings,
        baseline="dynamic (course)", min_run_time=2 * min_run_time)]
    amp_dtypes = [torch.bfloat16] if device.type != "cuda" else (
        [torch.float16] + ([torch.bfloat16] if torch.cuda.is_bf16_supported() else []))
    timings.append(fast_and_lean.compare_matmul(amp_dtypes, device=device, min_run_time=min_run_time))
    scalers = {d: torch.amp.GradScaler(device.type, enabled=d == torch.float16) for d in (None, *amp_dtypes)}
    batch = batchings["dynamic (course)"][0]
    timings.append(fast_and_lean.compare_autocast(
        lambda b, d: train_step(model, optimizer, lr_scheduler, b, scalers[d], amp_dtype=d), batch, amp_dtypes,
        min_run_time=min_run_time))
    model(**batch).loss.backward()
    trainable = [p for p in model.parameters() if p.requires_grad]
    lean = [p for p in trainable if p is not model.base_model.embeddings.word_embeddings.weight]
    lr = assets.profile.learning_rate
    timings.append(fast_and_lean.compare_adamw({
        "for-loop": torch.optim.AdamW(trainable, lr=lr, foreach=False),
        "foreach": torch.optim.AdamW(trainable, lr=lr, foreach=True),
        "fused": torch.optim.AdamW(trainable, lr=lr, fused=True),
        "fused, word embeddings frozen": torch.optim.AdamW(lean, lr=lr, fused=True)},
        baseline="for-loop", min_run_time=min_run_time))
    if args.compile or device.type == "cuda":
        compiled = torch.compile(model)
        seconds, timing = fast_and_lean.compare_compile(
            lambda b: train_step(model, optimizer, lr_scheduler, b, fp32),
            lambda b: train_step(compiled, optimizer, lr_scheduler, b, fp32), batch, min_run_time=min_run_time)
        print(f"torch.compile: the first compiled step took {seconds:.1f} s")
        timings.append(timing)

    padding, autocast, adamw = timings[0], timings[2], timings[3]
    tuned_amp = next((d for d in amp_dtypes if f"autocast {str(d).removeprefix('torch.')}" in autocast.faster()[:1]),
                     None)
    tuned_adamw = next((n for n in adamw.faster() if n.startswith("fused")), "for-loop")
    grouped = torch.utils.data.DataLoader(train_set, collate_fn=data.data_collator, batch_sampler=(
        LengthGroupedBatchSampler([len(ids) for ids in train_set["input_ids"]], batch_size, seed=seed)))
    runs, clip_at = {}, None
    for name, (loader, amp, adamw_name) in {
        "course loop": (data.train_dataloader, None, "for-loop"),
        "tuned loop": (grouped if "length-grouped" in padding.faster() else data.train_dataloader, tuned_amp,
                       tuned_adamw)}.items():
        model, optimizer, lr_scheduler = new_run(fused=adamw_name != "for-loop",
                                                 freeze_word_embeddings=adamw_name.endswith("frozen"))
        data.train_dataloader.generator.manual_seed(seed)
        history = train(model, optimizer, lr_scheduler, loader, device, epochs, amp, clip_at, desc=name)
        runs[name] = history["step_seconds"]
        clip_at = clip_at or statistics.quantiles(history["grad_norm"], n=10)[-1]  # the lesson's: the course's 90th
    timings.append(fast_and_lean.compare_runs(runs, baseline="course loop"))

    print(f"tuned loop: {'length-grouped' if 'length-grouped' in padding.faster() else 'dynamic'} batches, "
          f"AdamW {tuned_adamw}, autocast {tuned_amp}\n")
    for timing in timings:
        print(timing.table(), end="\n\n")
    print(compare_table([m for timing in timings for m in timing.measurements.values()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
