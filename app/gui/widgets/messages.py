"""The status line of a tab: a progress bar and a message, errors in red."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

ERROR_STYLE = "QLabel { color: #8a1c12; background: #fbe3df; padding: 4px; border-radius: 3px; }"
INFO_STYLE = "QLabel { color: #1b1b1f; padding: 4px; }"


class StatusLine(QWidget):
    """Progress bar, message label and a button that clears the message."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(180)
        self.label = QLabel()
        self.label.setObjectName("message")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet(INFO_STYLE)
        self.clear_button = QToolButton()
        self.clear_button.setText("×")
        self.clear_button.setToolTip("Clear the message")
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.progress)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.is_error = False

    def text(self) -> str:
        return self.label.text()

    def show_error(self, text: str) -> None:
        self.is_error = True
        self.label.setStyleSheet(ERROR_STYLE)
        self.label.setText(text)

    def show_info(self, text: str) -> None:
        self.is_error = False
        self.label.setStyleSheet(INFO_STYLE)
        self.label.setText(text)

    def clear(self) -> None:
        self.show_info("")

    def set_fraction(self, fraction: float | None) -> None:
        """Progress in [0, 1]; None shows a busy bar (a job without steps)."""
        if fraction is None:
            self.progress.setRange(0, 0)
            return
        self.progress.setRange(0, 1000)
        self.progress.setValue(round(min(max(fraction, 0.0), 1.0) * 1000))
