"""The Reflection tab: the error-reflection ensemble on one of the paper's functions or on
digits, live, beside its fair baselines.

The ``reflect`` job runs through the tab's adapter (:meth:`JobTab.start_recipe`); the view
draws, as it trains, each network's training loss (base, error networks, gate, the base
trained longer, the wide network), the base's error cases coloured by their ISODATA
cluster (for a function: x against y − base(x); for digits: the first two principal
components of the inputs) and, once the gate is trained, the base and the ensemble against
the target with the gate's choice for each test input (for digits: the gate's choice over
the test digits). The exports are the job's own, so the JSON equals ``gasworks reflect
TASK --json`` for the same settings and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.theme import PLOT_MUTED, set_tone
from app.gui.widgets.panels import side_panel, stats_label, two_columns
from app.gui.widgets.params_form import ParamsForm, seed_box

TITLE = "Reflection"
#: The form's pages: (title, fields of ReflectionParams).
PAGES = (
    ("Task", ("task", "samples", "test_samples", "hidden", "epochs", "learning_rate",
              "batch_size", "baselines")),
    ("Error networks", ("error_hidden", "error_epochs", "combine", "threshold_rule", "threshold",
                        "features")),
    ("ISODATA", ("clusters", "min_samples", "split_spread", "merge_distance",
                 "isodata_iterations")),
    ("Gate", ("gate", "gate_hidden", "gate_epochs", "gate_learning_rate", "neighbours")),
)  # fmt: skip
#: Export kinds: (file name offered, filter).
EXPORTS = {"png": ("reflection.png", "PNG image (*.png)"), "json": ("reflection.json",
                                                                   "JSON (*.json)")}  # fmt: skip
#: Plot colours: matplotlib's tab10 (the PNG's); the base and unclustered cases in grey.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
GREY = "#9a9a9a"
TARGET = "#444444"
NOTE = (
    "A base network is trained; its worst-fitted training cases are clustered by ISODATA; "
    "one error network per cluster learns its cases; a gate picks the network for each "
    "input. 'Base longer' trains the base on for the samples the error networks saw; "
    "'wide' is one network with the ensemble's parameter count."
)


def colour_of(k: int) -> str:
    """Colour of error network ``k`` (1, 2, ...) and of its cluster; grey for the base (0)
    and for unclustered cases (−1 → 0)."""
    return GREY if k <= 0 else COLOURS[k % len(COLOURS)]


@dataclass(frozen=True)
class ViewFrame:
    """What the view draws, made from a snapshot (in the worker) or a finished run."""

    task: str
    stage: str
    histories: dict[str, np.ndarray]
    panel: Any
    fraction: float
    text: str


@dataclass(frozen=True)
class Exported:
    path: Path


def view_frame(snapshot) -> ViewFrame:
    """A :class:`~engines.trainers.reflection.ReflectionSnapshot` made ready to draw."""
    text = f"seed {snapshot.seed} ({snapshot.run + 1}/{snapshot.runs}) · training {snapshot.stage}"
    if len(snapshot.error_history):
        text += f" · epoch {len(snapshot.error_history)}, loss {snapshot.error_history[-1]:.3g}"
    return ViewFrame(snapshot.task, snapshot.stage, dict(snapshot.histories), snapshot.panel,
                     snapshot.fraction, text)  # fmt: skip


def result_frame(result) -> ViewFrame | None:
    """The first run of a finished job, to draw."""
    if not result.runs:
        return None
    run = result.runs[0]
    return ViewFrame(result.task, "done", dict(run.histories), run.panel, 1.0,
                     f"seed {run.seed}: the first run")  # fmt: skip


def export_job(control, write, result, path, **options) -> Exported:
    """Write ``result`` with its job's export, off the GUI thread."""
    control.checkpoint()
    return Exported(Path(write(result, path, **options)))


