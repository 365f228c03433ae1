"""Showing NumPy images (uint8 grey, RGB or RGBA) in Qt."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.gui.theme import PLOT_MUTED

FORMATS = {1: QImage.Format.Format_Grayscale8, 3: QImage.Format.Format_RGB888,
           4: QImage.Format.Format_RGBA8888}  # fmt: skip


def to_qimage(array: np.ndarray) -> QImage:
    """An (H, W), (H, W, 3) or (H, W, 4) uint8 array as a QImage (a copy)."""
    a = np.ascontiguousarray(array, dtype=np.uint8)
    channels = 1 if a.ndim == 2 else a.shape[2]
    if channels not in FORMATS:
        raise ValueError(f"expected (H, W), (H, W, 3) or (H, W, 4) pixels, got {a.shape}")
    h, w = a.shape[:2]
    return QImage(a.data, w, h, a.strides[0], FORMATS[channels]).copy()


class ImagePreview(QWidget):
    """A titled image that scales to its space and keeps its aspect ratio."""

    def __init__(
        self, title: str = "", parent: QWidget | None = None, *, minimum: int = 80,
        smooth: bool = True,
    ):  # fmt: skip
        super().__init__(parent)
        self._mode = (Qt.TransformationMode.SmoothTransformation if smooth
                      else Qt.TransformationMode.FastTransformation)  # fmt: skip
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(QSize(minimum, minimum))
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        # The empty picture's text (its placeholder) on the same light ground in any theme.
        self.picture.setStyleSheet(f"QLabel {{ background: #e9e6df; color: {PLOT_MUTED}; }}")
        self.picture.setWordWrap(True)
        self.placeholder = ""
        if title:
            layout.addWidget(self.title)
        else:
            self.title.hide()
        layout.addWidget(self.picture, 1)
        self._pixmap: QPixmap | None = None
        self.array: np.ndarray | None = None
        self.actual_size = False

    def set_actual_size(self, actual: bool) -> None:
        """Show the image at one pixel per screen pixel (its middle, when it is larger than
        the space), or (False) scaled to fit."""
        self.actual_size = actual
        self._rescale()

    def set_array(self, array: np.ndarray | None) -> None:
        self.array = array
        self._pixmap = None if array is None else QPixmap.fromImage(to_qimage(array))
        self._rescale()

    def set_image(self, image: QImage) -> None:
        self.array = None
        self._pixmap = QPixmap.fromImage(image)
        self._rescale()

    def set_placeholder(self, text: str) -> None:
        """What the picture says while it has no image (what will fill it)."""
        self.placeholder = text
        self._rescale()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._pixmap is None:
            self.picture.clear()
            self.picture.setText(self.placeholder)
            return
        if self.actual_size:
            self.picture.setPixmap(self._pixmap)
            return
        size = self.picture.size()
        scaled = self._pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, self._mode)
        self.picture.setPixmap(scaled)
