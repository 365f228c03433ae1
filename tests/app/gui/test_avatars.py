"""Avatars tab: a name → its avatar as typed; a sheet (cancellable); looks; export; the same
files as ``gasworks avatar``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PIL import Image

from app.cli import main
from app.gui.tabs.avatars import AvatarsTab
from engines.som.avatar import MAX_SHEET, look_for_name
from engines.validation import SEED_MAX
from tests.app.gui.conftest import wait_idle


@pytest.fixture
def tab(open_tab, qtbot):
    tab = open_tab(AvatarsTab)
    qtbot.waitUntil(lambda: tab.avatar is not None and tab.settle(), timeout=10_000)
    return tab


def test_typing_a_name_draws_its_avatar(tab, qtbot, tmp_path):
    tab.name_edit.setText("Grace Hopper")
    qtbot.waitUntil(lambda: tab.avatar.caption.startswith("Grace Hopper"), timeout=10_000)
    look = look_for_name("Grace Hopper")
    assert f"step {look.step:.3f}" in tab.avatar.caption
    png = tab.export("avatar", tmp_path / "grace.png")
    with Image.open(png) as image:
        assert image.size == (480, 480)
    assert "<svg" in tab.export("avatar", tmp_path / "grace.svg").read_text()


def test_sheet_and_cancel(tab, qtbot, tmp_path):
    tab.count_spin.setValue(4)
    tab.run_button.click()
    wait_idle(qtbot, tab)
    assert tab.sheet.caption == "4 random avatars, seed 0"
    assert len(tab.sheet.drawing.layers) == 4
    with Image.open(tab.export("sheet", tmp_path / "sheet.png")) as image:
        assert image.width == 480  # the avatar style's width, as gasworks avatar --sheet
    assert tab.count_spin.maximum() == MAX_SHEET
    tab.count_spin.setValue(MAX_SHEET)
    tab.run_default()
    tab.cancel()
    assert not tab.busy and tab.runner.wait_idle(1.0)
    assert tab.sheet.caption == "4 random avatars, seed 0"  # the cancelled sheet was dropped


def test_look_presets(tab, qtbot, tmp_path):
    assert tab.presets.select("avatar-star")
    qtbot.waitUntil(lambda: tab.settle() and tab.look_preset is not None, timeout=10_000)
    qtbot.waitUntil(lambda: "step 1.000, radius 0" in tab.avatar.caption, timeout=10_000)
    path = tab.presets.save_to(tmp_path / "my-star.toml")
    assert path.is_file()
    tab.presets.combo.setCurrentIndex(0)
    tab.presets.reset_button.click()
    assert tab.look_preset is None
    assert tab.presets.select(str(path))
    assert tab.look_preset.engine_params.learning_radius == 0
    tab.name_edit.setText("   ")
    qtbot.waitUntil(lambda: tab.status.is_error, timeout=5000)
    assert "name" in tab.status.text()


def cli(*args: str) -> None:
    result = CliRunner().invoke(main, ["avatar", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("look", [None, "avatar-star"])
def test_the_studio_writes_what_the_command_line_writes(tab, qtbot, tmp_path, look):
    """Same name and look: the tab's avatar SVG and PNG are the bytes gasworks avatar writes."""
    preset = ["-p", look] if look else []
    for fmt in ("svg", "png"):
        cli("Grace Hopper", *preset, "-o", str(tmp_path / f"cli.{fmt}"))
    with qtbot.waitSignal(tab.typing.result, timeout=20_000):
        tab.name_edit.setText("Grace Hopper")  # drawn once typing pauses
        if look:
            assert tab.presets.select(look)  # drawn at once, with the look
    assert tab.avatar.look.name == "Grace Hopper" and tab.settle()
    for fmt in ("svg", "png"):
        studio = tab.export("avatar", tmp_path / f"studio.{fmt}")
        assert studio.read_bytes() == (tmp_path / f"cli.{fmt}").read_bytes(), fmt


def test_the_studio_sheet_is_the_command_line_sheet(tab, qtbot, tmp_path):
    cli("--sheet", "5", "--seed", "3", "-o", str(tmp_path / "cli.svg"))
    tab.count_spin.setValue(5)
    tab.seed_spin.setValue(3)
    with qtbot.waitSignal(tab.runner.result, timeout=20_000):
        tab.run_default()
    assert tab.sheet.caption == "5 random avatars, seed 3"
    studio = tab.export("sheet", tmp_path / "studio.svg")
    assert studio.read_bytes() == (tmp_path / "cli.svg").read_bytes()


def test_seed_box_reaches_the_seed_range(tab):
    tab.seed_spin.setValue(SEED_MAX)
    assert tab.current_preset().seed == SEED_MAX


def test_the_look_dropdown_reads_at_a_laptop_width(tab, qtbot):
    """At 1,366 px wide the look dropdown shows its whole entry ("from the name" and the
    preset names), not a few letters; the empty sheet says what fills it."""
    from PySide6.QtGui import QFontMetrics

    from app.gui.tabs.avatars import SHEET_HINT

    tab.resize(1366, 768)
    qtbot.wait(50)
    combo = tab.presets.combo
    assert combo.isVisible()
    metrics = QFontMetrics(combo.font())
    widest = max(metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.count() >= 2 and widest >= metrics.horizontalAdvance("from the name")
    # The text area of the box: its width less the arrow and the frame (generous 40 px).
    assert combo.width() - 40 >= metrics.horizontalAdvance("from the name")
    assert combo.width() >= 14 * metrics.averageCharWidth()
    for button in (tab.presets.open_button, tab.presets.save_button, tab.presets.reset_button):
        assert button.isVisible() and button.width() >= metrics.horizontalAdvance(button.text())
    assert tab.sheet_view.picture.text() == SHEET_HINT  # the empty sheet says what fills it
