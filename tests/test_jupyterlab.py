"""The course as it is used: lessons opened in JupyterLab, in a real browser, and run from its Run menu.

JupyterLab serves a temporary copy of lessons 00 and 01 (never the committed files: JupyterLab autosaves)
on 127.0.0.1 with a token; Playwright drives Debian's chromium (``apt-get install chromium``; Playwright's
own browser download cannot work here). For each lesson: open it, Edit › Clear Outputs of All Cells,
Run › Run All Cells, wait for a named, idle kernel and every code cell executed, fail on any traceback,
and save a screenshot. A third, scratch notebook checks that ``tqdm.auto`` bars are widgets there.
Lessons 00 and 01 are run in full here because running them from JupyterLab's menu is what this setting
changes (the widget bars, the kernel's working folder); the heavier lessons are opened as stored, without
running, to check that each one's diagram renders as a picture. Screenshots go to a fresh folder per run
and are copied to ``runs/jupyterlab/`` for a person to look at. CI installs chromium and sets
COURSE_REQUIRE_BROWSER=1, so there this test cannot be skipped.
"""

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import nbformat
import pytest

from helpers.assets import REPO_ROOT, RUNS_DIR

pytestmark = pytest.mark.slow

LESSONS = ("00_environment_check.ipynb", "01_mrpc_data_prep.ipynb")
DIAGRAM_LESSONS = tuple(sorted(p.name for p in (REPO_ROOT / "notebooks").glob("0[2-6]_*.ipynb")))
DIAGRAM_CELL = "draw_"  # a lesson's diagram is drawn by a helpers.diagrams function draw_<topic>()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
KEPT_SCREENSHOTS = RUNS_DIR / "jupyterlab"
TOKEN = "course-smoke-test"
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"  # errors are shown as stderr
PROGRESS = "import helpers\nfrom tqdm.auto import tqdm\n\nfor _ in tqdm(range(3), desc='widget check'):\n    pass"


