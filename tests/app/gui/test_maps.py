"""Maps tab: sample data → live map → U-matrix, markers, grid, digits → export; bad files;
the same figures and files as ``gasworks map``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from app.cli import main
from app.gui.tabs.maps import LiveMap, MapsTab
from engines.presets import load_preset
from engines.validation import SEED_MAX
from tests.app.gui.conftest import wait_idle


@pytest.fixture
def tab(open_tab):
    return open_tab(MapsTab)


def test_iris_umatrix_with_class_markers(tab, qtbot, tmp_path):
    tab.presets.select("map-iris")
    tab.map_form.set_values({"view": "umatrix", "columns": None})
    tab.sofm_form.set_values({"features_grid": (5, 5), "learning_radius": 1})
    tab.epochs_spin.setValue(20)
    tab.run_button.click()
    wait_idle(qtbot, tab)
    result = tab.result
    assert tab.view_name == "umatrix" and result.snapshot.iteration == 20
    assert len(tab.view.cells.data) == 25 and len(tab.view.markers.data) >= 3
    assert "setosa" in tab.legend.text()
    assert f"{result.quantization_error:.4g}" in tab.status.text()
    png = tab.export(tmp_path / "iris.png")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 400
    assert "<svg" in tab.export(tmp_path / "iris.svg").read_text()


def test_moons_grid_live_and_expanded(tab, qtbot, tmp_path):
    tab.presets.select("map-moons")
    tab.epochs_spin.setValue(5)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.view_name == "grid"
    live = LiveMap()  # the frames of a grid view carry the data, no heat map
    live.loaded(tab.result.data, "grid")
    frame = live(tab.result.snapshot)
    assert frame.values is None and frame.data is tab.result.data and frame.view == "grid"
    assert len(tab.view.data_dots.data) == tab.result.data.features.shape[0]
    assert tab.export(tmp_path / "moons.svg").is_file()


def test_digits_mosaic_and_cancel(tab, qtbot, tmp_path):
    tab.presets.select("map-digits")
    tab.sofm_form.set_values({"features_grid": (6, 6)})
    tab.epochs_spin.setValue(2)
    tab.run_default()
    wait_idle(qtbot, tab, timeout=30_000)
    assert tab.view_name == "digits" and tab.view.mosaic.image is not None
    with Image.open(tab.export(tmp_path / "digits.png")) as image:
        assert image.format == "PNG"
    tab.epochs_spin.setValue(100_000)
    tab.run_default()
    qtbot.waitUntil(lambda: tab.last_frame is not None, timeout=20_000)
    frame = tab.last_frame  # the live U-matrix while the digits' map trains
    assert frame.view == "digits" and frame.values.shape == (6, 6)
    assert frame.data.features.shape == (1797, 64) and 0 < frame.snapshot.iteration < 100_000
    tab.cancel()
    assert tab.runner.wait_idle(1.0) and "Cancelled" in tab.status.text()


def test_csv_file_preset_round_trip_and_bad_file(tab, qtbot, tmp_path):
    good = tmp_path / "blobs.csv"
    rng = np.random.default_rng(0)
    rows = np.vstack([rng.normal(0, 0.1, (40, 3)), rng.normal(1, 0.1, (40, 3))])
    good.write_text("a,b,c,label\n" + "\n".join(
        f"{a:.3f},{b:.3f},{c:.3f},{'low' if i < 40 else 'high'}" for i, (a, b, c) in enumerate(rows)
    ))  # fmt: skip
    tab.open_file(good)
    tab.map_form.set_values({"label_column": -1})
    tab.sofm_form.set_values({"features_grid": (4, 4)})
    tab.epochs_spin.setValue(10)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert sorted(tab.result.data.label_names) == ["high", "low"]

    path = tab.presets.save_to(tmp_path / "blobs-map.toml")
    saved = load_preset(path)
    assert saved.input == str(good) and saved.engine_params.map.label_column == -1
    assert saved.engine_params.features_grid == (4, 4)

    bad = tmp_path / "broken-table.csv"
    bad.write_text("a,b\n1,2\n3,oops\n")
    tab.open_file(bad)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.status.is_error and "broken-table.csv" in tab.status.text()
    tab.presets.select(str(path))
    tab.run_default()
    wait_idle(qtbot, tab)
    assert not tab.status.is_error and tab.result.params.features_grid == (4, 4)


@pytest.mark.parametrize(
    ("preset", "form", "args"),
    [
        ("map-breast-cancer", {"features_grid": (6, 6)},
         ["--set", "engine_params.features_grid=[6, 6]"]),
        ("map-breast-cancer", {"features_grid": (6, 6)},
         ["--set", "engine_params.features_grid=[6, 6]", "--expanded"]),
        ("map-moons", {}, []),
        ("map-iris", {}, []),
    ],
)  # fmt: skip
def test_the_studio_writes_what_the_command_line_writes(tab, qtbot, tmp_path, preset, form, args):
    """Same preset and seed: the tab's figures are gasworks map's JSON, its PNG and SVG the
    bytes the command writes."""
    source = load_preset(preset).input
    common = [source, "-p", preset, "--epochs", "4", "--seed", "3", *args]
    figures = None
    for fmt in ("svg", "png"):
        out = tmp_path / f"cli.{fmt}"
        cli = CliRunner().invoke(main, ["map", *common, "-o", str(out), "--json"],
                                 catch_exceptions=False)  # fmt: skip
        assert cli.exit_code == 0, cli.output
        figures = json.loads(cli.stdout)

    tab.presets.select(preset)
    tab.sofm_form.set_values(form)
    if "--expanded" in args:
        tab.map_form.set_values({"view": "expanded"})
    tab.epochs_spin.setValue(4)
    tab.seed_spin.setValue(3)
    with qtbot.waitSignal(tab.runner.result, timeout=60_000):
        tab.run_default()
    studio = tab.result.figures()
    for key in ("seconds", "input", "output"):
        studio.pop(key, None), figures.pop(key)
    assert studio == figures
    for fmt in ("svg", "png"):
        written = tab.export(tmp_path / f"studio.{fmt}")
        assert written.read_bytes() == (tmp_path / f"cli.{fmt}").read_bytes(), fmt


def test_seed_box_reaches_the_seed_range(tab):
    tab.seed_spin.setValue(SEED_MAX)
    assert tab.current_preset().seed == SEED_MAX
