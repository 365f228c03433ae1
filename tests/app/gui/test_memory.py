"""Memory tab: store, break and recover a password; the digits' async recall; the Monte Carlo;
its results equal the command line's."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from app.cli import main
from app.gui.tabs.memory import MASK, MemoryTab
from engines.hopfield import CASE_NAMES, digits
from engines.validation import SEED_MAX
from tests.app.gui.conftest import wait_idle

#: Generous: a cold cache under load may compile first; the signal ends the wait at once.
TIMEOUT = 120_000

SECRET = "Tr0ub4dor&3xyz"


@pytest.fixture
def tab(open_tab):
    return open_tab(MemoryTab)


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
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
        tab.recover()
    recall = done.args[0]
    assert recall.mode == "async" and recall.text == tab.recovered is not None
    assert tab.last_recall is not None and tab.last_recall.shape == (30, 8)
    assert tab.energy_curve.xData.size == tab.last_recall.energies.size == recall.iterations + 1
    assert SECRET not in tab.status.text()


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


def test_digits_recall_is_the_commands_and_exports(tab, qtbot, tmp_path):
    """Seed 1, 400 updates: the same async recall as ``gasworks hopfield demo`` (run 1)."""
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.digits_button.click()
    recall = tab.digits_result
    assert recall.weight.shape == (30, 30) and recall.shape == digits.SHAPE
    demo = json.loads(CliRunner().invoke(main, ["hopfield", "demo", "--json"]).stdout)
    first = demo["async"][0]
    assert recall.state.tolist() == first["state"] and recall.iterations == first["updates"]
    assert recall.energy_trace.tolist() == first["energy_trace"]
    assert "ended on 1 after 86 updates" in tab.status.text()
    assert tab.hinton_view.picture.pixmap() is not None
    with Image.open(tab.export("digits", tmp_path / "digits.png")) as image:
        assert image.format == "PNG" and image.width > 600


def test_choices_and_limits_come_from_the_params_types(tab):
    from engines.hopfield import HopfieldParams, MonteCarloParams, PasswordParams
    from engines.options import bounds, choices

    combos = {tab.mode_combo: (HopfieldParams, "mode"), tab.cut_combo: (MonteCarloParams, "cut"),
              tab.recall_combo: (MonteCarloParams, "recall")}  # fmt: skip
    for combo, (model, field) in combos.items():
        items = tuple(combo.itemText(i) for i in range(combo.count()))
        assert items == choices(model, field)
    spins = {tab.noise_spin: (PasswordParams, "noise_level"),
             tab.async_spin: (HopfieldParams, "n_times"),
             tab.trials_spin: (MonteCarloParams, "trials")}  # fmt: skip
    for spin, (model, field) in spins.items():
        assert (spin.minimum(), spin.maximum()) == bounds(model, field)


def test_seed_boxes_reach_the_largest_seed(tab, qtbot):
    for box in (tab.digit_seed_spin, tab.mc_seed_spin):
        box.setValue(SEED_MAX)
        assert box.value() == SEED_MAX
    tab.trials_spin.setValue(50)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
        tab.mc_button.click()
    assert done.args[0].seed == SEED_MAX and done.args[0].trials == 50


def test_montecarlo_json_export_equals_the_command_line(tab, qtbot, tmp_path):
    """3,000 trials, seed 5: the tab used to re-seed every batch of 1,000 and count
    exclude-one 2, exclude-quarter 262 where the command line counts 9 and 236."""
    tab.trials_spin.setValue(3000)
    tab.mc_seed_spin.setValue(5)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.mc_button.click()
    result = tab.mc_result
    assert result.trials == 3000 and set(result.fails) == set(CASE_NAMES)
    heights = tab.mc_bars.opts["height"]
    assert np.allclose(heights, [result.fails[c] / 3000 for c in CASE_NAMES])
    assert f"{result.fails['exclude-half']:,}" in tab.mc_label.text()
    with Image.open(tab.export("montecarlo", tmp_path / "mc.png")) as image:
        assert image.format == "PNG"
    exported = json.loads(tab.export("json", tmp_path / "mc.json").read_text())
    command = ["hopfield", "montecarlo", "--trials", "3000", "--seed", "5", "--json"]
    printed = json.loads(CliRunner().invoke(main, command).stdout)
    assert exported.pop("seconds") >= 0 and printed.pop("seconds") >= 0
    assert exported == printed
    assert (exported["fails"]["exclude-one"], exported["fails"]["exclude-quarter"]) == (9, 236)


def test_montecarlo_shows_live_bars_and_cancels(tab, qtbot):
    tab.trials_spin.setValue(10_000_000)
    tab.start_montecarlo()
    qtbot.waitUntil(lambda: tab.mc_label.text().split(" ")[0] not in ("", "bars:"),
                    timeout=TIMEOUT)  # fmt: skip
    assert tab.mc_bars.opts["height"].max() > 0
    with qtbot.waitSignal(tab.runner.stopped, timeout=TIMEOUT) as stopped:
        tab.cancel_button.click()
    assert stopped.args == ["cancelled"] and "Cancelled" in tab.status.text()
    assert tab.runner.wait_idle(TIMEOUT / 1000) and tab.mc_button.isEnabled()
    assert tab.mc_result is None


def test_the_demo_runs_the_digits_then_the_monte_carlo(tab, qtbot):
    tab.trials_spin.setValue(400)
    tab.mc_seed_spin.setValue(7)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.run_button.click()
    assert tab.digits_result.recalled() == "1"
    assert tab.mc_result.trials == 400 and tab.mc_result.seed == 7
