"""Memory tab: store, break and recover a password; the digits' async recall; the Monte Carlo."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from app.gui.tabs.memory import MASK, MemoryTab
from engines.hopfield import CASE_NAMES
from tests.app.gui.conftest import wait_idle

SECRET = "Tr0ub4dor&3xyz"


@pytest.fixture
def tab(qtbot):
    tab = MemoryTab()
    qtbot.addWidget(tab)
    tab.show()
    yield tab
    tab.shutdown()


def test_store_break_recover(tab, qtbot):
    tab.password_edit.setText(SECRET)
    tab.store_button.click()
    wait_idle(qtbot, tab)
    assert tab.network is not None and tab.network.n_features == 240
    assert tab.hinton_view.picture.pixmap() is not None
    assert SECRET not in tab.status.text()
    tab.keep_spin.setValue(10)
    tab.break_button.click()
    assert tab.broken_label.text() == MASK * 10 + "·" * 4
    tab.mode_combo.setCurrentText("sync")
    tab.recover_button.click()
    wait_idle(qtbot, tab)
    assert tab.recovered == SECRET and "✓" in tab.verdict_label.text()
    assert tab.recovered_label.text() == MASK * len(SECRET)
    tab.show_check.setChecked(True)
    assert tab.recovered_label.text() == SECRET

    tab.mode_combo.setCurrentText("async")
    tab.async_spin.setValue(4000)
    tab.recover()
    wait_idle(qtbot, tab)
    assert tab.last_recall is not None and tab.last_recall.shape == (30, 8)
    assert tab.energy_curve.xData.size == tab.last_recall.energies.size > 1
    assert tab.recovered is not None


def test_bad_passwords_are_reported_without_the_password(tab, qtbot):
    tab.store_button.click()
    assert tab.status.is_error and "Type a password" in tab.status.text()
    tab.password_edit.setText(" leading-space")
    tab.store()
    wait_idle(qtbot, tab)
    assert tab.status.is_error and "whitespace" in tab.status.text()
    assert "leading-space" not in tab.status.text()
    tab.password_edit.setText("ok-password")
    tab.store()
    wait_idle(qtbot, tab)
    assert not tab.status.is_error and tab.network is not None


def test_digits_recall_and_export(tab, qtbot, tmp_path):
    tab.digits_button.click()
    wait_idle(qtbot, tab)
    weight, last = tab.digits_result
    assert weight.shape == (30, 30) and last.shape == (6, 5)
    assert "ended on" in tab.status.text()
    with Image.open(tab.export("digits", tmp_path / "digits.png")) as image:
        assert image.format == "PNG" and image.width > 600


def test_montecarlo_counts_cancel_and_export(tab, qtbot, tmp_path):
    tab.trials_spin.setValue(3000)
    tab.mc_button.click()
    wait_idle(qtbot, tab)
    result = tab.mc_result
    assert result.trials == 3000 and set(result.fails) == set(CASE_NAMES)
    heights = tab.mc_bars.opts["height"]
    assert np.allclose(heights, [result.fails[c] / 3000 for c in CASE_NAMES])
    assert f"{result.fails['exclude-half']:,}" in tab.mc_label.text()
    with Image.open(tab.export("montecarlo", tmp_path / "mc.png")) as image:
        assert image.format == "PNG"
    data = json.loads(tab.export("json", tmp_path / "mc.json").read_text())
    assert data["trials"] == 3000 and data["fails"] == result.fails

    tab.trials_spin.setValue(10_000_000)
    tab.run_montecarlo()
    qtbot.waitUntil(lambda: tab.mc_label.text().split(" ")[0] not in ("", "bars:"), timeout=10_000)
    tab.cancel_button.click()
    assert tab.runner.wait_idle(1.0) and "Cancelled" in tab.status.text()
    assert tab.mc_button.isEnabled()
