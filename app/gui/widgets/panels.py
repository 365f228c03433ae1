"""Layout pieces every tab shares."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QWidget

#: Width of a tab's control column, in pixels.
SIDE_PANEL_WIDTH = 380


def side_panel(controls: QWidget, min_width: int = SIDE_PANEL_WIDTH) -> QScrollArea:
    """The tab's control column: scrolls vertically, never sideways."""
    scroll = QScrollArea()
    scroll.setWidget(controls)
    scroll.setWidgetResizable(True)
    scroll.setMinimumWidth(min_width)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return scroll
