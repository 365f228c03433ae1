"""Landscape tab: the animation runs live, plays and scrubs, exports exactly what
``gasworks landscape`` writes, cancels (a run and an export)."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest
from click.testing import CliRunner

from app.cli import main
from app.gui.tabs import landscape as tab_module
from app.gui.tabs.landscape import Exported, LandscapeTab, Prepared
from engines.explorers.landscape import export_landscape, landscape_recipe
from engines.explorers.params import LandscapeParams
from tests.app.gui.conftest import wait_idle

TIMEOUT = 60_000


@pytest.fixture
def tab(open_tab):
    return open_tab(LandscapeTab)


def small(tab, frames=6, grid=32, batches="10, 100", seed=5):
    tab.form.editors["frames"].setValue(frames)
    tab.form.editors["grid"].setValue(grid)
    tab.form.editors["batch_sizes"].setText(batches)
    tab.form.editors["seed"].setValue(seed)


def run(qtbot, tab):
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as done:
        tab.run_default()
    return done.args[0]


def test_runs_plays_and_scrubs(tab, qtbot):
    small(tab)
    prepared = run(qtbot, tab)
    assert isinstance(prepared, Prepared) and len(prepared.frames) == 6
    expected = landscape_recipe(None, LandscapeParams(frames=6, grid=32, seed=5))
    assert prepared.result.spread == expected.spread
    assert f"batch 10: {expected.spread[10]:.3g}" in tab.stats_label.text()
    assert tab.slider.isEnabled() and tab.slider.maximum() == 5
    assert len(tab.view.panels) == 2
    # the view shows the frame the slider names, in the exported frame's colours
    tab._play(False)
    tab.slider.setValue(2)
    shown = tab.view.panels[0]["image"].image.T
    frame = expected.frame(2).panels[0]
    from engines.explorers.plots import band_index, levels

    np.testing.assert_array_equal(shown, band_index(frame.landscape, levels(expected.scale)))
    assert tab.frame_label.text() == "frame 3/6"
    assert tab.view.panels[0]["plot"].titleLabel.text.startswith("batch 10 · step 1")
    # playback advances on its own, wrapping round
    tab._play(True)
    before = tab.view.frames_shown
    qtbot.waitUntil(lambda: tab.view.frames_shown >= before + 5, timeout=10_000)
    assert tab.samples_view.array is not None and tab.samples_view.array.shape == (600, 1200, 3)


def test_exports_equal_the_commands_files(tab, qtbot, tmp_path):
    small(tab, seed=7)
    result = run(qtbot, tab).result
    cli = tmp_path / "cli.gif"
    done = CliRunner().invoke(main, ["landscape", "--frames", "6", "--grid", "32", "--seed", "7",
                                     "-o", str(cli)])  # fmt: skip
    assert done.exit_code == 0, done.output
    for kind, name in (("gif", "tab.gif"), ("png", "frame.png"), ("samples", "samples.png")):
        if kind == "png":
            tab.slider.setValue(3)
        with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT) as written:
            assert tab.export(kind, tmp_path / name)
        assert isinstance(written.args[0], Exported)
        assert tab.status.text().startswith("Exported")
    assert (tmp_path / "tab.gif").read_bytes() == cli.read_bytes()
    reference = export_landscape(result, tmp_path / "ref.png", frame=3)
    assert (tmp_path / "frame.png").read_bytes() == reference.read_bytes()
    assert iio.imread(tmp_path / "samples.png").shape == (600, 1200, 3)


def test_cancel_stops_a_run_and_an_export(tab, qtbot, tmp_path):
    small(tab, frames=1000, grid=200)
    tab.run_default()
    qtbot.waitUntil(lambda: tab.last_frame is not None, timeout=TIMEOUT)
    with qtbot.waitSignal(tab.runner.stopped, timeout=TIMEOUT) as stopped:
        tab.cancel_button.click()
    assert stopped.args == ["cancelled"]
    wait_idle(qtbot, tab)
    assert tab.prepared is None and tab.status.text() == "Cancelled."
    assert tab.run_button.isEnabled()

    small(tab, frames=200, grid=32)
    run(qtbot, tab)
    seen = []
    tab.runner.state_changed.connect(seen.append)
    assert tab.export("gif", tmp_path / "long.gif")
    qtbot.waitUntil(lambda: tab.status.progress.value() > 0, timeout=TIMEOUT)
    with qtbot.waitSignal(tab.runner.stopped, timeout=TIMEOUT):
        tab.cancel()
    wait_idle(qtbot, tab)
    assert not (tmp_path / "long.gif").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_bad_batch_sizes_are_shown_and_nothing_runs(tab, qtbot):
    tab.form.editors["batch_sizes"].setText("10, 5000")
    tab.run_default()
    assert not tab.busy
    assert tab.status.is_error and "exceed the 1000 samples" in tab.status.text()
    assert not tab.export("gif", "never.gif")
    assert "run the landscape first" in tab.status.text()


def test_mp4_button_says_what_is_missing(open_tab, monkeypatch, qtbot):
    monkeypatch.setattr(tab_module, "mp4_missing", lambda: "writing MP4 needs the 'video' extra")
    tab = open_tab(LandscapeTab)
    small(tab)
    run(qtbot, tab)
    button = tab.export_buttons["mp4"]
    assert not button.isEnabled() and "'video' extra" in button.toolTip()
    assert tab.export_buttons["gif"].isEnabled()
