"""The Words tab: a page → a Growing Neural Gas over its ink → one subgraph per word.

The tab runs the ``words`` job's recipe (:func:`engines.words.words_recipe`) through the
adapter, with the preset its controls make: the page's letter height chooses the threshold
window, how letters join into words and the network's size; the connected subgraphs of the
trained network are the words. The progress bar follows the network's training (signals
presented of the run's budget); Cancel stops it at its next step. The overlay draws each
word's subgraph in its own colour with its number; the exports are the job's own
(:func:`engines.words.overlay.export_overlay`), so the JSON is what ``gasworks words --json``
prints for the page.

A page is checked as soon as it is chosen, before any count: the page is shown, and one that
does not look like text (a photo: large blobs, or specks for letters) is warned about in the
status line, with the check ``gasworks words`` prints on stderr
(:func:`engines.words.looks.page_warning`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.widgets.files import IMAGE_FILTER, ask_open_path, remember_file
from app.gui.widgets.images import ImagePreview
from app.gui.widgets.panels import sample_combo, side_panel, source_picker
from app.gui.widgets.params_form import ParamsForm, seed_box
from app.gui.widgets.presets import PresetBar
from app.gui.workers import JobRunner
from engines.pipeline import SAMPLES
from engines.presets import Preset, validate_preset

TITLE = "Words"
MISSING = "count the words first"
DEFAULT_PRESET = "page-words"
#: What the count's line says until a count is shown.
NOT_COUNTED = "not counted yet: Run (Ctrl+R) counts the words of this page"
#: Wait after the last change of the page or its settings before the page is checked.
CHECK_DELAY_MS = 150


def accepts_preset(table: dict[str, Any]) -> bool:
    return table.get("engine") == "words"


def with_overlay(result) -> tuple[Any, np.ndarray]:
    """The count and its overlay's pixels (drawn in the worker)."""
    from engines.words.overlay import overlay_image

    return result, np.asarray(overlay_image(result))


def page_check_job(control, source: str, preset: Preset):
    """The page as the check reads it (8-bit, for the preview) and the check's warning
    (None: it looks like text), for ``source``."""
    from engines.words import WordParams
    from engines.words.looks import check_text, page_grey

    control.checkpoint()
    grey = page_grey(source, preset.pipeline)
    control.checkpoint()
    warning = check_text(grey, preset.engine_params or WordParams()).warning
    return source, (np.clip(grey, 0.0, 1.0) * 255 + 0.5).astype(np.uint8), warning


@dataclass(frozen=True)
class NotCounted:
    """A page opened to be counted at once that does not look like text: not counted."""

    source: str
    warning: str


def count_job(control, source: str, preset: Preset, *, check: bool = False):
    """The ``words`` recipe on ``source`` (its count and overlay); with ``check``, first the
    check of :func:`engines.words.looks.page_warning`, and a page that does not look like
    text is not counted (:class:`NotCounted`)."""
    from app.gui.workers import recipe_job

    if check:
        from engines.words.looks import page_warning

        warning = page_warning(source, preset)
        control.checkpoint()
        if warning:
            return NotCounted(source, warning)
    return recipe_job(control, "words", source, preset, frame=progress, then=with_overlay)


def progress(snapshot) -> float:
    """What the view shows of the network's training: the share of its budget done."""
    return snapshot.fraction


