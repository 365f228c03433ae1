"""The window as a desktop tool: actions in a tool bar in view, menus and shortcuts routed to
the tab on show, undo/redo of settings, sessions, themes with readable text, 1,366 px."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QScrollArea

from app.gui import theme
from app.gui.main import MainWindow
from app.gui.tabs.logos import LogosTab
from app.gui.widgets.params_form import ParamsForm
from app.gui.widgets.session import SESSION_KEY
from tests.app.gui.conftest import wait_idle

LAPTOP_WIDTH = 1366


@pytest.fixture
def window(qtbot):
    """The whole window, built, 1400 x 940, active; the light theme whatever the machine's."""
    opened = []

    def open_():
        win = MainWindow(warm_up=False)
        qtbot.addWidget(win)
        win.resize(1400, 940)
        win.show()
        qtbot.waitUntil(lambda: win.ready, timeout=60_000)
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5_000)
        opened.append(win)
        return win

    yield open_
    for win in opened:
        if win.isVisible():
            win.close()
    theme.apply("system", remember=False)


def press(qtbot, win, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed with the focus on the tab bar (a text field keeps Ctrl+Z for itself)."""
    if QApplication.activeWindow() is not win:  # a menu was open
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5_000)
    bar = win.tabs.tabBar()
    bar.setFocus()
    qtbot.keyClick(bar, key, modifier)


def test_each_tabs_run_action_is_in_view_without_scrolling(window, qtbot):
    win = window()
    frame = win.rect()
    for key, tab in win.tab_widgets.items():
        win.select_tab(key)
        qtbot.waitUntil(lambda tab=tab: tab.run_button.isVisible(), timeout=5_000)
        assert tab.run_action.text().startswith("Run")
        assert tab.cancel_action.text().startswith("Cancel")
        assert tab.export_action.text().startswith("Export")
        for button in (tab.run_button, tab.cancel_button, tab.export_button):
            top_left = button.mapTo(win, button.rect().topLeft())
            bottom_right = button.mapTo(win, button.rect().bottomRight())
            assert frame.contains(top_left) and frame.contains(bottom_right), key
            parent = button.parent()
            while parent is not None:  # in no scrolling column
                assert not isinstance(parent, QScrollArea), key
                parent = parent.parent()
        # Every tab offers its exports in the Export menu, each an action "Export …".
        assert tab.export_actions, key
        assert all(a.text().startswith("Export ") for a in tab.export_actions), key
        assert tab.hint_label.isVisible() and tab.hint_label.text(), key
        # Every field of every form says what it does.
        for form in tab.findChildren(ParamsForm):
            for name, editor in form.editors.items():
                assert editor.toolTip(), (key, form.model_type.__name__, name)


def test_shortcuts_trigger_their_actions(window, qtbot, tmp_path, monkeypatch):
    win = window()
    art = win.select_tab("art")
    qtbot.waitUntil(art.settle, timeout=30_000)

    with qtbot.waitSignal(art.run_action.triggered, timeout=5_000):
        press(qtbot, win, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert art.busy or art.result is not None
    if art.busy:
        with qtbot.waitSignal(art.cancel_action.triggered, timeout=5_000):
            press(qtbot, win, Qt.Key.Key_Escape)
        assert not art.busy
    wait_idle(qtbot, art, 60_000)

    with qtbot.waitSignal(art.export_action.triggered, timeout=5_000):
        press(qtbot, win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(art.export_menu.isVisible, timeout=5_000)
    art.export_menu.close()

    # Ctrl+O opens the tab's dialog (answered here with a file), and the tab uses the file.
    picture = tmp_path / "square.png"
    Image.fromarray(np.full((40, 40), 255, np.uint8)).save(picture)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(picture), ""))
    with qtbot.waitSignal(win.open_action.triggered, timeout=5_000):
        press(qtbot, win, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert art.source == str(picture)

    # Ctrl+S writes the tab's settings as a preset file.
    preset = tmp_path / "mine.toml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(preset), ""))
    press(qtbot, win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert preset.is_file() and 'engine = "gng"' in preset.read_text()

    # Ctrl+Z / Ctrl+Shift+Z undo and redo a setting of the tab on show.
    qtbot.waitUntil(art.settle, timeout=30_000)
    blur = art.pipeline_form.editors["blur"]
    before = blur.value()
    blur.setValue(before + 1.0)
    press(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert blur.value() == before
    press(qtbot, win, Qt.Key.Key_Z,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert blur.value() == before + 1.0

    # Ctrl+0 fits, F1 lists the shortcuts.
    with qtbot.waitSignal(win.fit_action.triggered, timeout=5_000):
        press(qtbot, win, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(win.shortcuts_action.triggered, timeout=5_000):
        press(qtbot, win, Qt.Key.Key_F1)
    keys = dict(win.shortcut_table())
    for shortcut in ("Ctrl+O", "Ctrl+S", "Ctrl+E", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+R", "Esc",
                     "Ctrl+0"):  # fmt: skip
        assert any(shortcut in k.split(", ") for k in keys), shortcut


def test_shortcuts_go_to_the_tab_on_show_only(window, qtbot):
    win = window()
    avatars = win.select_tab("avatars")
    runs = {key: [] for key in win.tab_widgets}
    for key, tab in win.tab_widgets.items():
        tab.run_action.triggered.connect(lambda _=False, k=key: runs[k].append(k))
    press(qtbot, win, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert runs["avatars"] == ["avatars"]
    assert sum(len(v) for v in runs.values()) == 1
    wait_idle(qtbot, avatars, 60_000)
    assert avatars.sheet is not None


def test_undo_and_redo_restore_parameters(open_tab, qtbot):
    tab = open_tab(LogosTab)
    tab.finish_setup("logos")
    stack = tab.undo_stack
    assert stack.count() == 0
    step = tab.sofm_form.editors["step"]
    start = tab.sofm_form.values()
    step.setValue(0.5)
    qtbot.wait(1)  # the next event-loop turn: a separate step
    tab.seed_spin.setValue(7)
    qtbot.wait(1)
    tab.style_form.set_values({"line_color": "#aa0000"})
    assert stack.count() == 3
    assert stack.undoText() == "line color"
    stack.undo()
    assert tab.style_form.values()["line_color"] != "#aa0000"
    stack.undo()
    assert tab.seed_spin.value() != 7
    stack.undo()
    assert tab.sofm_form.values() == start
    stack.redo()
    stack.redo()
    stack.redo()
    assert step.value() == 0.5 and tab.seed_spin.value() == 7
    assert tab.style_form.values()["line_color"] == "#aa0000"

    # A preset fills several forms in one turn: one step, undone at once.
    qtbot.wait(1)
    tab.reset_parameters()
    assert step.value() != 0.5 and tab.seed_spin.value() != 7
    assert stack.count() == 4
    stack.undo()
    assert step.value() == 0.5 and tab.seed_spin.value() == 7


def test_a_session_is_restored_after_closing_and_reopening(window, qtbot, tmp_path):
    page = tmp_path / "page.png"
    Image.fromarray(np.full((60, 90), 255, np.uint8)).save(page)
    win = window()
    words = win.select_tab("words")
    words.set_source(str(page))
    words.params_form.set_values({"epochs": 3})
    words.seed_spin.setValue(1234)
    logos = win.tab_widgets["logos"]
    logos.text_edit.setText("Session")
    logos.style_form.set_values({"line_color": "#123456"})
    memory = win.tab_widgets["memory"]
    memory.password_edit.setText("Tr0ub4dor&3")
    memory.trials_spin.setValue(777)
    tuning = win.tab_widgets["tuning"]
    tuning.storage_edit.setText("postgresql://gas:s3cr3t-pw@db.example/studies")
    tuning.storage_edit.editingFinished.emit()
    win.close()
    kept = QSettings()
    assert kept.value(SESSION_KEY.format(tab="words"))
    text = "".join(str(kept.value(k)) for k in kept.allKeys())
    assert "Tr0ub4dor" not in text  # a password is never kept
    assert "s3cr3t-pw" not in text  # nor a database URL holding one

    again = window()
    words = again.tab_widgets["words"]
    assert words.source == str(page)
    assert words.params_form.values()["epochs"] == 3 and words.seed_spin.value() == 1234
    logos = again.tab_widgets["logos"]
    assert logos.text_edit.text() == "Session"
    assert logos.style_form.values()["line_color"] == "#123456"
    assert again.tab_widgets["memory"].trials_spin.value() == 777
    assert again.tab_widgets["memory"].password_edit.text() == ""
    assert words.undo_stack.count() == 0  # restoring is no step to undo

    # Reset to preset: the preset's values, as one undoable step.
    again.select_tab("logos")
    again.reset_action.trigger()
    assert logos.text_edit.text() != "Session"
    assert logos.style_form.values()["line_color"] != "#123456"
    logos.undo_stack.undo()
    assert logos.style_form.values()["line_color"] == "#123456"


def label_contrast(label: QLabel) -> float:
    """Contrast of a label's text against its background, measured on its pixels: the
    background is the commonest colour, the text the one most unlike it."""
    image = label.grab().toImage().convertToFormat(image_format())
    w, h = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())
    rgb = pixels[:, : w * 4].reshape(h, w, 4)[..., :3].reshape(-1, 3)
    colours, counts = np.unique(rgb, axis=0, return_counts=True)
    background = QColor(*map(int, colours[np.argmax(counts)]))
    return max(theme.contrast_ratio(QColor(*map(int, c)), background) for c in colours)


def image_format():
    from PySide6.QtGui import QImage

    return QImage.Format.Format_RGBA8888


def test_text_keeps_its_contrast_under_the_dark_palette(window, qtbot):
    win = window()
    win.set_theme("dark")
    assert theme.is_dark()
    for tone in theme.TONES["dark"]:  # every tone against its own background
        assert theme.contrast_ratio(*theme.tone_colours(tone)) >= 4.5, tone
    checked = 0
    for key, tab in win.tab_widgets.items():
        win.select_tab(key)
        if hasattr(tab, "settle"):
            qtbot.waitUntil(tab.settle, timeout=30_000)
        tab.status.show_info("Information " * 4)
        qtbot.wait(20)
        labels = [label for label in win.findChildren(QLabel)
                  if label.isVisible() and label.text().strip() and label.pixmap().isNull()
                  and label.width() > 4 and label.height() > 4]  # fmt: skip
        for label in labels:
            ratio = label_contrast(label)
            assert ratio >= 4.5, (key, label.objectName(), label.text()[:40], ratio)
            checked += 1
        tab.status.show_error("An error " * 4)
        assert label_contrast(tab.status.label) >= 4.5, key
    assert checked > 50


def test_the_window_fits_a_laptop_screen_with_long_messages(window, qtbot):
    win = window()
    long = "Monte Carlo: 100,000 trials from seed 0, " + "a long figure, " * 40
    for key, tab in win.tab_widgets.items():
        win.select_tab(key)
        tab.status.show_info(long)
        if hasattr(tab, "stats_label"):
            tab.stats_label.setText(long)
    win.tab_widgets["memory"].mc_label.setText(long)
    for key in win.tab_widgets:
        win.select_tab(key)
        qtbot.wait(10)
        assert win.minimumSizeHint().width() <= LAPTOP_WIDTH, key
    win.resize(LAPTOP_WIDTH, 768)
    qtbot.wait(20)
    assert win.width() <= LAPTOP_WIDTH


def test_menus_follow_the_tab_on_show(window, qtbot):
    win = window()
    win.select_tab("memory")
    assert not win.open_action.isEnabled()  # the Memory tab reads no file
    assert not win.save_preset_action.isEnabled()
    win.select_tab("maps")
    assert win.open_action.isEnabled() and win.save_preset_action.isEnabled()
    about = win.show_about()
    text = about.findChild(QLabel).text()
    assert "Gasworks 0." in text and "numba" in text and "PySide6" in text
    assert "not installed" not in text.split("PySide6", 1)[1].split("</tr>", 1)[0]
    about.close()
    actions = {a.text() for a in win.findChildren(QAction)}
    assert {"Zoom to &fit", "&100 %", "Reset &parameters", "&Quit"} <= actions


def test_forms_check_values_at_once_and_disable_what_does_not_apply(qtbot):
    from app.gui.widgets.params_form import ParamsForm
    from engines.art import ArtStyle
    from engines.pipeline import PipelineParams

    form = ParamsForm(PipelineParams)
    qtbot.addWidget(form)
    form.show()
    crop = form.editors["crop"]
    crop.setText("30:180,150")
    crop.editingFinished.emit()
    assert form.messages["crop"].isVisible() and "crop" in form.messages["crop"].text()
    crop.setText("30:180,150:300")
    crop.editingFinished.emit()
    assert not form.messages["crop"].isVisible() and not form.problems

    form.set_values({"threshold": "otsu", "auto": False})
    assert not form.editors["block_size"].isEnabled()
    assert "local thresholds" in form.editors["block_size"].toolTip()
    form.set_values({"threshold": "sauvola"})
    assert form.editors["block_size"].isEnabled() and form.editors["k"].isEnabled()
    form.set_values({"auto": True})
    for name in ("blur", "threshold", "offset", "block_size", "k"):
        assert not form.editors[name].isEnabled(), name
        assert form.editors[name].toolTip().startswith("Not used now: auto is ticked")
    assert form.model().auto  # a disabled field still reads back (the engine ignores it)

    style = ParamsForm(ArtStyle)
    qtbot.addWidget(style)
    style.show()
    colour = style.editors["line_color"]
    colour.setText("#12")
    colour.editingFinished.emit()
    assert "colour must be" in style.messages["line_color"].text()
    style.set_values({"line_color": "#aa0000"})
    assert not style.problems
    icon = style.swatches["line_color"].icon().pixmap(16, 16).toImage()
    assert icon.pixelColor(8, 8).name() == "#aa0000"
    assert not style.editors["colormap"].isEnabled()
    style.set_values({"color_by": "error"})
    assert style.editors["colormap"].isEnabled() and not style.editors["line_color"].isEnabled()


def test_a_bad_page_clears_the_last_count(open_tab, qtbot, tmp_path):
    """Words: after a count, a bad file shows no stale count, overlay or figures under its
    name; Pause is offered while counting."""
    from app.gui.tabs.words import NOT_COUNTED, WordsTab

    tab = open_tab(WordsTab)
    tab.pipeline_form.set_values({"crop": "0:40,0:384"})
    tab.params_form.set_values({"epochs": 6})
    with qtbot.waitSignal(tab.runner.result, timeout=120_000):
        tab.run_action.trigger()
    assert tab.result is not None and tab.overlay_view.array is not None
    assert tab.count_label.text().endswith("words") and tab.details_label.text()

    bad = tmp_path / "scan-043.png"
    bad.write_bytes(b"\x89PNG not really")
    tab.open_file(bad)  # counts at once
    assert tab.pause_action.isEnabled()  # Words pauses too
    wait_idle(qtbot, tab, 60_000)
    assert tab.status.is_error and "scan-043.png" in tab.status.text()
    assert tab.result is None and tab.overlay_view.array is None
    assert tab.count_label.text() == "—" and tab.details_label.text() == NOT_COUNTED


def test_maps_colour_bar_and_views_without_training(open_tab, qtbot, tmp_path):
    from app.gui.tabs.maps import MapsTab
    from engines.som.maps import CLASS_COLOURS, UNIT_COLOUR

    tab = open_tab(MapsTab)
    tab.presets.select("map-iris")
    tab.map_form.set_values({"view": "umatrix", "columns": None})
    tab.sofm_form.set_values({"features_grid": (5, 5), "learning_radius": 1})
    tab.epochs_spin.setValue(5)
    tab.run_action.trigger()
    wait_idle(qtbot, tab)
    trained = tab.result.snapshot
    assert tab.view.bar.isVisible()
    lo, hi = tab.view.bar.levels()
    u = tab.result.u_matrix
    assert lo == pytest.approx(u.min()) and hi == pytest.approx(u.max())
    # Iris has four features: the views of 2-D data are not offered, and say why.
    combo = tab.map_form.editors["view"]
    item = combo.model().item(combo.findText("grid"))
    assert not item.isEnabled() and "2-D data" in item.toolTip()
    # Another view redraws the trained map at once, and the export writes that view.
    tab.map_form.set_values({"view": "expanded"})
    assert not tab.busy and tab.result.snapshot is trained
    assert tab.result.view == tab.view_name == "expanded"
    assert len(tab.view.cells.data) == 9 * 9
    assert tab.export(tmp_path / "iris.png").is_file()
    assert UNIT_COLOUR not in CLASS_COLOURS


def test_art_warns_of_a_blank_picture_and_clears_after_a_bad_file(open_tab, qtbot, tmp_path):
    from app.gui.tabs.art import ArtTab

    tab = open_tab(ArtTab)
    qtbot.waitUntil(tab.settle, timeout=30_000)
    tab.epochs_spin.setValue(2)
    with qtbot.waitSignal(tab.runner.result, timeout=60_000):
        tab.run_action.trigger()
    assert tab.result is not None and tab.preview_views["binary"].array is not None
    # No live re-run on the new inputs: its frames would race the clearing checked here.
    tab.live_check.setChecked(False)

    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((60, 80), 255, np.uint8)).save(blank)
    tab.open_file(blank)
    qtbot.waitUntil(tab.settle, timeout=30_000)
    assert tab.status.kind == "warning" and "of the picture is ink" in tab.status.text()

    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG not really")
    tab.open_file(bad)
    qtbot.waitUntil(tab.settle, timeout=30_000)
    assert tab.status.is_error and "broken.png" in tab.status.text()
    assert all(view.array is None for view in tab.preview_views.values())
    assert tab.pipeline_result is None and "could not be read" in tab.stats_label.text()
    assert tab.result is None and tab.last_frame is None  # the astronaut's drawing is gone
