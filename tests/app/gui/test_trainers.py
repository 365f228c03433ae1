"""Trainers tab: methods side by side in their own workers with live curves and boundaries,
reports at the end, exports equal to ``gasworks train``'s, the article's comparison, pause
and cancel, presets kept exact, a bad CSV named in the window."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from app.gui.tabs.trainers import COMPARISON, Compared, Exported, TrainersTab
from engines.presets import load_preset
from engines.trainers.engine import BOUNDARY_RESOLUTION
from tests.app.gui.conftest import wait_idle

TIMEOUT = 120_000


@pytest.fixture
def tab(open_tab):
    return open_tab(TrainersTab)


def set_epochs(tab, epochs: int) -> None:
    tab.forms["Stopping"].editors["epochs"].setValue(epochs)


def finish(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: not tab.busy, timeout=TIMEOUT)
    assert tab.wait_idle(TIMEOUT / 1000)


def without_seconds(payload: dict) -> dict:
    for run in payload.get("runs", []):
        run.pop("seconds")
    for variant in payload.get("comparison", []):
        variant.pop("mean_seconds", None)
        without_seconds(variant)
    return payload


def test_two_methods_train_side_by_side_and_export(tab, qtbot, tmp_path):
    assert tab.source == "spirals" and tab.checked_methods() == ["lm", "adam"]
    set_epochs(tab, 120)
    tab.run_default()
    lm, adam = tab.active
    assert lm.runner is not adam.runner and lm.runner is not tab.runner
    # Both lanes train at once, each drawing its own frames.
    qtbot.waitUntil(lambda: lm.frames and adam.frames and lm.runner.running
                    and adam.runner.running, timeout=TIMEOUT)  # fmt: skip
    finish(qtbot, tab)
    assert not tab.status.is_error, tab.status.text()
    for lane, method in ((lm, "lm"), (adam, "adam")):
        result = tab.results[method]
        snap = result.runs[0].snapshot
        assert result.method == method and snap.iteration == 120
        np.testing.assert_allclose(lane.train.yData, snap.error_history)
        assert lane.panel.kind == "boundary" and lane.panel.updates >= 2
        assert lane.panel.image.image.shape == (BOUNDARY_RESOLUTION,) * 2  # the final one
        assert len(lane.panel.train_points.data) == 400 and len(lane.panel.val_points.data) == 100
        accuracy = snap.metrics["val_accuracy"]
        assert f"accuracy {accuracy:.3f}" in " ".join(lane.report_label.text().split())
    assert np.isfinite(lm.rate.yData).all() and lm.snapshot.mu_history.size == 120
    assert "Done: lm: validation accuracy" in tab.status.text()
    written = {}
    for suffix in (".json", ".csv", ".png", ".pt"):
        with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
            assert tab.export(tmp_path / f"adam{suffix}", "adam")
        assert isinstance(done.args[0], Exported)
        written[suffix] = done.args[0].path
    payload = json.loads(written[".json"].read_text())
    assert payload["method"] == "adam" and payload["runs"][0]["iterations"] == 120
    assert len(written[".csv"].read_text().splitlines()) == 121
    with Image.open(written[".png"]) as image:
        assert image.format == "PNG" and image.width > 800
    from engines.trainers.network import load_network

    assert load_network(written[".pt"]).spec.sizes == (2, 25, 2)


def test_json_export_equals_the_command_for_the_same_preset_and_seed(tab, qtbot, tmp_path,
                                                                      gasworks):  # fmt: skip
    tab.presets.select("train-spirals-lm")
    tab.check_methods(["lm"])
    tab.seed_spin.setValue(3)
    tab.seeds_spin.setValue(2)
    set_epochs(tab, 12)
    tab.run_default()
    finish(qtbot, tab)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.export(tmp_path / "tab.json")
    cli = gasworks("train", "spirals", "-p", "train-spirals-lm", "--epochs", "12", "--seed",
                   "3", "--seeds", "2", "--json")  # fmt: skip
    assert cli.exit_code == 0, cli.output
    tab_payload = json.loads((tmp_path / "tab.json").read_text())
    assert [r["seed"] for r in tab_payload["runs"]] == [3, 4]
    assert without_seconds(tab_payload) == without_seconds(cli.json)


def test_the_articles_comparison_in_one_click(tab, qtbot, tmp_path, gasworks):
    tab.compare_seeds_spin.setValue(2)
    tab.compare_epochs_spin.setValue(15)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
        tab.compare_button.click()
    assert isinstance(done.args[0], Compared)
    finish(qtbot, tab)
    assert [lane.key for lane in tab.active] == [r.label for r in tab.comparison.results]
    assert len(tab.active) == 3 and all(lane.figures is not None for lane in tab.active)
    assert all(lane.panel.kind == "boundary" for lane in tab.active)
    # Every run's training loss is drawn: the first bold, the second faint.
    assert len(tab.active[1].faint[0].yData) == 15
    assert "solved" in tab.active[0].report_label.text()
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.export(tmp_path / "compare.json", COMPARISON)
    cli = gasworks("train", "spirals", "--compare", "--seeds", "2", "--epochs", "15", "--json")
    assert cli.exit_code == 0, cli.output
    ours = json.loads((tmp_path / "compare.json").read_text())
    assert without_seconds(ours) == without_seconds(cli.json)


def test_pause_and_cancel_every_lane(tab, qtbot):
    set_epochs(tab, 100_000)
    tab.run_default()
    qtbot.waitUntil(lambda: all(lane.frames for lane in tab.active), timeout=TIMEOUT)
    tab.pause_button.click()
    assert all(lane.runner.paused for lane in tab.active)
    assert tab.pause_button.text() == "Resume"
    tab.pause_button.click()
    assert not any(lane.runner.paused for lane in tab.active)
    assert tab.pause_button.text() == "Pause"
    reached = [lane.snapshot.iteration for lane in tab.active]
    lanes = tab.active
    qtbot.waitUntil(lambda: all(lane.snapshot.iteration > n
                                for lane, n in zip(lanes, reached, strict=True)),
                    timeout=TIMEOUT)  # fmt: skip
    with qtbot.waitSignal(tab.active[0].runner.stopped, timeout=TIMEOUT) as stopped:
        tab.cancel_button.click()
    assert stopped.args == ["cancelled"]
    assert not tab.busy and tab.run_button.isEnabled()
    wait_idle(qtbot, tab)
    assert tab.wait_idle(30)
    assert tab.status.text() == "Cancelled." and tab.results == {}
    assert not tab.export("never.json", "lm")
    assert "Nothing to export yet" in tab.status.text()


def test_a_bad_csv_is_named_in_the_window(tab, qtbot, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,x\n3,oops,y\n5,6,x\n7,8,y\n")
    tab.open_file(bad)
    assert tab.source == str(bad) and tab.sample_combo.currentText() == "File…"
    tab.run_default()
    finish(qtbot, tab)
    assert tab.status.is_error
    assert tab.status.text() == f"{bad}: row 3, column 2: 'oops' is not a number"
    tab.data_form.editors["target"].setText("kind")
    tab.data_form.editors["target"].editingFinished.emit()
    tab.run_default()
    finish(qtbot, tab)
    assert tab.status.text().startswith(f"{bad}: no column named 'kind'")


def test_reports_for_images_and_regression(tab, qtbot):
    tab.presets.select("train-digits")
    assert tab.checked_methods()[0:2] == ["nesterov", "adam"] or "nesterov" in \
        tab.checked_methods()  # fmt: skip
    tab.check_methods(["nesterov"])
    tab.forms["Network"].editors["hidden"].setText("16")
    set_epochs(tab, 3)
    tab.run_default()
    finish(qtbot, tab)
    lane = tab.active[0]
    report = lane.figures.report
    assert lane.panel.kind == "confusion"
    confusion = np.array(report["confusion"])
    assert confusion.sum() == 257 and confusion.shape == (10, 10)
    np.testing.assert_allclose(lane.panel.image.image.sum(axis=1), np.ones(10))
    shown = [t.toPlainText() for t in lane.panel.cell_texts if t.isVisible()]
    assert sorted(map(int, shown)) == sorted(confusion[confusion > 0].tolist())
    snap = tab.results["nesterov"].runs[0].snapshot
    assert report["accuracy"] == pytest.approx(snap.metrics["val_accuracy"])
    assert "precision    recall  f1-score   support" in lane.report_label.text()

    tab.presets.select("train-diabetes")
    tab.check_methods(["lm"])
    set_epochs(tab, 3)
    tab.run_default()
    finish(qtbot, tab)
    lane = tab.active[0]
    assert lane.panel.kind == "predictions"
    figures = lane.figures.report
    snap = tab.results["lm"].runs[0].snapshot
    assert figures["rmse"] == pytest.approx(snap.metrics["val_rmse"], rel=1e-9)
    assert len(lane.panel.predictions.data) == 67  # the validation rows
    assert f"rmse  {figures['rmse']:.4f}" in lane.report_label.text()
    assert tab.view.metric_plot.titleLabel.text == "validation RMSE"


@pytest.mark.parametrize("name", ["train-diabetes-neupy", "train-digits", "train-spirals-adam"])
def test_presets_come_back_exactly(tab, name, tmp_path):
    tab.presets.select(name)
    preset = load_preset(name)
    assert tab.current_preset().engine_params == preset.engine_params
    saved = tab.presets.save_to(tmp_path / "mine.toml")
    assert load_preset(saved).engine_params == preset.engine_params
    tab.forms["Network"].editors["hidden"].setText("7, 5")
    assert tab.current_preset().engine_params.hidden == (7, 5)