def require_browser() -> None:
    missing = ("chromium (apt-get install chromium)" if CHROMIUM is None else
               "playwright (pip install -r requirements.txt)" if importlib.util.find_spec("playwright") is None
               else None)
    if missing:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COURSE_REQUIRE_BROWSER=1 but {missing} is not installed")
        pytest.skip(f"needs {missing}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def local_server(command: list[str], ready_url: str, log_path, name: str, env: dict | None = None,
                 timeout: float = 90.0):
    """Run ``command`` (a server on 127.0.0.1) until the block ends, once ``ready_url`` answers; a server that
    exits or stays silent past ``timeout`` is an error quoting the end of its log."""
    log = log_path.open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start: {log_path.read_text()[-2000:]}") from None
                time.sleep(0.5)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a copy of the lessons; yields its URL."""
    require_browser()
    root = tmp_path / "notebooks"
    root.mkdir()
    for name in LESSONS + DIAGRAM_LESSONS:
        shutil.copy(REPO_ROOT / "notebooks" / name, root / name)
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}}
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROGRESS)], metadata=kernel),
                   root / "progress.ipynb")
    # The first cell sleeps so that its "[*]" prompt is on screen long enough for the started-check to see it.
    failing = [nbformat.v4.new_code_cell("import time\n\ntime.sleep(3)"),
               nbformat.v4.new_code_cell("raise ValueError('broken lesson')"),
               nbformat.v4.new_code_cell("y = 2")]
    nbformat.write(nbformat.v4.new_notebook(cells=failing, metadata=kernel), root / "failing.ipynb")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "COURSE_PLAIN_PROGRESS"}  # a learner's kernel: widgets
    env |= {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1",
            "COURSE_RUNS_DIR": str(tmp_path / "runs"), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings")}
    # Every cell in the page, not only those in view (JupyterLab 4 renders cells lazily by default).
    tracker = tmp_path / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}')
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--ServerApp.port={port}",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}"]
    url = f"http://127.0.0.1:{port}"
    with local_server(command, f"{url}/api/status?token={TOKEN}", tmp_path / "jupyterlab.log", "JupyterLab", env=env):
        yield url


def menu(page, top: str, item: str) -> None:
    page.locator("#jp-menu-panel").get_by_role("menuitem", name=top, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def open_in_jupyterlab(page, url: str, name: str) -> None:
    """Open ``name`` and wait for a named, idle kernel (the status bar reads "Idle" before the kernel exists)."""
    page.goto(f"{url}/lab/tree/{name}?token={TOKEN}&reset")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.wait_for_function("() => { const text = document.querySelector('#jp-main-statusbar')?.textContent || '';"
                           " return text.includes('Python 3 (ipykernel)') && text.includes('Idle'); }",
                           timeout=120_000)


def run_in_jupyterlab(page, url: str, root, name: str, screenshots) -> dict:
    """Open ``name``, clear its outputs, run all cells from the Run menu; what the page then shows."""
    code_cells = sum(c.cell_type == "code" for c in nbformat.read(root / name, as_version=4).cells)
    open_in_jupyterlab(page, url, name)
    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
    page.wait_for_function("() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
                           ".some(p => p.textContent.includes('*'))", timeout=60_000)  # execution started
    page.wait_for_function(f"""() => {{  // every cell executed, or the kernel is idle again after an error
        const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
        const done = prompts.length === {code_cells} && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        const error = [...document.querySelectorAll("{STDERR}")].some(e => e.textContent.includes('Traceback'));
        const idle = (document.querySelector('#jp-main-statusbar')?.textContent || '').includes('Idle');
        return done || (error && idle && !prompts.some(p => p.textContent.includes('*')));
    }}""", timeout=600_000)
    page.screenshot(path=str(screenshots / f"{name.removesuffix('.ipynb')}.png"), full_page=True)
    return {"prompts": prompts.all_text_contents(), "code_cells": code_cells,
            "errors": page.locator(STDERR).filter(has_text="Traceback").all_text_contents(),
            "widgets": page.locator(".jp-OutputArea-output .widget-hprogress, .jp-OutputArea-output "
                                    ".widget-progress").count()}


def rendered_diagram(page, url: str, name: str, screenshots) -> dict:
    """Open a stored lesson without running it; the picture its diagram cell shows, and a screenshot of it."""
    open_in_jupyterlab(page, url, name)
    picture = page.locator(".jp-OutputArea-output img")
    cell = page.locator(".jp-Notebook .jp-CodeCell").filter(has_text=DIAGRAM_CELL).filter(has=picture).first
    image = cell.locator(".jp-OutputArea-output img").first
    image.scroll_into_view_if_needed(timeout=30_000)
    size = image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    cell.screenshot(path=str(screenshots / f"{name.removesuffix('.ipynb')}-diagram.png"))
    return {"loaded": size[0], "width": size[1], "height": size[2]}


def test_lessons_run_top_to_bottom_in_jupyterlab_in_a_real_browser(jupyterlab, tmp_path):
    from playwright.sync_api import sync_playwright

    screenshots = tmp_path / "screenshots"  # fresh: files from an earlier run cannot satisfy the check below
    screenshots.mkdir()
    root = tmp_path / "notebooks"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            for name in LESSONS:
                shown = run_in_jupyterlab(page, jupyterlab, root, name, screenshots)
                assert len(shown["prompts"]) == shown["code_cells"] > 0, (name, shown["prompts"])
                assert not shown["errors"], (name, shown["errors"][:1])
            for name in DIAGRAM_LESSONS:
                diagram = rendered_diagram(page, jupyterlab, name, screenshots)
                assert diagram["loaded"] and diagram["width"] > 200 and diagram["height"] > 100, (name, diagram)
            progress = run_in_jupyterlab(page, jupyterlab, root, "progress.ipynb", screenshots)
            assert progress["widgets"] >= 1, "tqdm.auto drew no widget progress bar in JupyterLab"
            failing = run_in_jupyterlab(page, jupyterlab, root, "failing.ipynb", screenshots)
            assert "broken lesson" in " ".join(failing["errors"])  # the check sees a failure when there is one
            assert not all(any(c.isdigit() for c in prompt) for prompt in failing["prompts"])
        finally:
            browser.close()
    expected = {n.replace(".ipynb", ".png") for n in LESSONS} | {
        n.replace(".ipynb", "-diagram.png") for n in DIAGRAM_LESSONS}
    taken = {p.name for p in screenshots.glob("*.png") if p.stat().st_size > 0}
    assert expected <= taken, sorted(expected - taken)
    KEPT_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for shot in screenshots.glob("*.png"):
        shutil.copy(shot, KEPT_SCREENSHOTS / shot.name)
