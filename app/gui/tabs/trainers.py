"""The Trainers tab: networks trained with Levenberg-Marquardt beside torch.optim's
first-order methods, on the tutorials' data sets or on a CSV/NPY file.

- Several methods run side by side, each in its own worker (one :class:`JobRunner` per
  method) running the ``train`` job's recipe through :func:`recipe_job`, so each lane
  computes what ``gasworks train DATA --method M`` computes for the same preset and seed.
- Live: each method's training (solid) and validation (dashed) loss on a log axis, its
  validation accuracy or RMSE, μ (Levenberg-Marquardt) or the learning rate on a log axis,
  and for 2-D data its decision boundary, redrawn as an image while it trains.
- The spirals article's comparison in one click: the ``train-compare`` job (LM against
  Adam with the article's early stopping and Adam without it, from the same initial
  weights), one lane per variant.
- At the end: each method's first run's report (:meth:`TrainResult.report`): the
  classification report (each class's precision, recall and F1; the confusion matrix drawn
  when the data is not 2-D) or the regression's figures (RMSE, MAE, R², RMSLE; the
  predictions drawn against the targets).
- Export PNG, CSV, JSON or the trained network (.pt) with the jobs' own export functions
  (:func:`engines.trainers.recipe.export_training`, ``export_comparison``), in a worker: the
  JSON of one method is what ``gasworks train ... --json`` prints.

Torch threads: every lane trains on one torch thread, as ``gasworks train`` does by default
(``--threads 1``), so both give the same figures, and two lanes share two cores without
each spinning up a pool that starves the other and the window.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.theme import PLOT_MUTED
from app.gui.widgets.files import ask_open_path, remember_file
from app.gui.widgets.hints import PlotHint
from app.gui.widgets.live import FramePump
from app.gui.widgets.panels import side_panel, source_picker, stats_label, two_columns
from app.gui.widgets.params_form import ParamsForm, seed_box
from app.gui.widgets.presets import PresetBar
from app.gui.workers import TEXT_RATE, Control, JobRunner, recipe_job
from engines.presets import Preset, validate_preset

TITLE = "Trainers"
DEFAULT_SOURCE = "spirals"
DEFAULT_PRESET = "train-spirals-lm"
#: The methods checked when the tab opens (LM beside Adam, as in the spirals article).
DEFAULT_METHODS = ("lm", "adam")
#: The preset and data set of the article's comparison (its 2-25-2 network and seed 1).
COMPARE_PRESET, COMPARE_SOURCE, COMPARE_SEEDS = "train-spirals-lm", "spirals", 10
DATA_FILTER = "Data (*.csv *.npy);;All files (*)"
#: Torch threads of each lane: gasworks train's default (--threads 1).
TORCH_THREADS = 1
#: Fields of TrainerParams on each page of the settings (the others keep the preset's
#: values: ``eps`` and ``min_grad`` are below what a spin box shows).
PAGES = (
    ("Network", ("hidden", "activation", "output", "loss", "init", "init_range", "dtype")),
    ("Stopping", ("epochs", "goal", "max_fail", "patience", "min_delta", "restore_best")),
    ("LM", ("mu", "mu_rule", "mu_increase", "mu_decrease", "mu_max", "damping", "residual",
            "jacobian", "chunk_mb")),
    ("First-order", ("learning_rate", "momentum", "weight_decay", "batch_size", "shuffle",
                     "schedule", "schedule_step", "schedule_gamma")),
)  # fmt: skip
#: Cells per side of the live decision boundary (the final one uses the engine's default).
LIVE_RESOLUTION = 80
#: Redraws per second of the curves while a job runs, and the width of the plots' left axes
#: in pixels (fixed, so new tick labels never re-lay out the plots).
CURVE_RATE = 5.0
AXIS_WIDTH = 48
#: Longest line of a panel's title, and the titles' size.
TITLE_CHARACTERS = 24
#: What the empty panels say (until a run lays out one panel per method).
EMPTY_PANELS_TEXT = "Run (Ctrl+R): one panel per method, its network's answers on the data."
TITLE_SIZE = "9pt"
#: Runs of one lane whose training loss is drawn at the end (the first one in bold).
MAX_DRAWN_RUNS = 20
#: One colour per lane (matplotlib's tab10, as the exported figures).
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
#: Class colours of two-class data (the exported figures' blue and red) and of more classes.
TWO_CLASSES = ("#2166ac", "#b2182b")
#: The share of white mixed into the colours of a boundary image (the points stay vivid).
PASTEL = 0.55
COMPARISON = "comparison"
MISSING = "train a method or run the comparison first"
#: Export kinds: (button text, suffix).
EXPORTS = (("Export PNG…", ".png"), ("Export CSV…", ".csv"), ("Export JSON…", ".json"),
           ("Export network (.pt)…", ".pt"))  # fmt: skip


def accepts_preset(table: dict[str, Any]) -> bool:
    return table.get("engine") == "trainer"


# ---------------------------------------------------------------------- worker side
@dataclass(frozen=True)
class TrainFrame:
    """One live frame: the run's snapshot, its decision boundary (2-D data) and the data."""

    snapshot: Any
    grid: Any
    data: Any


class LiveTraining:
    """Makes a lane's frames in the worker: the recipe hands it the data set once loaded
    (``loaded``), then each snapshot that is due (``__call__``)."""

    def __init__(self, resolution: int = LIVE_RESOLUTION):
        self.resolution = resolution
        self.data = None

    def loaded(self, data) -> None:
        self.data = data

    def __call__(self, snapshot) -> TrainFrame:
        grid = snapshot.boundary(self.resolution) if snapshot.bounds is not None else None
        return TrainFrame(snapshot, grid, self.data)


