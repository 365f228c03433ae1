"""Eco tab: the measurement runs live (curves per method, the confidence over the plane),
its JSON equals ``gasworks eco --json`` for the same settings and seed, bad settings and
ReLU are shown in the window, cancel stops the job."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from app.cli import main
from app.gui.tabs.eco import EcoTab, Exported
from engines.trainers.eco.recipe import EcoResult
from tests.app.gui.conftest import wait_idle

TIMEOUT = 120_000


@pytest.fixture
def tab(open_tab):
    return open_tab(EcoTab)


def settings(tab, dataset="moons", epochs=3, seeds=2, hidden="4", seed=5, **fields):
    tab.dataset_combo.setCurrentText(dataset)
    tab.form.editors["epochs"].setValue(epochs)
    tab.form.editors["seeds"].setValue(seeds)
    tab.form.editors["hidden"].setText(hidden)
    tab.seed_spin.setValue(seed)
    for name, value in fields.items():
        editor = tab.form.editors[name]
        if hasattr(editor, "setCurrentText"):
            editor.setCurrentText(value)
        else:
            editor.setValue(value)


def test_runs_live_and_exports_the_commands_json(tab, qtbot, tmp_path):
    settings(tab, objective="seed", lam=0.05)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
        tab.run_default()
    result = done.args[0].result
    assert isinstance(result, EcoResult) and len(result.runs) == 8 and tab.result is result
    assert tab.view.frames >= 4
    # each method's curves are those of its last run; the plane shows ECO's last network
    for method in result.methods():
        last = result.runs_of(method)[-1].snapshot
        curve = tab.view.curves[method]["auroc"]
        np.testing.assert_allclose(curve.yData, last.auroc_history)
    image = tab.view.image.image
    assert image is not None and image.shape == (80, 80)
    assert 0.5 <= image.min() < image.max() <= 1.0
    assert "eco, seed 6" in tab.view.plane.titleLabel.text
    assert "outlier_exposure" in tab.table_label.text()
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as written:
        assert tab.export("json", tmp_path / "tab.json")
    assert isinstance(written.args[0], Exported)
    args = ["eco", "moons", "--epochs", "3", "--seeds", "2", "--hidden", "4", "--seed", "5",
            "--objective", "seed", "--lambda", "0.05", "--json"]  # fmt: skip
    cli = CliRunner().invoke(main, args)
    assert cli.exit_code == 0, cli.output
    assert json.loads((tmp_path / "tab.json").read_text()) == json.loads(cli.stdout)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        assert tab.export("png", tmp_path / "tab.png")
    assert (tmp_path / "tab.png").read_bytes()[:4] == b"\x89PNG"


def test_relu_and_bad_values_are_shown_in_the_window(tab, qtbot):
    settings(tab, activation="relu")
    with qtbot.waitSignal(tab.runner.stopped, timeout=TIMEOUT) as stopped:
        tab.run_default()
    assert stopped.args == ["failed"]
    assert "zero almost everywhere" in tab.status.text()
    wait_idle(qtbot, tab)
    tab.form.editors["hidden"].setText("0")
    tab.run_default()
    assert "hidden" in tab.status.text() and not tab.busy
    assert not tab.export("json", "unused.json")


def test_cancel_stops_the_job(tab, qtbot):
    settings(tab, epochs=400, seeds=3)
    tab.run_default()
    qtbot.waitUntil(lambda: tab.view.frames >= 1, timeout=TIMEOUT)
    with qtbot.waitSignal(tab.runner.stopped, timeout=TIMEOUT) as stopped:
        tab.cancel_button.click()
    assert stopped.args == ["cancelled"]
    wait_idle(qtbot, tab)
    assert tab.result is None and not tab.export_buttons["json"].isEnabled()


def test_lambda_has_a_proper_label_and_tooltip(tab):
    editor = tab.form.editors["lam"]
    label = tab.form.layout().labelForField(editor.parentWidget())
    assert label.text() == "λ (curvature weight)"
    assert "E − λ·C" in editor.toolTip() and "--lambda" in editor.toolTip()
    assert tab.params().lam == editor.value()  # the field keeps its name
    assert "oe_reach" in tab.form.editors and tab.form.editors["oe_reach"].toolTip()


def test_staged_build_makes_the_plots_in_later_turns(open_tab, qtbot):
    """Built in parts (as the window does at start-up): the controls first, then the curves,
    then the plane; the plots have no context menus; the finished tab runs."""
    tab = open_tab(EcoTab, staged=True)
    assert not hasattr(tab, "form")
    assert tab.build_step() and tab.form.editors and not hasattr(tab, "view")
    assert tab.build_step() and tab.view.plane is None
    assert tab.view.loss_plot.vb.menu is None and tab.view.auroc_plot.vb.menu is None
    assert not tab.build_step()
    assert tab.view.plane is not None and tab.view.plane.vb.menu is None
    settings(tab, epochs=2, seeds=1)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.run_default()
    assert tab.view.image.image.shape == (80, 80)
