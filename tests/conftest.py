"""Fixtures the unit tests share. The suite-wide hooks (plain progress bars, the time per part of the suite) are in
the repository's top-level conftest.py; this one holds only what several test modules build the same way."""

from pathlib import Path

import pytest


@pytest.fixture
def tiny_bert():
    """``tiny_bert(vocab_size)``: a BERT for sequence classification (2 labels), one layer of width 16, seeded: the
    same call builds the same weights, and it trains in seconds on a CPU."""
    from transformers import BertConfig, BertForSequenceClassification, set_seed

    def build(vocab_size: int) -> BertForSequenceClassification:
        set_seed(0)
        config = BertConfig(vocab_size=vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                            intermediate_size=32, num_labels=2)
        return BertForSequenceClassification(config)

    return build


@pytest.fixture
def lesson_04_config():
    """``lesson_04_config(folder)``: the config lesson 04 builds, read from the notebook (not restated here)."""
    import ast

    import nbformat

    from helpers.assets import REPO_ROOT

    def build(folder: Path) -> dict:
        """The config lesson 04 builds: its keys from the cell that builds it, its values as that cell's stored output
        prints them; the keys the print leaves out (paths) get a path in ``folder``."""
        for cell in nbformat.read(REPO_ROOT / "notebooks" / "04_accelerate.ipynb", as_version=4).cells:
            try:
                body = ast.parse(cell.source).body if cell.cell_type == "code" else []
            except SyntaxError:  # a cell magic (%%writefile)
                continue
            built = [node.value for node in body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                     and [ast.unparse(target) for target in node.targets] == ["config"]]
            if built:
                break
        else:
            raise AssertionError("lesson 04 has no cell that builds `config = {...}`")
        printed = ast.literal_eval("".join(output["text"] for output in cell.outputs))
        return {key: printed.get(key, str(folder / key)) for key in map(ast.literal_eval, built[0].keys)}

    return build
