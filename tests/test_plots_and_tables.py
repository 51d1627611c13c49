"""Figures and tables the lessons show."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.display import markdown_table, show_table  # noqa: E402
from helpers.plots import (  # noqa: E402
    plot_gradient_norms,
    plot_loss_curves,
    plot_speedups,
    running_mean,
    save_figure,
)


def test_running_mean_uses_up_to_window_values():
    assert running_mean([2.0, 4.0, 6.0, 8.0], window=2) == [2.0, 3.0, 5.0, 7.0]
    assert running_mean([], window=3) == []


def test_save_figure_goes_where_the_environment_says(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_FIGURES_DIR", str(tmp_path / "figs"))
    fig, ax = plt.subplots()
    plot_loss_curves(ax, [0.7, 0.6, 0.5, 0.4], [0.55, 0.45], steps_per_epoch=2, window=2)
    path = save_figure(fig, "curves")
    plt.close(fig)
    assert path == tmp_path / "figs" / "curves.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [line.get_label() for line in ax.get_lines()][-1] == "validation loss (per epoch)"
    assert list(ax.get_lines()[-1].get_xdata()) == [2, 4]  # validation points sit at the epochs' ends


def test_a_failed_save_keeps_the_previous_figure_whole(tmp_path, monkeypatch):
    import errno

    monkeypatch.setenv("COURSE_FIGURES_DIR", str(tmp_path))
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    good = save_figure(fig, "curves").read_bytes()

    def full_disk(file, **kwargs):
        file.write(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fig, "savefig", full_disk)
    message = r"Cannot save figure .*curves.png \(No space left on device\).*COURSE_FIGURES_DIR"
    with pytest.raises(OSError, match=message):
        save_figure(fig, "curves")
    assert (tmp_path / "curves.png").read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["curves.png"]  # no temporary file left
    plt.close(fig)


def test_an_unusable_figures_folder_names_the_variable(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COURSE_FIGURES_DIR", str(blocker / "figures"))
    fig, _ = plt.subplots()
    with pytest.raises(OSError, match="point COURSE_FIGURES_DIR at a writable folder"):
        save_figure(fig, "x")
    plt.close(fig)


def test_markdown_table():
    assert markdown_table(["a", "b"], [[1, "x"], [2, "y"]]) == "| a | b |\n|---|---|\n| 1 | x |\n| 2 | y |"


def test_show_table_prints_outside_a_notebook(capsys):
    show_table(["a"], [[1]])
    assert capsys.readouterr().out.strip() == markdown_table(["a"], [[1]])


def test_quiet_library_output_silences_transformers_reports():
    import transformers

    from helpers.display import quiet_library_output

    quiet_library_output()
    assert transformers.logging.get_verbosity() == transformers.logging.ERROR


def test_free_port_can_be_bound_and_differs_while_held():
    import socket

    from helpers.launcher import free_port

    port = int(free_port())
    with socket.socket() as held:
        held.bind(("127.0.0.1", port))  # it was free
        assert int(free_port()) != port  # and the next one is another


def test_plot_speedups_colours_faster_bars_and_marks_the_baseline():
    fig, ax = plt.subplots()
    plot_speedups(ax, {"pad to 128": 0.5, "grouped": 1.2})
    bars = ax.patches
    assert [b.get_width() for b in bars] == [0.5, 1.2]
    assert bars[0].get_facecolor() != bars[1].get_facecolor()
    assert [line.get_xdata()[0] for line in ax.lines] == [1.0]
    plt.close(fig)


def test_plot_speedups_colours_follow_the_verdicts():
    fig, ax = plt.subplots()
    plot_speedups(ax, {"autocast": 1.04, "fused": 3.0, "pad to 128": 0.5},
                  {"autocast": "within the noise", "fused": "faster", "pad to 128": "slower"})
    noise, faster, slower = (bar.get_facecolor() for bar in ax.patches)
    assert len({noise, faster, slower}) == 3  # a bar past 1.0 within the noise is not drawn as faster
    plt.close(fig)


def test_plot_gradient_norms_draws_each_run_and_threshold():
    fig, ax = plt.subplots()
    plot_gradient_norms(ax, {"course": [1.0, 3.0, 2.0], "tuned": [1.0, 1.5]}, {"clip 2.5": 2.5, "default 1": 1.0})
    curves, lines = ax.lines[:2], ax.lines[2:]
    assert [list(c.get_xdata()) for c in curves] == [[1, 2, 3], [1, 2]]
    assert [line.get_ydata()[0] for line in lines] == [2.5, 1.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["course", "tuned", "clip 2.5", "default 1"]
    plt.close(fig)
