"""Tuning tab: a search runs live and its JSON equals ``gasworks tune --json``; pause and
cancel act within a trial and a cancelled study keeps its finished trials; the GP demo runs,
scrubs and exports."""

from __future__ import annotations

import json

import imageio.v3 as iio
import numpy as np
import optuna
import pytest
from click.testing import CliRunner

from app.cli import main
from app.gui.tabs.tuning import Exported, TuningTab
from engines.explorers.gp_demo import GPDemoResult
from engines.explorers.tuning import TuneResult
from tests.app.gui.conftest import wait_idle

TIMEOUT = 120_000


@pytest.fixture
def tab(open_tab):
    return open_tab(TuningTab)


def settings(tab, sampler="random", trials=3, epochs=1, space="units", seed=2):
    tab.form.editors["sampler"].setCurrentText(sampler)
    tab.form.editors["space"].setCurrentText(space)
    tab.form.editors["trials"].setValue(trials)
    tab.form.editors["epochs"].setValue(epochs)
    tab.form.editors["seed"].setValue(seed)


def test_search_runs_live_and_exports_the_commands_json(tab, qtbot, tmp_path):
    settings(tab, sampler="tpe")
    assert "units: integer, uniform in [50, 1000]" in tab.space_label.text()
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
        tab.run_default()
    result = done.args[0]
    assert isinstance(result, TuneResult) and len(result.counted) == 3
    assert tab.search_view.updates >= 2
    curve = tab.search_view.current
    np.testing.assert_allclose(curve.yData, result.history)
    assert tab.search_view.slices[0][1].data.size == 3
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as written:
        assert tab.export("json", tmp_path / "tab.json")
    assert isinstance(written.args[0], Exported)
    args = ["tune", "digits", "--sampler", "tpe", "--space", "units", "--trials", "3",
            "--epochs", "1", "--seed", "2", "--json"]  # fmt: skip
    cli = CliRunner().invoke(main, args)
    assert cli.exit_code == 0, cli.output
    assert json.loads((tmp_path / "tab.json").read_text()) == json.loads(cli.stdout)


def test_cancel_within_a_trial_keeps_the_finished_ones(tab, qtbot, tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    # Two trials long enough that the second is still training when Cancel comes: the
    # label says "1 of 2" for the whole second trial, however busy the machine.
    settings(tab, trials=2, epochs=90)
    tab.storage_edit.setText(url)
    tab.study_edit.setText("s")
    tab.run_default()
    qtbot.waitUntil(lambda: "1 of 2 trials" in tab.stats_label.text(), timeout=TIMEOUT)
    tab.pause_button.click()
    assert tab.runner.paused
    tab.pause_button.click()
    with qtbot.waitSignal(tab.runner.stopped, timeout=TIMEOUT) as stopped:
        tab.cancel_button.click()
    assert stopped.args == ["cancelled"]
    wait_idle(qtbot, tab)
    states = [t.state.name for t in optuna.load_study(study_name="s", storage=url).trials]
    assert states[0] == "COMPLETE" and states[-1] == "PRUNED" and "FAIL" not in states


def test_gp_demo_runs_scrubs_and_exports(tab, qtbot, tmp_path):
    tab.gp_form.editors["acquisition"].setCurrentText("lcb")
    tab.gp_form.editors["steps"].setValue(4)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
        tab.gp_button.click()
    result = done.args[0]
    assert isinstance(result, GPDemoResult) and result.params.acquisition == "lcb"
    assert tab.pages.currentIndex() == 1 and tab.gp_slider.maximum() == len(result.steps) - 1
    assert tab.gp_view.bottom.titleLabel.text.startswith("lower confidence bound")
    np.testing.assert_array_equal(tab.gp_view.points.data["y"], result.last.errors)
    assert tab.gp_timer.isActive()  # the steps play in a loop
    shown = tab.gp_view.steps_shown
    qtbot.waitUntil(lambda: tab.gp_view.steps_shown >= shown + 2, timeout=10_000)
    tab.gp_play.click()
    assert not tab.gp_timer.isActive()
    tab.gp_slider.setValue(2)
    assert tab.gp_view.points.data["y"].size == 3 and tab.gp_label.text() == "step 3/6"
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.export("gp-png", tmp_path / "gp.png")
    assert iio.imread(tmp_path / "gp.png").shape == (560, 800, 3)


def test_nothing_to_export_is_said(tab):
    assert not tab.export("json", "never.json")
    assert tab.status.is_error and "run a search first" in tab.status.text()


def test_categorical_slices_have_one_tick_per_category(tab):
    from app.gui.tabs.tuning import compact_params, slice_parameters
    from engines.explorers.tuning import TrialRecord

    names, categorical = slice_parameters("tree")
    assert categorical == {"layers", "activation"}
    trials = [TrialRecord(k, "COMPLETE", 0.1 * (k + 1), {"layers": 1 + k % 2, "units_1": 100,
                          "activation": a, "batch_size": 64, "step_size": 0.05}, 0.9, 1.0)
              for k, a in enumerate(["relu", "sigmoid", "softplus", "tanh"])]  # fmt: skip
    tab.search_view.start_curve("test", "tpe")
    tab.search_view.show_trials([0.1, 0.1, 0.1, 0.1], trials, names, categorical)
    axes = {name: plot.getAxis("bottom") for name, (plot, _) in
            zip(names, tab.search_view.slices, strict=False)}  # fmt: skip
    assert axes["layers"]._tickLevels == [[(0, "1"), (1, "2")]]  # not 1.0, 1.5, 2.0
    # Four activations: every other name on a second line, so that none overlaps.
    assert axes["activation"]._tickLevels == [
        [(0, "relu"), (1, "\nsigmoid"), (2, "softplus"), (3, "\ntanh")]
    ]
    assert compact_params({"layers": 2, "step_size": 0.072531}) == "layers 2, step_size 0.0725"
