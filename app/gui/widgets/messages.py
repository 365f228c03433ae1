"""The status line of a tab (a progress bar and a message, errors marked), and a label that
elides what does not fit."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QStyle,
    QStyleOption,
    QToolButton,
    QWidget,
)

from app.gui.theme import set_tone

#: Width an elided label needs at least, and asks for at most, in pixels.
ELIDED_MINIMUM, ELIDED_WIDEST = 60, 700


class StatusLine(QWidget):
    """Progress bar, message label and a button that clears the message.

    The message wraps: a long one takes more lines, never more width. Its colours come from
    the theme (:func:`app.gui.theme.set_tone`): the palette's text for information, the
    theme's error tone for errors.
    """

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
        # Wrapped text: the label asks for no width of its own, so no message widens the tab.
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(120)
        set_tone(self.label, "info")
        self.clear_button = QToolButton()
        self.clear_button.setText("×")
        self.clear_button.setToolTip("Clear the message")
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.progress)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.is_error = False
        #: What the message is: 'info', 'warning' or 'error'.
        self.kind = "info"

    def text(self) -> str:
        return self.label.text()

    def show_error(self, text: str) -> None:
        self.is_error, self.kind = True, "error"
        set_tone(self.label, "error")
        self.label.setText(text)

    def show_warning(self, text: str) -> None:
        """A message that asks for attention but is no failure (the job may still run)."""
        self.is_error, self.kind = False, "warning"
        set_tone(self.label, "warning")
        self.label.setText(text)

    def show_info(self, text: str) -> None:
        self.is_error, self.kind = False, "info"
        set_tone(self.label, "info")
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


class ElidedLabel(QLabel):
    """One line of text cut with "…" where it does not fit; the whole text is its tooltip.
    It takes the room there is but needs little (:data:`ELIDED_MINIMUM` px), so a long text
    never widens the window."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip(text)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), ELIDED_WIDEST), hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(ELIDED_MINIMUM, super().minimumSizeHint().height())

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        shown = metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(painter, rect, int(self.alignment()), self.palette(),
                                  self.isEnabled(), shown, self.foregroundRole())  # fmt: skip