class WordsTab(JobTab):
    title = TITLE

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.source = "sample:page"
        self.preset_name = DEFAULT_PRESET
        self.base_preset: Preset | None = None
        self.result = None
        self.overlay: np.ndarray | None = None
        self.counted_source: str | None = None
        #: The last check's warning for the page on show (None: it looks like text).
        self.page_warning: str | None = None
        self.checked_source: str | None = None
        self.checker = JobRunner(self)
        self.checker.result.connect(self._on_checked)
        self.checker.failed.connect(self._on_check_failed)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_page)
        self._build()
        self.pipeline_form.changed.connect(self.schedule_check)
        self.params_form.changed.connect(self.schedule_check)
        self.runner.result.connect(self._on_result)
        self.runner.failed.connect(lambda _: self.clear_result())
        from app.gui.widgets.live import FramePump
        from app.gui.workers import TEXT_RATE

        self.pump = FramePump(self.runner, self.status.set_fraction, fps=TEXT_RATE)
        key = self.presets.last_key()
        if not (key and self.presets.select(key)):
            self.presets.select(DEFAULT_PRESET)

    def _build(self) -> None:
        from engines.words import WordParams

        controls = QWidget()
        side = QVBoxLayout(controls)
        page_box = QGroupBox("Page")
        form = QFormLayout(page_box)
        self.sample_combo = sample_combo("Sample…", SAMPLES, self._on_sample)
        self.open_button = QPushButton("Open…")
        self.open_button.clicked.connect(self._ask_open)
        self.source_label = source_picker(form, "page", self.sample_combo, self.open_button)
        from engines.pipeline import PipelineParams

        self.pipeline_form = ParamsForm(PipelineParams, fields=("crop", "max_side"),
                                   none_text={"max_side": "full size"})  # fmt: skip
        form.addRow(self.pipeline_form)
        self.seed_spin = seed_box()
        form.addRow("seed", self.seed_spin)
        side.addWidget(page_box)

        preset_box = QGroupBox("Preset")
        self.presets = PresetBar("words", accepts_preset, self.current_preset)
        self.presets.chosen.connect(self.apply_preset)
        self.presets.failed.connect(self.show_error)
        QVBoxLayout(preset_box).addWidget(self.presets)
        side.addWidget(preset_box)

        params_box = QGroupBox("Counting")
        params_layout = QVBoxLayout(params_box)
        self.params_form = ParamsForm(WordParams)
        params_layout.addWidget(self.params_form)
        self.run_button.setText("Count")
        params_layout.addWidget(self.run_buttons())
        side.addWidget(params_box)

        export_box = QGroupBox("Export")
        ex = QHBoxLayout(export_box)
        self.png_button = QPushButton("Overlay PNG…")
        self.png_button.clicked.connect(lambda: self._ask_export("png"))
        self.json_button = QPushButton("Count JSON…")
        self.json_button.clicked.connect(lambda: self._ask_export("json"))
        ex.addWidget(self.png_button)
        ex.addWidget(self.json_button)
        side.addWidget(export_box)
        side.addStretch(1)
        scroll = side_panel(controls)

        right = QVBoxLayout()
        self.count_label = QLabel("—")
        self.count_label.setObjectName("count")
        font = QFont()
        font.setPointSize(28)
        font.setBold(True)
        self.count_label.setFont(font)
        self.count_label.hide()  # until there is a count
        self.details_label = QLabel(NOT_COUNTED)
        self.details_label.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.count_label)
        head.addWidget(self.details_label, 1)
        right.addLayout(head)
        self.overlay_view = ImagePreview(minimum=300)
        right.addWidget(self.overlay_view, 1)
        right.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(right, 1)

    # ------------------------------------------------------------------ input and presets
    def set_source(self, source: str) -> None:
        if source != self.counted_source:
            self.clear_result()  # the last page's count, overlay and figures are not this one's
        self.source = source
        self.source_label.setText(source)
        self.sample_combo.setCurrentIndex(max(self.sample_combo.findData(source), 0))
        self.schedule_check()

    # ------------------------------------------------------------------ the page's check
    def schedule_check(self) -> None:
        """Check the page soon (the last of several quick changes counts)."""
        self._check_timer.start()

    def check_page(self) -> None:
        """Show the page and whether it looks like text (in a worker; a newer check
        supersedes an older one)."""
        self._check_timer.stop()
        try:
            preset = self.current_preset()
        except Exception:  # a bad field is marked beside it; Run reports it
            return
        self.checker.start(page_check_job, self.source, preset)

    def _on_checked(self, payload) -> None:
        source, grey, warning = payload
        if source != self.source:
            return
        self.page_warning, self.checked_source = warning, source
        if self.result is None and not self.busy:
            self.overlay_view.set_array(grey)
        if warning:
            if warning[1:] not in self.status.text():  # said already ("not counted: t…")
                self.status.show_warning(warning)
        elif self.status.kind == "warning":
            self.status.clear()

    def _on_check_failed(self, message: str) -> None:
        """The page cannot be read: no picture of it (the message says why)."""
        self.page_warning, self.checked_source = None, None
        if self.result is None and not self.busy:
            self.overlay_view.set_array(None)
        if not self.busy:
            self.show_error(message)

    def _on_sample(self, index: int) -> None:
        source = self.sample_combo.itemData(index)
        if source:
            self.pipeline_form.set_values({"crop": None})
            self.set_source(source)

    def _ask_open(self) -> None:
        path = ask_open_path(self, "Open a page", IMAGE_FILTER)
        if path is not None:
            self.open_file(path)

    def open_file(self, path: str | Path) -> None:
        """Count the words of an image file (the crop of a sample is dropped), unless it
        does not look like text: then it is shown with the warning, and Run counts it."""
        remember_file(path)
        self.pipeline_form.set_values({"crop": None})
        self.set_source(str(path))
        self.run_default(check=True)

    def apply_preset(self, preset: Preset) -> None:
        self.preset_name = preset.name
        self.base_preset = preset
        self.params_form.set_values(preset.engine_params)
        self.pipeline_form.set_values(preset.pipeline)
        self.seed_spin.setValue(preset.seed)
        if preset.input:
            self.set_source(preset.input)
        self.status.show_info(preset.description)

    def current_preset(self) -> Preset:
        base = self.base_preset
        pipeline = base.pipeline.model_dump() if base else {}
        pipeline.update(self.pipeline_form.values())
        table = {
            "name": self.preset_name,
            "description": base.description if base else "",
            "engine": "words",
            "seed": self.seed_spin.value(),
            "input": self.source,
            "pipeline": pipeline,
            "engine_params": self.params_form.values(),
        }
        return validate_preset(table, origin="the Words tab's settings")

    # ------------------------------------------------------------------ counting
    def clear_result(self) -> None:
        """No count shown: a new page, a count under way, or one that failed."""
        self.result = self.overlay = self.counted_source = None
        self.overlay_view.set_array(None)
        self.count_label.setText("—")
        self.count_label.hide()  # no count: the line below says what to do
        self.details_label.setText(NOT_COUNTED)

    def run_default(self, *, check: bool = False) -> None:
        """Count the words of the page (``check``: unless it does not look like text)."""
        preset = self.checked_preset()
        if preset is None:
            return
        self.clear_result()
        self.start_job(count_job, self.source, preset, check=check)
        if self.page_warning and self.checked_source == self.source:
            self.status.show_warning(
                f"Counting the words of {self.source}, though "
                f"{self.page_warning[0].lower()}{self.page_warning[1:]}"
            )
        else:
            self.status.show_info(f"Counting the words of {self.source}…")

    def _on_result(self, payload) -> None:
        if isinstance(payload, NotCounted):
            self.page_warning, self.checked_source = payload.warning, payload.source
            self.status.set_fraction(0.0)
            self.status.show_warning(f"{payload.source} was not counted: "
                                     f"{payload.warning[0].lower()}{payload.warning[1:]} "
                                     "Run (Ctrl+R) counts it anyway.")  # fmt: skip
            return
        result, overlay = payload
        self.result, self.overlay, self.counted_source = result, overlay, result.source
        self.overlay_view.set_array(overlay)
        self.count_label.setText(f"{result.words} words")
        self.count_label.show()
        nodes = int((result.labels >= 0).sum())
        self.details_label.setText(
            f"{nodes:,} nodes, {len(result.edges):,} edges; letter height "
            f"{result.scale.letter_height:.1f} px; {len(result.layout.bands)} lines"
        )
        self.status.set_fraction(1.0)
        self.status.show_info(f"{self.source}: {result.words} words in {self.elapsed():.2f} s.")

    def _on_stopped(self, how: str) -> None:
        super()._on_stopped(how)
        if how != "done":
            self.status.set_fraction(0.0)

    # ------------------------------------------------------------------ export
    def _ask_export(self, fmt: str) -> None:
        from engines.render import source_stem

        name = f"{source_stem(self.counted_source or self.source)}.words.{fmt}"
        self.ask_and_export(self.result, MISSING, name, self.export)

    def export(self, path: str | Path) -> Path | None:
        """The overlay as PNG, or the count and its figures as JSON (the job's export)."""
        from engines.words.overlay import export_overlay

        return self.write_export(self.result, export_overlay, path, MISSING)

    def settle(self) -> bool:
        """True once no check of the page is pending or running."""
        return not self.checker.running and not self._check_timer.isActive()

    def shutdown(self) -> bool:
        self._check_timer.stop()
        ok = self.checker.shutdown()
        return super().shutdown() and ok
