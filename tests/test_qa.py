"""Lesson 05's data: the QA generator, the bundled tokenizer, and the loader's errors."""

import json
import sys
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from helpers.assets import BUNDLED_GPT2_TOKENIZER
from helpers.qa import QA_FILE, load_qa_pairs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
import make_qa_pairs  # noqa: E402


def test_generator_is_deterministic_and_matches_the_committed_file():
    rows = make_qa_pairs.generate()
    assert rows == make_qa_pairs.generate()
    assert rows == load_qa_pairs()


def test_at_least_400_pairs_in_several_families_and_no_repeated_question():
    rows = load_qa_pairs()
    assert len(rows) >= 400
    assert {row["family"] for row in rows} >= {"capital", "arithmetic", "conversion", "opposite", "definition"}
    questions = [row["question"] for row in rows]
    assert len(questions) == len(set(questions))  # so no question can land in both splits


def test_arithmetic_answers_are_right():
    for row in load_qa_pairs():
        if row["family"] == "arithmetic":
            a, op, b, _, result = row["answer"].removesuffix(".").split(" ")
            assert int(result) == {"+": int(a) + int(b), "-": int(a) - int(b), "times": int(a) * int(b)}[op]
            assert a in row["question"] and b in row["question"]


def test_both_phrasings_of_a_fact_share_one_answer():
    answers = {}
    for row in load_qa_pairs():
        answers.setdefault((row["family"], row["fact"]), set()).add(row["answer"])
    assert all(len(found) == 1 for found in answers.values())
    assert sum(row["family"] != "fact" for row in load_qa_pairs()) == 2 * sum(
        family != "fact" for family, _ in answers)


def test_bundled_tokenizer_round_trips_every_pair():
    tokenizer = AutoTokenizer.from_pretrained(BUNDLED_GPT2_TOKENIZER)
    assert len(tokenizer) == make_qa_pairs.VOCAB_SIZE
    assert tokenizer.eos_token == make_qa_pairs.EOS
    for row in load_qa_pairs():
        text = f"{row['question']} {row['answer']}{tokenizer.eos_token}"
        ids = tokenizer.encode(text)
        assert ids[-1] == tokenizer.eos_token_id
        assert tokenizer.decode(ids) == text


def test_bundled_tokenizer_is_the_generators_output(tmp_path):
    texts = [f"{row['question']} {row['answer']}" for row in load_qa_pairs()]
    make_qa_pairs.train_tokenizer(texts).save_pretrained(tmp_path)
    assert json.loads((tmp_path / "tokenizer.json").read_text()) == json.loads(
        (BUNDLED_GPT2_TOKENIZER / "tokenizer.json").read_text())


def test_loader_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="make_qa_pairs.py"):
        load_qa_pairs(tmp_path / "none.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "Q?", "answer": "A."}\n{"question": "Q2?"}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2 has no answer"):
        load_qa_pairs(bad)
    bad.write_text("not json\n")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_qa_pairs(bad)
    bad.write_text("\n")
    with pytest.raises(ValueError, match="holds no QA pairs"):
        load_qa_pairs(bad)
    assert QA_FILE.is_file()
