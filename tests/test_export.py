"""Taught once, imported after: every helpers/lessons/*.py is exactly what its notebook's #@save cells make."""

import importlib
import importlib.util
import json
import re

import nbformat
import pytest

from helpers.assets import REPO_ROOT

spec = importlib.util.spec_from_file_location("export_lessons", REPO_ROOT / "scripts" / "export_lessons.py")
export = importlib.util.module_from_spec(spec)
spec.loader.exec_module(export)

TEACHING = export.teaching_notebooks()


def test_every_lesson_module_is_made_by_a_lesson_that_saves_cells():
    """No helpers/lessons/*.py without the notebook that teaches it: a module left behind by a lesson that no longer
    saves cells would still be imported, stale (each teaching lesson's own module: the test below)."""
    modules = sorted(path.name for path in export.LESSONS_DIR.glob("*.py") if path.name != "__init__.py")
    assert TEACHING and modules == sorted(export.module_path(notebook).name for notebook in TEACHING)


@pytest.mark.parametrize("notebook", TEACHING, ids=lambda path: path.name[:2])
def test_exported_module_matches_its_notebook_and_imports(notebook):
    module = export.module_path(notebook)
    assert module.read_text(encoding="utf-8") == export.module_source(notebook), (
        f"{module.name} differs from {notebook.name}'s #@save cells: run `python scripts/export_lessons.py`")
    assert module.read_text(encoding="utf-8").startswith(f'"""Generated from notebooks/{notebook.name}')
    importlib.import_module(f"helpers.lessons.{module.stem}")


def test_check_mode_reports_a_stale_module(tmp_path, monkeypatch, capsys):
    notebooks, helpers_dir = tmp_path / "notebooks", tmp_path / "helpers" / "lessons"
    notebooks.mkdir()
    helpers_dir.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("#@save is only a marker in code cells"),
        nbformat.v4.new_code_cell("#@save\nimport os\n\n\ndef here():\n    return os.getcwd()"),
        nbformat.v4.new_code_cell("print('not saved')"),
        nbformat.v4.new_code_cell("#@save\nimport sys\nimport os\n\nPLATFORM = sys.platform"),
    ])
    nbformat.write(nb, notebooks / "09_demo.ipynb")
    monkeypatch.setattr(export, "NOTEBOOKS_DIR", notebooks)
    monkeypatch.setattr(export, "LESSONS_DIR", helpers_dir)
    monkeypatch.setattr(export, "REPO_ROOT", tmp_path)

    assert export.main(["--check"]) == 1
    assert "helpers/lessons/demo.py: differ" in capsys.readouterr().out
    assert export.main([]) == 0
    text = (helpers_dir / "demo.py").read_text()
    assert "import os\nimport sys\n" in text  # hoisted, deduplicated, sorted
    assert "print('not saved')" not in text and "#@save" not in text.split('"""')[2]
    assert text.index("def here") < text.index("PLATFORM = sys.platform")
    assert export.main(["--check"]) == 0


def test_a_notebook_without_saved_cells_is_an_error(tmp_path):
    path = tmp_path / "08_x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    with pytest.raises(ValueError, match="no cell starting with #@save"):
        export.module_source(path)


def test_lesson_04_script_is_its_writefile_cell():
    cells = json.loads((REPO_ROOT / "notebooks" / "04_accelerate.ipynb").read_text())["cells"]
    source = next("".join(c["source"]) for c in cells if "".join(c["source"]).startswith("%%writefile"))
    first, _, body = source.partition("\n")
    assert re.fullmatch(r"%%writefile \.\./scripts/train_accelerate\.py", first)
    assert (REPO_ROOT / "scripts" / "train_accelerate.py").read_text() == body + "\n"
