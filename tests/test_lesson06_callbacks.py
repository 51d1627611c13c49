"""Lesson 06's KeepRNGThroughEvaluation (exported from the notebook): with it, a run that evaluates every epoch
trains exactly as the same run without evaluation; without it, evaluation changes the run (the negative control)."""

import torch

from helpers.exercises.lesson06 import tiny_trainer
from helpers.lesson06 import KeepRNGThroughEvaluation


def mean_training_loss(output_dir, callbacks=(), **arguments) -> float:
    return tiny_trainer(str(output_dir), list(callbacks), num_train_epochs=3, **arguments).train().training_loss


def test_evaluation_with_the_callback_leaves_training_as_it_was(tmp_path):
    plain = mean_training_loss(tmp_path / "plain")
    evaluated = mean_training_loss(tmp_path / "evaluated", eval_strategy="epoch")
    kept = mean_training_loss(tmp_path / "kept", [KeepRNGThroughEvaluation()], eval_strategy="epoch")
    steps = mean_training_loss(tmp_path / "steps", [KeepRNGThroughEvaluation()], eval_strategy="steps", eval_steps=2)
    assert evaluated != plain  # evaluation alone moves the run: the callback has something to undo
    assert kept == plain and steps == plain


def test_an_evaluation_outside_training_restores_nothing(tmp_path):
    callback = KeepRNGThroughEvaluation()
    trainer = tiny_trainer(str(tmp_path), [callback], max_steps=4, eval_strategy="steps", eval_steps=2)
    trainer.train()
    assert callback.saved is None  # every state saved before an evaluation was restored after it
    torch.manual_seed(0)
    trainer.evaluate()
    after = torch.get_rng_state()
    torch.manual_seed(0)
    trainer.evaluate()  # the same evaluation again, moving the generator the same way: no stale state restored
    assert torch.equal(after, torch.get_rng_state()) and callback.saved is None
