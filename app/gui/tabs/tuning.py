"""The Tuning tab: hyperparameter searches on digits with optuna, and the one-dimensional
Gaussian-process demo.

- Search: the ``tune`` job. The search space, the best value so far after each trial (one
  curve per search, kept for comparing samplers), each parameter's slice (every complete
  trial's value against the parameter) as trials finish, and the parameters' importances
  at the end. Pause and cancel act within a trial (between training epochs); a cancelled
  study keeps its finished trials in the storage (the trial under way is pruned), and the
  same storage and study name resume it.
- Gaussian process: the ``gp-demo`` job step by step (mean, 95 % band, posterior draws,
  acquisition, the points tried), live while it runs, then playing its steps in a loop,
  with a scrubber.

Every job is a registry recipe run through the tab's adapter, and the exports are the jobs'
own, so the JSON equals ``gasworks tune --json`` for the same settings and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.theme import set_tone
from app.gui.widgets.panels import side_panel, stats_label, two_columns
from app.gui.widgets.params_form import ParamsForm
from app.gui.widgets.scrub import scrubber

TITLE = "Tuning"
GP_AXIS_WIDTH = 64
#: Export kinds: (file name offered, filter).
EXPORTS = {
    "png": ("study.png", "PNG image (*.png)"),
    "csv": ("trials.csv", "CSV (*.csv)"),
    "json": ("study.json", "JSON (*.json)"),
    "gp-png": ("gp-demo.png", "PNG image (*.png)"),
    "gp-gif": ("gp-demo.gif", "GIF animation (*.gif)"),
}
#: The GP demo's steps play at this interval, in milliseconds, once it has run.
GP_STEP_MS = 900
SAMPLER_COLOURS = {"tpe": "#1f77b4", "gp": "#2ca02c", "random": "#7f7f7f"}
#: Most parameters a space has (the slice plots made).
MAX_SLICES = 6
#: Parameters drawn on a log axis, and the slices' value axis: up to this many times the
#: lowest value (a diverged trial would flatten the rest).
LOG_PARAMETERS = ("batch_size", "step_size")
SLICE_CAP = 5.0
#: Most categories whose tick labels a slice writes on one line; the pixels a slice's
#: x axis has besides its two lines of labels.
ONE_ROW_CATEGORIES = 3
SLICE_AXIS_PAD = 12


@dataclass(frozen=True)
class Exported:
    path: Path


def export_job(control, write, result, path, **options) -> Exported:
    """Write ``result`` with its job's export, off the GUI thread."""
    control.checkpoint()
    return Exported(Path(write(result, path, **options)))


def space_text(space: str) -> str:
    from engines.explorers.tuning import describe_space

    return "\n".join(f"{name}: {what}" for name, what in describe_space(space))


def slice_parameters(space: str) -> tuple[list[str], set[str]]:
    """A space's parameters, in its order, and the categorical ones among them (drawn one
    tick per category, numbers such as the layers included)."""
    from engines.explorers.tuning import describe_space

    rows = describe_space(space)
    return [n for n, _ in rows], {n for n, what in rows if what.startswith("categorical")}


def category_ticks(labels: list[str]) -> list[tuple[int, str]]:
    """One tick per category; with more than :data:`ONE_ROW_CATEGORIES` of them every other
    label goes on a second line, so that names such as the activations never overlap."""
    if len(labels) <= ONE_ROW_CATEGORIES:
        return list(enumerate(labels))
    return [(k, label if k % 2 == 0 else "\n" + label) for k, label in enumerate(labels)]


def compact_params(params: dict) -> str:
    """A trial's parameters in a short line (numbers to 3 significant digits)."""
    return ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}"
                     for k, v in params.items())  # fmt: skip


