"""The run-all command's own logic (running the notebooks themselves is nbval's job)."""

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import run_notebooks  # noqa: E402


def test_parameters_are_python_literals_or_text():
    assert run_notebooks.parse_value("7") == 7
    assert run_notebooks.parse_value("5e-5") == 5e-5
    assert run_notebooks.parse_value("full") == "full"
    assert run_notebooks.parse_value("None") is None


def test_progress_bar_redraws_collapse_to_the_final_state():
    outputs = [
        new_output("stream", name="stderr", text="train:  0%|\r"),
        new_output("stream", name="stderr", text="train: 50%|\r"),
        new_output("stream", name="stderr", text="train: 100%|\n"),
        new_output("stream", name="stdout", text="epoch 1\n"),
        new_output("stream", name="stderr", text="\r        \r"),
    ]
    merged = run_notebooks.merge_streams(outputs)
    assert [(o.name, o.text) for o in merged] == [("stderr", "train: 100%|\n"), ("stdout", "epoch 1\n")]


def test_tidy_notebook_drops_run_metadata(tmp_path):
    cell = new_code_cell("print(1)", metadata={"papermill": {"duration": 1.0}, "tags": ["x"]})
    nb = new_notebook(cells=[cell], metadata={"papermill": {}, "widgets": {}})
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    run_notebooks.tidy_notebook(path)
    tidy = nbformat.read(path, as_version=4)
    assert "papermill" not in tidy.metadata and "widgets" not in tidy.metadata
    assert tidy.cells[0].metadata == {"tags": ["x"]}


def test_select_by_prefix_and_unknown_prefix():
    assert [p.name[:2] for p in run_notebooks.select(["01"])] == ["01"]
    with pytest.raises(SystemExit, match="no lesson notebook matches"):
        run_notebooks.select(["99"])


def test_inplace_refuses_overrides():
    with pytest.raises(SystemExit):
        run_notebooks.main(["--inplace", "-p", "profile", "full"])


@pytest.mark.slow
def test_papermill_overrides_reach_a_lesson(tmp_path, monkeypatch, capsys):
    """The run-all command's mechanism end to end: -p profile full reaches the parameters cell and the
    helpers read it (a lesson-shaped scratch notebook: running a real lesson again adds nothing here)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    parameters = new_code_cell('source = "auto"\nprofile = "auto"', metadata={"tags": ["parameters"]})
    resolve = new_code_cell("from helpers.assets import resolve_assets\n"
                            "assets = resolve_assets(source, profile, uses=('model',))")
    nbformat.write(new_notebook(cells=[parameters, resolve], metadata=kernel), folder / "00_scratch.ipynb")
    monkeypatch.setattr(run_notebooks, "NOTEBOOKS", folder)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("COURSE_FIGURES_DIR", str(tmp_path / "figures"))
    out = tmp_path / "out"
    assert run_notebooks.main(["00", "--out", str(out), "-p", "profile", "full"]) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.endswith(f"executed notebooks in {out}/; figures in {tmp_path / 'figures'}/")
    executed = nbformat.read(out / "00_scratch.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'profile = "full"' in injected[0].source
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert "profile: full (asked for)" in text


@pytest.fixture
def lessons(tmp_path, monkeypatch):
    """A notebooks folder with one lesson that works and one that fails, in place of the real ones."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    parameters = new_code_cell("seed = 1", metadata={"tags": ["parameters"]})
    nbformat.write(new_notebook(cells=[parameters, new_code_cell("print(seed)")], metadata=kernel),
                   folder / "01_good.ipynb")
    failing = new_code_cell("raise ValueError('use source=\"bundled\" ' + 'x' * 200)")
    nbformat.write(new_notebook(cells=[failing], metadata=kernel), folder / "02_bad.ipynb")
    monkeypatch.setattr(run_notebooks, "NOTEBOOKS", folder)
    monkeypatch.setattr(run_notebooks, "REPO_ROOT", tmp_path)
    return folder


@pytest.mark.slow
def test_inplace_keeps_a_lesson_whose_run_failed_and_replaces_one_that_succeeded(lessons, capsys):
    bad_before = (lessons / "02_bad.ipynb").read_bytes()
    assert run_notebooks.main(["--inplace"]) == 1
    assert (lessons / "02_bad.ipynb").read_bytes() == bad_before  # nothing of the failed run was written
    good = nbformat.read(lessons / "01_good.ipynb", as_version=4)
    assert "".join(o.get("text", "") for o in good.cells[-1].outputs) == "1\n" and "papermill" not in good.metadata
    assert sorted(p.name for p in lessons.iterdir()) == ["01_good.ipynb", "02_bad.ipynb"]  # no temporary left
    out = capsys.readouterr().out
    assert "1 ok, 1 failed" in out and "x" * 200 in out  # the whole message, advice and all


