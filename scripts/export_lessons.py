"""Taught once, imported after: a lesson's cells marked ``#@save`` become ``helpers/lessonNN.py``.

The lesson that teaches a piece of code is its one source, as with d2l's ``#@save``: the cell is shown
and run in the notebook, and this module copies it, unchanged, into a module that later lessons import.

    python -m helpers.export           # rewrite helpers/lessonNN.py from the notebooks
    python -m helpers.export --check   # exit 1 if a module and the notebook that teaches it disagree

Each saved cell's top-level imports are gathered at the top of the module (sorted as ruff's isort
sorts them); everything else is copied in notebook order.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

from .assets import REPO_ROOT

MARKER = "#@save"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
HELPERS_DIR = REPO_ROOT / "helpers"
FIRST_PARTY = {"helpers"}


def saved_cells(notebook: Path) -> list[str]:
    """The source of every code cell whose first line is ``#@save``, without that line."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    saved = []
    for cell in cells:
        source = "".join(cell["source"])
        first, _, rest = source.partition("\n")
        if cell["cell_type"] == "code" and first.strip() == MARKER:
            saved.append(rest.strip("\n"))
    return saved


def module_path(notebook: Path) -> Path:
    """``notebooks/01_mrpc_data_prep.ipynb`` -> ``helpers/lesson01.py``."""
    return HELPERS_DIR / f"lesson{notebook.name[:2]}.py"


def _import_key(statement: ast.Import | ast.ImportFrom) -> tuple[int, int, str]:
    module = statement.names[0].name if isinstance(statement, ast.Import) else statement.module or ""
    top = module.split(".")[0]
    section = 0 if top == "__future__" else 3 if top in FIRST_PARTY else 1 if top in sys.stdlib_module_names else 2
    return section, isinstance(statement, ast.ImportFrom), module.lower()


def split_imports(source: str) -> tuple[list[ast.Import | ast.ImportFrom], str]:
    """A cell's top-level import statements, and the cell without them."""
    tree = ast.parse(source)
    lines = source.splitlines()
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    drop = {line for node in imports for line in range(node.lineno - 1, node.end_lineno)}
    body = "\n".join(line for number, line in enumerate(lines) if number not in drop).strip("\n")
    return imports, body


def module_source(notebook: Path) -> str:
    """The module text that ``notebook``'s saved cells make."""
    cells = saved_cells(notebook)
    if not cells:
        raise ValueError(f"{notebook.name} has no cell starting with {MARKER}: nothing to export.")
    imports: dict[str, ast.Import | ast.ImportFrom] = {}
    bodies = []
    for cell in cells:
        cell_imports, body = split_imports(cell)
        for statement in cell_imports:
            imports.setdefault(ast.unparse(statement), statement)
        if body:
            bodies.append(body)
    ordered = sorted(imports.items(), key=lambda item: _import_key(item[1]))
    import_lines, previous = [], None
    for text, statement in ordered:
        section = _import_key(statement)[0]
        if previous is not None and section != previous:
            import_lines.append("")
        import_lines.append(text)
        previous = section
    header = (f'"""Lesson {notebook.name[:2]}\'s code, as taught in notebooks/{notebook.name}.\n\n'
              f"Written by `python -m helpers.export` from the notebook's cells marked `{MARKER}`: edit the\n"
              'notebook and export again; tests/test_export.py fails while the two disagree.\n"""\n')
    return "\n\n\n".join([header + "\n" + "\n".join(import_lines), *bodies]) + "\n"


def teaching_notebooks() -> list[Path]:
    """The lessons that save cells."""
    return [path for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")) if saved_cells(path)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on any difference")
    args = parser.parse_args(argv)
    stale = []
    for notebook in teaching_notebooks():
        target, text = module_path(notebook), module_source(notebook)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(target)
        if not args.check:
            target.write_text(text, encoding="utf-8")
    verb = "differ from their notebooks" if args.check else "written"
    for target in stale:
        print(f"{target.relative_to(REPO_ROOT)}: {verb}")
    if args.check and stale:
        print("run `python -m helpers.export` to export the notebooks' #@save cells again", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
