"""Empty states: an empty plot or picture says what will fill it, and the text goes with the
data."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from app.gui.theme import PLOT_MUTED, contrast_ratio
from app.gui.widgets.hints import PlotHint
from app.gui.widgets.images import ImagePreview


def test_a_plot_hint_shows_until_a_curve_has_data_and_again_when_cleared(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    curve = widget.plot()
    hint = PlotHint(widget, "The loss is plotted here while it trains.")
    assert hint.isVisible() and hint.text == "The loss is plotted here while it trains."
    view = widget.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: view.rect().width() > 100)
    centre = view.rect().center()
    assert abs(hint.item.pos().x() - centre.x()) < 1 and abs(hint.item.pos().y() - centre.y()) < 1
    curve.setData(np.arange(5.0), np.arange(5.0) ** 2)
    assert not hint.isVisible()
    curve.setData([], [])
    assert hint.isVisible()


def test_a_plot_hint_watches_items_added_later_and_images(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.show()
    hint = PlotHint(widget, "A map")
    image = pg.ImageItem()
    widget.addItem(image)
    scatter = pg.ScatterPlotItem()
    widget.addItem(scatter)  # after the hint: found when the range follows its data
    scatter.setData(pos=np.array([[0.0, 1.0], [2.0, 3.0]]))
    qtbot.waitUntil(lambda: not hint.isVisible(), timeout=2000)
    scatter.clear()
    hint.refresh()
    assert hint.isVisible()
    image.setImage(np.ones((4, 4)))
    assert not hint.isVisible()


def test_an_empty_picture_says_what_fills_it_readably(qtbot):
    preview = ImagePreview("sheet")
    qtbot.addWidget(preview)
    preview.set_placeholder("Run draws a sheet here.")
    assert preview.picture.text() == "Run draws a sheet here."
    preview.set_array(np.zeros((8, 8), dtype=np.uint8))
    assert preview.picture.text() == "" and preview.picture.pixmap() is not None
    preview.set_array(None)
    assert preview.picture.text() == "Run draws a sheet here."
    # Its colours: the muted plot text on the picture's light ground (any theme).
    assert contrast_ratio(QColor(PLOT_MUTED), QColor("#e9e6df")) >= 4.5


def test_the_tabs_empty_views_say_what_fills_them(open_tab, qtbot):
    """Maps, Memory, Landscape, Trainers, Avatars and the Art error plot: a sentence in
    each empty view before the first run."""
    from app.gui.tabs.landscape import EMPTY_VIEW_TEXT, LandscapeTab
    from app.gui.tabs.maps import MapsTab
    from app.gui.tabs.memory import MemoryTab
    from app.gui.tabs.trainers import EMPTY_PANELS_TEXT, TrainersTab
    from app.gui.widgets.live import EMPTY_ERRORS_TEXT, LiveArtView

    maps = open_tab(MapsTab)
    assert maps.view.hint.isVisible() and "Run" in maps.view.hint.text
    memory = open_tab(MemoryTab)
    assert memory.energy_hint.isVisible()
    assert "recall" in memory.state_view.picture.text()
    assert "Run" in memory.hinton_view.picture.text()
    landscape = open_tab(LandscapeTab)
    assert landscape.view.hint.text == EMPTY_VIEW_TEXT
    trainers = open_tab(TrainersTab)
    labels = [i for i in trainers.view.panels.ci.items if isinstance(i, pg.LabelItem)]
    assert [label.text for label in labels] == [EMPTY_PANELS_TEXT]
    assert trainers.view.loss_hint.isVisible()
    view = LiveArtView()
    qtbot.addWidget(view)
    assert view.errors_placeholder.isVisible()
    assert view.errors_placeholder.textItem.toPlainText() == EMPTY_ERRORS_TEXT
    view.show_errors([0.5, 0.4], force=True)
    assert not view.errors_placeholder.isVisible()
