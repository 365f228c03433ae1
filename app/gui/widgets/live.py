"""Live views: plot items made once and fed with ``setData``, redrawn at most ~30 times
a second by a timer that pulls the newest snapshot from a :class:`JobRunner`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.gui.theme import PLOT_MUTED, PLOT_TEXT
from app.gui.workers import REPORT_RATE, JobRunner

pg.setConfigOptions(antialias=False, background="w", foreground=PLOT_TEXT)

INK = "#1b1b1f"
NODE = "#c0392b"
ERROR_CURVE = "#00767a"
#: The empty view's words, in grey on the white plot.
EMPTY_TEXT = "Nothing drawn yet: Run (Ctrl+R) trains the network, and it is drawn here live."
#: What the error plot says until its first point.
EMPTY_ERRORS_TEXT = "The error of each epoch is plotted here while the network trains."
EMPTY = np.zeros(0)
#: Redraws per second of the error curve, and the width of its axis in pixels.
ERROR_RATE = 4.0
ERROR_AXIS_WIDTH = 56


def segments_xy(nodes: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of every edge's two ends, in pairs, for ``connect='pairs'``."""
    if len(edges) == 0:
        return EMPTY, EMPTY
    ends = nodes[np.asarray(edges).ravel()]
    return ends[:, 0], ends[:, 1]


def polylines_xy(polylines) -> tuple[np.ndarray, np.ndarray]:
    """Polylines joined into one x, y pair with NaN gaps, for ``connect='finite'``."""
    parts = []
    gap = np.full((1, 2), np.nan)
    for line in polylines:
        parts += [np.asarray(line, dtype=np.float64), gap]
    if not parts:
        return EMPTY, EMPTY
    xy = np.concatenate(parts)
    return xy[:, 0], xy[:, 1]


def grid_polylines(grid_weights: np.ndarray) -> list[np.ndarray]:
    """Rows and columns of a map's (rows, cols, 2) weight grid, as the art draws them."""
    from engines.art import grid_drawing

    return list(grid_drawing(grid_weights).layers[0].polylines)


