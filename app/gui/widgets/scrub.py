"""A scrubber: play/pause, a slider over the frames (or steps) and the position shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider


def scrubber(on_move) -> tuple[QHBoxLayout, QPushButton, QSlider, QLabel]:
    """Play/pause, a slider (disabled until there is something to scrub; ``on_move(value)``
    when it moves) and a label for the position."""
    row = QHBoxLayout()
    play = QPushButton("Pause")
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setEnabled(False)
    slider.valueChanged.connect(on_move)
    label = QLabel()
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance("frame 0000/0000"))
    row.addWidget(play)
    row.addWidget(slider, 1)
    row.addWidget(label)
    return row, play, slider, label
