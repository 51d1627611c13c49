"""Figures and tables the lessons show."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from helpers.notebook import markdown_table, show_table  # noqa: E402
from helpers.plots import plot_loss_curves, running_mean, save_figure  # noqa: E402


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


def test_markdown_table():
    assert markdown_table(["a", "b"], [[1, "x"], [2, "y"]]) == "| a | b |\n|---|---|\n| 1 | x |\n| 2 | y |"


def test_show_table_prints_outside_a_notebook(capsys):
    show_table(["a"], [[1]])
    assert capsys.readouterr().out.strip() == markdown_table(["a"], [[1]])


def test_quiet_library_output_silences_transformers_reports():
    import transformers

    from helpers.notebook import quiet_library_output

    quiet_library_output()
    assert transformers.logging.get_verbosity() == transformers.logging.ERROR


def test_free_port_can_be_bound_and_differs_while_held():
    import socket

    from helpers.notebook import free_port

    port = int(free_port())
    with socket.socket() as held:
        held.bind(("127.0.0.1", port))  # it was free
        assert int(free_port()) != port  # and the next one is another
