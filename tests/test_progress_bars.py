"""Progress bars: widgets in JupyterLab (ipywidgets is installed), plain text in headless runs, whose
stored notebooks would otherwise keep a widget's first frame."""

import nbformat
import pytest
from nbclient import NotebookClient

CHECK = """import helpers
from tqdm.auto import tqdm
from tqdm.notebook import tqdm as widget_bar
print("widget" if issubclass(tqdm, widget_bar) else "text")"""


def bar_module(tmp_path) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CHECK)])
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    return "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()


@pytest.mark.slow
def test_a_kernel_without_the_variable_draws_widget_bars(tmp_path, monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.delenv("COURSE_PLAIN_PROGRESS", raising=False)
    assert bar_module(tmp_path) == "widget"


@pytest.mark.slow
def test_headless_runs_draw_text_bars(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PLAIN_PROGRESS", "1")
    assert bar_module(tmp_path) == "text"
