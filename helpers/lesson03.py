"""Lesson 03's code, as taught in notebooks/03_evaluation_loop.ipynb.

Written by `python -m helpers.export` from the notebook's cells marked `#@save`: edit the
notebook and export again; tests/test_export.py fails while the two disagree.
"""

import torch


def evaluate_model(model, eval_dataloader, metric, device) -> dict:
    """The course's evaluation loop: metric scores, mean loss, and every prediction with its label."""
    model.eval()
    predictions_seen, labels_seen, total_loss = [], [], 0.0
    for batch in eval_dataloader:
        batch = {k: v.to(device) for k, v in batch.items()}
        with torch.no_grad():
            outputs = model(**batch)
        logits = outputs.logits
        predictions = torch.argmax(logits, dim=-1)
        metric.add_batch(predictions=predictions, references=batch["labels"])
        predictions_seen += predictions.tolist()
        labels_seen += batch["labels"].tolist()
        total_loss += outputs.loss.item() * len(batch["labels"])
    return {**metric.compute(), "loss": total_loss / len(labels_seen),
            "predictions": predictions_seen, "labels": labels_seen}
