"""The Landscape tab: the loss-landscape "earthquakes" of mini-batch training.

The ``landscape`` job: the landscape of each mini-batch, the training path with its update
arrows and the blend into the next batch play live while the job runs, one panel per batch
size side by side; then the frames play in a loop, with a scrubber. The per-sample view
(nine samples' landscapes and their average) is its own page.

The live view is a contour map (coloured bands): pyqtgraph's 3-D surface needs OpenGL,
which could not run where the studio was built and tested (see :data:`SURFACE_NOTE`); the
``surface`` view is drawn into the exports. Every job is a registry recipe run through the
tab's adapter, and every export is the job's own, so the tab writes exactly the files
``gasworks landscape`` writes for the same settings and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.theme import PLOT_MUTED, set_tone
from app.gui.widgets.images import ImagePreview
from app.gui.widgets.live import FramePump
from app.gui.widgets.panels import side_panel, stats_label, two_columns
from app.gui.widgets.params_form import ParamsForm
from app.gui.widgets.scrub import scrubber
from app.gui.workers import TEXT_RATE, Control

TITLE = "Landscape"
SURFACE_NOTE = (
    "The live view is a contour map. A 3-D surface here would need pyqtgraph's OpenGL "
    "view, which found no OpenGL context where the studio was built (offscreen Qt; PyOpenGL "
    "not installed), so it is not offered. view = surface draws the 3-D surface into the "
    "GIF, MP4 and PNG exports."
)
LANDSCAPE_FIELDS = ("batch_sizes", "frames", "grid", "view", "step_size", "start_w1",
                    "start_w2", "hold_frames", "blend_frames", "samples", "spread_pairs",
                    "fps", "panel_px", "seed")  # fmt: skip
#: Export kinds: (file name offered, filter).
EXPORTS = {
    "gif": ("landscape.gif", "GIF animation (*.gif)"),
    "mp4": ("landscape.mp4", "MP4 video (*.mp4)"),
    "png": ("landscape.png", "PNG image (*.png)"),
    "samples": ("per-sample.png", "PNG image (*.png)"),
}
#: The export buttons of the animation: kind and label.
LANDSCAPE_EXPORTS = (("gif", "Animation GIF…"), ("mp4", "Animation MP4…"),
                     ("png", "This frame PNG…"), ("samples", "Per-sample view PNG…"))  # fmt: skip
PATH_COLOUR = "#ffffff"
ARROW_COLOUR = "#e4572e"
#: Arrowheads: length in weight units and half-angle in degrees.
HEAD_LENGTH, HEAD_ANGLE = 1.1, 26.0
W_RANGE = 20.0
#: What the empty view says (until the first frame's panels).
EMPTY_VIEW_TEXT = ("Run (Ctrl+R): one contour map per batch size, its loss landscape "
                   "shaking as the batches change.")  # fmt: skip


# ---------------------------------------------------------------------- frames (worker side)
@dataclass(frozen=True)
class PanelView:
    """What one panel draws: colour bands, the path, its arrows (pairs of points) and the
    update held now."""

    bands: np.ndarray
    path: np.ndarray
    arrows: np.ndarray
    held: np.ndarray
    title: str


@dataclass(frozen=True)
class ViewFrame:
    """A frame as the live view draws it (made in the worker)."""

    index: int
    total: int
    panels: tuple[PanelView, ...]
    colours: np.ndarray
    fraction: float


@dataclass(frozen=True)
class Prepared:
    """A finished run with every frame made ready to draw, and the per-sample picture."""

    result: Any
    frames: tuple[ViewFrame, ...]
    samples: np.ndarray


@dataclass(frozen=True)
class Exported:
    path: Path


@dataclass(frozen=True)
class ExportProgress:
    done: int
    total: int


def arrow_pairs(path: np.ndarray) -> np.ndarray:
    """Each step of ``path`` as an arrow: shaft and two head strokes, as point pairs."""
    if len(path) < 2:
        return np.zeros((0, 2))
    start, end = path[:-1], path[1:]
    delta = end - start
    length = np.linalg.norm(delta, axis=1, keepdims=True)
    unit = np.divide(delta, length, out=np.zeros_like(delta), where=length > 0)
    head = np.minimum(HEAD_LENGTH, 0.6 * length)
    out = [start, end]
    for sign in (1.0, -1.0):
        angle = np.radians(sign * HEAD_ANGLE)
        c, s = np.cos(angle), np.sin(angle)
        back = -np.column_stack([c * unit[:, 0] - s * unit[:, 1], s * unit[:, 0] + c * unit[:, 1]])
        out += [end, end + head * back]
    pairs = np.stack(out, axis=1)  # (steps, 6, 2): shaft, head, head
    return pairs.reshape(-1, 2)


def view_frame(frame) -> ViewFrame:
    """A :class:`engines.explorers.landscape.LandscapeFrame` made ready to draw."""
    from engines.explorers.plots import band_colours, band_index, levels

    edges = levels(frame.scale)
    panels = []
    for p in frame.panels:
        held = p.arrow is not None
        done_path = p.path[:-1] if held else p.path
        what = "update" if held else f"next batch ({p.alpha:.0%})"
        panels.append(PanelView(
            band_index(p.landscape, edges), p.path, arrow_pairs(done_path),
            arrow_pairs(p.arrow) if held else np.zeros((0, 2)),
            f"batch {p.batch_size} · step {p.step + 1} · {what}",
        ))  # fmt: skip
    total = frame.budget or frame.iteration
    return ViewFrame(frame.index, total, tuple(panels), band_colours(edges), frame.fraction)


def prepare(result) -> Prepared:
    """Every frame of a finished run made ready to draw, and the per-sample picture."""
    from engines.explorers.plots import samples_image

    frames = tuple(view_frame(result.frame(k)) for k in range(result.frames))
    return Prepared(result, frames, samples_image(result))


def export_job(control: Control, write, result, path, *, progress: bool = False, **options):
    """Write ``result`` with its job's export, off the GUI thread; with ``progress``, the
    export reports each frame drawn and stops at the next one once cancelled."""

    def report(done: int, total: int) -> bool:
        control.checkpoint()
        if control.due():
            control.send(ExportProgress(done, total))
        return False

    if progress:
        options["progress"] = report
    return Exported(Path(write(result, path, **options)))


def mp4_missing() -> str | None:
    """Why MP4 cannot be written here (the missing extra), or None."""
    from engines.explorers.landscape import check_format
    from engines.movie import MissingExtra

    try:
        check_format("x.mp4")
    except MissingExtra as exc:
        return str(exc).split(": ", 1)[1]
    return None


# ---------------------------------------------------------------------- views
class LandscapeView(QWidget):
    """One panel per batch size: bands, path, arrows; plot items made once, fed with
    ``setData``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = pg.GraphicsLayoutWidget()
        layout.addWidget(self.canvas)
        self.panels: list[dict] = []
        self.frames_shown = 0
        # The empty state (gone with the first frame's panels).
        self.hint = self.canvas.ci.addLabel(EMPTY_VIEW_TEXT, color=PLOT_MUTED, size="11pt")

    def _ensure(self, n: int) -> None:
        if len(self.panels) == n:
            return
        self.canvas.clear()
        self.panels = []
        for i in range(n):
            plot = self.canvas.addPlot(row=0, col=i, enableMenu=False)
            plot.setAspectLocked(True)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(False, False)
            plot.setRange(xRange=(-W_RANGE, W_RANGE), yRange=(-W_RANGE, W_RANGE), padding=0)
            plot.setLabel("bottom", "W1")
            plot.setLabel("left", "W2")
            image = pg.ImageItem()
            plot.addItem(image)
            arrows = pg.PlotDataItem(pen=pg.mkPen(PATH_COLOUR, width=1.5), connect="pairs")
            held = pg.PlotDataItem(pen=pg.mkPen(ARROW_COLOUR, width=3), connect="pairs")
            start = pg.ScatterPlotItem(size=7, pen=None, brush=pg.mkBrush(PATH_COLOUR))
            for item in (arrows, held, start):
                plot.addItem(item)
            self.panels.append({"plot": plot, "image": image, "arrows": arrows, "held": held,
                                "start": start})  # fmt: skip

    def show_frame(self, frame: ViewFrame) -> None:
        self._ensure(len(frame.panels))
        levels = (0, len(frame.colours) - 1)
        for items, panel in zip(self.panels, frame.panels, strict=True):
            image = items["image"]
            image.setImage(panel.bands.T, autoLevels=False, levels=levels, lut=frame.colours)
            image.setRect(QRectF(-W_RANGE, -W_RANGE, 2 * W_RANGE, 2 * W_RANGE))
            items["arrows"].setData(panel.arrows[:, 0], panel.arrows[:, 1], connect="pairs")
            items["held"].setData(panel.held[:, 0], panel.held[:, 1], connect="pairs")
            items["start"].setData(pos=panel.path[:1])
            items["plot"].setTitle(panel.title)
        self.frames_shown += 1


