"""The hard sample (data/mrpc_hard): as hard for the stand-in as real MRPC, so a learner's run on real data is
tested without it. Every MRPC lesson must run on it top to bottom, quick profile, without raising: an assert on a
trained result either holds there too or depends on the data (helpers/baselines.py)."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.assets import REPO_ROOT

HARD = REPO_ROOT / "data" / "mrpc_hard"
MRPC_LESSONS = ("02", "03", "04", "06", "07", "08")  # 01 trains nothing; 05 is not MRPC
# The suite (and so CI) runs the two lessons that raised on real MRPC before their margins depended on the data;
# COURSE_HARD_SAMPLE=all runs every MRPC lesson (about 22 minutes more on a 2-core CPU: docs/measurements.md).
ALWAYS = ("03", "06")
ALL_ENV = "COURSE_HARD_SAMPLE"


def load_generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_mrpc_sample", REPO_ROOT / "data" / "make_mrpc_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as file:
        return list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))


def rows(split: str) -> list[dict]:
    return rows_of(HARD / f"{split}.tsv")


def test_the_hard_sample_has_real_mrpcs_sizes_and_label_split():
    train, dev = rows("train"), rows("dev")
    assert (len(train), len(dev)) == (3668, 408)
    positive = sum(row["Quality"] == "1" for row in train) / len(train)
    assert 0.66 <= positive <= 0.70  # MRPC's training split: 67.4 % paraphrases


def test_the_hard_sample_is_what_its_generator_writes(tmp_path):
    """Committed output and generator agree: the same seed writes byte-identical files."""
    generator = load_generator()
    splits = generator.generate(generator.HARD_SEED, generator.HARD_SPLIT_SIZES, generator.make_hard_pair)
    for split, pairs in splits.items():
        generator.write_tsv(tmp_path / f"{split}.tsv", pairs, split, with_labels=split != "test")
        assert (tmp_path / f"{split}.tsv").read_bytes() == (HARD / f"{split}.tsv").read_bytes(), split


def test_hard_negatives_share_more_words_than_on_the_easy_sample():
    """What makes it hard: its negatives share far more of their words than its paraphrases do; on the easy
    sample (the control) the two are level."""

    def overlap(row: dict) -> float:
        a, b = (set(row[f"#{k} String"].lower().split()) for k in (1, 2))
        return len(a & b) / len(a | b)

    def gap(folder: Path) -> float:
        pairs = rows_of(folder / "train.tsv")
        mean = {label: sum(overlap(r) for r in pairs if r["Quality"] == label) /
                sum(r["Quality"] == label for r in pairs) for label in "01"}
        return mean["0"] - mean["1"]

    hard, easy = gap(HARD), gap(REPO_ROOT / "data" / "mrpc")
    assert hard > 0.05 and abs(easy) < 0.02, (hard, easy)


@pytest.mark.slow
@pytest.mark.parametrize("lesson", MRPC_LESSONS)
def test_the_lesson_runs_on_the_hard_sample_without_raising(lesson, tmp_path):
    if lesson not in ALWAYS and os.environ.get(ALL_ENV) != "all":
        pytest.skip(f"{ALL_ENV}=all runs lesson {lesson} on the hard sample too (the suite runs {', '.join(ALWAYS)})")
    env = {**os.environ, "MRPC_DIR": str(HARD), "COURSE_SOURCE": "bundled", "COURSE_PROFILE": "quick",
           "COURSE_RUNS_DIR": str(tmp_path / "runs")}
    run = subprocess.run([sys.executable, "scripts/run_notebooks.py", lesson, "--out", str(tmp_path)],
                         cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    executed = next(Path(tmp_path).glob(f"{lesson}_*.ipynb")).read_text(encoding="utf-8")
    assert "GLUE MRPC tsv files from MRPC_DIR" in executed  # it trained on the hard sample, not the bundled one
