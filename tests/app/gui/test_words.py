"""Words tab: the page sample counted (the recipe's count shown), export equal to the command
line's, cancel, bad files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.cli import main
from app.gui.tabs.words import WordsTab
from engines.presets import load_preset
from engines.validation import SEED_MAX
from engines.words import words_recipe
from tests.app.gui.conftest import wait_idle

#: Generous: a cold cache under load compiles the GNG first; the signal ends the wait at once.
TIMEOUT = 120_000


@pytest.fixture
def tab(open_tab):
    return open_tab(WordsTab)


def small_page(tab):
    """A quicker count: the heading line of the page only."""
    tab.pipeline_form.set_values({"crop": "0:40,0:384"})
    tab.params_form.set_values({"epochs": 6})


def test_count_equals_the_recipe_and_exports(tab, qtbot, tmp_path):
    assert tab.source == "sample:page"
    small_page(tab)
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.run_button.click()
    expected = words_recipe("sample:page", tab.current_preset()).words
    assert tab.result.words == expected
    assert tab.count_label.text() == f"{expected} words"
    png = tab.export(tmp_path / "page.png")
    with Image.open(png) as image:
        assert image.size == (tab.overlay.shape[1], tab.overlay.shape[0])
    data = json.loads(tab.export(tmp_path / "page.json").read_text())
    assert data["file"] == "sample:page" and data["words"] == expected


def test_json_export_equals_the_command_line(tab, qtbot, tmp_path):
    """The tab's settings saved as a preset and a seed past 2**31: ``gasworks words`` with
    that preset and seed prints exactly what the tab exports."""
    small_page(tab)
    tab.seed_spin.setValue(SEED_MAX)
    preset = tab.presets.save_to(tmp_path / "tab-words.toml")
    with qtbot.waitSignal(tab.runner.result, timeout=TIMEOUT):
        tab.run_default()
    assert tab.result.seed == SEED_MAX
    exported = json.loads(tab.export(tmp_path / "page.json").read_text())
    command = ["words", "sample:page", "-p", str(preset), "--seed", str(SEED_MAX), "--json"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [exported]


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


def test_a_photo_is_warned_about_before_counting_and_a_page_is_not(tab, qtbot):
    """The coins photo: the warning the command line prints, as soon as the page is shown
    (before Run); the sample page after it: no warning, the page's pixels shown."""
    from engines.words.looks import page_grey, page_warning

    qtbot.waitUntil(tab.settle, timeout=20_000)
    assert tab.page_warning is None and tab.status.kind != "warning"
    shown = tab.overlay_view._pixmap.toImage()
    grey = page_grey("sample:page", tab.current_preset().pipeline)  # the preset's crop
    assert (shown.height(), shown.width()) == grey.shape == (142, 384)  # before any count
    assert shown.pixelColor(200, 100).red() == round(grey[100, 200] * 255)
    with qtbot.waitSignal(tab.checker.result, timeout=20_000):  # picked: the crop dropped
        tab.sample_combo.activated.emit(tab.sample_combo.findData("sample:coins"))
    expected = page_warning("sample:coins", tab.current_preset())
    assert expected and "does not look like text" in expected
    assert tab.page_warning == expected and tab.status.kind == "warning"
    assert tab.status.text() == expected and tab.result is None and not tab.busy
    shown = tab.overlay_view._pixmap.toImage()
    assert (shown.width(), shown.height()) == (384, 303)
    with qtbot.waitSignal(tab.checker.result, timeout=20_000):
        tab.set_source("sample:page")
    assert tab.page_warning is None and tab.status.kind != "warning"


def test_the_command_line_warns_on_stderr_before_counting(monkeypatch):
    """``gasworks words`` prints the same warning on stderr, before the count starts (the
    count itself is replaced here: on the coins photo it runs for a minute)."""
    from engines.words import looks

    order = []
    check = looks.page_warning

    def checked(source, preset):
        order.append(("check", source))
        return check(source, preset)

    def counted(source, preset, **kwargs):
        order.append(("count", source))
        raise ValueError("not counted in this test")

    monkeypatch.setattr(looks, "page_warning", checked)
    monkeypatch.setattr("engines.words.words_recipe", counted)
    result = CliRunner().invoke(main, ["words", "sample:page", "sample:coins"])
    expected = check("sample:coins", load_preset("words"))
    assert "does not look like text" in expected
    assert f"Warning: sample:coins: {expected}" in result.stderr
    assert "Warning: sample:page" not in result.stderr
    assert order == [("check", "sample:page"), ("count", "sample:page"),
                     ("check", "sample:coins"), ("count", "sample:coins")]  # fmt: skip


def test_a_photo_opened_is_not_counted_until_run(tab, qtbot, tmp_path, monkeypatch):
    """Opening a file counts it at once, unless it does not look like text: the coins photo
    is shown with the warning and not counted; Run then counts it anyway."""
    from engines.pipeline import load_image
    from engines.words.looks import page_warning

    path = tmp_path / "coins.png"
    Image.fromarray((load_image("sample:coins") * 255).astype("uint8")).save(path)
    with qtbot.waitSignal(tab.runner.stopped, timeout=30_000):
        tab.open_file(path)
    assert tab.result is None and not tab.busy and tab.status.kind == "warning"
    expected = page_warning(str(path), tab.current_preset())
    assert "not counted" in tab.status.text() and expected[1:] in tab.status.text()
    qtbot.waitUntil(tab.settle, timeout=20_000)
    assert "not counted" in tab.status.text()  # the page's check does not hide it
    assert tab.overlay_view.array.shape == (303, 384)  # the photo is shown
    # Run counts it anyway: the job without the check (the count itself, a minute on the
    # photo with no step to cancel at before the network trains, is not run here).
    from app.gui.tabs import words

    calls = []

    def spy(control, source, preset, *, check=False):
        calls.append((source, check))
        return words.NotCounted(source, "Not counted in this test.")

    monkeypatch.setattr(words, "count_job", spy)
    tab.run_default()
    assert "though this page does not look like text" in tab.status.text()
    assert tab.runner.wait_idle(10) and calls == [(str(path), False)]