# ---------------------------------------------------------------------- the tab
class LandscapeTab(JobTab):
    title = TITLE
    staged = True

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        self.prepared: Prepared | None = None
        self.last_frame: ViewFrame | None = None
        self.text_clock = Control(TEXT_RATE)
        self.play_timer = QTimer(self)
        self.play_timer.timeout.connect(self._advance)
        self.runner.result.connect(self._on_result)
        self.runner.stopped.connect(lambda how: self._set_buttons())
        self.pump = FramePump(self.runner, self._apply)
        self.build_in_steps(self._build(), staged)

    @property
    def result(self):
        return None if self.prepared is None else self.prepared.result

    # ------------------------------------------------------------------ layout
    def _build(self):
        """The tab's parts, one per ``yield``: the controls, then the views."""
        from engines.explorers.params import LandscapeParams

        controls = QWidget()
        side = QVBoxLayout(controls)
        quake_box = QGroupBox("Earthquakes")
        quake = QVBoxLayout(quake_box)
        self.form = ParamsForm(LandscapeParams, fields=LANDSCAPE_FIELDS)
        self.form.editors["batch_sizes"].setToolTip(
            "Mini-batch sizes, comma-separated: one panel each, side by side (e.g. 10, 100)"
        )
        quake.addWidget(self.form)
        note = QLabel(SURFACE_NOTE)
        note.setWordWrap(True)
        set_tone(note, "muted")
        self.surface_note = note
        quake.addWidget(note)
        self.run_button.setText("Run")
        quake.addWidget(self.run_buttons())
        self.defaults_button = QPushButton("Reset to defaults")
        self.defaults_button.clicked.connect(lambda: self.form.set_values(LandscapeParams()))
        quake.addWidget(self.defaults_button)
        side.addWidget(quake_box)

        export_box = QGroupBox("Export")
        ex = QVBoxLayout(export_box)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, text in LANDSCAPE_EXPORTS:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=kind: self._ask(k))
            ex.addWidget(button)
            self.export_buttons[kind] = button
        self.mp4_problem = mp4_missing()
        if self.mp4_problem:
            self.export_buttons["mp4"].setToolTip(self.mp4_problem)
        side.addWidget(export_box)

        side.addStretch(1)

        right = two_columns(self, side_panel(controls))
        self.pages = QTabWidget()
        right.addWidget(self.pages, 1)
        self.stats_label = stats_label()
        right.addWidget(self.stats_label)
        right.addWidget(self.status)
        self._set_buttons()
        yield True

        quake_page = QWidget()
        qp = QVBoxLayout(quake_page)
        qp.setContentsMargins(0, 0, 0, 0)
        self.view = LandscapeView()
        qp.addWidget(self.view, 1)
        row, self.play_button, self.slider, self.frame_label = scrubber(self._show_index)
        self.play_button.clicked.connect(self._toggle_play)
        qp.addLayout(row)
        self.pages.addTab(quake_page, "Earthquakes")
        self.samples_view = ImagePreview("nine samples' landscapes and their average", minimum=200)
        self.samples_view.set_placeholder("Nine samples' own landscapes and their average, "
                                          "drawn when a run starts: Run (Ctrl+R).")  # fmt: skip
        self.pages.addTab(self.samples_view, "Per sample")

    def _set_buttons(self) -> None:
        idle = not self.busy
        have = self.prepared is not None
        for kind, button in self.export_buttons.items():
            button.setEnabled(idle and have and not (kind == "mp4" and self.mp4_problem))

    # ------------------------------------------------------------------ jobs
    def params(self):
        """The form's settings as :class:`LandscapeParams` (pydantic's error if invalid)."""
        return self.form.model()

    def run_default(self) -> None:
        """Run the landscape animation with the form's settings."""
        from pydantic import ValidationError

        try:
            params = self.params()
        except ValidationError as exc:
            self.show_error(_first_problem(exc))
            return
        self.play_timer.stop()
        self.slider.setEnabled(False)
        self.start_recipe("landscape", None, params, frame=view_frame, then=prepare)
        self._set_buttons()
        self.pages.setCurrentIndex(0)
        self.status.show_info("Training on mini-batches…")

    def cancel(self) -> None:
        super().cancel()
        self._set_buttons()

    # ------------------------------------------------------------------ frames and results
    def _apply(self, payload) -> None:
        if isinstance(payload, ViewFrame):
            self._show_frame(payload)
            if self.text_clock.due():
                self.status.set_fraction(payload.fraction)
        elif isinstance(payload, ExportProgress):
            self.status.set_fraction(payload.done / payload.total)

    def _show_frame(self, frame: ViewFrame) -> None:
        self.last_frame = frame
        self.view.show_frame(frame)
        self.frame_label.setText(f"frame {frame.index + 1}/{frame.total}")

    def _on_result(self, value) -> None:
        self.status.set_fraction(1.0)
        if isinstance(value, Prepared):
            self._landscape_done(value)
        elif isinstance(value, Exported):
            self.status.show_info(f"Exported {value.path}")
        self._set_buttons()

    def _landscape_done(self, prepared: Prepared) -> None:
        self.prepared = prepared
        result = prepared.result
        self.samples_view.set_array(prepared.samples)
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(prepared.frames) - 1)
        self.slider.setValue(len(prepared.frames) - 1)
        self.slider.blockSignals(False)
        self.slider.setEnabled(True)
        self._show_frame(prepared.frames[-1])
        sizes = sorted(result.spread)
        text = "spread (mean |ΔL| between consecutive batches): " + ", ".join(
            f"batch {b}: {result.spread[b]:.3g}" for b in sizes
        )
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            text += (f"; ratio {result.spread[small] / result.spread[large]:.2f} "
                     f"(√{large // small if large % small == 0 else large / small:g} = "
                     f"{(large / small) ** 0.5:.2f})")  # fmt: skip
        self.stats_label.setText(text)
        self.status.show_info(f"{result.frames} frames in {result.seconds:.1f} s; playing.")
        self.play_timer.setInterval(int(1000 / result.params.fps))
        self._play(True)

    # ------------------------------------------------------------------ playback
    def _play(self, on: bool) -> None:
        if on and self.prepared is not None:
            self.play_timer.start()
            self.play_button.setText("Pause")
        else:
            self.play_timer.stop()
            self.play_button.setText("Play")

    def _toggle_play(self) -> None:
        self._play(not self.play_timer.isActive())

    def _advance(self) -> None:
        if self.prepared is None:
            return
        self.slider.setValue((self.slider.value() + 1) % len(self.prepared.frames))

    def _show_index(self, k: int) -> None:
        if self.prepared is not None and 0 <= k < len(self.prepared.frames):
            self._show_frame(self.prepared.frames[k])

    # ------------------------------------------------------------------ export
    def _ask(self, kind: str) -> None:
        name, filters = EXPORTS[kind]
        if self.result is None:
            self.show_error("Nothing to export yet: run the landscape first.")
            return
        path = self.ask_export("Export", name, filters)
        if path is not None:
            self.export(kind, path if path.suffix else path.with_suffix(Path(name).suffix))

    def export(self, kind: str, path: str | Path) -> bool:
        """Write an export in the worker with the job's own export function: ``gif``,
        ``mp4`` (the animation), ``png`` (the frame on show) or ``samples`` (the per-sample
        view). Returns False (with the reason in the window) when there is nothing to
        export yet."""
        from engines.explorers.landscape import export_landscape

        if self.result is None:
            self.show_error("Nothing to export yet: run the landscape first.")
            return False
        options: dict[str, Any] = {}
        if kind in ("gif", "mp4"):
            options["progress"] = True
        elif kind == "png":
            options["frame"] = self.slider.value()
        elif kind == "samples":
            options["figure"] = "samples"
        self._play(False)
        self.start_job(export_job, export_landscape, self.result, Path(path), **options)
        self._set_buttons()
        self.status.show_info(f"Writing {path}…")
        return True

    def shutdown(self) -> bool:
        self.play_timer.stop()
        return super().shutdown()


def _first_problem(exc) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "settings"
    return f"{where}: {err['msg'].removeprefix('Value error, ')}"
