"""Words tab: the page sample counted (the engine's count shown), export, cancel, bad files."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.gui.tabs.words import WordsTab
from engines.presets import load_preset
from engines.words import WordParams, count_words
from tests.app.gui.conftest import wait_idle


@pytest.fixture
def tab(qtbot):
    tab = WordsTab()
    qtbot.addWidget(tab)
    tab.show()
    yield tab
    tab.shutdown()


def small_page(tab):
    """A quicker count: the heading line of the page only."""
    tab.pipeline_form.set_values({"crop": "0:40,0:384"})
    tab.params_form.set_values({"epochs": 6})


def test_count_equals_the_engine_and_exports(tab, qtbot, tmp_path):
    assert tab.source == "sample:page"
    small_page(tab)
    tab.run_button.click()
    wait_idle(qtbot, tab, timeout=30_000)
    preset = tab.current_preset()
    expected = count_words("sample:page", WordParams.model_validate(tab.params_form.values()),
                           pipeline=preset.pipeline, seed=0).words  # fmt: skip
    assert tab.result.words == expected
    assert tab.count_label.text() == f"{expected} words"
    png = tab.export(tmp_path / "page.png")
    with Image.open(png) as image:
        assert image.size == (tab.overlay.shape[1], tab.overlay.shape[0])
    data = json.loads(tab.export(tmp_path / "page.json").read_text())
    assert data["words"] == expected and len(data["boxes"]) == expected


def test_cancel_returns_at_once_and_drops_the_result(tab, qtbot):
    tab.run_default()
    tab.cancel_button.click()
    assert not tab.busy and tab.run_button.isEnabled() and "Cancelled" in tab.status.text()
    assert tab.runner.wait_idle(30)
    qtbot.wait(50)
    assert tab.result is None and tab.count_label.text() == "—"


def test_preset_round_trip(tab, tmp_path):
    tab.params_form.set_values({"node_spacing": 0.7, "epochs": 9})
    path = tab.presets.save_to(tmp_path / "my-words.toml")
    saved = load_preset(path)
    assert saved.engine == "words" and saved.engine_params.epochs == 9
    assert saved.pipeline.crop == "0:142,0:384"
    tab.presets.select("words")
    assert tab.params_form.values()["epochs"] != 9
    tab.presets.select(str(path))
    assert tab.params_form.values()["node_spacing"] == pytest.approx(0.7)


def test_a_bad_page_dropped_shows_its_name(tab, qtbot, tmp_path):
    bad = tmp_path / "scan-042.tif"
    bad.write_bytes(b"II*\x00 not really a tiff")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    tab.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                             Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))  # fmt: skip
    wait_idle(qtbot, tab)
    assert tab.status.is_error and "scan-042.tif" in tab.status.text()
    tab.set_source("sample:page")
    small_page(tab)
    tab.run_default()
    wait_idle(qtbot, tab, timeout=30_000)
    assert tab.result is not None and not tab.status.is_error
