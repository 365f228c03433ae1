"""Reflection tab: a run draws live and ends with the job's figures; its exported JSON equals
``gasworks reflect --json`` for the same settings and seed (and its PNG the job's own);
cancel stops it; a bad setting is shown in the window."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from app.cli import main
from app.gui.tabs.reflection import Exported, ReflectionTab, ViewFrame, colour_of
from engines.trainers.reflection import ReflectionResult
from tests.app.gui.conftest import wait_idle

TIMEOUT = 120_000
#: Small settings, as the tab's forms take them and as ``--set`` gives them.
SMALL = {"samples": 80, "test_samples": 40, "hidden": 6, "epochs": 4, "error_hidden": 3,
         "error_epochs": 3, "gate_epochs": 3, "clusters": 2, "min_samples": 3}  # fmt: skip


@pytest.fixture
def tab(open_tab):
    return open_tab(ReflectionTab)


def _set(tab, task="cubic", seed=3, seeds=2, **changes):
    values = {**SMALL, **changes}
    for form in tab.forms.values():
        form.set_values({k: v for k, v in values.items() if k in form.editors})
    tab.forms["Task"].editors["task"].setCurrentText(task)
    tab.seed_spin.setValue(seed)
    tab.seeds_spin.setValue(seeds)


def _run(qtbot, tab):
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
        tab.run_default()
    return done.args[0]


def test_a_run_draws_live_and_shows_the_figures(tab, qtbot):
    _set(tab, epochs=60, error_epochs=40)
    frames = []
    apply = tab._apply
    tab.pump.apply = lambda payload: frames.append(payload) or apply(payload)
    result = _run(qtbot, tab)
    wait_idle(qtbot, tab)
    assert isinstance(result, ReflectionResult) and len(result.runs) == 2
    assert frames and all(isinstance(f, ViewFrame) for f in frames)
    assert "base" in frames[0].histories
    # the finished view: every network's loss curve, the clusters, the fits
    run = result.runs[0]
    assert set(tab.view.curves) == set(run.histories)
    np.testing.assert_allclose(tab.view.curves["base"].yData, run.histories["base"])
    cx, cy = tab.view.cases.getData()
    np.testing.assert_allclose(cx, run.panel.case_x)
    np.testing.assert_allclose(cy, run.panel.case_error)
    brushes = [b.color().name() for b in tab.view.cases.data["brush"]]
    assert brushes == [colour_of(int(k) + 1) for k in run.panel.case_label]
    np.testing.assert_allclose(tab.view.ensemble.yData, run.panel.ensemble)
    row = result.row()
    assert f"base {row['base_loss']:.3g}" in tab.stats_label.text()
    assert f"({row['reduction']:+.1f} ±" in tab.stats_label.text()
    assert all(b.isEnabled() for b in tab.export_buttons.values())


def test_exports_equal_the_commands_json(tab, qtbot, tmp_path):
    _set(tab, task="piecewise", seed=5, seeds=2)
    _run(qtbot, tab)
    wait_idle(qtbot, tab)
    for name in ("tab.json", "tab.png"):
        with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as written:
            assert tab.export(tmp_path / name)
        assert isinstance(written.args[0], Exported)
        wait_idle(qtbot, tab)
    assert tab.status.text().startswith("Exported")
    sets = [arg for k, v in SMALL.items() if k not in ("epochs", "error_epochs")
            for arg in ("--set", f"{k}={v}")]  # fmt: skip
    cli = tmp_path / "cli.json"
    done = CliRunner().invoke(main, ["reflect", "piecewise", "--seed", "5", "--seeds", "2",
                                     "--epochs", "4", "--error-epochs", "3", *sets, "-o",
                                     str(cli), "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert (tmp_path / "tab.json").read_bytes() == cli.read_bytes()
    assert json.loads((tmp_path / "tab.json").read_text()) == json.loads(done.stdout)
    assert (tmp_path / "tab.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cancel_stops_the_run(tab, qtbot):
    _set(tab, epochs=100_000, seeds=1)
    tab.run_default()
    qtbot.waitUntil(lambda: tab.view.frames_shown > 0, timeout=TIMEOUT)
    with qtbot.waitSignal(tab.runner.stopped, timeout=TIMEOUT) as stopped:
        tab.cancel()
    assert stopped.args[0] == "cancelled"
    wait_idle(qtbot, tab)
    assert tab.result is None
    assert not any(b.isEnabled() for b in tab.export_buttons.values())


def test_a_bad_setting_is_shown_in_the_window(tab, qtbot):
    assert tab.export("x.json") is False
    assert "Nothing to export yet" in tab.status.text()
    _set(tab, threshold=3.0, threshold_rule="quantile")
    tab.run_default()
    assert not tab.busy and tab.result is None
    assert "threshold must be a quantile from 0 to 1" in tab.status.text()


def test_fields_that_do_not_apply_are_disabled(tab):
    gate = tab.forms["Gate"]
    assert gate.editors["gate_hidden"].isEnabled() and not gate.editors["neighbours"].isEnabled()
    gate.editors["gate"].setCurrentText("knn")
    assert not gate.editors["gate_hidden"].isEnabled() and gate.editors["neighbours"].isEnabled()
    assert "gate = network only" in gate.not_applying["gate_epochs"]
    task = tab.forms["Task"]
    task.editors["task"].setCurrentText("digits")
    assert not task.editors["samples"].isEnabled() and task.editors["hidden"].isEnabled()


def test_staged_build_makes_the_plots_in_a_later_turn(open_tab, qtbot):
    """Built in parts (as the window does at start-up): the controls, then the plots, which
    have no context menus; the finished tab runs."""
    tab = open_tab(ReflectionTab, staged=True)
    assert not hasattr(tab, "forms")
    assert tab.build_step() and tab.forms and not hasattr(tab, "view")
    assert not tab.build_step()
    assert all(p.vb.menu is None for p in (tab.view.losses, tab.view.clusters, tab.view.fits))
    _set(tab, seeds=1)
    _run(qtbot, tab)
    assert tab.view.frames_shown >= 1
