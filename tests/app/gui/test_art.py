"""Art tab: sample → pipeline previews → GNG/SOFM live → export; cancel; presets; bad files."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.gui.tabs.art import ArtTab
from engines.presets import load_preset
from tests.app.gui.conftest import wait_idle


@pytest.fixture
def tab(open_tab, qtbot):
    tab = open_tab(ArtTab)
    tab.resize(1200, 800)
    qtbot.waitUntil(tab.settle, timeout=10_000)
    return tab


def small_gng(tab, epochs=3, max_nodes=150):
    tab.engine_forms["gng"].set_values({"max_nodes": max_nodes, "n_iter_before_neuron_added": 50})
    tab.epochs_spin.setValue(epochs)


def test_sample_previews_follow_the_sliders(tab, qtbot):
    assert tab.source == "sample:astronaut"
    first = tab.pipeline_result
    assert set(tab.preview_views) == {"grey", "blurred", "binary", "points"}
    assert all(v.array is not None for v in tab.preview_views.values())
    tab.pipeline_form.editors["offset"].setValue(-0.1)  # a lower threshold: fewer points
    qtbot.waitUntil(lambda: tab.pipeline_result is not first and tab.settle(), timeout=10_000)
    assert tab.pipeline_result.params.offset == pytest.approx(-0.1)
    assert tab.pipeline_result.points.shape[0] < first.points.shape[0]


def test_points_preview_shows_the_points_not_the_binary_image(tab, qtbot):
    """The fourth preview draws the pipeline's points as dots (one per point, apart from
    their neighbours); with max_points it shows the subset the network will learn from."""
    import numpy as np

    from engines.pipeline.points import points_to_pixels
    from engines.pipeline.run import points_zoom

    first = tab.pipeline_result
    tab.pipeline_form.set_values({"max_points": 2000})
    qtbot.waitUntil(lambda: tab.pipeline_result is not first and tab.settle(), timeout=10_000)
    result = tab.pipeline_result
    assert result.points.shape[0] == 2000
    points = tab.preview_views["points"].array
    binary = tab.preview_views["binary"].array
    zoom = points_zoom(result.image_size)
    assert zoom > 1 and points.shape == (binary.shape[0] * zoom, binary.shape[1] * zoom)
    rows, cols = points_to_pixels(result.points, result.params.scale)
    expected = np.zeros(result.image_size, dtype=bool)
    expected[np.rint(rows).astype(int), np.rint(cols).astype(int)] = True
    np.testing.assert_array_equal(points[::zoom, ::zoom] < 255, expected)
    assert (binary == 0).sum() > 5 * 2000  # the binary image: every ink pixel


def test_gng_runs_to_the_end_and_exports(tab, qtbot, tmp_path):
    small_gng(tab)
    tab.run_button.click()
    wait_idle(qtbot, tab)
    result = tab.result
    assert result is not None and tab.run_preset.engine == "gng"
    assert result.snapshot.n_nodes == 150 and result.epochs == 3
    assert f"{result.snapshot.n_nodes:,} nodes" in tab.status.text()
    assert tab.view.edges.xData.size == 2 * result.snapshot.n_edges

    png = tab.export(tmp_path / "face.png")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width == tab.style_form.values()["width"]
    svg = tab.export(tmp_path / "face.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and svg.count("<path") >= 1
    tab.plotter_check.setChecked(True)
    plotter = tab.export(tmp_path / "face-plotter.svg").read_text()
    assert 'width="210mm"' in plotter and 'height="297mm"' in plotter


def test_sofm_on_text(tab, qtbot, tmp_path):
    tab.text_edit.setText("Hi")
    tab.text_button.click()
    assert tab.source == "text:Hi"
    tab.engine_combo.setCurrentIndex(1)
    tab.engine_forms["som"].set_values({"features_grid": (6, 6)})
    tab.epochs_spin.setValue(4)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.run_preset.engine == "som" and tab.result.snapshot.iteration == 4
    assert tab.export(tmp_path / "hi.svg").is_file()


def test_cancel_takes_effect_at_once(tab, qtbot):
    small_gng(tab, epochs=5000, max_nodes=2400)
    tab.run_default()
    qtbot.waitUntil(lambda: tab.last_frame is not None, timeout=10_000)
    tab.cancel_button.click()
    assert not tab.busy and tab.run_button.isEnabled()
    assert tab.runner.wait_idle(10)
    assert "Cancelled" in tab.status.text()
    assert tab.result is None and tab.export_ready()


def test_preset_round_trip(tab, qtbot, tmp_path):
    tab.pipeline_form.editors["blur"].setValue(1.3)
    tab.engine_forms["gng"].editors["max_nodes"].setValue(321)
    tab.seed_spin.setValue(7)
    path = tab.presets.save_to(tmp_path / "mine.toml")
    assert path.is_file()
    saved = load_preset(path)
    assert saved.pipeline.blur == pytest.approx(1.3)
    assert saved.engine_params.max_nodes == 321 and saved.seed == 7
    assert saved.input == "sample:astronaut"

    tab.presets.select("horse")
    assert tab.engine_forms["gng"].values()["max_nodes"] != 321
    assert tab.presets.select(str(path))
    assert tab.pipeline_form.values()["blur"] == pytest.approx(1.3)
    assert tab.engine_forms["gng"].values()["max_nodes"] == 321
    tab.pipeline_form.editors["blur"].setValue(4.0)
    tab.presets.reset_button.click()
    assert tab.pipeline_form.values()["blur"] == pytest.approx(1.3)


def test_bad_file_dropped_shows_an_error_and_the_tab_stays_usable(tab, qtbot, tmp_path):
    bad = tmp_path / "holiday-photo.png"
    bad.write_bytes(b"this is not a PNG file at all")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    tab.dropEvent(event)
    qtbot.waitUntil(lambda: tab.status.is_error, timeout=10_000)
    assert "holiday-photo.png" in tab.status.text()

    tab.set_source("sample:horse")
    qtbot.waitUntil(lambda: tab.settle() and not tab.status.is_error, timeout=10_000)
    small_gng(tab, epochs=2, max_nodes=60)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.result is not None and not tab.status.is_error


def test_running_a_bad_file_reports_it(tab, qtbot, tmp_path):
    missing = tmp_path / "gone.jpg"
    tab.set_source(str(missing))
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.status.is_error and "gone.jpg" in tab.status.text()
    assert tab.run_button.isEnabled()


SMALL_ART = """
engine = "gng"
seed = 0
epochs = 3
input = "sample:horse"
[pipeline]
max_side = 200
scale = 0.01
[engine_params]
max_nodes = 120
n_iter_before_neuron_added = 40
[style]
width = 300
"""


def run_cli(*args: str):
    from click.testing import CliRunner

    from app.cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


STYLED = '[style]\ncolor_by = "angle"\ncolors = 3\nwidth_by = "degree"\nprune_spurs = 2'


@pytest.mark.parametrize("extra", ["", '[style]\nstroke = "continuous"', "som", STYLED])
def test_the_studio_draws_what_the_command_line_draws(tab, qtbot, tmp_path, extra):
    """Same preset and seed: the Art tab's SVG and PNG are the bytes gasworks render writes."""
    text = SMALL_ART
    if extra == "som":
        text = text.replace('engine = "gng"', 'engine = "som"').split("[engine_params]")[0]
        text += "[engine_params]\nfeatures_grid = [8, 8]\nweight_init = 'sample_from_data'\n"
    elif extra:
        text = text.replace("[style]\n", extra + "\n")
    preset_file = tmp_path / "small.toml"
    preset_file.write_text(text)
    out = tmp_path / "cli"
    run_cli("render", "sample:horse", "-p", str(preset_file), "--seed", "5", "-o", str(out))

    assert tab.presets.open_file(preset_file)
    tab.seed_spin.setValue(5)
    qtbot.waitUntil(tab.settle, timeout=20_000)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.result is not None, tab.status.text()
    for fmt in ("svg", "png"):
        studio = tab.export(tmp_path / f"studio.{fmt}")
        assert studio.read_bytes() == (out / f"horse.small.{fmt}").read_bytes(), fmt


