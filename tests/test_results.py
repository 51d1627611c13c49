"""The results schema lesson 06 writes: checked on save and on load, printed as one table."""

import json

import pytest

from helpers.results import SCHEMA, ResultsError, load_results, results_table, save_results

ROWS = [{"name": "course loop", "seconds": 0.8, "accuracy": 0.87, "f1": 0.91},
        {"name": "padding: dynamic", "seconds": 0.4, "note": "14% padding"},
        {"name": "padding: grouped", "seconds": 0.2, "baseline": "padding: dynamic"},
        {"name": "tuned loop", "seconds": 0.5, "accuracy": 0.86, "f1": 0.9}]


def write(path, **overrides):
    values = {"lesson": "07", "title": "t", "hardware": "CPU: test", "profile": "quick", "unit": "s/step",
              "baseline": "course loop", "rows": ROWS} | overrides
    return save_results(path, **values)


def test_round_trip_and_table_ratios(tmp_path):
    path = write(tmp_path / "deep" / "results.json")
    results = load_results(path)
    assert results["schema"] == SCHEMA and results["rows"] == ROWS
    table = results_table(results)
    assert table.startswith("t | CPU: test | quick profile")
    assert "| course loop | 0.800 | 1.00× course loop | 0.8700 | 0.9100 |  |" in table
    assert "| padding: dynamic | 0.400 | 2.00× course loop |  |  | 14% padding |" in table
    assert "| padding: grouped | 0.200 | 2.00× padding: dynamic |" in table
    assert "| tuned loop | 0.500 | 1.60× course loop | 0.8600 | 0.9000 |  |" in table
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temporary file left behind


@pytest.mark.parametrize(("change", "message"), [
    ({"rows": []}, "non-empty list"),
    ({"rows": [{"name": "course loop", "seconds": 0}]}, "seconds=0; expected a number > 0"),
    ({"rows": [{"name": "course loop", "seconds": float("nan")}]}, "expected a number > 0"),
    ({"rows": [{"seconds": 1.0}]}, "row 1 needs a 'name'"),
    ({"baseline": "nothing"}, "compares with 'nothing', which is not a row"),
])
def test_save_refuses_what_the_table_could_not_print(tmp_path, change, message):
    with pytest.raises(ResultsError, match=message):
        write(tmp_path / "results.json", **change)
    assert not (tmp_path / "results.json").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("[1, 2]", "expected a JSON object, found list"),
    ('{"schema": "old"}', "schema is 'old'"),
    (json.dumps({"schema": SCHEMA, "lesson": "07"}), "missing title, hardware"),
    ("{not json", "is not valid JSON"),
])
def test_load_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "results.json"
    path.write_text(text)
    with pytest.raises(ResultsError, match=message):
        load_results(path)


def test_missing_file_says_to_run_the_lesson(tmp_path):
    with pytest.raises(FileNotFoundError, match="run the lesson"):
        load_results(tmp_path / "none.json")


def test_atomic_file_keeps_the_old_file_when_writing_fails(tmp_path):
    from helpers.files import atomic_file

    path = tmp_path / "results.json"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(path) as file:
        file.write("half")
        raise RuntimeError("killed")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["results.json"]
    with atomic_file(path) as file:
        file.write("new")
    assert path.read_text() == "new"
