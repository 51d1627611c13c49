"""GLUE MRPC as a ``DatasetDict`` from any of the three sources, always with the Hub's features."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from datasets import ClassLabel, Dataset, DatasetDict, Features, Value, load_dataset

from .assets import DATA_DIR, Assets

BUNDLED_MRPC_DIR = DATA_DIR / "mrpc"
HUB_DATASET = ("nyu-mll/glue", "mrpc")
SPLIT_FILES = {"train": "train.tsv", "validation": "dev.tsv", "test": "test.tsv"}
REQUIRED_FILES = ("train.tsv", "dev.tsv")  # no lesson uses the unlabelled test split
TEXT_COLUMNS = ("#1 String", "#2 String")
LABEL_COLUMN = "Quality"

MRPC_FEATURES = Features({
    "sentence1": Value("string"),
    "sentence2": Value("string"),
    "label": ClassLabel(names=["not_equivalent", "equivalent"]),
    "idx": Value("int32"),
})


def read_glue_split(path: Path, split: str) -> Dataset:
    """One GLUE MRPC tsv file (header ``Quality  #1 ID  #2 ID  #1 String  #2 String``) as a Dataset.

    A file without a ``Quality`` column (GLUE's ``test.tsv``) gets label -1, as on the Hub.
    """
    if not path.is_file():
        raise FileNotFoundError(f"MRPC {split} split: {path} does not exist. A GLUE MRPC folder needs "
                                f"{', '.join(REQUIRED_FILES)} ({SPLIT_FILES['test']} is optional).")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ValueError(f"MRPC {split} split: {path}:{line} is not UTF-8 (byte {raw[error.start]:#04x}). "
                         "GLUE's files are UTF-8: save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).") from error
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        raise ValueError(f"MRPC {split} split: {path} is empty (not even a header).")
    header = [name.strip() for name in rows[0]]
    missing = [name for name in TEXT_COLUMNS if name not in header]
    if missing or (split != "test" and LABEL_COLUMN not in header):
        need = [LABEL_COLUMN, *TEXT_COLUMNS] if split != "test" else list(TEXT_COLUMNS)
        raise ValueError(f"MRPC {split} split: {path} has columns {header}; it needs {need} "
                         "(GLUE's header: Quality, #1 ID, #2 ID, #1 String, #2 String).")
    first, second = (header.index(name) for name in TEXT_COLUMNS)
    quality = header.index(LABEL_COLUMN) if LABEL_COLUMN in header else None
    allowed = {"0": 0, "1": 1, "-1": -1}
    columns: dict[str, list] = {"sentence1": [], "sentence2": [], "label": [], "idx": []}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ValueError(f"MRPC {split} split: {path}:{line_no} has {len(row)} fields, the header has "
                             f"{len(header)}. Is a tab missing, or a sentence split over two lines?")
        label = -1 if quality is None else allowed.get(row[quality].strip())
        if label is None:
            raise ValueError(f"MRPC {split} split: {path}:{line_no} has label {row[quality]!r}; "
                             "labels must be 0 (not equivalent), 1 (equivalent) or -1 (unlabelled).")
        columns["sentence1"].append(row[first])
        columns["sentence2"].append(row[second])
        columns["label"].append(label)
        columns["idx"].append(len(columns["idx"]))
    if not columns["idx"]:
        raise ValueError(f"MRPC {split} split: {path} has a header but no pairs.")
    return Dataset.from_dict(columns, features=MRPC_FEATURES, split=split)


def read_glue_dir(folder: str | Path) -> DatasetDict:
    """A folder of GLUE's ``train.tsv``/``dev.tsv`` (and ``test.tsv``, if there) as train/validation/test."""
    folder = Path(folder)
    if folder.is_file():
        raise NotADirectoryError(f"MRPC_DIR {folder} is a file: point MRPC_DIR at the folder that holds GLUE's "
                                 f"{', '.join(REQUIRED_FILES)}.")
    if not folder.is_dir():
        raise FileNotFoundError(f"MRPC folder {folder} does not exist: point MRPC_DIR at the folder that holds "
                                f"GLUE's {', '.join(REQUIRED_FILES)} (a relative path counts from the folder "
                                "the lesson runs in, notebooks/).")
    return DatasetDict({split: read_glue_split(folder / name, split) for split, name in SPLIT_FILES.items()
                        if name in REQUIRED_FILES or (folder / name).is_file()})


def load_mrpc(assets: Assets) -> DatasetDict:
    """MRPC from ``MRPC_DIR`` if given, else the Hub or the bundled sample, by ``assets.source``."""
    if assets.mrpc_dir is not None:
        return read_glue_dir(assets.mrpc_dir)
    if assets.source == "hub":
        return load_dataset(*HUB_DATASET)
    return read_glue_dir(BUNDLED_MRPC_DIR)
