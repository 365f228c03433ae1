"""The window: every tab built off a painted window, closing while training, the command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QSettings

from app.gui.main import TABS, MainWindow
from engines import registry


def test_window_builds_every_tab_and_closes_while_training(qtbot):
    window = MainWindow(warm_up=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ready, timeout=30_000)
    assert list(window.tab_widgets) == list(TABS) == list(registry.tabs())
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Art", "Words", "Logos", "Avatars", "Maps", "Memory", "Landscape", "Tuning", "Trainers",
        "ECO", "Reflection",
    ]  # fmt: skip
    art = window.select_tab("art")
    qtbot.waitUntil(art.settle, timeout=10_000)
    art.epochs_spin.setValue(5000)
    art.run_default()
    qtbot.waitUntil(lambda: art.last_frame is not None, timeout=10_000)
    window.close()
    assert window.closed_cleanly is True
    # closing cancelled the run instead of waiting for its 5,000 epochs
    assert art.last_frame.snapshot.iteration < art.last_frame.snapshot.budget
    assert QSettings().value("window/tab") == "art"


def test_last_tab_is_remembered(qtbot):
    QSettings().setValue("window/tab", "maps")
    window = MainWindow(warm_up=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.ready, timeout=30_000)
    assert window.current_key() == "maps"
    window.close()


GASWORKS = [sys.executable, "-c", "from app.cli import main; main()"]


def test_screenshot_command(tmp_path):
    shot = tmp_path / "avatars.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [*GASWORKS, "gui", "--tab", "avatars", "--run", "--screenshot", str(shot)],
        env=env, cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with Image.open(shot) as image:
        assert image.width >= 800 and image.height >= 600
    bad = subprocess.run(
        [*GASWORKS, "gui", "--screenshot", str(tmp_path / "x.jpg")],
        env=env, cwd=root, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "must end in .png" in bad.stderr