def figures_text(result) -> str:
    """The row of a finished job, as the stats line shows it."""
    row = result.row()
    if not result.runs:
        return "No run finished."

    def cell(key: str, fmt: str = ".3g") -> str:
        if row.get(key) is None:
            return "-"
        return f"{row[key]:{fmt}} ± {row[key + '_sd']:{fmt.lstrip('+')}}"

    text = (f"{result.task}, {row['seeds']} seed(s): base {cell('base_loss')} · reflection "
            f"{cell('reflection_loss')} ({cell('reduction', '+.1f')} %) · base longer "
            f"{cell('base_longer_loss')} · wide {cell('wide_loss')} · clusters "
            f"{cell('clusters', '.1f')}")  # fmt: skip
    if "base_accuracy" in row:
        text += " · accuracy base {:.2%}, reflection {:.2%}".format(
            row["base_accuracy"], row["reflection_accuracy"]
        )
    return text


class ReflectionView(QWidget):
    """Loss curves, error clusters and fits; plot items made once, fed with ``setData``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = pg.GraphicsLayoutWidget()
        layout.addWidget(self.canvas)
        # No context menus (made eagerly by each plot, about a quarter of its cost; never shown).
        self.losses = self.canvas.addPlot(row=0, col=0, colspan=2, enableMenu=False)
        self.losses.setLogMode(x=False, y=True)
        self.losses.setLabel("left", "training loss")
        self.losses.setLabel("bottom", "epoch")
        self.losses.addLegend(offset=(-10, 10))
        self.clusters = self.canvas.addPlot(row=1, col=0, enableMenu=False)
        self.fits = self.canvas.addPlot(row=1, col=1, enableMenu=False)
        self.fits.addLegend(offset=(10, 10))
        for plot in (self.losses, self.clusters, self.fits):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.showGrid(x=True, y=True, alpha=0.2)
        self.canvas.ci.layout.setRowStretchFactor(0, 2)
        self.canvas.ci.layout.setRowStretchFactor(1, 3)
        self.canvas.ci.layout.setColumnStretchFactor(0, 1)
        self.canvas.ci.layout.setColumnStretchFactor(1, 1)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.cases = pg.ScatterPlotItem(size=5, pen=None)
        self.clusters.addItem(self.cases)
        self.target = self.fits.plot(pen=pg.mkPen(TARGET, width=3), name="target")
        self.base = self.fits.plot(pen=pg.mkPen(COLOURS[0], width=1.5), name="base")
        self.ensemble = self.fits.plot(
            pen=pg.mkPen(COLOURS[3], width=1.5, style=Qt.PenStyle.DashLine), name="reflection"
        )
        self.choice = pg.ScatterPlotItem(size=4, pen=None)
        self.fits.addItem(self.choice)
        self.placeholder = pg.TextItem("Run to train the base network", color=PLOT_MUTED,
                                       anchor=(0.5, 0.5))  # fmt: skip
        self.clusters.addItem(self.placeholder)
        self.frames_shown = 0
        self.drawn: ViewFrame | None = None

    def _curve(self, name: str) -> pg.PlotDataItem:
        if name not in self.curves:
            dash, dot = Qt.PenStyle.DashLine, Qt.PenStyle.DotLine
            pens = {"base": pg.mkPen(TARGET, width=2), "gate": pg.mkPen(GREY, width=1.5, style=dot),
                    "longer": pg.mkPen(TARGET, width=1.5, style=dash),
                    "wide": pg.mkPen(COLOURS[9], width=1.5, style=dash)}  # fmt: skip
            pen = pens.get(name)
            if pen is None:  # "error k": the colour of its cluster
                pen = pg.mkPen(colour_of(int(name.split()[-1])), width=1.5)
            self.curves[name] = self.losses.plot(pen=pen, name=name)
        return self.curves[name]

    def show_frame(self, frame: ViewFrame) -> None:
        self.drawn = frame
        for name, curve in self.curves.items():
            if name not in frame.histories:
                curve.setData([], [])
        for name, values in frame.histories.items():
            values = np.asarray(values, dtype=np.float64)
            keep = values > 0
            epochs = np.arange(1, len(values) + 1, dtype=np.float64)
            self._curve(name).setData(epochs[keep], values[keep])
        self._show_panel(frame)
        self.frames_shown += 1

    def _show_panel(self, frame: ViewFrame) -> None:
        panel = frame.panel
        digits = frame.task == "digits"
        if panel is None:
            self.cases.setData([], [])
            for item in (self.target, self.base, self.ensemble):
                item.setData([], [])
            self.choice.setData([], [])
            self.placeholder.show()
            return
        self.placeholder.hide()
        brushes = [pg.mkBrush(colour_of(int(k) + 1)) for k in panel.case_label]
        if digits:
            self.clusters.setTitle("error cases by cluster")
            self.cases.setData(panel.case_x[:, 0], panel.case_x[:, 1], brush=brushes)
            self.clusters.setLabel("bottom", "principal component 1")
            self.clusters.setLabel("left", "principal component 2")
        else:
            self.clusters.setTitle("error cases by cluster")
            self.cases.setData(panel.case_x, panel.case_error, brush=brushes)
            self.clusters.setLabel("bottom", "x")
            self.clusters.setLabel("left", "y − base(x)")
        self.fits.legend.setVisible(not digits)
        if digits:
            for item in (self.target, self.base, self.ensemble):
                item.setData([], [])
            self.fits.setTitle("gate's choice on test digits")
            self.fits.setLabel("bottom", "principal component 1")
            self.fits.setLabel("left", "principal component 2")
            if panel.choice is not None:
                brushes = [pg.mkBrush(colour_of(int(k))) for k in panel.choice]
                self.choice.setSize(6)
                self.choice.setData(panel.curve_x[:, 0], panel.curve_x[:, 1], brush=brushes)
            else:
                self.choice.setData([], [])
            return
        self.fits.setTitle("fits · ticks: the gate's choice")
        self.fits.setLabel("bottom", "x")
        self.fits.setLabel("left", "y")
        self.target.setData(panel.curve_x, panel.target)
        self.base.setData(panel.curve_x, panel.base)
        if panel.ensemble is not None and panel.choice is not None:
            self.ensemble.setData(panel.curve_x, panel.ensemble)
            low = float(np.min(panel.target))
            span = float(np.ptp(panel.target)) or 1.0
            brushes = [pg.mkBrush(colour_of(int(k))) for k in panel.choice]
            self.choice.setSize(4)
            self.choice.setData(panel.curve_x, np.full(len(panel.choice), low - 0.08 * span),
                                brush=brushes)  # fmt: skip
        else:
            self.ensemble.setData([], [])
            self.choice.setData([], [])


class ReflectionTab(JobTab):
    title = TITLE
    empty_hint = ("Pick a function (or digits) on the left, then Run (Ctrl+R) to train the "
                  "base, its error networks and the gate.")  # fmt: skip

    staged = True

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        self.result = None
        self.runner.result.connect(self._on_result)
        self.runner.stopped.connect(lambda how: self._set_buttons())
        from app.gui.widgets.live import FramePump

        self.pump = FramePump(self.runner, self._apply)
        self.build_in_steps(self._build(), staged)

    # ------------------------------------------------------------------ layout
    def _build(self):
        """The tab's parts, one per ``yield`` (so that no start-up turn stalls the window):
        the controls and labels, then the plots."""
        from engines.trainers.reflection import MAX_SEEDS, ReflectionParams

        controls = QWidget()
        side = QVBoxLayout(controls)
        box = QGroupBox("Error reflection")
        inner = QVBoxLayout(box)
        pages = QTabWidget()
        self.forms: dict[str, ParamsForm] = {}
        for title, fields in PAGES:
            form = ParamsForm(ReflectionParams, fields=fields)
            self.forms[title] = form
            pages.addTab(form, title)
        inner.addWidget(pages)
        runs = QFormLayout()
        self.seed_spin = seed_box()
        self.seed_spin.setToolTip("The first run's seed (run k: seed + k); same seed, same "
                                  "numbers")  # fmt: skip
        self.seeds_spin = QSpinBox()
        self.seeds_spin.setRange(1, MAX_SEEDS)
        self.seeds_spin.setValue(1)
        self.seeds_spin.setToolTip("Runs, from the seed on: the figures are their means ± sd")
        runs.addRow("seed", self.seed_spin)
        runs.addRow("runs", self.seeds_spin)
        inner.addLayout(runs)
        inner.addWidget(self.run_buttons())
        self.defaults_button = QPushButton("Reset to defaults")
        self.defaults_button.setToolTip("Every setting of the ensemble back to its default")
        self.defaults_button.clicked.connect(self._reset)
        inner.addWidget(self.defaults_button)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        set_tone(note, "muted")
        inner.addWidget(note)
        side.addWidget(box)

        export_box = QGroupBox("Export")
        ex = QVBoxLayout(export_box)
        self.export_buttons: dict[str, QPushButton] = {}
        tips = {"png": "The first run's losses, clusters and fits as a PNG picture",
                "json": "The figures (means ± sd over the runs), as gasworks reflect --json "
                        "prints them"}  # fmt: skip
        for kind, text in (("png", "PNG…"), ("json", "JSON…")):
            button = QPushButton(text)
            button.setToolTip(tips[kind])
            button.clicked.connect(lambda _=False, k=kind: self._ask(k))
            ex.addWidget(button)
            self.export_buttons[kind] = button
        side.addWidget(export_box)
        side.addStretch(1)

        right = two_columns(self, side_panel(controls))
        self.stats_label = stats_label()
        right.addWidget(self.stats_label)
        right.addWidget(self.status)
        self._set_buttons()
        yield True

        self.view = ReflectionView()
        right.insertWidget(0, self.view, 1)

    def _reset(self) -> None:
        from engines.trainers.reflection import ReflectionParams

        defaults = ReflectionParams()
        for form in self.forms.values():
            form.set_values(defaults)

    def _set_buttons(self) -> None:
        idle = not self.busy
        for button in self.export_buttons.values():
            button.setEnabled(idle and self.result is not None and bool(self.result.runs))

    # ------------------------------------------------------------------ jobs
    def params(self):
        """The forms' settings as :class:`ReflectionParams` (pydantic's error if invalid)."""
        from engines.trainers.reflection import ReflectionParams

        values: dict[str, Any] = {}
        for form in self.forms.values():
            values.update(form.values())
        return ReflectionParams.model_validate(values)

    def run_default(self) -> None:
        """Run the ensemble and its baselines with the form's settings."""
        from pydantic import ValidationError

        try:
            params = self.params()
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "settings"
            self.show_error(f"{where}: {err['msg'].removeprefix('Value error, ')}")
            return
        self.result = None
        self.stats_label.setText("")
        self.start_recipe("reflect", params.task, params, frame=view_frame,
                          seed=self.seed_spin.value(), seeds=self.seeds_spin.value())  # fmt: skip
        self._set_buttons()
        self.status.show_info(f"Training the base network on {params.task}…")

    def cancel(self) -> None:
        super().cancel()
        self._set_buttons()

    # ------------------------------------------------------------------ frames and results
    def _apply(self, payload) -> None:
        if isinstance(payload, ViewFrame):
            self.view.show_frame(payload)
            self.status.set_fraction(payload.fraction)
            self.stats_label.setText(payload.text)

    def _on_result(self, value) -> None:
        from engines.trainers.reflection import ReflectionResult

        if isinstance(value, ReflectionResult):
            self.result = value
            frame = result_frame(value)
            if frame is not None:
                self.view.show_frame(frame)
            self.stats_label.setText(figures_text(value))
            self.status.set_fraction(1.0)
            self.status.show_info(f"Done: {len(value.runs)} run(s) of {value.task}.")
        elif isinstance(value, Exported):
            self.status.show_info(f"Exported {value.path}")
        self._set_buttons()

    # ------------------------------------------------------------------ export
    def _ask(self, kind: str) -> None:
        name, filters = EXPORTS[kind]
        if self.result is None:
            self.show_error("Nothing to export yet: run the ensemble first.")
            return
        path = self.ask_export("Export", name, filters)
        if path is not None:
            self.export(path if path.suffix else path.with_suffix(Path(name).suffix))

    def export(self, path: str | Path) -> bool:
        """Write the result with the job's export (its suffix picks PNG or JSON), in the
        worker. False (with the reason in the window) when there is nothing to export."""
        from engines.trainers.reflection import export_reflection

        if self.result is None or not self.result.runs:
            self.show_error("Nothing to export yet: run the ensemble first.")
            return False
        self.start_job(export_job, export_reflection, self.result, Path(path))
        self._set_buttons()
        self.status.show_info(f"Writing {path}…")
        return True