class PaintCounter(QObject):
    """Counts the paint events of a widget (the frames the screen really got)."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class LiveArtView(QWidget):
    """The drawing as it trains (edges, polylines, nodes) over the error curve."""

    def __init__(
        self, parent: QWidget | None = None, *, error_label: str = "epoch error",
        error_plot: bool = True,
    ):  # fmt: skip
        """``error_plot=False`` leaves the error plot to :meth:`add_error_plot`, called
        before the first frame (a tab built in several event-loop turns)."""
        super().__init__(parent)
        self._error_label = error_label
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = pg.GraphicsLayoutWidget()
        layout.addWidget(self.canvas)
        # No context menus (made eagerly by each plot, a third of its cost; never shown).
        self.art = self.canvas.addPlot(row=0, col=0, enableMenu=False)
        self.art.setAspectLocked(True)
        self.art.hideAxis("left")
        self.art.hideAxis("bottom")
        self.art.setMenuEnabled(False)
        self.art.hideButtons()
        self.art.disableAutoRange()
        self.edges = pg.PlotDataItem(pen=pg.mkPen(INK, width=1), connect="pairs",
                                     skipFiniteCheck=True)  # fmt: skip
        self.lines = pg.PlotDataItem(pen=pg.mkPen(INK, width=1), connect="finite")
        # Edges as one drawLines call of many segments, not as a QPainterPath.
        self.edges.curve.setSegmentedLineMode("on")
        self.nodes = pg.ScatterPlotItem(
            size=3, pen=None, brush=pg.mkBrush(NODE), pxMode=True, useCache=True
        )
        for item in (self.edges, self.lines, self.nodes):
            self.art.addItem(item)
        # Drawings of several colours or widths: one item per (layer, width), made as
        # needed; and the photo under the art.
        self._styled: list[pg.PlotDataItem] = []
        self.underlay = pg.ImageItem(axisOrder="row-major")
        self.underlay.setZValue(-10)
        self.underlay.hide()
        self.art.addItem(self.underlay)
        self._error_clock = 0.0
        self.paints = PaintCounter(self.canvas.viewport())
        self.frames = 0
        self.show_nodes = True
        self._n_errors = -1
        self.errors = None
        # The empty state: what fills this view, until the first frame does.
        self.placeholder = pg.TextItem(EMPTY_TEXT, color=PLOT_MUTED, anchor=(0.5, 0.5))
        self.placeholder.setPos(0.5, 0.5)
        self.art.addItem(self.placeholder)
        if error_plot:
            self.add_error_plot()

    def set_placeholder(self, text: str) -> None:
        """What the empty view says (until the first frame)."""
        self.placeholder.setText(text)

    def _drawn(self) -> None:
        if self.placeholder.isVisible():
            self.placeholder.hide()

    def add_error_plot(self) -> None:
        """The error plot below the drawing (once)."""
        if self.errors is not None:
            return
        self.errors = self.canvas.addPlot(row=1, col=0, enableMenu=False)
        self.errors.setLabel("left", self._error_label)
        self.errors.setLabel("bottom", "epoch")
        self.errors.setMenuEnabled(False)
        self.error_curve = self.errors.plot(pen=pg.mkPen(ERROR_CURVE, width=2), symbol=None)
        self.errors_placeholder = pg.TextItem(EMPTY_ERRORS_TEXT, color=PLOT_MUTED,
                                              anchor=(0.5, 0.5))  # fmt: skip
        self.errors_placeholder.setPos(0.5, 0.5)
        self.errors.addItem(self.errors_placeholder)
        # A fixed axis width: new tick labels do not re-lay out the whole canvas.
        self.errors.getAxis("left").setWidth(ERROR_AXIS_WIDTH)
        self.canvas.ci.layout.setRowStretchFactor(0, 4)
        self.canvas.ci.layout.setRowStretchFactor(1, 1)

    def set_colours(self, line: str, background: str, node: str | None = None) -> None:
        """Colours of the drawing; ``node`` None hides the nodes (a style without dots)."""
        self.show_nodes = node is not None
        self.art.getViewBox().setBackgroundColor(None if background == "none" else background)
        pen = pg.mkPen(line, width=1)
        self.edges.setPen(pen)
        self.lines.setPen(pen)
        if node is not None:
            self.nodes.setBrush(pg.mkBrush(node))
        else:
            self.nodes.clear()

    def set_bounds(self, bounds: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = bounds
        self.art.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)

    def show_graph(self, nodes: np.ndarray, edges: np.ndarray) -> None:
        self._drawn()
        x, y = segments_xy(nodes, edges)
        self.edges.setData(x, y, connect="pairs", skipFiniteCheck=True)
        self._empty(self.lines)
        if self.show_nodes:
            self.nodes.setData(pos=np.asarray(nodes, dtype=np.float64))
        elif len(self.nodes.data):
            self.nodes.clear()
        self.frames += 1

    def show_polylines(self, polylines, dots: np.ndarray | None = None) -> None:
        self._drawn()
        x, y = polylines_xy(polylines)
        self.lines.setData(x, y, connect="finite")
        self._empty(self.edges)
        if dots is not None and len(dots):
            self.nodes.setData(pos=np.asarray(dots, dtype=np.float64))
        elif len(self.nodes.data):
            self.nodes.clear()
        self.frames += 1

    def show_drawing(self, drawing, *, canvas_scale: float | None = None) -> None:
        """A drawing as the writers see it: its layers' segments, polylines and dots (in
        their colours and widths when they differ), over the photo it has under it.

        ``canvas_scale`` (canvas pixels per data unit, as the writers fit the drawing)
        draws widths at the size they have on the canvas, as it is zoomed here; without it
        the thinnest line is one pixel wide and the others in proportion."""
        self._drawn()
        layers = drawing.layers
        self._show_underlay(drawing)
        styled = len(layers) > 1 or any(layer.widths is not None for layer in layers)
        if styled:
            self._show_styled(layers, canvas_scale)
            return
        self._hide_styled()
        segments = [layer.segments for layer in layers if len(layer.segments)]
        if segments:
            ends = np.concatenate(segments).reshape(-1, 2)
            self.edges.setData(ends[:, 0], ends[:, 1], connect="pairs", skipFiniteCheck=True)
        else:
            self._empty(self.edges)
        self._show_lines_and_dots(layers)

    def _show_styled(self, layers, canvas_scale: float | None = None) -> None:
        """One plot item per layer and width (see :meth:`show_drawing` for the widths)."""
        groups = []
        for layer in layers:
            if layer.widths is not None and len(layer.segments):
                for width in np.unique(layer.widths):
                    groups.append(
                        (layer.stroke, float(width), layer.segments[layer.widths == width])
                    )
            elif len(layer.segments):
                groups.append((layer.stroke, layer.stroke_width, layer.segments))
        thinnest = min((w for _, w, _ in groups), default=1.0)
        per_width = 1.0 / max(thinnest, 1e-9)
        pixel = self.art.getViewBox().viewPixelSize()[0] if canvas_scale else 0.0
        if canvas_scale and pixel > 0:
            per_width = 1.0 / (pixel * canvas_scale)  # screen pixels per canvas pixel
        while len(self._styled) < len(groups):
            item = pg.PlotDataItem(connect="pairs", skipFiniteCheck=True)
            item.curve.setSegmentedLineMode("on")
            self.art.addItem(item)
            self._styled.append(item)
        for item, (colour, width, segments) in zip(self._styled, groups, strict=False):
            ends = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
            item.setPen(pg.mkPen(colour, width=max(1.0, width * per_width)))
            item.setData(ends[:, 0], ends[:, 1], connect="pairs", skipFiniteCheck=True)
            item.show()
        for item in self._styled[len(groups) :]:
            item.hide()
        self._empty(self.edges)
        self._show_lines_and_dots(layers)

    def _show_lines_and_dots(self, layers) -> None:
        """The layers' polylines and node dots (drawn alike with or without styled widths),
        and one more frame shown."""
        polylines = [line for layer in layers for line in layer.polylines]
        if polylines:
            x, y = polylines_xy(polylines)
            self.lines.setData(x, y, connect="finite")
        else:
            self._empty(self.lines)
        dots = [layer.dots for layer in layers if len(layer.dots)]
        if self.show_nodes and dots:
            self.nodes.setData(pos=np.concatenate(dots))
        elif len(self.nodes.data):
            self.nodes.clear()
        self.frames += 1

    def _hide_styled(self) -> None:
        for item in self._styled:
            if item.isVisible():
                item.hide()

    def _show_underlay(self, drawing) -> None:
        image = getattr(drawing, "underlay", None)
        if image is None or drawing.underlay_opacity <= 0:
            if self.underlay.isVisible():
                self.underlay.hide()
            return
        from PySide6.QtCore import QRectF

        xmin, ymin, xmax, ymax = drawing.underlay_bounds
        self.underlay.setImage(np.ascontiguousarray(image[::-1]), levels=(0, 255))
        self.underlay.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.underlay.setOpacity(drawing.underlay_opacity)
        self.underlay.show()

    @staticmethod
    def _empty(item: pg.PlotDataItem) -> None:
        """Clear ``item`` unless it is clear already (every setData costs a repaint)."""
        if item.xData is not None and len(item.xData):
            item.setData(EMPTY, EMPTY)

    def show_errors(self, errors, *, force: bool = False) -> None:
        """The error curve, redrawn when a new epoch's error arrived, at most
        ``ERROR_RATE`` times a second (a rescaled axis costs more than the drawing)."""
        e = np.asarray(errors, dtype=np.float64)
        if e.size == self._n_errors:
            return
        now = time.perf_counter()
        if not force and now - self._error_clock < 1.0 / ERROR_RATE:
            return
        self._error_clock = now
        self._n_errors = e.size
        if e.size:
            if self.errors_placeholder.isVisible():
                self.errors_placeholder.hide()
            self.error_curve.setData(np.arange(1, e.size + 1), e)
        else:
            self.error_curve.setData(EMPTY, EMPTY)

    def clear(self) -> None:
        self._drawn()
        for item in (self.edges, self.lines, self.error_curve):
            item.setData(EMPTY, EMPTY)
        self.nodes.clear()
        self._hide_styled()
        self.underlay.hide()
        self._n_errors = -1


class FramePump(QObject):
    """Pulls the newest snapshot from ``runner`` on a timer and hands it to ``apply``.

    The timer runs only while a job runs; a snapshot arriving between two ticks replaces
    the one before, so a slow view drops frames instead of queueing them.
    """

    def __init__(
        self, runner: JobRunner, apply: Callable[[Any], None], *, fps: float = REPORT_RATE
    ):
        super().__init__(runner)
        self.runner = runner
        self.apply = apply
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        # A little under the frame time, so a late tick still leaves ~30 frames a second.
        self.timer.setInterval(int(1000 / fps * 0.9))
        self.timer.timeout.connect(self.tick)
        runner.state_changed.connect(self._on_state)
        self.frames = 0
        self.started = 0.0

    def _on_state(self, state: str) -> None:
        if state == "running" and not self.timer.isActive():
            self.frames = 0
            self.started = time.perf_counter()
            self.timer.start()
        elif state == "idle":
            self.timer.stop()

    def tick(self) -> None:
        snapshot = self.runner.take_latest()
        if snapshot is not None:
            self.apply(snapshot)
            self.frames += 1