@dataclass(frozen=True)
class RunFigures:
    """What a lane shows when its job ends: the result, the report and boundary of its
    first run."""

    result: Any
    report: Any
    grid: Any


@dataclass(frozen=True)
class Finished:
    """A ``train`` job's result with its figures (made in the worker)."""

    key: str
    figures: RunFigures


@dataclass(frozen=True)
class Compared:
    """A ``train-compare`` job's result with each variant's figures."""

    comparison: Any
    figures: tuple[RunFigures, ...]


@dataclass(frozen=True)
class Exported:
    path: Path


def run_figures(result) -> RunFigures:
    """The first run's report and final boundary, made in the worker."""
    if not result.runs:
        return RunFigures(result, None, None)
    return RunFigures(result, result.report(0), result.runs[0].snapshot.boundary())


class TorchThreads:
    """Torch threads for the tab's workers: :data:`TORCH_THREADS` while any runs.

    torch's setting is shared by the threads that start after it is made, so every job sets
    it as it starts, and the last job to end puts back the default the GUI thread has.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._running = 0
        self.default: int | None = None

    def capture(self) -> int:
        """torch's default, read once on the GUI thread (whose own setting no worker
        changes) before any job of the tab sets anything."""
        if self.default is None:
            import torch

            self.default = torch.get_num_threads()
        return self.default

    def enter(self) -> None:
        import torch

        with self._lock:
            self._running += 1
            torch.set_num_threads(TORCH_THREADS)

    def leave(self) -> None:
        import torch

        with self._lock:
            self._running -= 1
            if self._running == 0 and self.default is not None:
                torch.set_num_threads(self.default)


def trainer_job(control, threads: TorchThreads, recipe, source, params, **kwargs):
    """:func:`recipe_job` on :data:`TORCH_THREADS` torch threads."""
    threads.enter()
    try:
        return recipe_job(control, recipe, source, params, **kwargs)
    finally:
        threads.leave()


def finish_training(key: str):
    return lambda result: Finished(key, run_figures(result))


def finish_comparison(comparison) -> Compared:
    return Compared(comparison, tuple(run_figures(r) for r in comparison.results))


def export_job(control, write, result, path: Path) -> Exported:
    """Write ``result`` with its job's export function, off the GUI thread."""
    control.checkpoint()
    return Exported(Path(write(result, path)))


