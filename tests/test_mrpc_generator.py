"""The MRPC-shaped sample generator: deterministic, and the committed files are its output."""

import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
sys.path.insert(0, str(DATA))
import make_mrpc_sample  # noqa: E402


def test_same_seed_same_pairs():
    sizes = {"train": 50, "dev": 10, "test": 10}
    assert make_mrpc_sample.generate(7, sizes) == make_mrpc_sample.generate(7, sizes)
    assert make_mrpc_sample.generate(7, sizes) != make_mrpc_sample.generate(8, sizes)


def test_committed_files_are_the_generators_output(tmp_path):
    for split, rows in make_mrpc_sample.generate().items():
        make_mrpc_sample.write_tsv(tmp_path / f"{split}.tsv", rows, split, with_labels=split != "test")
        assert (tmp_path / f"{split}.tsv").read_bytes() == (DATA / "mrpc" / f"{split}.tsv").read_bytes(), split


def test_mrpc_like_balance_and_no_repeated_sentence():
    rows = make_mrpc_sample.generate(3, {"train": 400})["train"]
    labels = [label for *_, label in rows]
    assert 0.6 < sum(labels) / len(labels) < 0.76
    sentences = [s for s1, s2, _ in rows for s in (s1, s2)]
    assert len(sentences) == len(set(sentences))  # no sentence twice
