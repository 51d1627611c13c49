"""Lesson 04's exercise checks, in one process: the reference solutions pass, typical wrong answers fail with their
hint, an unattempted starter is reported as such, and the checks work in a kernel whose runs already built an
Accelerator (Accelerate keeps one state per process)."""

import itertools
import math

from helpers.exercises import NOT_ATTEMPTED
from helpers.exercises.lesson04 import check_num_training_steps, check_remaining_batches, check_resume


def num_training_steps(num_pairs, batch_size, num_epochs, num_processes):
    return num_epochs * math.ceil(math.ceil(num_pairs / batch_size) / num_processes)


def resume(accelerator, model, optimizer, lr_scheduler, folder):
    prepared = accelerator.prepare(model, optimizer, lr_scheduler)
    accelerator.load_state(folder)
    return prepared


def remaining_batches(accelerator, train_dataloader, steps_done):
    return accelerator.skip_first_batches(train_dataloader, steps_done)


def starter(*args):
    raise NotImplementedError


def test_reference_solutions_pass_after_the_lessons_own_accelerator():
    from accelerate import Accelerator

    Accelerator()  # what the lesson's one-process run leaves in its kernel
    assert check_num_training_steps(num_training_steps, quiet=True)
    assert check_resume(resume, quiet=True)
    assert check_remaining_batches(remaining_batches, quiet=True)


def test_unattempted_exercises_say_so():
    for check in (check_num_training_steps, check_resume, check_remaining_batches):
        for answer in (None, starter):
            verdict = check(answer, quiet=True)
            assert verdict.passed is None and verdict.message == NOT_ATTEMPTED


def test_a_schedule_sized_for_one_process_or_rounded_down_fails():
    def one_process(num_pairs, batch_size, num_epochs, num_processes):
        return num_epochs * math.ceil(num_pairs / batch_size)

    def rounded_down(num_pairs, batch_size, num_epochs, num_processes):
        return num_epochs * (num_pairs // batch_size // num_processes)

    assert "one process's count" in check_num_training_steps(one_process, quiet=True).message
    assert "not 2" in check_num_training_steps(rounded_down, quiet=True).message  # 21 pairs, batches of 4, 2 processes


def test_a_resume_that_skips_the_scheduler_or_the_load_fails():
    def scheduler_left_out(accelerator, model, optimizer, lr_scheduler, folder):
        model, optimizer = accelerator.prepare(model, optimizer)
        accelerator.load_state(folder)
        return model, optimizer, lr_scheduler

    def never_loaded(accelerator, model, optimizer, lr_scheduler, folder):
        return accelerator.prepare(model, optimizer, lr_scheduler)

    assert "prepare the scheduler" in check_resume(scheduler_left_out, quiet=True).message
    assert "still the fresh model's" in check_resume(never_loaded, quiet=True).message


def test_a_mid_epoch_resume_that_loads_skips_pairs_or_restarts_the_epoch_fails():
    def sliced(accelerator, train_dataloader, steps_done):  # right batches, but the skipped ones were loaded
        return itertools.islice(train_dataloader, steps_done, None)

    def pairs_not_batches(accelerator, train_dataloader, steps_done):
        return accelerator.skip_first_batches(train_dataloader, steps_done * train_dataloader.total_batch_size)

    def whole_epoch(accelerator, train_dataloader, steps_done):
        return train_dataloader

    assert "the skipped batches were loaded too" in check_remaining_batches(sliced, quiet=True).message
    assert "counts batches, not pairs" in check_remaining_batches(pairs_not_batches, quiet=True).message
    assert "the whole epoch came back" in check_remaining_batches(whole_epoch, quiet=True).message
