"""Layout pieces every tab shares."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QScrollArea, QWidget

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


def sample_combo(first_item: str, names, on_chosen) -> QComboBox:
    """A dropdown of bundled samples (data ``sample:NAME``) after a first, empty item."""
    combo = QComboBox()
    combo.addItem(first_item, None)
    for name in names:
        combo.addItem(name, f"sample:{name}")
    combo.activated.connect(on_chosen)
    return combo


def export_buttons(on_export) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """A row of "Export PNG…" and "Export SVG…" calling ``on_export("png" | "svg")``."""
    row = QHBoxLayout()
    png = QPushButton("Export PNG…")
    svg = QPushButton("Export SVG…")
    png.clicked.connect(lambda: on_export("png"))
    svg.clicked.connect(lambda: on_export("svg"))
    row.addWidget(png)
    row.addWidget(svg)
    return row, png, svg
