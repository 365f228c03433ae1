"""Layout pieces every tab shares."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

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


def two_columns(tab: QWidget, controls: QScrollArea) -> QVBoxLayout:
    """Lay ``tab`` out as its control column and a wider view column beside it (a
    splitter between them); returns the view column's layout."""
    right = QWidget()
    layout = QVBoxLayout(right)
    layout.setContentsMargins(0, 0, 0, 0)
    splitter = QSplitter()
    splitter.addWidget(controls)
    splitter.addWidget(right)
    splitter.setStretchFactor(1, 1)
    QVBoxLayout(tab).addWidget(splitter)
    return layout


def stats_label() -> QLabel:
    """The one-line figures under a live view; long text is cut, never widening the tab."""
    label = QLabel()
    label.setObjectName("stats")
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    return label


def source_picker(form: QFormLayout, label: str, combo: QComboBox, button: QPushButton) -> QLabel:
    """A row of a sample dropdown and an open button, with the chosen source shown below;
    returns the label that shows the source."""
    row = QHBoxLayout()
    row.addWidget(combo, 1)
    row.addWidget(button)
    form.addRow(label, row)
    source = QLabel()
    source.setWordWrap(True)
    form.addRow(source)
    return source


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
