"""The Eco tab: Error Curvature Optimization against plain training, Outlier Exposure and
double backprop, trained and measured live.

The ``eco`` job (every method over the seeds) runs through the tab's adapter; each frame,
made in the worker, carries the run's loss, error curvature C and AUROC over the epochs, and
for 2-D data the network's confidence (its largest output probability) over the input plane
around the data: ECO should be confident only near it. The table of the measurement (mean ±
sd over the seeds) shows once the job is done. The exports are the job's own, so the JSON
equals ``gasworks eco DATASET --json`` for the same settings and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.theme import set_tone
from app.gui.widgets.panels import side_panel, stats_label, two_columns
from app.gui.widgets.params_form import ParamsForm, seed_box

TITLE = "ECO"
#: The data sets offered (the bundled classification sets).
DATA_SETS = ("moons", "spirals", "xor", "digits")
#: The form's fields, in order (the rest keep their defaults).
FORM_FIELDS = ("objective", "lam", "curvature", "probes", "delearn", "delearn_rate",
               "schedule", "repeats", "until_max", "stabilise", "warmup", "curvature_cap", "clip",
               "lr_factor", "collapse_drop",
               "hidden", "activation", "epochs", "learning_rate", "batch_size", "seeds",
               "oe_weight", "oe_reach", "db_weight")  # fmt: skip
EXPORTS = {"png": ("eco.png", "PNG image (*.png)"), "json": ("eco.json", "JSON (*.json)")}
#: One colour per method (matplotlib's tab10, as the PNG export).
METHOD_COLOURS = {"plain": "#1f77b4", "eco": "#ff7f0e", "outlier_exposure": "#2ca02c",
                  "double_backprop": "#d62728"}  # fmt: skip
CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")
GRID_RESOLUTION = 80
#: Form labels that differ from the field's name (the params field and the CLI option keep
#: theirs: ``lam``, ``--lambda``).
LABELS = {"lam": "λ (curvature weight)"}


@dataclass(frozen=True)
class EcoFrame:
    """What the view draws of one snapshot (made in the worker)."""

    label: str
    seed: int
    run: int
    runs: int
    fraction: float
    loss: np.ndarray
    laplacian: np.ndarray
    auroc: np.ndarray
    accuracy: float
    collapsed: bool
    recoveries: int
    grid: object | None  # engines.trainers.eco.plots.ConfidenceGrid
    points: np.ndarray | None
    classes: np.ndarray | None


@dataclass(frozen=True)
class EcoDone:
    """A finished job: its result and, per method, the frame of its last run (ECO's last,
    so the plane shows ECO's confidence)."""

    result: object  # engines.trainers.eco.recipe.EcoResult
    frames: tuple[EcoFrame, ...]


def finish_maker(frame):
    """``then(result) -> EcoDone`` for the worker, drawing each method's last run."""

    def finish(result) -> EcoDone:
        methods = sorted(result.methods(), key=lambda m: m == "eco")
        last = [result.runs_of(m)[-1].snapshot for m in methods]
        return EcoDone(result, tuple(frame(s) for s in last))

    return finish


@dataclass(frozen=True)
class Exported:
    path: Path


def export_job(control, write, result, path, **options) -> Exported:
    """Write ``result`` with its job's export, off the GUI thread."""
    control.checkpoint()
    return Exported(Path(write(result, path, **options)))


def frame_maker(source: str, params):
    """``frame(snapshot) -> EcoFrame`` for the worker: the confidence grid of 2-D data over
    the data's box widened by half its size on each side, in the data's own units."""
    cache: dict[str, object] = {}

    def frame(snapshot) -> EcoFrame:
        from engines.trainers.datasets import load_dataset
        from engines.trainers.eco.plots import confidence_grid, plane_box

        if "data" not in cache:
            data = load_dataset(source, params.data)
            cache["data"] = data
            cache["box"] = plane_box(data.raw_train) if data.n_inputs == 2 else None
        data, box = cache["data"], cache["box"]
        grid = None
        if box is not None and snapshot.spec is not None:
            grid = confidence_grid(snapshot, box, GRID_RESOLUTION, scaling=snapshot.scaling)
        return EcoFrame(
            label=snapshot.label or snapshot.kind, seed=snapshot.seed, run=snapshot.run,
            runs=snapshot.runs, fraction=snapshot.overall_fraction,
            loss=np.array(snapshot.error_history), laplacian=snapshot.laplacian_history,
            auroc=snapshot.auroc_history,
            accuracy=float(snapshot.metrics.get("val_accuracy", np.nan)),
            collapsed=snapshot.collapsed, recoveries=snapshot.recoveries, grid=grid,
            points=data.raw_train if box is not None else None,
            classes=data.target_train if box is not None else None,
        )  # fmt: skip

    return frame


def relabel(form: ParamsForm, labels: dict[str, str]) -> None:
    """Give the rows of ``form`` named in ``labels`` those texts."""
    layout = form.layout()
    for name, text in labels.items():
        editor = form.editors.get(name)
        label = layout.labelForField(editor.parentWidget()) if editor is not None else None
        if isinstance(label, QLabel):
            label.setText(text)


class EcoView(QWidget):
    """The confidence over the plane (2-D data) and the loss, C and AUROC curves of the
    latest run of each method.

    The plots are made without pyqtgraph's context menus (each plot builds its menu eagerly,
    about a quarter of its cost, and they would be turned off anyway). With ``staged`` only
    the curves are made at once and the plane (its image and colour bar) by :meth:`make_plane`,
    which the tab calls in a later event-loop turn; a frame with a grid makes it too.
    """

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        from engines.trainers.eco.params import METHODS

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = pg.GraphicsLayoutWidget()
        layout.addWidget(self.canvas)
        self.plane: pg.PlotItem | None = None
        self.image: pg.ImageItem | None = None
        self.colour_bar: pg.ColorBarItem | None = None
        self.scatter: list[pg.ScatterPlotItem] = []
        self.loss_plot = self.canvas.addPlot(row=0, col=1, title="training loss",
                                             enableMenu=False)  # fmt: skip
        self.loss_plot.setLogMode(y=True)
        self.curvature_plot = self.canvas.addPlot(row=1, col=0, title="error curvature C",
                                                  enableMenu=False)  # fmt: skip
        self.auroc_plot = self.canvas.addPlot(row=1, col=1, title="AUROC, validation vs out",
                                              enableMenu=False)  # fmt: skip
        self.auroc_plot.setYRange(0, 1)
        self.loss_plot.addLegend(offset=(-10, 10))
        self.curves: dict[str, dict[str, pg.PlotDataItem]] = {}
        for method in METHODS:
            pen = pg.mkPen(METHOD_COLOURS[method], width=2)
            self.curves[method] = {
                "loss": self.loss_plot.plot(pen=pen, name=method),
                "laplacian": self.curvature_plot.plot(pen=pen),
                "auroc": self.auroc_plot.plot(pen=pen),
            }
        for plot in (self.loss_plot, self.curvature_plot, self.auroc_plot):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setLabel("bottom", "epoch")
        self.frames = 0
        self._points_shown = False
        if not staged:
            self.make_plane()

    def make_plane(self) -> None:
        """The confidence plot (image, colour bar, the training points), once."""
        if self.plane is not None:
            return
        self.plane = self.canvas.addPlot(row=0, col=0, title="confidence over the input plane",
                                         enableMenu=False)  # fmt: skip
        self.plane.setAspectLocked(False)
        self.image = pg.ImageItem()
        viridis = pg.colormap.get("viridis")
        self.image.setColorMap(viridis)
        self.plane.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(values=(0.5, 1.0), colorMap=viridis,
                                          interactive=False, width=12)  # fmt: skip
        self.colour_bar.setImageItem(self.image, insert_in=self.plane)
        self.scatter = [pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(c))
                        for c in CLASS_COLOURS]  # fmt: skip
        for item in self.scatter:
            self.plane.addItem(item)
        self.plane.setMenuEnabled(False)
        self.plane.hideButtons()

    def clear(self) -> None:
        for curves in self.curves.values():
            for curve in curves.values():
                curve.setData([], [])
        if self.image is not None:
            self.image.clear()
        for item in self.scatter:
            item.setData([], [])
        self._points_shown = False

    def show_frame(self, frame: EcoFrame) -> None:
        curves = self.curves.get(frame.label)
        if curves is not None:
            epochs = np.arange(1, frame.loss.size + 1, dtype=np.float64)
            loss = np.where(frame.loss > 0, frame.loss, np.nan)
            curves["loss"].setData(epochs, loss, connect="finite")
            curves["laplacian"].setData(epochs[: frame.laplacian.size], frame.laplacian,
                                        connect="finite")  # fmt: skip
            curves["auroc"].setData(epochs[: frame.auroc.size], frame.auroc, connect="finite")
        if frame.grid is not None:
            self.make_plane()
        if self.plane is not None:
            self.plane.setVisible(frame.grid is not None)
        if frame.grid is not None:
            grid = frame.grid
            self.image.setImage(grid.values.T, autoLevels=False)
            low = 1.0 / max(2, int(frame.classes.max()) + 1 if frame.classes is not None else 2)
            self.colour_bar.setLevels((low, 1.0))
            x0, x1, y0, y1 = grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[-1]
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            self.plane.setTitle(f"confidence: {frame.label}, seed {frame.seed}")
            if not self._points_shown and frame.points is not None:
                for c, item in enumerate(self.scatter):
                    rows = frame.classes == c
                    item.setData(frame.points[rows, 0], frame.points[rows, 1])
                self._points_shown = True
        self.frames += 1


