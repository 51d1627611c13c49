"""Lesson 08's dashboard, in a real browser: TensorBoard over the logs two runs wrote, opened in Chromium.

Two short runs of lesson 08's manual loop (a tiny BERT, seconds) log to TensorBoard in a temporary folder;
``tensorboard --logdir`` serves them on 127.0.0.1; Playwright drives Debian's chromium (as in
tests/test_jupyterlab.py) and checks that both runs are listed, that a chart of each logged tag is drawn,
and that no request left this machine. The screenshot is saved in the test's folder and copied to
``runs/dashboard/`` for a person to look at. CI sets COURSE_REQUIRE_BROWSER=1: there it cannot be skipped.
"""

import io
import shutil
import sys
import time

import pytest
from test_jupyterlab import CHROMIUM, free_port, local_server, require_browser
from test_tracker import VOCAB, metric, tiny_data
from torch.utils.tensorboard import SummaryWriter

from helpers.assets import RUNS_DIR
from helpers.lessons.learning_curves import train_and_log
from helpers.tensorboard_logs import fresh_log_dir

SCREENSHOTS = RUNS_DIR / "dashboard"
RUNS = {"healthy": 1e-3, "too-high": 5e-1}
TAGS = ("train/loss", "eval/loss", "eval/accuracy")


def line_pixels(png: bytes) -> int:
    """How many pixels of a chart's canvas are drawn: darker than the white background in some channel."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return int((pixels.min(axis=-1) < 200).sum())


def log_runs(root, tiny_bert):
    for name, learning_rate in RUNS.items():
        train, evals = tiny_data()
        writer = SummaryWriter(fresh_log_dir(name, root))

        def log(values, step, writer=writer):
            for tag, value in values.items():
                writer.add_scalar(tag, value, step)

        train_and_log(tiny_bert(VOCAB), train, evals, metric(), learning_rate, 6, 2, "cpu", log=log)
        writer.close()


@pytest.fixture
def dashboard(tmp_path, tiny_bert):
    """TensorBoard serving two runs' logs on 127.0.0.1; yields its URL."""
    require_browser()
    log_runs(tmp_path / "logs", tiny_bert)
    port = free_port()
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(tmp_path / "logs"), "--host", "127.0.0.1",
               "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with local_server(command, f"{url}/data/runs", tmp_path / "tensorboard.log", "TensorBoard", timeout=60):
        yield url


@pytest.mark.slow
def test_dashboard_lists_the_runs_and_draws_their_charts_in_a_real_browser(dashboard, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            hosts = set()
            page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
            page.goto(f"{dashboard}/#timeseries")
            runs = page.locator("runs-selector")
            for name in RUNS:
                runs.get_by_text(name, exact=True).wait_for(timeout=60_000)
            cards = page.locator("scalar-card")
            for tag in TAGS:
                canvas = cards.filter(has_text=tag).locator("line-chart canvas").first
                canvas.wait_for(timeout=60_000)
                deadline = time.monotonic() + 60
                while (drawn := line_pixels(canvas.screenshot())) < 30 and time.monotonic() < deadline:
                    time.sleep(1)  # TensorBoard draws its lines on this canvas once the data has arrived
                assert drawn >= 30, f"no line drawn in the {tag} chart ({drawn} dark pixels)"
            assert cards.filter(has_text="no/such-tag").count() == 0  # the check sees a tag that was not logged
            shot = tmp_path / "screenshots" / "tensorboard.png"
            shot.parent.mkdir()
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert hosts == {dashboard.removeprefix("http://")}, hosts
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SCREENSHOTS / shot.name)
    assert shot.stat().st_size > 10_000


def test_line_pixels_sees_a_drawn_line_and_not_a_blank_canvas():
    """Negative control for the browser test's chart check: a blank canvas counts no drawn pixels."""
    from PIL import Image, ImageDraw

    def png(image):
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        return buffer.getvalue()

    blank = Image.new("RGB", (100, 50), "white")
    assert line_pixels(png(blank)) == 0
    ImageDraw.Draw(blank).line([(0, 0), (99, 49)], fill=(60, 80, 100), width=2)
    assert line_pixels(png(blank)) > 30
