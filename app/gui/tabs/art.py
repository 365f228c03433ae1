"""The Art tab: image or text → pipeline (live previews) → GNG or SOFM, drawn as it trains.

Open a file, drop one on the tab, pick a bundled sample or type text. The pipeline's four
steps are previewed as the sliders move (debounced, in a worker; a newer preview
supersedes an older one). Run trains the chosen engine in a worker thread; the live view
draws the graph or grid about 30 times a second with the epoch error below. The drawing
exports as PNG, SVG, or plotter-ready SVG on a page in millimetres.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.widgets.files import IMAGE_FILTER, ask_open_path, recent_files, remember_file
from app.gui.widgets.images import ImagePreview
from app.gui.widgets.live import FramePump, LiveArtView
from app.gui.widgets.panels import (
    export_buttons,
    sample_combo,
    side_panel,
    stats_label,
    two_columns,
)
from app.gui.widgets.params_form import ParamsForm, seed_box
from app.gui.widgets.presets import PresetBar
from app.gui.workers import TEXT_RATE, Control, JobRunner, recipe_job
from engines.art import ArtStyle
from engines.errors import GasworksError
from engines.pipeline import SAMPLES, THRESHOLD_METHODS, PipelineParams
from engines.presets import Preset, TextParams, validate_preset
from engines.render import art_engine

TITLE = "Art"
MISSING = "run the engine first"
DEFAULT_PRESET = "astronaut"
#: Wait after the last slider move before the pipeline previews are recomputed.
PREVIEW_DELAY_MS = 150
PREVIEW_STEPS = ("grey", "blurred", "binary", "points")
PIPELINE_FIELDS = ("points", "auto", "crop", "max_side", "blur", "threshold", "offset",
                   "block_size", "k", "invert", "gamma", "density", "stipple", "match_tone",
                   "edge_sigma", "ridges", "min_object_size", "max_points", "scale")  # fmt: skip
STYLE_FIELDS = ("stroke", "smoothing", "max_jump", "line_width", "line_color", "width_by",
                "width_min", "width_max", "color_by", "colormap", "colors", "node_size",
                "node_color", "background", "photo_under", "prune_spurs", "cut_long", "width",
                "margin")  # fmt: skip
#: Wait after the last style change before the drawing is redrawn (in a worker).
RESTYLE_DELAY_MS = 150
#: Live art: a change to the pipeline, the engine's parameters, the seed or the epochs runs
#: the recipe again at once when its training presents at most this many signals (the
#: astronaut recipe presents 238,620: about 0.2 s of training).
LIVE_SIGNALS = 600_000


def accepts_preset(table: dict[str, Any]) -> bool:
    """Art presets: those of an art engine drawn from an image or text (not a map's data
    set or a logo's text), and pipeline-only ones."""
    from engines.registry import JOBS
    from engines.som.maps import SAMPLES as MAP_SAMPLES

    engine = table.get("engine")
    if engine is None:
        return "pipeline" in table or "input" in table
    if not any(job.art and job.engine == engine for job in JOBS):
        return False
    source = str(table.get("input") or "")
    params = table.get("engine_params") or {}
    is_map = "map" in params or source.removeprefix("sample:") in MAP_SAMPLES
    return not is_map and not source.endswith((".csv", ".npy"))


def art_engines() -> list[tuple[str, str]]:
    """(engine key, title) of every art engine of the registry, in its order."""
    from engines.registry import JOBS

    return [(job.engine, job.title) for job in JOBS if job.art]


#: Share of the picture's pixels above which the ink is suspect (a blank or flat image, or
#: the threshold on the wrong side): the network would fill the whole frame.
INK_WARNING_SHARE = 0.9


def ink_warning(result) -> str | None:
    """Why the pipeline's points look wrong before any training (a pipeline result), or
    None: no ink at all, or ink nearly everywhere."""
    if result.mode != "binary":
        return None
    if not len(result.points):
        return "No ink found: nothing to draw. Try another threshold, offset or invert."
    share = float(result.binary.mean())
    if share >= INK_WARNING_SHARE:
        return (f"{share:.0%} of the picture is ink: a blank or flat image, or the threshold "
                "on the wrong side; the drawing would fill the frame. Try invert, another "
                "threshold or auto.")  # fmt: skip
    return None


# ---------------------------------------------------------------------- jobs (worker side)
@dataclass(frozen=True)
class ArtFrame:
    """One live frame: the engine's snapshot and the drawing of it the view shows."""

    snapshot: Any
    drawing: Any
    pipeline: Any = None


def pipeline_job(control, source: str, preset: Preset):
    """The pipeline's result for ``source`` (a file, ``sample:NAME`` or ``text:...``) and
    its preview images (drawn here, off the GUI thread: the points of a photo in tone mode
    are a million dots)."""
    from engines.render import run_input_pipeline

    control.checkpoint()
    result = run_input_pipeline(source, preset)
    control.checkpoint()
    return result, result.previews()


def art_job(control, source: str, preset: Preset, pipeline=None, recorder=None, live=False):
    """The art recipe of the preset's engine, with live frames framed on the input.

    The pipeline runs first (unless the previews already have it), so every frame knows the
    picture's frame; the recipe then gets it as its ``pipeline`` option. ``recorder`` (an
    :class:`engines.art.animation.SnapshotRecorder`) keeps snapshots for the replay and the
    animation, asking the recipe for the callbacks ``gasworks render --animate`` asks.
    ``live``: a live re-run, whose frames the view does not show (no drawing is made).
    """
    from engines.render import art_engine, image_bounds, run_input_pipeline

    if pipeline is None:
        pipeline = run_input_pipeline(source, preset)
    control.checkpoint()
    art = art_engine(preset.engine)
    bounds = image_bounds(pipeline)
    style = preset.style or ArtStyle()

    def frame(snapshot) -> ArtFrame:
        if live:
            return ArtFrame(snapshot, None, pipeline)
        drawing = art.mesh(snapshot, style, bounds=bounds, name=preset.name, pipeline=pipeline)
        return ArtFrame(snapshot, drawing, pipeline)

    recipe = art.render
    if recorder is not None:

        def recipe(source, preset, *, callback=None, **options):
            recorder.then = callback
            return art.render(source, preset, callback=recorder, snapshots=recorder.callbacks,
                              **options)  # fmt: skip

    return recipe_job(control, recipe, source, preset, frame=frame, pipeline=pipeline)


def restyled(engine: str, name: str, result, frame: ArtFrame | None, style: ArtStyle):
    """A run drawn again with ``style``, without training: the recipe's result redrawn by
    the art module's own ``draw`` (as ``gasworks render`` draws it), or a cancelled run's
    last snapshot by its ``mesh``. Returns a RenderResult."""
    from engines.render import RenderResult

    art = art_engine(engine)
    if result is None:
        from engines.render import image_bounds

        drawing = art.mesh(frame.snapshot, style, bounds=image_bounds(frame.pipeline),
                           name=name, pipeline=frame.pipeline)  # fmt: skip
        return RenderResult(drawing, style, frame.pipeline, frame.snapshot, 0, 0, {})
    if style == result.style:
        return result
    drawing, stats = art.draw(result.snapshot, style, result.pipeline, name=name)
    return dataclasses.replace(result, drawing=drawing, style=style, stats=stats)


def replay_job(control, engine: str, name: str, snapshot, result):
    """One recorded snapshot drawn in the result's style (the replay scrubber)."""
    from engines.render import image_bounds

    control.checkpoint()
    bounds = image_bounds(result.pipeline) if result.pipeline is not None else None
    return art_engine(engine).mesh(snapshot, result.style, name=name, pipeline=result.pipeline,
                                   bounds=bounds or result.drawing.bounds)  # fmt: skip


def animation_job(control, engine: str, name: str, result, snapshots, path: Path, fps: int):
    """The animation export: the same frames and writer as ``gasworks render --animate``."""
    from engines.art.animation import animation_drawings, animation_images, write_animation

    drawings = animation_drawings(result, snapshots, engine=engine, name=name)

    def progress(done: int, total: int) -> bool:
        control.checkpoint()  # Cancel stops between frames
        return False

    images = animation_images(drawings, result.style, progress=progress)
    return path, write_animation(images, path, fps=fps)


def restyle_job(control, engine: str, name: str, result, frame, style: ArtStyle):
    """:func:`restyled` in a worker (the view redraws when the style changes)."""
    control.checkpoint()
    return restyled(engine, name, result, frame, style)


# ---------------------------------------------------------------------- the tab
class ArtTab(JobTab):
    title = TITLE
    staged = True

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.source: str = f"sample:{DEFAULT_PRESET}"
        self.text_params = TextParams()
        self.preset_name = DEFAULT_PRESET
        self.description = ""
        self.pipeline_result = None
        self._pipeline_key: tuple | None = None
        self._pending_key: tuple | None = None
        self.result = None  # the recipe's RenderResult
        self._applied: dict[str, dict[str, Any]] = {}
        self.last_frame: ArtFrame | None = None
        self.previews = JobRunner(self)
        self.previews.result.connect(self._on_preview)
        self.previews.failed.connect(self.show_error)
        self.previews.failed.connect(self._on_preview_failed)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_previews)
        # Built by the window, the first previews wait until every tab is built
        # (:meth:`window_ready`): a pipeline running meanwhile would slow the building.
        self._previews_held = staged
        self._previews_wanted = False
        self.recorder = None  # the run's snapshots, for the replay and the animation
        self.run_preset = None
        self.live_run = False
        self.live_started = 0.0
        #: Seconds from the change to the new drawing shown, of the last live run.
        self.live_latency: float | None = None
        self.replayer = JobRunner(self)
        self.replayer.result.connect(self._on_replayed)
        self.replayer.failed.connect(self.show_error)
        self.animator = JobRunner(self)
        self.animator.result.connect(self._on_animation_written)
        self.animator.failed.connect(self.show_error)
        self._play_timer = QTimer(self)
        self._play_timer.timeout.connect(self._play_step)
        self._restyled = None  # the last run redrawn with the form's style
        self.restyler = JobRunner(self)
        self.restyler.result.connect(self._on_restyled)
        self.restyler.failed.connect(self.show_error)
        self._restyle_timer = QTimer(self)
        self._restyle_timer.setSingleShot(True)
        self._restyle_timer.setInterval(RESTYLE_DELAY_MS)
        self._restyle_timer.timeout.connect(self.restyle)
        self.pump = FramePump(self.runner, self._apply_frame)
        self.runner.result.connect(self._on_result)
        self.runner.stopped.connect(self._on_train_stopped)
        self.build_in_steps(self._build(), staged)

    def _select_first_preset(self) -> None:
        key = self.presets.last_key()
        if not (key and self.presets.select(key)):
            self.presets.select(DEFAULT_PRESET)

    # ------------------------------------------------------------------ layout
    def _build(self):
        """The tab's parts, one per ``yield``: the skeleton and the input, the pipeline
        form, the engine forms, the style and export, the previews, the live view, the
        error plot, and last the first preset (which starts the previews)."""
        controls = QWidget()
        side = QVBoxLayout(controls)
        right_layout = two_columns(self, side_panel(controls))
        self.stats_label = stats_label()
        self.text_clock = Control(TEXT_RATE)
        right_layout.addWidget(self.stats_label)
        right_layout.addWidget(self.status)

        source_box = QGroupBox("Input")
        grid = QGridLayout(source_box)
        self.sample_combo = sample_combo("Sample…", SAMPLES, self._on_sample)
        self.open_button = QPushButton("Open…")
        self.open_button.clicked.connect(self._ask_open)
        self.recent_button = QToolButton()
        self.recent_button.setText("Recent")
        self.recent_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.recent_menu = QMenu(self.recent_button)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.recent_button.setMenu(self.recent_menu)
        # Room for the menu's arrow beside the text (it covered the last letter).
        self.recent_button.setMinimumWidth(self.recent_button.sizeHint().width() + 14)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText("or type text to draw")
        self.text_edit.returnPressed.connect(self._on_text)
        self.text_button = QPushButton("Use text")
        self.text_button.clicked.connect(self._on_text)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.source_label.setObjectName("source")
        grid.addWidget(self.sample_combo, 0, 0)
        grid.addWidget(self.open_button, 0, 1)
        grid.addWidget(self.recent_button, 0, 2)
        grid.addWidget(self.text_edit, 1, 0, 1, 2)
        grid.addWidget(self.text_button, 1, 2)
        grid.addWidget(self.source_label, 2, 0, 1, 3)
        side.addWidget(source_box)

        preset_box = QGroupBox("Preset")
        preset_layout = QVBoxLayout(preset_box)
        self.presets = PresetBar("art", accepts_preset, self.current_preset)
        self.presets.chosen.connect(self.apply_preset)
        self.presets.failed.connect(self.show_error)
        preset_layout.addWidget(self.presets)
        side.addWidget(preset_box)
        yield True

        pipe_box = QGroupBox("Pipeline")
        pipe_layout = QVBoxLayout(pipe_box)
        self.pipeline_form = ParamsForm(
            PipelineParams, fields=PIPELINE_FIELDS, choices={"threshold": THRESHOLD_METHODS},
            none_text={"max_side": "full size", "max_points": "all"},
        )  # fmt: skip
        self.pipeline_form.changed.connect(self.schedule_previews)
        pipe_layout.addWidget(self.pipeline_form)
        side.addWidget(pipe_box)
        yield True

        engine_box = QGroupBox("Engine")
        engine_layout = QVBoxLayout(engine_box)
        top = QFormLayout()
        self.engine_combo = QComboBox()
        for key, title in art_engines():
            self.engine_combo.addItem(title, key)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(0, 100_000)
        self.epochs_spin.setSpecialValueText("auto")
        self.epochs_spin.setToolTip("Training epochs; auto lets the recipe choose")
        self.seed_spin = seed_box()
        top.addRow("engine", self.engine_combo)
        top.addRow("epochs", self.epochs_spin)
        top.addRow("seed", self.seed_spin)
        engine_layout.addLayout(top)
        from engines.presets import load_preset
        from engines.registry import params_type

        self.engine_forms = {}
        self.engine_stack = QStackedWidget()
        for key, _ in art_engines():
            model = params_type(key)
            # Fields the recipe sets itself (epochs) or that belong to other jobs (map).
            fields = [f for f in model.model_fields if f not in ("map", "epochs")]
            form = ParamsForm(model, fields=fields, none_text={"target_error": "off",
                                                               "patience": "off"})  # fmt: skip
            self.engine_forms[key] = form
            self.engine_stack.addWidget(form)
        # A map's defaults suit data sets; on an image start from the grid preset.
        self.engine_forms["som"].set_values(load_preset("grid").engine_params)
        self.engine_combo.currentIndexChanged.connect(self.engine_stack.setCurrentIndex)
        engine_layout.addWidget(self.engine_stack)
        self.live_check = QCheckBox("live: run again on each change (fast presets)")
        self.live_check.setChecked(True)
        self.live_check.setToolTip(
            f"After a first run, a change of the pipeline, the engine, the seed or the epochs "
            f"runs the recipe again at once when it trains on at most {LIVE_SIGNALS:,} signals"
        )
        engine_layout.addWidget(self.live_check)
        for form in (self.pipeline_form, *self.engine_forms.values()):
            form.changed.connect(self.schedule_live)
        self.seed_spin.valueChanged.connect(self.schedule_live)
        self.epochs_spin.valueChanged.connect(self.schedule_live)
        engine_layout.addWidget(self.run_buttons())
        side.addWidget(engine_box)
        yield True

        export_box = QGroupBox("Style and export")
        export_layout = QVBoxLayout(export_box)
        self.style_form = ParamsForm(ArtStyle, fields=STYLE_FIELDS)
        self.style_form.changed.connect(self.schedule_restyle)
        export_layout.addWidget(self.style_form)
        buttons, self.png_button, self.svg_button = export_buttons(self._ask_export)
        export_layout.addLayout(buttons)
        plot = QFormLayout()
        self.plotter_check = QCheckBox("plotter-ready SVG (mm, merged, ordered)")
        from engines.art.plotter import PAGES, SVG_ELEMENTS

        self.page_combo = QComboBox()
        self.page_combo.addItems(list(PAGES))
        self.page_combo.setEditable(True)
        self.page_combo.setToolTip(f"{', '.join(PAGES)} or WxHmm")
        self.landscape_check = QCheckBox("landscape")
        self.margin_spin = QDoubleSpinBox()
        self.margin_spin.setRange(0.0, 100.0)
        self.margin_spin.setValue(10.0)
        self.margin_spin.setSuffix(" mm")
        self.pen_spin = QDoubleSpinBox()
        self.pen_spin.setRange(0.01, 5.0)
        self.pen_spin.setSingleStep(0.05)
        self.pen_spin.setValue(0.3)
        self.pen_spin.setSuffix(" mm")
        self.element_combo = QComboBox()
        self.element_combo.addItems(list(SVG_ELEMENTS))
        plot.addRow(self.plotter_check)
        plot.addRow("page", self.page_combo)
        plot.addRow("", self.landscape_check)
        plot.addRow("margin", self.margin_spin)
        plot.addRow("pen", self.pen_spin)
        plot.addRow("element", self.element_combo)
        export_layout.addLayout(plot)
        side.addWidget(export_box)
        side.addStretch(1)
        yield True

        strip = QHBoxLayout()
        self.preview_views = {step: ImagePreview(step) for step in PREVIEW_STEPS}
        for view in self.preview_views.values():
            view.setMinimumHeight(130)
            strip.addWidget(view)
        right_layout.insertLayout(0, strip, 1)
        yield True

        self.view = LiveArtView(error_plot=False)
        right_layout.insertWidget(1, self.view, 4)
        right_layout.insertLayout(2, self._replay_row())
        yield True

        self.view.add_error_plot()
        yield True

        self._select_first_preset()

    # ------------------------------------------------------------------ input
    def set_source(self, source: str) -> None:
        """Use ``source`` (a path, ``sample:NAME`` or ``text:...``) and preview it."""
        self.source = source
        shown = source if not source.startswith("text:") else f"text: {source[5:]!r}"
        self.source_label.setText(shown)
        index = self.sample_combo.findData(source)
        self.sample_combo.setCurrentIndex(max(index, 0))
        self.schedule_previews()

    def choose_source(self, source: str) -> None:
        """A new input chosen by hand: a crop made for the previous image is dropped."""
        if self.pipeline_form.values().get("crop"):
            self.pipeline_form.set_values({"crop": None})
        self.set_source(source)

    def open_file(self, path: str | Path) -> None:
        path = Path(path)
        remember_file(path)
        self.choose_source(str(path))
        self.refresh_previews()

    def _on_sample(self, index: int) -> None:
        source = self.sample_combo.itemData(index)
        if source:
            self.choose_source(source)

    def _on_text(self) -> None:
        text = self.text_edit.text().strip()
        if not text:
            self.show_error("Type some text to draw first.")
            return
        self.choose_source(f"text:{text}")

    def _ask_open(self) -> None:
        path = ask_open_path(self, "Open an image", IMAGE_FILTER)
        if path is not None:
            self.open_file(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = recent_files()
        if not files:
            action = self.recent_menu.addAction("(no recent files)")
            action.setEnabled(False)
        for f in files:
            self.recent_menu.addAction(f, lambda f=f: self.open_file(f))

    # ------------------------------------------------------------------ presets
    @property
    def engine(self) -> str:
        return self.engine_combo.currentData()

    def apply_preset(self, preset: Preset) -> None:
        self.preset_name = preset.name
        self.description = preset.description
        # Values the forms do not show are kept, so the preset reads back as it was loaded.
        self._applied = {
            "pipeline": preset.pipeline.model_dump(),
            "style": (preset.style or ArtStyle()).model_dump(),
        }
        if preset.engine_params is not None:
            self._applied[f"engine_params.{preset.engine}"] = preset.engine_params.model_dump()
        self.pipeline_form.set_values(preset.pipeline)
        self.text_params = preset.text
        if preset.engine in self.engine_forms:
            self.engine_combo.setCurrentIndex(self.engine_combo.findData(preset.engine))
            self.engine_forms[preset.engine].set_values(preset.engine_params)
        self.epochs_spin.setValue(preset.epochs or 0)
        self.seed_spin.setValue(preset.seed)
        self.style_form.set_values(preset.style if preset.style is not None else ArtStyle())
        if preset.input:
            self.set_source(preset.input)
        elif preset.text.text:
            self.text_edit.setText(preset.text.text)
            self.set_source(f"text:{preset.text.text}")
        self.status.show_info(preset.description)

    def current_preset(self) -> Preset:
        """The tab's settings as a validated preset (raises PresetError naming the key)."""
        engine = self.engine
        table: dict[str, Any] = {
            "name": self.preset_name,
            "description": self.description,
            "engine": engine,
            "seed": self.seed_spin.value(),
            "pipeline": self._merged("pipeline", self.pipeline_form),
            "engine_params": self._merged(f"engine_params.{engine}", self.engine_forms[engine]),
            "style": self._merged("style", self.style_form),
        }
        if self.epochs_spin.value():
            table["epochs"] = self.epochs_spin.value()
        text = self.text_params.model_dump()
        if self.source.startswith("text:"):
            text["text"] = self.source[len("text:") :]
        else:
            table["input"] = self.source
        table["text"] = text
        return validate_preset(table, origin="the Art tab's settings")

    def _merged(self, section: str, form: ParamsForm) -> dict[str, Any]:
        return {**self._applied.get(section, {}), **form.values()}

    # ------------------------------------------------------------------ previews
    def schedule_previews(self) -> None:
        if self._previews_held:
            self._previews_wanted = True
            return
        self._preview_timer.start()

    def window_ready(self) -> None:
        """Every tab of the window is built: the previews held meanwhile are computed."""
        self._previews_held = False
        if self._previews_wanted:
            self._previews_wanted = False
            self.schedule_previews()

    def refresh_previews(self) -> None:
        self._preview_timer.stop()
        if self._previews_held:
            self._previews_wanted = True
            return
        preset = self.checked_preset()
        if preset is None:
            return
        key = (self.source, preset.pipeline, preset.text)
        self._pending_key = key
        self.previews.start(pipeline_job, self.source, preset)

    def _on_preview(self, payload) -> None:
        result, images = payload
        self.pipeline_result = result
        self._pipeline_key = self._pending_key
        for step, image in images.items():
            self.preview_views[step].set_array(image)
        h, w = result.image_size
        if not self.busy:
            self.stats_label.setText(f"{w} x {h} px → {result.points.shape[0]:,} points")
        if self.status.is_error:
            self.status.clear()
        warning = ink_warning(result)
        if warning:
            self.status.show_warning(warning)
        elif self.status.kind == "warning":
            self.status.clear()

    def _on_preview_failed(self, message: str) -> None:
        """The input could not be read: no picture, figures or drawing of the last input
        stay on screen under its name (the message says why)."""
        self.pipeline_result = None
        self._pipeline_key = None
        for view in self.preview_views.values():
            view.set_array(None)
        self.stats_label.setText("no picture: the input could not be read")
        preset = self.run_preset
        trained = None if preset is None else (preset.input or f"text:{preset.text.text}")
        if trained is not None and trained != self.source and not self.busy:
            self.result = self.last_frame = self._restyled = None
            self.view.clear()

    # ------------------------------------------------------------------ training
    # ------------------------------------------------------------------ live art
    def live_signals(self, preset: Preset) -> int | None:
        """Signals the preset's training presents on the current input, when it can be told
        before running (None: not known, e.g. a network sized by the photo's tone)."""
        if self.pipeline_result is None or preset.engine != "gng":
            return None
        if preset.pipeline.points != "binary":
            return None
        points = int(self.pipeline_result.points.shape[0])
        params = preset.engine_params
        if preset.epochs:
            return preset.epochs * points
        from engines.gng.art import auto_epochs

        epochs = auto_epochs(points, params.max_nodes, params.n_iter_before_neuron_added)
        return epochs * points

    def schedule_live(self) -> None:
        """A setting changed: after a first run, run again at once if the preset is fast
        (a run under way is superseded: its result is dropped)."""
        if not self.live_check.isChecked() or self.run_preset is None or self._previews_held:
            return
        if not (self.export_ready() or self.busy):  # no run yet
            return
        preset = self._quiet_preset()
        if preset is None:
            return
        signals = self.live_signals(preset)
        if signals is not None and signals <= LIVE_SIGNALS:
            self.run_default(live=True)

    def _quiet_preset(self):
        try:
            return self.current_preset()
        except (GasworksError, ValueError):
            return None

    def run_default(self, *, live: bool = False) -> None:
        """Train the engine on the current input with the current settings (``live``: a
        re-run after a change, which keeps the drawing in view until the new one is
        ready)."""
        preset = self.checked_preset()
        if preset is None:
            return
        self.live_run = live
        self.live_started = time.perf_counter()
        key = (self.source, preset.pipeline, preset.text)
        cached = self.pipeline_result if key == self._pipeline_key else None
        self.result = None
        self.last_frame = None
        self._restyled = None
        self.restyler.cancel()
        if not live:
            self.view.clear()
        style = preset.style or ArtStyle()
        self.view.set_colours(style.line_color, style.background,
                              style.node_color if style.node_size > 0 else None)  # fmt: skip
        self.run_preset = preset
        from engines.art.animation import SnapshotRecorder

        self._play_timer.stop()
        self.play_button.setText("Play")
        self.replay_slider.setEnabled(False)
        self.play_button.setEnabled(False)
        # A live re-run records nothing (the recording costs it time): Run records again.
        self.recorder = None if live else SnapshotRecorder(self.frames_spin.value())
        self.start_job(art_job, self.source, preset, cached, self.recorder, live)
        self.status.show_info("Training…")

    def _apply_frame(self, frame: ArtFrame) -> None:
        if self.live_run:  # the previous drawing stays until the new one is done
            self.last_frame = frame
            return
        if self.last_frame is None:
            self.view.set_bounds(frame.drawing.data_bounds())
        self.last_frame = frame
        snap = frame.snapshot
        self.view.show_drawing(frame.drawing)
        self.view.show_errors(snap.error_history)
        if self.text_clock.due() or snap.fraction >= 1.0:
            self.stats_label.setText(self._describe(snap))
            self.status.set_fraction(snap.fraction)

    def _describe(self, snap) -> str:
        figures = art_engine(self.run_preset.engine).figures(snap)
        what = ", ".join(f"{v:,} {k}" for k, v in figures.items())
        return f"{snap.iteration:,} of {snap.budget or snap.iteration:,} steps: {what}"

    def _on_result(self, result) -> None:
        self.result = result
        self._arm_replay()
        self.view.show_errors(result.snapshot.error_history, force=True)
        self.view.set_bounds(result.drawing.data_bounds())
        self.show_styled(result.drawing, result.style)
        if self.live_run:
            self.live_latency = time.perf_counter() - self.live_started
        self.status.set_fraction(1.0)
        what = ", ".join(f"{v:,} {k}" for k, v in result.stats.items()
                         if k not in ("error", "epochs") and isinstance(v, int))  # fmt: skip
        self.stats_label.setText(what)
        self.status.show_info(
            f"Done: {what} after {result.epochs} epochs in {result.timings['train']:.2f} s. "
            "Export the drawing with Export PNG or SVG."
        )

    # ------------------------------------------------------------------ replay, animation
    def _replay_row(self) -> QHBoxLayout:
        """Play, the replay scrubber over the recorded frames, frames and fps, and the
        animation exports."""
        from app.gui.widgets.scrub import scrubber
        from engines.art.animation import AnimationParams
        from engines.options import bounds

        row, self.play_button, self.replay_slider, self.replay_label = scrubber(self._replay_to)
        self.play_button.setText("Play")
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self.toggle_play)
        self.frames_spin = QSpinBox()
        self.frames_spin.setRange(*(int(v) for v in bounds(AnimationParams, "frames")))
        self.frames_spin.setValue(AnimationParams().frames)
        self.frames_spin.setPrefix("frames ")
        self.frames_spin.setToolTip("Frames recorded by the next run (the animation's length)")
        self.fps_spin = QSpinBox()
        self.fps_spin.setRange(*(int(v) for v in bounds(AnimationParams, "fps")))
        self.fps_spin.setValue(AnimationParams().fps)
        self.fps_spin.setSuffix(" fps")
        self.gif_button = QPushButton("Animation GIF…")
        self.mp4_button = QPushButton("Animation MP4…")
        for button in (self.gif_button, self.mp4_button):
            button.setProperty("export", True)  # in the tab's export menu too
        self.gif_button.clicked.connect(lambda: self._ask_animation("gif"))
        self.mp4_button.clicked.connect(lambda: self._ask_animation("mp4"))
        for widget in (self.frames_spin, self.fps_spin, self.gif_button, self.mp4_button):
            row.addWidget(widget)
        return row

    def replay_frames(self) -> list:
        """The recorded snapshots the scrubber shows (the finished drawing comes after)."""
        return self.recorder.timeline() if self.recorder is not None else []

    def _arm_replay(self) -> None:
        frames = self.replay_frames()
        self.replay_slider.blockSignals(True)
        self.replay_slider.setRange(0, len(frames))
        self.replay_slider.setValue(len(frames))
        self.replay_slider.blockSignals(False)
        self.replay_slider.setEnabled(bool(frames))
        self.play_button.setEnabled(bool(frames))
        self.replay_label.setText(f"frame {len(frames) + 1}/{len(frames) + 1}")

    def _replay_to(self, k: int) -> None:
        """Show the k-th recorded frame (the last is the finished drawing), drawn in a
        worker with the current style."""
        frames = self.replay_frames()
        if not frames:
            return
        self.replay_label.setText(f"frame {k + 1}/{len(frames) + 1}")
        shown = self._restyled or self.result
        if shown is None:
            return
        if k >= len(frames):
            self.replayer.cancel()
            self.show_styled(shown.drawing, shown.style)
            return
        name = self.run_preset.name
        self.replayer.start(replay_job, self.run_preset.engine, name, frames[k], shown)

    def _on_replayed(self, drawing) -> None:
        self.show_styled(drawing, (self._restyled or self.result).style)

    def show_styled(self, drawing, style: ArtStyle) -> None:
        """Show ``drawing`` with its line widths as the canvas of ``style`` has them."""
        from engines.art.geometry import CanvasTransform

        fit = CanvasTransform.fit(drawing.data_bounds(), style.width, style.height, style.margin)
        self.view.show_drawing(drawing, canvas_scale=fit.scale)

    def toggle_play(self) -> None:
        if self._play_timer.isActive():
            self._play_timer.stop()
            self.play_button.setText("Play")
            return
        if self.replay_slider.value() >= self.replay_slider.maximum():
            self.replay_slider.setValue(0)
        self._play_timer.start(round(1000 / self.fps_spin.value()))
        self.play_button.setText("Pause")

    def _play_step(self) -> None:
        k = self.replay_slider.value() + 1
        if k > self.replay_slider.maximum():
            self.toggle_play()
            return
        self.replay_slider.setValue(k)

    def _ask_animation(self, fmt: str) -> None:
        from engines.render import source_stem

        name = f"{source_stem(self.source)}.{self.preset_name}.{fmt}"
        ready = self.result is not None and bool(self.replay_frames())
        missing = "run the engine first (its frames are recorded while it trains)"
        if not ready:
            self.show_error(f"Nothing to export yet: {missing}.")
            return
        path = self.ask_export(f"Export {fmt.upper()}", name, f"{fmt.upper()} animation (*.{fmt})")
        if path is not None:
            self.export_animation(path)

    def export_animation(self, path: str | Path) -> bool:
        """Write the recorded training as a GIF or MP4 (in a worker), with the frames and
        writer of ``gasworks render --animate``; False when it cannot start."""
        from engines.art.animation import check_animation_path

        if self.result is None or not self.replay_frames():
            self.show_error("Nothing to export yet: run the engine first.")
            return False
        try:
            check_animation_path(path)
            style = ArtStyle.model_validate(self._merged("style", self.style_form))
            result = self._export_result(style)
        except (GasworksError, ValueError) as exc:
            self.report(exc)
            return False
        engine, name = self.run_preset.engine, self.run_preset.name
        frames, fps = self.replay_frames(), self.fps_spin.value()
        self.animator.start(animation_job, engine, name, result, frames, Path(path), fps)
        self.status.show_info(f"Writing the animation to {path}…")
        return True

    def _on_animation_written(self, written) -> None:
        path, figures = written
        self.status.show_info(
            f"Exported {path}: {figures['frames']} frames at {figures['fps']} fps"
        )

    def _on_train_stopped(self, how: str) -> None:
        if how == "cancelled" and self.last_frame is not None:
            self.status.show_info("Cancelled; the drawing so far can still be exported.")

    # ------------------------------------------------------------------ export
    def export_ready(self) -> bool:
        """True when there is a drawing to export (finished, or cancelled midway)."""
        return self.result is not None or self.last_frame is not None

    def _ask_export(self, fmt: str) -> None:
        from engines.render import source_stem

        name = f"{source_stem(self.source)}.{self.preset_name}.{fmt}"
        self.ask_and_export(self.export_ready() or None, MISSING, name, self.export)

    def _export_result(self, style: ArtStyle):
        """The result to write: the recipe's, redrawn by the engine's own ``draw`` when the
        style changed since the run; a cancelled run's drawing so far otherwise."""
        if self._restyled is not None and self._restyled.style == style:
            return self._restyled
        name = self.preset_name if self.result is None else self.run_preset.name
        return restyled(self.run_preset.engine, name, self.result, self.last_frame, style)

    # ------------------------------------------------------------------ restyling
    def schedule_restyle(self) -> None:
        """A style field changed: redraw the finished drawing soon (no re-training)."""
        if self.export_ready() and not self.busy:
            self._restyle_timer.start()

    def restyle(self) -> None:
        """Redraw the last run with the form's style, in a worker; the view follows."""
        self._restyle_timer.stop()
        if not self.export_ready() or self.busy:
            return
        try:
            style = ArtStyle.model_validate(self._merged("style", self.style_form))
        except ValueError as exc:
            self.report(exc)
            return
        name = self.preset_name if self.result is None else self.run_preset.name
        self.restyler.start(restyle_job, self.run_preset.engine, name, self.result,
                            self.last_frame, style)  # fmt: skip

    def _on_restyled(self, result) -> None:
        self._restyled = result
        style = result.style
        node = style.node_color if style.node_size > 0 else None
        self.view.set_colours(style.line_color, style.background, node)
        self.show_styled(result.drawing, style)

    def export(self, path: str | Path) -> Path | None:
        """Write the drawing to ``path`` (.png, or .svg — plotter-ready when ticked), exactly
        as ``gasworks render`` writes it."""
        from engines.render import art_title, export_render

        if not self.export_ready():
            return self.write_export(None, export_render, path, MISSING)
        try:
            style = ArtStyle.model_validate(self._merged("style", self.style_form))
            result = self._export_result(style)
            plotter = self._plotter_options() if self.plotter_check.isChecked() else None
        except (GasworksError, ValueError, OSError) as exc:
            self.report(exc)
            return None
        title = art_title(self.source, self.preset_name)
        return self.write_export(result, export_render, path, MISSING, title=title,
                                 plotter=plotter)  # fmt: skip

    def _plotter_options(self):
        from engines.art.plotter import PlotterOptions, parse_page

        page = parse_page(self.page_combo.currentText(), landscape=self.landscape_check.isChecked())
        return PlotterOptions(page, self.margin_spin.value(), self.pen_spin.value(),
                              self.element_combo.currentText())  # fmt: skip

    def settle(self) -> bool:
        """True once no preview or redraw is pending or running."""
        return (
            not self.previews.running
            and not self._preview_timer.isActive()
            and not self._previews_wanted
            and not self.restyler.running
            and not self._restyle_timer.isActive()
            and not self.replayer.running
            and not self.animator.running
        )

    def shutdown(self) -> bool:
        self._preview_timer.stop()
        self._restyle_timer.stop()
        self._play_timer.stop()
        ok = all([self.previews.shutdown(), self.restyler.shutdown(), self.replayer.shutdown(),
                  self.animator.shutdown()])  # fmt: skip
        return super().shutdown() and ok
