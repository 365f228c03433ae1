"""File dialogs and the recent-files list (kept in QSettings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

RECENT_KEY = "recent/files"
RECENT_MAX = 10
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"


def recent_files() -> list[str]:
    files = QSettings().value(RECENT_KEY, [], type=list) or []
    return [f for f in files if Path(f).is_file()]


def remember_file(path: str | Path) -> None:
    text = str(Path(path))
    files = [text] + [f for f in recent_files() if f != text]
    QSettings().setValue(RECENT_KEY, files[:RECENT_MAX])


def ask_open_path(parent: QWidget, caption: str, filters: str) -> Path | None:
    start = str(Path(recent_files()[0]).parent) if recent_files() else ""
    path, _ = QFileDialog.getOpenFileName(parent, caption, start, filters)
    return Path(path) if path else None


def ask_save_path(parent: QWidget, caption: str, name: str, filters: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, caption, name, filters)
    return Path(path) if path else None