def test_single_line_preset_keeps_its_stroke(tab, qtbot):
    """Applying the single-line preset and reading it back keeps style.stroke."""
    assert tab.presets.select("single-line")
    assert tab.current_preset().style.stroke == "continuous"
    assert tab.current_preset().style == load_preset("single-line").style


def test_style_changes_redraw_the_view_without_training(tab, qtbot, tmp_path):
    small_gng(tab)
    tab.run_button.click()
    wait_idle(qtbot, tab)
    result, runs = tab.result, tab.runner.generation
    assert not any(item.isVisible() for item in tab.view._styled)
    tab.style_form.set_values({"color_by": "angle", "colors": 3, "width_by": "age"})
    qtbot.waitUntil(lambda: tab._restyled is not None and tab.settle(), timeout=10_000)
    assert tab.runner.generation == runs and tab.result is result  # nothing trained again
    shown = [item for item in tab.view._styled if item.isVisible()]
    assert len({item.opts["pen"].color().name() for item in shown}) == 3
    assert sum(item.xData.size for item in shown) == 2 * result.snapshot.n_edges
    # The export is the redrawn drawing: three colour layers.
    svg = tab.export(tmp_path / "styled.svg").read_text()
    assert svg.count('inkscape:groupmode="layer"') == 3


def test_replay_scrubber_shows_the_recorded_frames(tab, qtbot):
    small_gng(tab)
    tab.frames_spin.setValue(10)
    tab.run_button.click()
    wait_idle(qtbot, tab)
    final_edges = tab.result.snapshot.n_edges
    assert tab.replay_slider.isEnabled() and tab.replay_slider.maximum() == 9
    assert tab.replay_slider.value() == 9 and tab.replay_label.text() == "frame 10/10"
    tab.replay_slider.setValue(0)
    qtbot.waitUntil(tab.settle, timeout=10_000)
    first = tab.view.edges.xData.size // 2
    assert 0 < first < final_edges  # the network was still small
    tab.replay_slider.setValue(9)  # back to the finished drawing
    assert tab.view.edges.xData.size == 2 * final_edges


