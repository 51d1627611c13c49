"""Lesson 02's exercise checks: the reference solutions pass, typical wrong answers fail with their hint, and an
unattempted starter is reported as such."""

import torch
from transformers import get_scheduler

from helpers.exercises import NOT_ATTEMPTED
from helpers.exercises.lesson02 import check_clipped_step, check_train_accumulating, check_warmup_scheduler


def warmup(optimizer, num_training_steps):
    return get_scheduler("linear", optimizer=optimizer, num_warmup_steps=num_training_steps // 10,
                         num_training_steps=num_training_steps)


def clipped(model, optimizer, batch, max_norm):
    model(**batch).loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    optimizer.zero_grad()


def accumulating(model, optimizer, batches):
    for i, batch in enumerate(batches):
        (model(**batch).loss / 2).backward()
        if i % 2 == 1:
            optimizer.step()
            optimizer.zero_grad()


def starter(*args):
    raise NotImplementedError


def test_reference_solutions_pass(capsys):
    assert check_warmup_scheduler(warmup) and check_clipped_step(clipped) and check_train_accumulating(accumulating)
    assert capsys.readouterr().out.count("✓") == 3


def test_unattempted_exercises_say_so():
    for check in (check_warmup_scheduler, check_clipped_step, check_train_accumulating):
        for answer in (None, starter):
            verdict = check(answer, quiet=True)
            assert verdict.passed is None and verdict.message == NOT_ATTEMPTED and not verdict


def test_a_schedule_without_warm_up_fails_with_its_hint():
    def no_warmup(optimizer, num_training_steps):
        return get_scheduler("linear", optimizer=optimizer, num_warmup_steps=0, num_training_steps=num_training_steps)

    def too_long(optimizer, num_training_steps):
        return get_scheduler("linear", optimizer=optimizer, num_warmup_steps=num_training_steps // 5,
                             num_training_steps=num_training_steps)

    def constant_after(optimizer, num_training_steps):
        return get_scheduler("constant_with_warmup", optimizer=optimizer, num_warmup_steps=num_training_steps // 10)

    assert check_warmup_scheduler(no_warmup, quiet=True).message == (
        "the learning rate at step 0 is 0.0001: warm-up starts at 0")
    assert "peaks at step 10 of 50" in check_warmup_scheduler(too_long, quiet=True).message
    assert "the decay should end at 0" in check_warmup_scheduler(constant_after, quiet=True).message


def test_a_step_without_clipping_or_clipping_too_late_fails():
    def unclipped(model, optimizer, batch, max_norm):
        model(**batch).loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    def clipped_after_the_step(model, optimizer, batch, max_norm):
        model(**batch).loss.backward()
        optimizer.step()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.zero_grad()

    def never_zeroed(model, optimizer, batch, max_norm):
        model(**batch).loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()

    for wrong in (unclipped, clipped_after_the_step):
        assert "clip it before optimizer.step()" in check_clipped_step(wrong, quiet=True).message
    assert "gradients are left in .grad" in check_clipped_step(never_zeroed, quiet=True).message


def test_accumulation_that_steps_every_batch_or_forgets_to_divide_fails():
    def every_batch(model, optimizer, batches):
        for batch in batches:
            model(**batch).loss.backward()
            optimizer.step()
            optimizer.zero_grad()

    def undivided(model, optimizer, batches):
        for i, batch in enumerate(batches):
            model(**batch).loss.backward()
            if i % 2 == 1:
                optimizer.step()
                optimizer.zero_grad()

    def never_zeroed(model, optimizer, batches):
        for i, batch in enumerate(batches):
            (model(**batch).loss / 2).backward()
            if i % 2 == 1:
                optimizer.step()

    assert "ran 4 times for 4 batches" in check_train_accumulating(every_batch, quiet=True).message
    assert "divide each loss by 2" in check_train_accumulating(undivided, quiet=True).message
    assert "are the gradients zeroed" in check_train_accumulating(never_zeroed, quiet=True).message


def test_a_learners_exception_is_named():
    def broken(optimizer, num_training_steps):
        raise KeyError("lr")

    assert check_warmup_scheduler(broken, quiet=True).message == "your code raised KeyError: 'lr'"