class GPView(QWidget):
    """The GP demo: errors, mean, band, draws and the points tried above; the acquisition
    below; the next choice marked on both."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from engines.explorers.params import GPDemoParams
        from engines.options import bounds

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = pg.GraphicsLayoutWidget()
        layout.addWidget(self.canvas)
        top = self.top = self.canvas.addPlot(row=0, col=0)
        bottom = self.bottom = self.canvas.addPlot(row=1, col=0)
        self.canvas.ci.layout.setRowStretchFactor(0, 3)
        self.canvas.ci.layout.setRowStretchFactor(1, 1)
        bottom.setXLink(top)
        top.setLabel("left", "validation error")
        bottom.setLabel("left", "acquisition")
        bottom.setLabel("bottom", "hidden units")
        for plot in (top, bottom):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.getAxis("left").setWidth(GP_AXIS_WIDTH)  # the two plots' x axes line up
        top.addLegend(offset=(-10, 10))
        self.truth = top.plot(pen=pg.mkPen("#595959", width=1, style=Qt.PenStyle.DashLine),
                              name="stand-in curve")  # fmt: skip
        self.upper = pg.PlotCurveItem(pen=pg.mkPen(None))
        self.lower = pg.PlotCurveItem(pen=pg.mkPen(None))
        self.band = pg.FillBetweenItem(self.upper, self.lower, brush=pg.mkBrush(158, 202, 225, 150))
        top.addItem(self.band)
        self.draws = [top.plot(pen=pg.mkPen("#6baed6", width=1))
                      for _ in range(bounds(GPDemoParams, "draws")[1])]  # fmt: skip
        self.mean = top.plot(pen=pg.mkPen("#1f4e79", width=2), name="GP mean, 95 % band")
        self.points = pg.ScatterPlotItem(size=8, pen=None, brush=pg.mkBrush("#c0392b"),
                                         name="tried")  # fmt: skip
        top.addItem(self.points)
        self.zero = pg.PlotCurveItem(pen=pg.mkPen(None))
        self.acquisition = pg.PlotCurveItem(pen=pg.mkPen("#2e7d32", width=1.5))
        bottom.addItem(self.zero)
        bottom.addItem(self.acquisition)
        bottom.addItem(pg.FillBetweenItem(self.zero, self.acquisition,
                                          brush=pg.mkBrush(46, 125, 50, 90)))  # fmt: skip
        self.next_lines = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#c0392b", width=1,
                                                                  style=Qt.PenStyle.DotLine))
                           for _ in range(2)]  # fmt: skip
        top.addItem(self.next_lines[0])
        bottom.addItem(self.next_lines[1])
        self.steps_shown = 0

    def show_step(self, step) -> None:
        from engines.explorers.gp_demo import ACQUISITION_NAMES, BAND

        units = step.units.astype(np.float64)
        if np.isfinite(step.truth).any():
            self.truth.setData(units, step.truth)
        else:
            self.truth.setData([], [])
        if len(step.mean):
            self.upper.setData(units, step.mean + BAND * step.std)
            self.lower.setData(units, step.mean - BAND * step.std)
            self.mean.setData(units, step.mean)
            self.zero.setData(units, np.zeros_like(units))
            self.acquisition.setData(units, step.acquisition)
        else:
            for curve in (self.upper, self.lower, self.mean, self.zero, self.acquisition):
                curve.setData([], [])
        for k, curve in enumerate(self.draws):
            if k < len(step.draws):
                curve.setData(step.draws_units.astype(np.float64), step.draws[k])
            else:
                curve.setData([], [])
        self.points.setData(step.tried.astype(np.float64), step.errors)
        for line in self.next_lines:
            line.setVisible(step.proposal is not None)
            if step.proposal is not None:
                line.setValue(step.proposal)
        best = step.best
        text = f"after {step.iteration} evaluations"
        if best is not None:
            text += f" · best {best[1]:.4f} at {best[0]} units"
        if step.proposal is not None:
            text += f" · next: {step.proposal}"
        self.top.setTitle(text)
        self.bottom.setTitle(ACQUISITION_NAMES[step.acquisition_name])
        self.steps_shown += 1


class SearchView(QWidget):
    """Best so far over the trials (one curve per search), the slices and importances."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = pg.GraphicsLayoutWidget()
        layout.addWidget(self.canvas)
        self.curve_plot = self.canvas.addPlot(row=0, col=0, colspan=MAX_SLICES - 2)
        self.curve_plot.setLabel("left", "best validation cross-entropy")
        self.curve_plot.setLabel("bottom", "trial")
        self.curve_plot.addLegend(offset=(-10, 10))
        self.importance_plot = self.canvas.addPlot(row=0, col=MAX_SLICES - 2, colspan=2)
        self.importance_plot.setTitle("importance (fANOVA)")
        self.importance_plot.hideAxis("bottom")
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.6, width=[], brush="#1f77b4")
        self.importance_plot.addItem(self.bars)
        self.slices = []
        for k in range(MAX_SLICES):
            plot = self.canvas.addPlot(row=1, col=k)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            # Room for two lines of tick labels (see category_ticks), the same in every
            # slice so that their plots line up.
            axis = plot.getAxis("bottom")
            axis.setHeight(2 * QFontMetrics(axis.font()).height() + SLICE_AXIS_PAD)
            scatter = pg.ScatterPlotItem(size=6, pen=None, brush=pg.mkBrush(31, 119, 180, 170))
            plot.addItem(scatter)
            self.slices.append((plot, scatter))
        for plot in (self.curve_plot, self.importance_plot):
            plot.setMenuEnabled(False)
            plot.hideButtons()
        self.canvas.ci.layout.setRowStretchFactor(0, 3)
        self.canvas.ci.layout.setRowStretchFactor(1, 2)
        self.curves: list[pg.PlotDataItem] = []
        self.current: pg.PlotDataItem | None = None
        self.updates = 0

    def start_curve(self, label: str, sampler: str) -> None:
        """A new curve for the search starting now (earlier ones stay, for comparison)."""
        colour = SAMPLER_COLOURS.get(sampler, "#000000")
        style = [Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine][
            len(self.curves) % 3]  # fmt: skip
        self.current = self.curve_plot.plot(pen=pg.mkPen(colour, width=2, style=style),
                                            name=label)  # fmt: skip
        self.curves.append(self.current)

    def show_trials(self, history, trials, names: list[str], categorical=frozenset()) -> None:
        """Best so far (``history``, NaN before a value) and the slices of ``trials``: one
        per parameter of ``names``, those in ``categorical`` one tick per category."""
        if self.current is None:
            return
        values = np.asarray(history, dtype=float)
        shown = np.isfinite(values)
        x = np.arange(1, values.size + 1)
        self.current.setData(x[shown], values[shown])
        complete = [t for t in trials if t.state == "COMPLETE"]
        for k, (plot, scatter) in enumerate(self.slices):
            if k >= len(names):
                plot.setTitle("")
                scatter.setData([], [])
                continue
            name = names[k]
            logarithmic = name in LOG_PARAMETERS
            plot.setTitle(f"{name} (log10)" if logarithmic else name)
            points = [(t.params[name], t.value) for t in complete if name in t.params]
            if not points:
                scatter.setData([], [])
                continue
            xs = [p[0] for p in points]
            axis = plot.getAxis("bottom")
            if name in categorical or not all(isinstance(v, int | float) for v in xs):
                labels = sorted({str(v) for v in xs})
                axis.setTicks([category_ticks(labels)])
                xs = [labels.index(str(v)) for v in xs]
                plot.setXRange(-0.5, len(labels) - 0.5)
            else:
                axis.setTicks(None)
                xs = np.log10(xs) if logarithmic else xs
                plot.enableAutoRange(axis="x")
            ys = np.array([p[1] for p in points], dtype=float)
            scatter.setData(np.asarray(xs, dtype=float), ys)
            low = float(np.nanmin(ys))
            plot.setYRange(low * 0.9, min(float(np.nanmax(ys)), SLICE_CAP * low) * 1.05)
        self.updates += 1

    def show_importances(self, importances: dict[str, float]) -> None:
        names = list(importances)[::-1]
        self.bars.setOpts(x0=np.zeros(len(names)), y=np.arange(len(names)),
                          width=[importances[n] for n in names], height=0.6)  # fmt: skip
        self.importance_plot.getAxis("left").setTicks([list(enumerate(names))])


