"""MRPC from the bundled sample and from GLUE tsv files: same features, clear errors on bad input."""

import pytest
from datasets import ClassLabel

from helpers.assets import PROFILES, Assets
from helpers.mrpc import BUNDLED_MRPC_DIR, MRPC_FEATURES, load_mrpc, read_glue_dir

HEADER = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
TEST_HEADER = "index\t#1 ID\t#2 ID\t#1 String\t#2 String\n"


def write_glue(folder, train=None, dev=None, test=None):
    folder.mkdir(exist_ok=True)
    rows = {
        "train.tsv": train if train is not None else HEADER + "1\t1\t2\tA cat sat.\tA cat was sitting.\n"
                                                             "0\t3\t4\tIt rose 5%.\tIt fell 5%.\n",
        "dev.tsv": dev if dev is not None else HEADER + "1\t5\t6\tHe won.\tHe was the winner.\n",
        "test.tsv": test if test is not None else TEST_HEADER + "0\t7\t8\tShe left.\tShe went away.\n",
    }
    for name, text in rows.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def bundled_assets(mrpc_dir=None):
    return Assets("bundled", "test", PROFILES["quick"], "test", mrpc_dir)


def test_glue_tsv_folder_reads_like_the_hub(tmp_path):
    data = read_glue_dir(write_glue(tmp_path / "MRPC"))
    assert list(data) == ["train", "validation", "test"]
    assert data["train"].features == MRPC_FEATURES
    assert data["train"][1] == {"sentence1": "It rose 5%.", "sentence2": "It fell 5%.", "label": 0, "idx": 1}
    assert data["test"][0]["label"] == -1  # GLUE's test split is unlabelled
    assert data["train"].features["idx"].dtype == "int32"


def test_glue_quotes_are_kept_verbatim(tmp_path):
    folder = write_glue(tmp_path / "q", train=HEADER + '1\t1\t2\t"Yes," he said.\tHe said "yes".\n')
    assert read_glue_dir(folder)["train"][0]["sentence1"] == '"Yes," he said.'


def test_byte_order_mark_is_ignored(tmp_path):
    folder = write_glue(tmp_path / "bom", train="\ufeff" + HEADER + "1\t1\t2\tA.\tB.\n")
    assert read_glue_dir(folder)["train"].num_rows == 1


def test_bundled_sample_has_the_hub_features_and_sizes():
    data = load_mrpc(bundled_assets())
    for split in data.values():
        assert split.features == MRPC_FEATURES
    sizes = {name: split.num_rows for name, split in data.items()}
    assert sizes["train"] >= 1000 and sizes["validation"] >= 200 and sizes["test"] >= 200
    assert isinstance(data["train"].features["label"], ClassLabel)
    assert data["train"].features["label"].names == ["not_equivalent", "equivalent"]


def test_mrpc_dir_takes_priority_over_the_bundled_sample(tmp_path):
    data = load_mrpc(bundled_assets(write_glue(tmp_path / "MRPC")))
    assert data["train"].num_rows == 2


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="point MRPC_DIR at the folder"):
        read_glue_dir(tmp_path / "nowhere")


def test_missing_file_names_the_needed_files(tmp_path):
    folder = write_glue(tmp_path / "MRPC")
    (folder / "dev.tsv").unlink()
    with pytest.raises(FileNotFoundError, match=r"dev.tsv does not exist.*train.tsv, dev.tsv \(test.tsv is optional\)"):
        read_glue_dir(folder)


def test_test_split_is_optional(tmp_path):
    folder = write_glue(tmp_path / "MRPC")
    (folder / "test.tsv").unlink()
    assert list(read_glue_dir(folder)) == ["train", "validation"]


def test_a_file_instead_of_a_folder(tmp_path):
    folder = write_glue(tmp_path / "MRPC")
    with pytest.raises(NotADirectoryError, match="is a file: point MRPC_DIR at the folder"):
        read_glue_dir(folder / "train.tsv")


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_a_file_that_is_not_utf8_names_file_split_and_line(tmp_path, encoding):
    folder = write_glue(tmp_path / "MRPC")
    text = HEADER + "1\t1\t2\tA cat sat.\tA cat was sitting.\n0\t3\t4\tCafé prices rose.\tPrices at the café rose.\n"
    (folder / "train.tsv").write_bytes(text.encode(encoding))
    line = "1" if encoding == "utf-16" else "3"
    with pytest.raises(ValueError, match=rf"MRPC train split: .*train.tsv:{line} is not UTF-8.*save the file as UTF-8"):
        read_glue_dir(folder)


def test_wrong_columns_say_which_are_needed(tmp_path):
    folder = write_glue(tmp_path / "MRPC", train="label\tsentence1\tsentence2\n1\ta\tb\n")
    with pytest.raises(ValueError, match=r"needs \['Quality', '#1 String', '#2 String'\]"):
        read_glue_dir(folder)


def test_empty_split_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="header but no pairs"):
        read_glue_dir(write_glue(tmp_path / "a", dev=HEADER))
    with pytest.raises(ValueError, match="is empty"):
        read_glue_dir(write_glue(tmp_path / "b", dev=""))


def test_label_outside_the_allowed_set_names_the_line(tmp_path):
    folder = write_glue(tmp_path / "MRPC", train=HEADER + "1\t1\t2\ta\tb\n2\t3\t4\tc\td\n")
    with pytest.raises(ValueError, match=r"train.tsv:3 has label '2'"):
        read_glue_dir(folder)


def test_ragged_row_names_the_line(tmp_path):
    folder = write_glue(tmp_path / "MRPC", train=HEADER + "1\t1\t2\ta\n")
    with pytest.raises(ValueError, match=r"train.tsv:2 has 4 fields"):
        read_glue_dir(folder)


def test_bundled_sample_is_near_mrpc_balance_and_has_no_shared_pairs():
    data = load_mrpc(bundled_assets())
    train = data["train"]
    positive = sum(train["label"]) / train.num_rows
    assert 0.64 <= positive <= 0.72
    pairs = {split: {frozenset((r["sentence1"], r["sentence2"])) for r in data[split]} for split in data}
    assert not pairs["train"] & pairs["validation"]
    assert not pairs["train"] & pairs["test"]
    assert not pairs["validation"] & pairs["test"]


def test_bundled_folder_exists():
    assert (BUNDLED_MRPC_DIR / "train.tsv").is_file()