def test_the_studio_animation_is_the_command_lines(tab, qtbot, tmp_path):
    preset_file = tmp_path / "small.toml"
    preset_file.write_text(SMALL_ART)
    cli_gif = tmp_path / "cli.gif"
    run_cli("render", "sample:horse", "-p", str(preset_file), "--seed", "5",
            "-o", str(tmp_path / "cli"), "--animate", str(cli_gif), "--frames", "12",
            "--fps", "10")  # fmt: skip

    assert tab.presets.open_file(preset_file)
    tab.seed_spin.setValue(5)
    tab.frames_spin.setValue(12)
    tab.fps_spin.setValue(10)
    qtbot.waitUntil(tab.settle, timeout=20_000)
    tab.run_default()
    wait_idle(qtbot, tab)
    studio_gif = tmp_path / "studio.gif"
    assert tab.export_animation(studio_gif)
    qtbot.waitUntil(lambda: not tab.animator.running, timeout=60_000)
    assert studio_gif.read_bytes() == cli_gif.read_bytes()


def test_live_art_runs_again_on_a_change_and_drops_superseded_runs(tab, qtbot):
    small_gng(tab)
    tab.run_button.click()
    wait_idle(qtbot, tab)
    first = tab.result
    assert tab.live_check.isChecked() and tab.live_signals(tab.current_preset()) <= 600_000
    started = tab.runner.generation
    # Three quick changes: each starts a run superseding the last; one result arrives.
    results = []
    tab.runner.result.connect(results.append)
    for value in (40, 45, 50):
        tab.engine_forms["gng"].set_values({"max_edge_age": value})
    qtbot.waitUntil(lambda: tab.result is not None and not tab.busy, timeout=20_000)
    assert tab.runner.generation == started + 3
    assert len(results) == 1 and tab.result is not first
    assert tab.run_preset.engine_params.max_edge_age == 50
    assert tab.live_latency is not None and tab.live_latency > 0


def test_live_art_waits_for_a_first_run_and_can_be_turned_off(tab, qtbot):
    generation = tab.runner.generation
    tab.engine_forms["gng"].set_values({"max_edge_age": 40})
    assert tab.runner.generation == generation  # no run yet: nothing starts by itself
    small_gng(tab)
    tab.run_button.click()
    wait_idle(qtbot, tab)
    tab.live_check.setChecked(False)
    generation = tab.runner.generation
    tab.engine_forms["gng"].set_values({"max_edge_age": 45})
    assert tab.runner.generation == generation