def test_a_dead_kernel_still_ends_with_the_summary_and_the_other_lessons_run(lessons, monkeypatch, tmp_path, capsys):
    from nbclient.exceptions import DeadKernelError

    ran = []

    def execute(notebook, target, **kwargs):
        ran.append(Path(notebook).name)
        if "01_" in str(notebook):
            raise DeadKernelError("Kernel died")

    monkeypatch.setattr(run_notebooks.papermill, "execute_notebook", execute)
    assert run_notebooks.main(["--out", str(tmp_path / "out")]) == 1
    assert ran == ["01_good.ipynb", "02_bad.ipynb"]
    assert "01_good.ipynb failed: DeadKernelError: Kernel died" in capsys.readouterr().out


def test_unknown_parameters_and_unmatched_patterns_stop_before_anything_runs(lessons, monkeypatch):
    monkeypatch.setattr(run_notebooks.papermill, "execute_notebook", lambda *a, **k: pytest.fail("it ran"))
    with pytest.raises(SystemExit, match="unknown parameter nmu_epochs: the selected lessons take seed"):
        run_notebooks.main(["01", "-p", "nmu_epochs", "3"])
    with pytest.raises(SystemExit, match=r"no lesson notebook matches \['99'\]"):
        run_notebooks.main(["01", "99"])


def test_no_cell_timeout_by_default(lessons, monkeypatch, tmp_path):
    timeouts = []
    monkeypatch.setattr(run_notebooks.papermill, "execute_notebook",
                        lambda *args, execution_timeout, **kwargs: timeouts.append(execution_timeout))
    assert run_notebooks.main(["01", "--out", str(tmp_path)]) == 0
    assert run_notebooks.main(["01", "--out", str(tmp_path), "--timeout", "60"]) == 0
    assert timeouts == [None, 60]


def test_a_relative_mrpc_dir_means_from_where_the_command_was_typed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parameters = {"mrpc_dir": "data/mrpc", "seed": 7}
    environ = {"MRPC_DIR": "glue/MRPC", "COURSE_RUNS_DIR": "out", "COURSE_FIGURES_DIR": "figs", "OTHER": "x"}
    run_notebooks.absolute_paths(parameters, environ)
    assert parameters == {"mrpc_dir": str(tmp_path / "data" / "mrpc"), "seed": 7}
    assert environ == {"MRPC_DIR": str(tmp_path / "glue" / "MRPC"), "COURSE_RUNS_DIR": str(tmp_path / "out"),
                       "COURSE_FIGURES_DIR": str(tmp_path / "figs"), "OTHER": "x"}
    absolute = {"mrpc_dir": "/srv/MRPC"}
    run_notebooks.absolute_paths(absolute, {})
    assert absolute == {"mrpc_dir": "/srv/MRPC"}


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="IPC sockets are POSIX-only; elsewhere the kernel keeps TCP")
def test_kernels_talk_over_local_sockets_so_the_runner_prints_no_tcp_warning(lessons, tmp_path, capfd):
    assert run_notebooks.main(["01", "--out", str(tmp_path / "out")]) == 0
    captured = capfd.readouterr()
    assert "1 ok" in captured.out and "running over TCP" not in captured.err + captured.out
    assert sorted(p.name for p in lessons.iterdir()) == ["01_good.ipynb", "02_bad.ipynb"]  # no sockets left there


def test_through_tag_runs_a_lesson_only_up_to_its_last_tagged_cell(lessons, monkeypatch, tmp_path, capsys):
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    cells = [new_code_cell("a = 1", metadata={"tags": ["last-hub-call"]}), new_code_cell("b = 2"),
             new_code_cell("c = 3", metadata={"tags": ["last-hub-call"]}), new_code_cell("train()")]
    nbformat.write(new_notebook(cells=cells, metadata=kernel), lessons / "03_tagged.ipynb")
    ran = {}
    monkeypatch.setattr(run_notebooks.papermill, "execute_notebook",
                        lambda notebook, target, **kwargs: ran.update(
                            {Path(notebook).name: [c.source for c in nbformat.read(notebook, as_version=4).cells]}))
    assert run_notebooks.main(["03", "--out", str(tmp_path / "out"), "--through-tag", "last-hub-call"]) == 0
    assert ran == {"03_tagged.ipynb": ["a = 1", "b = 2", "c = 3"]}  # the cell after the last tag is cut
    assert len(nbformat.read(lessons / "03_tagged.ipynb", as_version=4).cells) == 4  # the lesson is untouched
    with pytest.raises(SystemExit, match="01_good.ipynb has no cell tagged 'last-hub-call'"):
        run_notebooks.main(["01", "--out", str(tmp_path / "out"), "--through-tag", "last-hub-call"])
    with pytest.raises(SystemExit):
        run_notebooks.main(["--inplace", "--through-tag", "last-hub-call"])
    assert "--inplace stores whole lessons" in capsys.readouterr().err


def test_the_hub_path_lessons_ci_runs_each_tag_their_last_hub_call():
    """.ci/run runs lessons 00, 01, 03 and 05 in Hub mode only up to the cell so tagged."""
    for notebook in run_notebooks.select(["00", "01", "03", "05"]):
        cells = nbformat.read(notebook, as_version=4).cells
        tagged = [c for c in cells if "last-hub-call" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, notebook.name