# ---------------------------------------------------------------------- drawing helpers
def _rgb(colour: str) -> np.ndarray:
    colour = colour.lstrip("#")
    return np.array([int(colour[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def _pastel(rgb: np.ndarray) -> np.ndarray:
    return rgb + (255.0 - rgb) * PASTEL


def two_class_lut() -> np.ndarray:
    """P(second class) 0 → 1 as blue → white → red, paled."""
    t = np.linspace(0.0, 1.0, 256)[:, None]
    blue, red, white = _rgb(TWO_CLASSES[0]), _rgb(TWO_CLASSES[1]), np.full(3, 255.0)
    lut = np.where(t < 0.5, blue + (white - blue) * (t / 0.5), white + (red - white) *
                   ((t - 0.5) / 0.5))  # fmt: skip
    return np.round(_pastel(lut)).astype(np.uint8)


def class_lut() -> np.ndarray:
    """Class k → the k-th colour (paled), for class indices 0 to 9."""
    return np.round(np.array([_pastel(_rgb(c)) for c in COLOURS])).astype(np.uint8)


def ramp_lut(colour: str = "#00767a") -> np.ndarray:
    t = np.linspace(0.0, 1.0, 256)[:, None]
    return np.round(255.0 + (_rgb(colour) - 255.0) * t).astype(np.uint8)


def positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: non-positive ones hidden (NaN)."""
    out = np.array(values, dtype=np.float64)
    out[~(out > 0)] = np.nan
    return out


def point_colours(targets: np.ndarray, classes: int) -> list:
    palette = TWO_CLASSES if classes == 2 else COLOURS
    brushes = [pg.mkBrush(palette[k % len(palette)]) for k in range(len(palette))]
    return [brushes[int(t) % len(brushes)] for t in targets]


# ---------------------------------------------------------------------- lanes
class LanePanel:
    """A lane's picture: its decision boundary over 2-D data, the confusion matrix, or the
    predictions against the targets. Items are made once; a new job reuses them."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5),
                                               symbol="o")  # fmt: skip
        self.val_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("w", width=0.5), symbol="t1")
        self.predictions = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush("#1f77b4"))
        self.diagonal = pg.PlotDataItem(pen=pg.mkPen("#333333", width=1))
        for item in (self.image, self.train_points, self.val_points, self.predictions,
                     self.diagonal):  # fmt: skip
            plot.addItem(item)
        self.cell_texts: list[pg.TextItem] = []
        self.kind = ""
        self.points_shown = False
        self.updates = 0

    def clear(self) -> None:
        self.image.clear()
        for item in (self.train_points, self.val_points, self.predictions):
            item.clear()
        self.diagonal.setData([], [])
        for text in self.cell_texts:
            text.hide()
        self.kind = ""
        self.points_shown = False
        self.plot.enableAutoRange()
        self.plot.invertY(False)
        self.plot.getAxis("bottom").setTicks(None)
        self.plot.getAxis("left").setTicks(None)
        self.plot.setLabel("bottom", "")
        self.plot.setLabel("left", "")

    def show_points(self, data) -> None:
        """The training (circles) and validation (triangles) rows of 2-D data."""
        if self.points_shown or data is None or data.n_inputs != 2:
            return
        self.points_shown = True
        if data.is_classification:
            k = len(data.class_names)
            self.train_points.setData(pos=data.raw_train,
                                      brush=point_colours(data.target_train, k))  # fmt: skip
            self.val_points.setData(pos=data.raw_val, brush=point_colours(data.target_val, k))
        else:
            self.train_points.setData(pos=data.raw_train, brush=pg.mkBrush("#1b1b1f"))
            self.val_points.setData(pos=data.raw_val, brush=pg.mkBrush("#1b1b1f"))
        names = data.feature_names
        self.plot.setLabel("bottom", names[0] if names else "")
        self.plot.setLabel("left", names[1] if len(names) > 1 else "")

    def show_grid(self, grid) -> None:
        """A :class:`~engines.trainers.engine.BoundaryGrid` as an image under the points."""
        if grid.classes is not None and grid.values.shape[2] == 2:
            image, levels, lut = grid.values[:, :, 1], (0.0, 1.0), two_class_lut()
        elif grid.classes is not None:
            image, levels, lut = grid.classes.astype(np.float64), (0.0, 9.0), class_lut()
        else:
            image = grid.values[:, :, 0]
            lo, hi = float(np.nanmin(image)), float(np.nanmax(image))
            levels, lut = (lo, hi if hi > lo else lo + 1.0), ramp_lut()
        self.image.setImage(np.ascontiguousarray(image), levels=levels, lut=lut,
                            autoLevels=False)  # fmt: skip
        step_x = (grid.xs[-1] - grid.xs[0]) / max(len(grid.xs) - 1, 1)
        step_y = (grid.ys[-1] - grid.ys[0]) / max(len(grid.ys) - 1, 1)
        self.image.setRect(QRectF(grid.xs[0] - step_x / 2, grid.ys[0] - step_y / 2,
                                  step_x * len(grid.xs), step_y * len(grid.ys)))  # fmt: skip
        if self.kind != "boundary":
            self.kind = "boundary"
            self.plot.autoRange(padding=0)
            self.plot.disableAutoRange()  # the next images cover the same rectangle
        self.updates += 1

    def show_confusion(self, matrix: np.ndarray, class_names) -> None:
        """The validation confusion matrix: rows the true class, columns the predicted."""
        matrix = np.asarray(matrix)
        k = matrix.shape[0]
        rows = matrix.sum(axis=1, keepdims=True)
        share = np.divide(matrix, rows, out=np.zeros(matrix.shape), where=rows > 0)
        self.image.setImage(share, levels=(0.0, 1.0), lut=ramp_lut("#1f4e79"), autoLevels=False)
        self.image.setRect(QRectF(-0.5, -0.5, k, k))
        while len(self.cell_texts) < k * k:
            text = pg.TextItem(anchor=(0.5, 0.5))
            self.plot.addItem(text)
            self.cell_texts.append(text)
        for n, text in enumerate(self.cell_texts):
            i, j = divmod(n, k)
            if n < k * k and matrix[i, j]:
                text.setText(str(int(matrix[i, j])),
                             color="w" if share[i, j] > 0.5 else "#1b1b1f")  # fmt: skip
                text.setPos(j, i)
                text.show()
            else:
                text.hide()
        ticks = [list(enumerate(class_names))]
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.getAxis("left").setTicks(ticks)
        self.plot.setLabel("bottom", "predicted")
        self.plot.setLabel("left", "true")
        self.plot.invertY(True)
        self.kind = "confusion"
        self.plot.autoRange(padding=0.02)

    def show_predictions(self, expected: np.ndarray, predicted: np.ndarray) -> None:
        """Validation predictions against targets, with the line where they are equal."""
        self.predictions.setData(expected, predicted)
        lo = float(min(expected.min(), predicted.min()))
        hi = float(max(expected.max(), predicted.max()))
        self.diagonal.setData([lo, hi], [lo, hi])
        self.plot.setLabel("bottom", "target")
        self.plot.setLabel("left", "prediction")
        self.kind = "predictions"
        self.plot.autoRange()


class Lane:
    """One method (or comparison variant): its curves in the shared plots, its panel, its
    report, and (for a method) its own runner."""

    def __init__(self, key: str, colour: str, view: TrainView, name: str | None = None):
        self.key = key
        self.name = name or key
        self.colour = colour
        self.view = view
        pen = pg.mkPen(colour, width=2)
        dashed = pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine)
        self.train = view.loss_plot.plot(pen=pen, name=self.name, connect="finite")
        self.val = view.loss_plot.plot(pen=dashed, connect="finite")
        self.metric = view.metric_plot.plot(pen=pen, connect="finite")
        self.rate = view.rate_plot.plot(pen=pen, connect="finite")
        self.faint: list[pg.PlotDataItem] = []
        self.panel = LanePanel(view.new_panel())
        self.report_label = QLabel()
        self.report_label.setFont(QFont("monospace", 8))
        # Cut, never widening the tab (a variant's label is long).
        self.report_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.runner: JobRunner | None = None
        self.pump: FramePump | None = None
        self.reset()

    def title(self) -> str:
        """The panel's title: a long name broken after its commas into lines of at most
        :data:`TITLE_CHARACTERS`, so the panels side by side never widen the view."""
        lines = [""]
        for part in self.name.split(", "):
            joined = f"{lines[-1]}, {part}" if lines[-1] else part
            if lines[-1] and len(joined) > TITLE_CHARACTERS:
                lines.append(part)
            else:
                lines[-1] = joined
        return "<br>".join(lines)

    def items(self) -> list:
        return [self.train, self.val, self.metric, self.rate, *self.faint]

    def reset(self) -> None:
        for item in self.items():
            item.setData([], [])
        self.panel.clear()
        self.panel.plot.setTitle(self.title(), size=TITLE_SIZE)
        self.report_label.setText("")
        self.snapshot = None
        self.figures: RunFigures | None = None
        self.frames = 0

    def set_visible(self, shown: bool) -> None:
        for item in self.items():
            item.setVisible(shown)

    def show_frame(self, frame: TrainFrame) -> None:
        """A live frame: its boundary (the tab redraws the curves, less often)."""
        self.snapshot = frame.snapshot
        self.panel.show_points(frame.data)
        if frame.grid is not None:
            self.panel.show_grid(frame.grid)
        self.frames += 1

    def show_curves(self) -> None:
        if self.snapshot is not None:
            self._curves(self.snapshot)

    def _curves(self, s) -> None:
        x = np.arange(1, s.iteration + 1, dtype=np.float64)
        self.train.setData(x, positive(s.error_history))
        self.val.setData(x, positive(s.val_loss_history))
        scale = 100.0 if s.metric_name == "val_accuracy" else 1.0
        self.metric.setData(x, np.asarray(s.metric_history, dtype=np.float64) * scale)
        rates = s.mu_history if s.method == "lm" else s.lr_history
        self.rate.setData(x, positive(rates))
        style = Qt.PenStyle.SolidLine if s.method == "lm" else Qt.PenStyle.DotLine
        self.rate.setPen(pg.mkPen(self.colour, width=2, style=style))

    def finish(self, figures: RunFigures) -> None:
        """The job's end: the first run's curves (every run's training loss faintly), its
        boundary, confusion matrix or predictions, and its report."""
        self.figures = figures
        result = figures.result
        runs = result.runs
        if not runs:
            return
        first = runs[0].snapshot
        self.snapshot = first
        self._curves(first)
        colour = pg.mkColor(self.colour)
        colour.setAlpha(90)
        drawn = runs[1:MAX_DRAWN_RUNS]
        while len(self.faint) < len(drawn):
            self.faint.append(self.view.loss_plot.plot(pen=pg.mkPen(colour, width=1),
                                                       connect="finite"))  # fmt: skip
        for item, run in zip(self.faint, drawn, strict=False):
            s = run.snapshot
            item.setPen(pg.mkPen(colour, width=1))
            item.setData(np.arange(1, s.iteration + 1, dtype=np.float64),
                         positive(s.error_history))  # fmt: skip
            item.setVisible(True)
        for item in self.faint[len(drawn) :]:
            item.setData([], [])
        report = figures.report
        self.panel.show_points(result.dataset)
        if figures.grid is not None:
            self.panel.show_grid(figures.grid)
        elif result.dataset.is_classification:
            self.panel.show_confusion(report["confusion"], result.dataset.class_names)
        else:
            self.panel.show_predictions(report["expected"], report["predicted"])
        self.panel.plot.setTitle(f"{self.title()}<br>{metric_text(first)}", size=TITLE_SIZE)
        self.report_label.setText(report_text(self.key, result, report))