class EcoTab(JobTab):
    title = TITLE
    empty_hint = ("Choose a data set and the ECO settings on the left, then Run (Ctrl+R) to "
                  "train and measure every method.")  # fmt: skip

    staged = True

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        from app.gui.widgets.live import FramePump

        self.result = None
        self.runner.result.connect(self._on_result)
        self.runner.stopped.connect(lambda how: self._set_buttons())
        self.pump = FramePump(self.runner, self._apply)
        self.build_in_steps(self._build(), staged)

    def _build(self):
        """The tab's parts, one per ``yield`` (so that no start-up turn stalls the window):
        the controls and labels, the curves, the confidence plane."""
        from engines.trainers.eco.params import EcoParams

        controls = QWidget()
        side = QVBoxLayout(controls)
        box = QGroupBox("Data and training")
        column = QVBoxLayout(box)
        top = QFormLayout()
        self.dataset_combo = QComboBox()
        self.dataset_combo.addItems(DATA_SETS)
        self.dataset_combo.setToolTip(
            "The data set: two moons, two spirals, XOR (2-D: the confidence over the plane is "
            "drawn) or scikit-learn's 8x8 digits (the nines held out as out-of-distribution)"
        )
        top.addRow("data set", self.dataset_combo)
        self.seed_spin = seed_box()
        self.seed_spin.setToolTip(self.seed_spin.toolTip() + "; run k of a method uses seed + k")
        top.addRow("seed", self.seed_spin)
        column.addLayout(top)
        self.form = ParamsForm(EcoParams, fields=FORM_FIELDS)
        relabel(self.form, LABELS)
        column.addWidget(self.form)
        column.addWidget(self.run_buttons())
        side.addWidget(box)
        export_box = QGroupBox("Export")
        row = QHBoxLayout(export_box)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, text in (("png", "PNG…"), ("json", "JSON…")):
            button = QPushButton(text)
            button.setToolTip("Confidence maps and curves (PNG)" if kind == "png" else
                              "The measurement, as gasworks eco --json prints it")  # fmt: skip
            button.clicked.connect(lambda _=False, k=kind: self._ask(k))
            row.addWidget(button)
            self.export_buttons[kind] = button
        side.addWidget(export_box)
        side.addStretch(1)

        right = two_columns(self, side_panel(controls))
        self.table_label = QLabel()
        self.table_label.setObjectName("eco_table")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.table_label.setFont(font)
        set_tone(self.table_label, "muted")
        right.addWidget(self.table_label)
        self.stats_label = stats_label()
        right.addWidget(self.stats_label)
        right.addWidget(self.status)
        self._set_buttons()
        yield True

        self.view = EcoView(staged=True)
        right.insertWidget(0, self.view, 1)
        yield True

        self.view.make_plane()

    # ------------------------------------------------------------------ state
    @property
    def source(self) -> str:
        return self.dataset_combo.currentText()

    def session_source(self) -> str | None:
        return None  # the data set is the combo's value, kept with the fields

    def _set_buttons(self) -> None:
        ready = self.result is not None and not self.busy
        for button in self.export_buttons.values():
            button.setEnabled(ready)

    def params(self):
        """The form's EcoParams (pydantic's error when a value is bad)."""
        return self.form.model()

    # ------------------------------------------------------------------ jobs
    def run_default(self) -> None:
        """Train and measure every method with the form's settings."""
        from pydantic import ValidationError

        try:
            params = self.params()
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "settings"
            self.show_error(f"{where}: {err['msg'].removeprefix('Value error, ')}")
            return
        self.result = None
        self.view.clear()
        self.table_label.setText("")
        source = self.source
        frame = frame_maker(source, params)
        self.start_recipe("eco", source, params, seed=self.seed_spin.value(), frame=frame,
                          then=finish_maker(frame))  # fmt: skip
        self._set_buttons()
        self.status.show_info(f"Training {params.seeds} seeds of each method on {source}…")

    def cancel(self) -> None:
        super().cancel()
        self._set_buttons()

    def _apply(self, frame) -> None:
        if not isinstance(frame, EcoFrame):
            return
        self.view.show_frame(frame)
        self.status.set_fraction(frame.fraction)
        state = ", collapsed" if frame.collapsed else ""
        if frame.recoveries:
            state += f", {frame.recoveries} recoveries"
        auroc = frame.auroc[-1] if frame.auroc.size else np.nan
        curvature = frame.laplacian[-1] if frame.laplacian.size else np.nan
        self.stats_label.setText(
            f"run {frame.run + 1} of {frame.runs}: {frame.label}, seed {frame.seed}, epoch "
            f"{frame.loss.size}: validation accuracy {frame.accuracy:.3f}, C {curvature:.3g}, "
            f"AUROC {auroc:.3f}{state}"
        )

    def _on_result(self, value) -> None:
        if isinstance(value, EcoDone):
            for frame in value.frames:
                self.view.show_frame(frame)
            value = self.result = value.result
            self.status.set_fraction(1.0)
            self.table_label.setText("\n".join(value.lines()))
            self.status.show_info(f"Measured {len(value.runs)} runs on {value.dataset.name}.")
        elif isinstance(value, Exported):
            self.status.show_info(f"Exported {value.path}")
        self._set_buttons()

    # ------------------------------------------------------------------ export
    def _ask(self, kind: str) -> None:
        name, filters = EXPORTS[kind]
        if self.result is None:
            self.show_error("Nothing to export yet: run the measurement first.")
            return
        path = self.ask_export("Export", name, filters)
        if path is not None:
            self.export(kind, path if path.suffix else path.with_suffix(Path(name).suffix))

    def export(self, kind: str, path: str | Path) -> bool:
        """Write the result as ``png`` or ``json`` in the worker with the job's export; False
        (the reason in the window) when there is nothing to export yet."""
        from engines.trainers.eco.recipe import export_eco

        if self.result is None:
            self.show_error("Nothing to export yet: run the measurement first.")
            return False
        self.start_job(export_job, export_eco, self.result, Path(path))
        self._set_buttons()
        self.status.show_info(f"Writing {path}…")
        return True
