"""A sentence in an empty plot saying what will fill it (an empty state), gone with the data.

:class:`PlotHint` centres its text in a pyqtgraph plot's view box (in the box's own pixels,
so no data range moves it) in the theme's muted plot colour. It hides as soon as a data
item of the plot (curve, scatter, image) holds data, and shows again when they are all
empty: the tabs need not tell it.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption

from app.gui.theme import PLOT_MUTED


def _holds_data(item) -> bool:
    if not item.isVisible():
        return False
    if isinstance(item, pg.PlotDataItem):
        return item.xData is not None and len(item.xData) > 0
    if isinstance(item, pg.ScatterPlotItem):
        return len(item.data) > 0
    if isinstance(item, pg.ImageItem):
        return item.image is not None and item.image.size > 0
    return False


class PlotHint:
    """``text`` in the middle of ``plot`` (a PlotItem or PlotWidget) while it shows no data.

    Parameters
    ----------
    plot : pyqtgraph PlotItem or PlotWidget
    text : str
        Wrapped to the box's width (less a margin) and centred.
    """

    def __init__(self, plot, text: str):
        item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot
        self.view = item.getViewBox()
        self.item = pg.TextItem(text, color=PLOT_MUTED, anchor=(0.5, 0.5))
        self.item.setParentItem(self.view)
        option = QTextOption(Qt.AlignmentFlag.AlignCenter)
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        self.item.textItem.document().setDefaultTextOption(option)
        self.item.setZValue(1000)
        self._watched: set[int] = set()
        self.view.sigResized.connect(self._place)
        self.view.sigRangeChanged.connect(self.refresh)
        self._place()
        self.refresh()

    @property
    def text(self) -> str:
        return self.item.textItem.toPlainText()

    def set_text(self, text: str) -> None:
        self.item.setText(text)
        self._place()

    def isVisible(self) -> bool:  # read like a Qt item's
        return self.item.isVisible()

    def _place(self, *_) -> None:
        rect = self.view.rect()
        self.item.textItem.setTextWidth(max(120.0, rect.width() - 40.0))
        self.item.setPos(rect.center())
        self.item.updateTextPos()

    def refresh(self, *_) -> None:
        """Show the text when no data item holds data; watch items added since."""
        items = list(self.view.addedItems)
        for data_item in items:
            if id(data_item) in self._watched:
                continue
            signal = getattr(data_item, "sigPlotChanged", None) or getattr(
                data_item, "sigImageChanged", None
            )
            if signal is not None:
                signal.connect(self.refresh)
                self._watched.add(id(data_item))
        shown = not any(_holds_data(i) for i in items)
        if shown != self.item.isVisible():
            self.item.setVisible(shown)
