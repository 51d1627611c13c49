"""Lesson 04's exercise checks, each in one process with its own Accelerator: the reference solutions pass, typical
wrong answers fail with their hint, an unattempted starter is reported as such, and no Accelerator is left behind."""

from helpers.exercises import NOT_ATTEMPTED
from helpers.exercises.lesson04 import check_accelerated_clipped_step, check_accumulating_loop, check_resume


def clipped(accelerator, model, optimizer, batch, max_norm):
    accelerator.backward(model(**batch).loss)
    accelerator.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    optimizer.zero_grad()


def accumulating(accelerator, model, optimizer, batches):
    for batch in batches:
        with accelerator.accumulate(model):
            accelerator.backward(model(**batch).loss)
            optimizer.step()
            optimizer.zero_grad()


def resume(accelerator, model, optimizer, lr_scheduler, folder):
    prepared = accelerator.prepare(model, optimizer, lr_scheduler)
    accelerator.load_state(folder)
    return prepared


def starter(*args):
    raise NotImplementedError


def test_reference_solutions_pass_and_leave_no_accelerator():
    from accelerate.state import AcceleratorState

    assert check_accelerated_clipped_step(clipped, quiet=True)
    assert check_accumulating_loop(accumulating, quiet=True)
    assert check_resume(resume, quiet=True)
    assert not AcceleratorState._shared_state  # a multi-process launch after the checks is not refused


def test_unattempted_exercises_say_so():
    for check in (check_accelerated_clipped_step, check_accumulating_loop, check_resume):
        for answer in (None, starter):
            verdict = check(answer, quiet=True)
            assert verdict.passed is None and verdict.message == NOT_ATTEMPTED


def test_a_step_without_clipping_fails_with_its_hint():
    def unclipped(accelerator, model, optimizer, batch, max_norm):
        accelerator.backward(model(**batch).loss)
        optimizer.step()
        optimizer.zero_grad()

    assert "call accelerator.clip_grad_norm_" in check_accelerated_clipped_step(unclipped, quiet=True).message


def test_accumulation_without_accumulate_or_with_a_second_division_fails():
    def every_batch(accelerator, model, optimizer, batches):
        for batch in batches:
            accelerator.backward(model(**batch).loss)
            optimizer.step()
            optimizer.zero_grad()

    def divided_twice(accelerator, model, optimizer, batches):
        for batch in batches:
            with accelerator.accumulate(model):
                accelerator.backward(model(**batch).loss / 2)
                optimizer.step()
                optimizer.zero_grad()

    assert "updated 4 times for 4 batches" in check_accumulating_loop(every_batch, quiet=True).message
    assert "do not divide it yourself" in check_accumulating_loop(divided_twice, quiet=True).message


def test_a_resume_that_skips_the_scheduler_or_the_load_fails():
    def scheduler_left_out(accelerator, model, optimizer, lr_scheduler, folder):
        model, optimizer = accelerator.prepare(model, optimizer)
        accelerator.load_state(folder)
        return model, optimizer, lr_scheduler

    def never_loaded(accelerator, model, optimizer, lr_scheduler, folder):
        return accelerator.prepare(model, optimizer, lr_scheduler)

    assert "prepare the scheduler" in check_resume(scheduler_left_out, quiet=True).message
    assert "still the fresh model's" in check_resume(never_loaded, quiet=True).message