def variant_name(changes: dict[str, Any]) -> str:
    """A comparison variant's short name, from its changes to the base params: the method,
    a scaling of the inputs, and (first-order) its early stopping."""
    method = changes.get("method", "lm")
    parts = ["LM" if method == "lm" else method.capitalize()]
    scaling = changes.get("data", {}).get("scaling", "none")
    if scaling != "none":
        parts.append(f"{scaling} scaling")
    if method != "lm":
        patience = changes.get("patience", 0)
        parts.append(f"early stopping ({patience})" if patience else "no early stopping")
    return ", ".join(parts)


def metric_text(snapshot) -> str:
    m = snapshot.metrics
    if "val_accuracy" in m:
        return f"validation accuracy {100 * m['val_accuracy']:.1f} %"
    return f"validation RMSE {m['val_rmse']:.4g}"


def report_text(key: str, result, report) -> str:
    """A lane's report: its first run, the report table, and a summary over several runs."""
    first = result.runs[0]
    s = first.snapshot
    unit = "iterations" if s.method == "lm" else "epochs"
    lines = [f"{key}", f"seed {first.seed}: {s.iteration} {unit}, {s.seconds:.2f} s, "
             f"stopped: {s.stop_code}", report["text"].rstrip()]  # fmt: skip
    if len(result.runs) > 1:
        summary = result.summary()
        if "solved" in summary:
            lines.append(f"solved {summary['solved']}/{summary['runs']} (validation accuracy "
                         f"≥ 95 %), mean {100 * summary['mean_val_accuracy']:.1f} %")  # fmt: skip
        else:
            lines.append(f"{summary['runs']} runs: mean RMSE {summary['mean_val_rmse']:.4g}, "
                         f"RMSLE {summary['mean_val_rmsle']:.4f}")  # fmt: skip
    return "\n".join(lines)