class TuningTab(JobTab):
    title = TITLE
    staged = True

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        from app.gui.widgets.live import FramePump

        self.result = None
        self.gp_result = None
        self.runs = 0
        self.runner.result.connect(self._on_result)
        self.runner.stopped.connect(lambda how: self._set_buttons())
        self.pump = FramePump(self.runner, self._apply)
        self.gp_timer = QTimer(self)
        self.gp_timer.setInterval(GP_STEP_MS)
        self.gp_timer.timeout.connect(self._next_gp_step)
        self.build_in_steps(self._build(), staged)

    # ------------------------------------------------------------------ layout
    def _build(self):
        """The tab's parts, one per ``yield``: the controls, then the views."""
        from engines.explorers.params import GPDemoParams, TuneParams

        controls = QWidget()
        side = QVBoxLayout(controls)
        search_box = QGroupBox("Search (digits)")
        search = QVBoxLayout(search_box)
        self.form = ParamsForm(TuneParams)
        search.addWidget(self.form)
        where = QFormLayout()
        self.storage_edit = QLineEdit()
        self.storage_edit.setPlaceholderText("in memory; e.g. sqlite:///study.db")
        self.storage_edit.setToolTip(
            "optuna's RDB storage: the study is kept there and resumed; several processes "
            "(gasworks tune --storage URL) on one URL tune in parallel"
        )
        self.study_edit = QLineEdit()
        self.study_edit.setPlaceholderText("digits-SPACE")
        where.addRow("storage", self.storage_edit)
        where.addRow("study", self.study_edit)
        search.addLayout(where)
        self.space_label = QLabel()
        self.space_label.setWordWrap(True)
        set_tone(self.space_label, "muted")
        search.addWidget(self.space_label)
        self.form.changed.connect(self._show_space)
        self.run_button.setText("Search")
        search.addWidget(self.run_buttons())
        row = QHBoxLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, text in (("png", "PNG…"), ("csv", "CSV…"), ("json", "JSON…")):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=kind: self._ask(k))
            row.addWidget(button)
            self.export_buttons[kind] = button
        search.addLayout(row)
        side.addWidget(search_box)

        gp_box = QGroupBox("Gaussian process, one step at a time")
        gp = QVBoxLayout(gp_box)
        self.gp_form = ParamsForm(GPDemoParams)
        gp.addWidget(self.gp_form)
        self.gp_button = QPushButton("Run the GP demo")
        self.gp_button.clicked.connect(self.run_gp)
        gp.addWidget(self.gp_button)
        row = QHBoxLayout()
        for kind, text in (("gp-png", "Step PNG…"), ("gp-gif", "Steps GIF…")):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=kind: self._ask(k))
            row.addWidget(button)
            self.export_buttons[kind] = button
        gp.addLayout(row)
        side.addWidget(gp_box)
        side.addStretch(1)

        right = two_columns(self, side_panel(controls))
        self.pages = QTabWidget()
        right.addWidget(self.pages, 1)
        self.stats_label = stats_label()
        right.addWidget(self.stats_label)
        right.addWidget(self.status)
        self._show_space()
        self._set_buttons()
        yield True

        self.search_view = SearchView()
        self.pages.addTab(self.search_view, "Search")
        yield True

        gp_page = QWidget()
        gl = QVBoxLayout(gp_page)
        gl.setContentsMargins(0, 0, 0, 0)
        self.gp_view = GPView()
        gl.addWidget(self.gp_view, 1)
        row, self.gp_play, self.gp_slider, self.gp_label = scrubber(self._show_gp_step)
        self.gp_play.clicked.connect(lambda: self._play_gp(not self.gp_timer.isActive()))
        gl.addLayout(row)
        self.pages.addTab(gp_page, "Gaussian process")

    def _show_space(self) -> None:
        from pydantic import ValidationError

        try:
            space = self.form.model().resolved_space
        except ValidationError:
            return
        self.space_label.setText(f"space '{space}':\n" + space_text(space))

    def _set_buttons(self) -> None:
        idle = not self.busy
        for kind, button in self.export_buttons.items():
            ready = self.gp_result if kind.startswith("gp") else self.result
            button.setEnabled(idle and ready is not None)
        self.gp_button.setEnabled(idle)

    # ------------------------------------------------------------------ jobs
    def run_default(self) -> None:
        """Run (or resume) the search with the form's settings."""
        from pydantic import ValidationError

        try:
            params = self.form.model()
        except ValidationError as exc:
            self.show_error(_first_problem(exc))
            return
        self.runs += 1
        self.stats_label.setToolTip("")
        self.search_view.start_curve(f"{self.runs}: {params.sampler}, {params.resolved_space}",
                                     params.sampler)  # fmt: skip
        self.start_recipe("tune", "digits", params, storage=self.storage_edit.text() or None,
                          study=self.study_edit.text() or None)  # fmt: skip
        self._set_buttons()
        self.pages.setCurrentIndex(0)
        self.status.show_info("Searching…")

    def run_gp(self) -> None:
        from pydantic import ValidationError

        try:
            params = self.gp_form.model()
        except ValidationError as exc:
            self.show_error(_first_problem(exc))
            return
        self.gp_slider.setEnabled(False)
        self._play_gp(False)
        self.start_recipe("gp-demo", None, params)
        self._set_buttons()
        self.pages.setCurrentIndex(1)
        self.status.show_info("The Gaussian process chooses hidden units…")

    def cancel(self) -> None:
        super().cancel()
        self._set_buttons()

    # ------------------------------------------------------------------ frames and results
    def _apply(self, payload) -> None:
        from engines.explorers.gp_demo import GPStep
        from engines.explorers.tuning import TuneSnapshot

        if isinstance(payload, TuneSnapshot):
            names, categorical = slice_parameters(payload.space)
            self.search_view.show_trials(payload.error_history, payload.trials, names,
                                         categorical)  # fmt: skip
            within = payload.epoch / payload.epochs if payload.epochs else 0.0
            total = payload.budget or 1
            self.status.set_fraction(min(1.0, (payload.iteration + within) / total))
            best = payload.error_history[-1] if len(payload.error_history) else float("nan")
            self.stats_label.setText(
                f"{payload.iteration} of {payload.budget} trials; best {best:.4f}; trial "
                f"epoch {payload.epoch}/{payload.epochs}"
            )
        elif isinstance(payload, GPStep):
            self.gp_view.show_step(payload)
            self.status.set_fraction(payload.fraction)

    def _on_result(self, value) -> None:
        from engines.explorers.gp_demo import GPDemoResult
        from engines.explorers.tuning import TuneResult

        self.status.set_fraction(1.0)
        if isinstance(value, TuneResult):
            self.result = value
            names, categorical = slice_parameters(value.params.resolved_space)
            history = [np.nan if v is None else v for v in value.history]
            self.search_view.show_trials(history, value.trials, names, categorical)
            self.search_view.show_importances(value.importances)
            best = value.best
            text = f"{len(value.counted)} trials in study {value.study_name!r}"
            if best is not None:
                accuracy = "" if best.accuracy is None else f", accuracy {best.accuracy:.3f}"
                text += (f"; best {best.value:.4f}{accuracy} at trial {best.number}: "
                         f"{compact_params(best.params)}")  # fmt: skip
            self.stats_label.setText(text)
            self.stats_label.setToolTip(text)
            self.status.show_info(f"Search done in {value.seconds:.1f} s.")
        elif isinstance(value, GPDemoResult):
            self._gp_done(value)
        elif isinstance(value, Exported):
            self.status.show_info(f"Exported {value.path}")
        self._set_buttons()

    def _gp_done(self, result) -> None:
        self.gp_result = result
        self.gp_slider.blockSignals(True)
        self.gp_slider.setRange(0, len(result.steps) - 1)
        self.gp_slider.setValue(len(result.steps) - 1)
        self.gp_slider.blockSignals(False)
        self.gp_slider.setEnabled(True)
        self._show_gp_step(len(result.steps) - 1)
        self._play_gp(True)
        best = result.last.best
        self.status.show_info(
            f"{result.last.iteration} evaluations; best {best[1]:.4f} at {best[0]} units "
            f"({result.last.stop_reason})."
        )

    def _play_gp(self, on: bool) -> None:
        """Play the GP demo's steps in a loop (or stop)."""
        if on and self.gp_result is not None:
            self.gp_timer.start()
            self.gp_play.setText("Pause")
        else:
            self.gp_timer.stop()
            self.gp_play.setText("Play")

    def _next_gp_step(self) -> None:
        if self.gp_result is not None:
            self.gp_slider.setValue((self.gp_slider.value() + 1) % len(self.gp_result.steps))

    def _show_gp_step(self, k: int) -> None:
        if self.gp_result is not None and 0 <= k < len(self.gp_result.steps):
            self.gp_view.show_step(self.gp_result.steps[k])
            self.gp_label.setText(f"step {k + 1}/{len(self.gp_result.steps)}")

    # ------------------------------------------------------------------ export
    def _ask(self, kind: str) -> None:
        name, filters = EXPORTS[kind]
        gp = kind.startswith("gp")
        if (self.gp_result if gp else self.result) is None:
            self.show_error(
                "Nothing to export yet: "
                + ("run the GP demo first." if gp else "run a search first.")
            )
            return
        path = self.ask_export("Export", name, filters)
        if path is not None:
            self.export(kind, path if path.suffix else path.with_suffix(Path(name).suffix))

    def export(self, kind: str, path: str | Path) -> bool:
        """Write an export in the worker with the job's own export: ``png``, ``csv`` or
        ``json`` of the study, ``gp-png`` (the GP step on show) or ``gp-gif`` (every step).
        False (with the reason in the window) when there is nothing to export yet."""
        from engines.explorers.gp_demo import export_gp_demo
        from engines.explorers.tuning import export_tuning

        if kind.startswith("gp"):
            if self.gp_result is None:
                self.show_error("Nothing to export yet: run the GP demo first.")
                return False
            self._play_gp(False)
            options = {"step": self.gp_slider.value()} if kind == "gp-png" else {}
            self.start_job(export_job, export_gp_demo, self.gp_result, Path(path), **options)
        else:
            if self.result is None:
                self.show_error("Nothing to export yet: run a search first.")
                return False
            self.start_job(export_job, export_tuning, self.result, Path(path))
        self._set_buttons()
        self.status.show_info(f"Writing {path}…")
        return True

    def shutdown(self) -> bool:
        self.gp_timer.stop()
        return super().shutdown()


def _first_problem(exc) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "settings"
    return f"{where}: {err['msg'].removeprefix('Value error, ')}"
