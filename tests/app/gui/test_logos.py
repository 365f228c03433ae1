"""Logos tab: text → live SOFM logo → export; cancel; preset round trip; a bad font; the
same files as ``gasworks logo``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PIL import Image

from app.cli import main
from app.gui.tabs.logos import LogosTab
from engines.options import bounds
from engines.presets import Preset, TextParams, load_preset
from engines.validation import SEED_MAX
from tests.app.gui.conftest import wait_idle


@pytest.fixture
def tab(open_tab):
    return open_tab(LogosTab)


def small(tab, epochs=3):
    tab.sofm_form.set_values({"features_grid": (2, 120)})
    tab.epochs_spin.setValue(epochs)


def test_logo_trains_and_exports(tab, qtbot, tmp_path):
    assert tab.text_edit.text() == "Gasworks"  # the README's logo, on the logo preset
    tab.text_edit.setText("Gas")
    small(tab)
    tab.run_button.click()
    wait_idle(qtbot, tab)
    snap = tab.result.snapshot
    assert snap.iteration == 3 and snap.weights.shape == (2, 120, 2)
    assert len(snap.error_history) == 3 and tab.last_frame is snap
    assert "'Gas'" in tab.status.text()
    png = tab.export(tmp_path / "gas.png")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width == 1400
    assert "<svg" in tab.export(tmp_path / "gas.svg").read_text()


def test_cancel_and_preset_round_trip(tab, qtbot, tmp_path):
    tab.epochs_spin.setValue(5000)
    tab.run_default()
    qtbot.waitUntil(lambda: tab.last_frame is not None, timeout=20_000)
    assert 0 < tab.last_frame.iteration < 5000 and tab.last_frame.budget == 5000
    tab.cancel()
    assert tab.runner.wait_idle(30.0)
    assert tab.last_frame.iteration < 5000  # stopped, not run to its end
    assert "Cancelled" in tab.status.text()

    tab.text_edit.setText("Studio")
    tab.epochs_spin.setValue(12)
    path = tab.presets.save_to(tmp_path / "studio-logo.toml")
    assert load_preset(path).text.text == "Studio" and load_preset(path).epochs == 12
    tab.presets.select("logo")
    assert tab.text_edit.text() == "NeuPy"
    tab.presets.select(str(path))
    assert tab.text_edit.text() == "Studio" and tab.epochs_spin.value() == 12


def test_a_bad_font_file_is_reported(tab, qtbot, tmp_path):
    font = tmp_path / "broken-font.ttf"
    font.write_bytes(b"not a font")
    tab.font_combo.addItem(font.stem, str(font))
    tab.font_combo.setCurrentIndex(tab.font_combo.count() - 1)
    small(tab)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.status.is_error and "broken-font.ttf" in tab.status.text()
    tab.font_combo.setCurrentIndex(0)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.result is not None and not tab.status.is_error


def test_the_studio_writes_what_the_command_line_writes(tab, qtbot, tmp_path):
    """Same preset, text and seed: the tab's SVG and PNG are the bytes gasworks logo writes."""
    cli = CliRunner().invoke(main, [
        "logo", "Gas", "-p", "logo", "--set", "engine_params.features_grid=[2, 120]",
        "--epochs", "3", "--seed", "7", "-o", str(tmp_path / "cli.svg"), "--json",
    ], catch_exceptions=False)  # fmt: skip
    assert cli.exit_code == 0, cli.output
    CliRunner().invoke(main, [
        "logo", "Gas", "-p", "logo", "--set", "engine_params.features_grid=[2, 120]",
        "--epochs", "3", "--seed", "7", "-o", str(tmp_path / "cli.png"),
    ], catch_exceptions=False)  # fmt: skip

    tab.text_edit.setText("Gas")
    small(tab)
    tab.seed_spin.setValue(7)
    with qtbot.waitSignal(tab.runner.result, timeout=60_000):
        tab.run_default()
    assert tab.result.seed == 7
    for fmt in ("svg", "png"):
        studio = tab.export(tmp_path / f"studio.{fmt}")
        assert studio.read_bytes() == (tmp_path / f"cli.{fmt}").read_bytes(), fmt
    figures = json.loads(cli.stdout)
    assert {k: figures[k] for k in ("points", "units", "epochs", "error")} == {
        k: v for k, v in tab.result.figures().items() if k != "seconds"
    }


def test_seed_box_reaches_the_seed_range(tab):
    tab.seed_spin.setValue(SEED_MAX)
    assert tab.current_preset().seed == SEED_MAX
    assert tab.epochs_spin.maximum() == bounds(Preset, "epochs")[1]
    assert tab.size_spin.maximum() == bounds(TextParams, "size")[1]