class TrainView(QWidget):
    """The shared plots (loss, validation metric, μ or learning rate) above one panel per
    lane, and the lanes' reports under their panels."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.curves = pg.GraphicsLayoutWidget()
        self.loss_plot = self.curves.addPlot(row=0, col=0, enableMenu=False)
        self.metric_plot = self.curves.addPlot(row=0, col=1, enableMenu=False)
        self.rate_plot = self.curves.addPlot(row=0, col=2, enableMenu=False)
        self.curves.ci.layout.setColumnStretchFactor(0, 2)
        self.loss_plot.setTitle("loss (solid: training, dashed: validation)")
        self.metric_plot.setTitle("validation metric")
        self.rate_plot.setTitle("μ (LM) · learning rate")
        for plot in (self.loss_plot, self.rate_plot):
            plot.setLogMode(y=True)
        for plot in (self.loss_plot, self.metric_plot, self.rate_plot):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.setLabel("bottom", "iteration / epoch")
            plot.getAxis("left").setWidth(AXIS_WIDTH)
        # Bottom left: where curves that fall from the top left leave room.
        self.legend = self.loss_plot.addLegend(offset=(10, -10), labelTextSize="8pt")
        layout.addWidget(self.curves, 5)
        self.panels = pg.GraphicsLayoutWidget()
        layout.addWidget(self.panels, 6)
        self.reports = QHBoxLayout()
        layout.addLayout(self.reports, 3)
        self._panel_plots: list[pg.PlotItem] = []
        # The empty states: what fills the curves and the panels (gone with the first run).
        self.loss_hint = PlotHint(self.loss_plot, "Each method's loss, plotted as it trains.")
        self.panels.ci.addLabel(EMPTY_PANELS_TEXT, color=PLOT_MUTED, size="11pt")

    def new_panel(self) -> pg.PlotItem:
        plot = pg.PlotItem(enableMenu=False)
        plot.getAxis("left").setWidth(AXIS_WIDTH)
        self._panel_plots.append(plot)
        return plot

    def arrange(self, lanes: list[Lane]) -> None:
        """Show ``lanes`` side by side (in this order) and hide every other lane."""
        self.panels.ci.clear()
        while self.reports.count():
            self.reports.takeAt(0)
        self.legend.clear()
        for col, lane in enumerate(lanes):
            self.panels.ci.addItem(lane.panel.plot, row=0, col=col)
            self.reports.addWidget(lane.report_label, 1)
            lane.report_label.show()
            self.legend.addItem(lane.train, lane.name)

    def set_metric(self, name: str) -> None:
        self.metric_plot.setTitle("validation accuracy (%)" if name == "val_accuracy" else
                                  "validation RMSE")  # fmt: skip


class TrainersTab(JobTab):
    title = TITLE
    staged = True
    empty_hint = "Choose data and methods on the left, then Run (Ctrl+R) to train them side " \
        "by side."  # fmt: skip
    open_filter = DATA_FILTER

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        self.source = DEFAULT_SOURCE
        self.preset_name = "trainers"
        self.base_preset: Preset | None = None
        self._shown: dict[str, Any] = {}
        self._shown_data: dict[str, Any] = {}
        self.lanes: dict[str, Lane] = {}
        self._all_lanes: dict[str, Lane] = {}
        self.active: list[Lane] = []
        self.results: dict[str, Any] = {}
        self.comparison = None
        self.threads = TorchThreads()
        self._errors: dict[str, str] = {}
        self.text_clock = Control(TEXT_RATE)
        self.curve_clock = Control(CURVE_RATE)
        self.runner.result.connect(self._on_main_result)
        self.runner.state_changed.connect(lambda _: self._sync_state())
        self.pump = FramePump(self.runner, self._apply_compare_frame)
        # Pause acts on the lanes' runners too (the base's pause acts on self.runner).
        self.pause_action.triggered.connect(self._toggle_lanes)
        self.setAcceptDrops(True)
        self.build_in_steps(self._build(), staged)

    # ------------------------------------------------------------------ layout
    def _build(self):
        from engines.options import choices
        from engines.trainers.params import DataSettings, TrainerParams

        controls = QWidget()
        side = QVBoxLayout(controls)
        data_box = QGroupBox("Data")
        form = QFormLayout(data_box)
        self.sample_combo = QComboBox()
        from engines.trainers.datasets import DATASETS

        for name in DATASETS:
            self.sample_combo.addItem(name, name)
        self.sample_combo.addItem("File…", None)
        self.sample_combo.activated.connect(self._on_dataset)
        self.open_button = QPushButton("Load CSV/NPY…")
        self.open_button.clicked.connect(self._ask_open)
        self.source_label = source_picker(form, "data", self.sample_combo, self.open_button)
        self.data_form = ParamsForm(DataSettings, none_text={"validation": "own"})
        self.data_form.editors["target"].setPlaceholderText("last column")
        form.addRow(self.data_form)
        side.addWidget(data_box)

        preset_box = QGroupBox("Preset")
        self.presets = PresetBar("trainers", accepts_preset, self.current_preset)
        self.presets.chosen.connect(self.apply_preset)
        self.presets.failed.connect(self.show_error)
        QVBoxLayout(preset_box).addWidget(self.presets)
        side.addWidget(preset_box)

        method_box = QGroupBox("Methods (side by side)")
        grid = QGridLayout(method_box)
        self.method_boxes: dict[str, QCheckBox] = {}
        for i, method in enumerate(choices(TrainerParams, "method")):
            box = QCheckBox(method)
            box.setChecked(method in DEFAULT_METHODS)
            grid.addWidget(box, i // 4, i % 4)
            self.method_boxes[method] = box
        runs = QFormLayout()
        self.seed_spin = seed_box()
        self.seeds_spin = QSpinBox()
        from engines.trainers.recipe import MAX_SEEDS

        self.seeds_spin.setRange(1, MAX_SEEDS)
        self.seeds_spin.setToolTip("Runs of each method, from the seed on (run k: seed + k)")
        runs.addRow("seed", self.seed_spin)
        runs.addRow("runs per method", self.seeds_spin)
        grid.addLayout(runs, 2, 0, 1, 4)
        grid.addWidget(self.run_buttons(), 3, 0, 1, 4)
        side.addWidget(method_box)
        yield True

        settings_box = QGroupBox("Network and training")
        pages = QTabWidget()
        #: The settings' pages by title (a dict of forms: the window keeps them in a session).
        self.forms: dict[str, ParamsForm] = {}
        for title, fields in PAGES:
            page_form = ParamsForm(TrainerParams, fields=fields,
                                   none_text={"batch_size": "all rows"})  # fmt: skip
            self.forms[title] = page_form
            pages.addTab(page_form, title)
        QVBoxLayout(settings_box).addWidget(pages)
        side.addWidget(settings_box)

        compare_box = QGroupBox("The spirals article's comparison")
        compare = QFormLayout(compare_box)
        self.compare_seeds_spin = QSpinBox()
        self.compare_seeds_spin.setRange(1, MAX_SEEDS)
        self.compare_seeds_spin.setValue(COMPARE_SEEDS)
        self.compare_seed_spin = seed_box()
        self.compare_seed_spin.setValue(1)
        self.compare_epochs_spin = QSpinBox()
        from engines.options import bounds

        self.compare_epochs_spin.setRange(0, bounds(TrainerParams, "epochs")[1])
        self.compare_epochs_spin.setSpecialValueText("the article's")
        self.compare_epochs_spin.setToolTip("Every variant's budget (the article's: LM 1,000 "
                                       "iterations, Adam 10,000 epochs)")  # fmt: skip
        compare.addRow("seeds", self.compare_seeds_spin)
        compare.addRow("first seed", self.compare_seed_spin)
        compare.addRow("epochs", self.compare_epochs_spin)
        self.compare_button = QPushButton("Compare LM and Adam")
        self.compare_button.setToolTip(
            "LM against Adam with the article's early stopping and Adam without it, from the "
            "same initial weights, on the spirals (gasworks train spirals --compare)"
        )
        self.compare_button.clicked.connect(self.run_comparison)
        compare.addRow(self.compare_button)
        side.addWidget(compare_box)

        export_box = QGroupBox("Export")
        export_layout = QVBoxLayout(export_box)
        self.export_choice = QComboBox()
        self.export_choice.setToolTip("The job whose result is exported")
        export_layout.addWidget(self.export_choice)
        row = QHBoxLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        for text, suffix in EXPORTS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=suffix: self._ask_export(s))
            row.addWidget(button)
            self.export_buttons[suffix] = button
        export_layout.addLayout(row)
        side.addWidget(export_box)
        side.addStretch(1)
        yield True

        right = two_columns(self, side_panel(controls))
        self.view = TrainView()
        right.addWidget(self.view, 1)
        self.stats_label = stats_label()
        right.addWidget(self.stats_label)
        right.addWidget(self.status)
        self._set_buttons()
        yield True

        key = self.presets.last_key()
        if not (key and self.presets.select(key)):
            self.presets.select(DEFAULT_PRESET)

    # ------------------------------------------------------------------ data and presets
    def set_source(self, source: str) -> None:
        self.source = source
        self.source_label.setText(source)
        index = self.sample_combo.findData(source)
        self.sample_combo.setCurrentIndex(index if index >= 0 else self.sample_combo.count() - 1)

    def _on_dataset(self, index: int) -> None:
        name = self.sample_combo.itemData(index)
        if name is None:
            self._ask_open()
            return
        from app.commands.train import DATASET_PRESETS  # the tutorial preset of a data set

        preset = DATASET_PRESETS.get(name)
        if not (preset and self.presets.select(preset)):
            self.set_source(name)

    def _ask_open(self) -> None:
        path = ask_open_path(self, "Load data to train on", DATA_FILTER)
        if path is not None:
            self.open_file(path)
        else:
            self.set_source(self.source)

    def open_file(self, path: str | Path) -> None:
        """Train on a CSV/NPY file (its target column is set under Data; the last by
        default)."""
        remember_file(path)
        self.set_source(str(path))
        self.status.show_info(f"{path}: set its target column under Data, then Run.")

    def apply_preset(self, preset: Preset) -> None:
        self.base_preset = preset
        self.preset_name = preset.name
        params = preset.engine_params
        for form in self.forms.values():
            form.set_values(params)
        self.data_form.set_values(params.data)
        self._shown = self._form_values()
        self._shown_data = self.data_form.values()
        self.seed_spin.setValue(preset.seed)
        self.method_boxes[params.method].setChecked(True)
        if preset.input:
            self.set_source(preset.input)
        self.status.show_info(preset.description)

    def _form_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for form in self.forms.values():
            values.update(form.values())
        return values

    def current_preset(self) -> Preset:
        """The tab's settings as a preset for engine 'trainer'. A value the forms show as it
        came from the preset keeps the preset's exact value (a spin box rounds)."""
        from engines.trainers.params import TrainerParams

        base = self.base_preset
        params = (base.engine_params if base else TrainerParams()).model_dump()
        for name, value in self._form_values().items():
            if name not in self._shown or value != self._shown[name]:
                params[name] = value
        data = dict(params["data"])
        for name, value in self.data_form.values().items():
            if name not in self._shown_data or value != self._shown_data[name]:
                data[name] = value
        params["data"] = data
        methods = self.checked_methods()
        if methods and params["method"] not in methods:
            params["method"] = methods[0]
        table = {"name": self.preset_name, "description": base.description if base else "",
                 "engine": "trainer", "seed": self.seed_spin.value(), "input": self.source,
                 "engine_params": params}  # fmt: skip
        return validate_preset(table, origin="the Trainers tab's settings")

    def checked_methods(self) -> list[str]:
        return [m for m, box in self.method_boxes.items() if box.isChecked()]

    def check_methods(self, methods) -> None:
        for method, box in self.method_boxes.items():
            box.setChecked(method in methods)

    # ------------------------------------------------------------------ lanes and runners
    def _lane(self, key: str, colour: str, *, own_runner: bool, name: str | None = None) -> Lane:
        lane = self._all_lanes.get(key)
        if lane is None:
            lane = Lane(key, colour, self.view, name)
            if own_runner:
                lane.runner = JobRunner(self)
                lane.pump = FramePump(
                    lane.runner, lambda frame, lane=lane: self._apply_frame(lane, frame)
                )
                lane.runner.result.connect(self._on_lane_result)
                lane.runner.failed.connect(lambda message, k=key: self._lane_failed(k, message))
                lane.runner.stopped.connect(self._on_lane_stopped)
                lane.runner.state_changed.connect(lambda _: self._sync_state())
            self._all_lanes[key] = lane
        return lane

    def _use_lanes(self, lanes: list[Lane]) -> None:
        for lane in self._all_lanes.values():
            lane.set_visible(lane in lanes)
            if lane not in lanes:
                lane.report_label.hide()
        for lane in lanes:
            lane.reset()
        self.active = lanes
        self.lanes = {lane.key: lane for lane in lanes}
        self.view.arrange(lanes)
        self._errors.clear()
        self.stats_label.clear()

    def _runners(self) -> list[JobRunner]:
        return [self.runner] + [lane.runner for lane in self._all_lanes.values() if lane.runner]

    @property
    def busy(self) -> bool:
        return any(r.running for r in self._runners())

    def _sync_state(self) -> None:
        running = [r for r in self._runners() if r.running]
        if not running:
            state = "idle"
        elif all(r.paused for r in running):
            state = "paused"
        else:
            state = "running"
        self._on_state(state)
        self._set_buttons()

    def _set_buttons(self) -> None:
        if not hasattr(self, "export_buttons"):
            return
        idle = not self.busy
        self.compare_button.setEnabled(idle)
        has_result = self.export_choice.count() > 0
        for button in self.export_buttons.values():
            button.setEnabled(idle and has_result)

    def _toggle_lanes(self) -> None:
        """Pause every running lane, or resume them all once all are paused."""
        running = [lane.runner for lane in self._all_lanes.values()
                   if lane.runner is not None and lane.runner.running]  # fmt: skip
        pause = not all(r.paused for r in running)
        for r in running:
            if r.paused != pause:
                r.toggle_pause()

    def cancel(self) -> None:
        for r in self._runners():
            r.cancel()
        self._set_buttons()

    def shutdown(self) -> bool:
        ok = True
        for r in self._runners():
            ok &= r.shutdown()
        return ok

    def wait_idle(self, timeout: float = 30.0) -> bool:
        return all(r.wait_idle(timeout) for r in self._runners())

    # ------------------------------------------------------------------ jobs
    def run_default(self) -> None:
        """Train every checked method side by side, each in its own worker."""
        from pydantic import ValidationError

        from engines.trainers.params import TrainerParams

        methods = self.checked_methods()
        if not methods:
            self.show_error("Check at least one method to train.")
            return
        preset = self.checked_preset()
        if preset is None:
            return
        table = preset.engine_params.model_dump()
        for method in methods:
            try:
                TrainerParams.model_validate({**table, "method": method})
            except ValidationError as exc:
                self.show_error(f"{method}: {_first_problem(exc)}")
                return
        self.threads.capture()
        lanes = [self._lane(m, COLOURS[i % len(COLOURS)], own_runner=True)
                 for i, m in enumerate(self.method_boxes) if m in methods]  # fmt: skip
        self._use_lanes(lanes)
        self.status.clear()
        self.status.set_fraction(0.0)
        self.job_started_at = time.perf_counter()
        for lane in lanes:
            live = LiveTraining()
            lane.runner.start(trainer_job, self.threads, "train", self.source, preset,
                              frame=live, then=finish_training(lane.key), loaded=live.loaded,
                              seeds=self.seeds_spin.value(), method=lane.key)  # fmt: skip
        names = ", ".join(methods)
        self.status.show_info(f"Training {names} on {self.source}…")
        self._set_buttons()

    def run_comparison(self) -> None:
        """The spirals article's comparison (the ``train-compare`` job), one lane per
        variant."""
        from engines.errors import GasworksError
        from engines.presets import load_preset
        from engines.trainers.recipe import ARTICLE_VARIANTS

        try:
            preset = load_preset(COMPARE_PRESET)
        except GasworksError as exc:
            self.report(exc)
            return
        lanes = [self._lane(label, COLOURS[i % len(COLOURS)], own_runner=False,
                            name=variant_name(changes))
                 for i, (label, changes) in enumerate(ARTICLE_VARIANTS)]  # fmt: skip
        self._use_lanes(lanes)
        live = LiveTraining()
        self.threads.capture()
        self.start_job(trainer_job, self.threads, "train-compare",
                       COMPARE_SOURCE, preset, frame=live, then=finish_comparison,
                       loaded=live.loaded, seeds=self.compare_seeds_spin.value(),
                       seed=self.compare_seed_spin.value(),
                       epochs=self.compare_epochs_spin.value() or None)  # fmt: skip
        seeds = self.compare_seeds_spin.value()
        self.status.show_info(f"The article's comparison: {len(lanes)} variants × {seeds} "
                              "seeds on the spirals…")  # fmt: skip
        self._set_buttons()

    # ------------------------------------------------------------------ frames and results
    def _apply_compare_frame(self, frame: TrainFrame) -> None:
        lane = self.lanes.get(frame.snapshot.label)
        if lane is not None:
            self._apply_frame(lane, frame)

    def _apply_frame(self, lane: Lane, frame: TrainFrame) -> None:
        """A lane's frame: its boundary now; every lane's curves at :data:`CURVE_RATE`, all
        at once (each redraw rescales three plots and their axes, which costs the GUI
        thread far more than the image)."""
        lane.show_frame(frame)
        if self.curve_clock.due():
            for each in self.active:
                each.show_curves()
        self._show_progress()

    def _show_progress(self, *, force: bool = False) -> None:
        if not self.active or not (self.text_clock.due() or force):
            return
        snaps = [lane.snapshot for lane in self.active if lane.snapshot is not None]
        if not snaps:
            return
        self.view.set_metric(snaps[0].metric_name)
        if self.runner.running:  # the comparison: one job through every variant
            fraction = max(s.overall_fraction for s in snaps)
        else:
            fraction = float(np.mean([lane.snapshot.overall_fraction if lane.snapshot else 0.0
                                      for lane in self.active]))  # fmt: skip
        self.status.set_fraction(fraction)
        parts = []
        for lane in self.active:
            s = lane.snapshot
            if s is None:
                continue
            m = s.metrics
            score = (f"{100 * m['val_accuracy']:.1f} %" if "val_accuracy" in m else
                     f"RMSE {m.get('val_rmse', float('nan')):.4g}")  # fmt: skip
            extra = f", μ {s.mu:.2g}" if s.method == "lm" else ""
            run = f" run {s.run + 1}/{s.runs}" if s.runs > 1 else ""
            parts.append(f"{lane.name}{run}: {s.iteration}, loss {s.error:.4g}, {score}{extra}")
        self.stats_label.setText("  ·  ".join(parts))

    def _on_lane_result(self, value) -> None:
        if not isinstance(value, Finished):
            return
        lane = self.lanes.get(value.key)
        if lane is None:
            return
        lane.finish(value.figures)
        self.results[value.key] = value.figures.result
        self._offer_export(value.key, f"{value.key} on {value.figures.result.dataset.name}")
        self.view.set_metric(value.figures.result.runs[0].snapshot.metric_name
                             if value.figures.result.runs else "val_accuracy")  # fmt: skip
        if not self.busy:
            self._all_done()

    def _lane_failed(self, key: str, message: str) -> None:
        """A lane's error in the window; lanes failing alike (a bad file) say it once."""
        self._errors[key] = message
        if len(set(self._errors.values())) == 1:
            self.show_error(message)
        else:
            self.show_error("\n".join(f"{k}: {m}" for k, m in self._errors.items()))

    def _on_lane_stopped(self, how: str) -> None:
        if how == "cancelled":
            self.status.show_info("Cancelled.")
            self.status.set_fraction(0.0)
        self._set_buttons()

    def _all_done(self) -> None:
        self._show_progress(force=True)
        self._on_stopped("done")  # as the base does when its runner's job ends
        if self.status.is_error:
            return
        self.status.set_fraction(1.0)
        texts = []
        for lane in self.active:
            figures = lane.figures
            if figures is None or not figures.result.runs:
                continue
            summary = figures.result.summary()
            if "solved" in summary and summary["runs"] > 1:
                texts.append(f"{lane.name} solved {summary['solved']}/{summary['runs']}")
            else:
                texts.append(f"{lane.name}: {metric_text(figures.result.runs[0].snapshot)}")
        self.status.show_info("Done: " + "; ".join(texts) + ".")

    def _on_main_result(self, value) -> None:
        if isinstance(value, Compared):
            self.comparison = value.comparison
            for figures in value.figures:
                lane = self.lanes.get(figures.result.label)
                if lane is not None:
                    lane.finish(figures)
            self._offer_export(COMPARISON, "the article's comparison")
            self._all_done()
        elif isinstance(value, Exported):
            self.status.show_info(f"Exported {value.path}")
        self._set_buttons()

    def _offer_export(self, key: str, text: str) -> None:
        index = self.export_choice.findData(key)
        if index < 0:
            self.export_choice.addItem(text, key)
            index = self.export_choice.count() - 1
        else:
            self.export_choice.setItemText(index, text)
        self.export_choice.setCurrentIndex(index)
        self._set_buttons()

    # ------------------------------------------------------------------ export
    def _ask_export(self, suffix: str) -> None:
        key = self.export_choice.currentData()
        if key is None:
            self.show_error(f"Nothing to export yet: {MISSING}.")
            return
        stem = "comparison" if key == COMPARISON else \
            f"{Path(self.source).stem}-{key}"  # fmt: skip
        filters = {".png": "PNG image (*.png)", ".csv": "CSV (*.csv)", ".json": "JSON (*.json)",
                   ".pt": "PyTorch network (*.pt)"}  # fmt: skip
        path = self.ask_export("Export", f"{stem}{suffix}", filters[suffix])
        if path is not None:
            self.export(path if path.suffix else path.with_suffix(suffix), key)

    def export(self, path: str | Path, which: str | None = None) -> bool:
        """Write a result by the suffix of ``path`` (.png, .csv, .json; .pt a method's first
        network) with its job's export function, in a worker. ``which`` is a method or
        'comparison' (default: the one chosen under Export). False (with the reason in the
        window) when there is nothing to export or a job is running."""
        from engines.trainers.recipe import export_comparison, export_training

        key = which if which is not None else self.export_choice.currentData()
        if key == COMPARISON:
            result, write = self.comparison, export_comparison
        else:
            result, write = self.results.get(key), export_training
        if result is None:
            self.show_error(f"Nothing to export yet: {MISSING}.")
            return False
        if self.busy:
            self.show_error("Wait for the training to end (or cancel it) before exporting.")
            return False
        self.start_job(export_job, write, result, Path(path))
        self.status.show_info(f"Writing {path}…")
        self._set_buttons()
        return True


def _first_problem(exc) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "settings"
    return f"{where}: {err['msg'].removeprefix('Value error, ')}"
