"""What every tab shares: a job runner, Run / Pause / Cancel, the status line, export."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.gui.widgets.files import ask_save_path
from app.gui.widgets.messages import StatusLine
from app.gui.workers import JobRunner, describe_error, recipe_job
from engines.errors import GasworksError

#: File dialog filters by suffix.
FILTERS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "json": "JSON (*.json)"}


class JobTab(QWidget):
    """A tab that runs jobs. Subclasses set ``title`` and define ``run_default()``, the job
    the Run button (and ``gasworks gui --run``) starts."""

    title = ""
    #: True when the window may build the tab in parts, one per event-loop turn, so that
    #: no single turn stalls the loop: such a tab takes ``staged=True`` and hands its parts
    #: to :meth:`build_in_steps`; the window then calls :meth:`build_step` until it is done.
    staged = False

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._steps = None
        self.runner = JobRunner(self)
        self.status = StatusLine()
        self.runner.failed.connect(self.show_error)
        self.runner.stopped.connect(self._on_stopped)
        self.runner.state_changed.connect(self._on_state)
        self.job_started_at = 0.0
        self.run_button = QPushButton("Run")
        self.pause_button = QPushButton("Pause")
        self.cancel_button = QPushButton("Cancel")
        self.run_button.clicked.connect(lambda: self.run_default())
        self.pause_button.clicked.connect(self.runner.toggle_pause)
        self.cancel_button.clicked.connect(self.cancel)
        self._on_state("idle")

    def build_in_steps(self, steps, staged: bool) -> None:
        """Build the tab from ``steps``, an iterator that builds one part per item: all at
        once, or (``staged``) one part per :meth:`build_step` call."""
        self._steps = iter(steps)
        if not staged:
            while self.build_step():
                pass

    def build_step(self) -> bool:
        """Build the next part of the tab; False once the tab is complete."""
        if self._steps is None:
            return False
        if next(self._steps, None) is None:
            self._steps = None
            return False
        return True

    def run_buttons(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.run_button, self.pause_button, self.cancel_button):
            row.addWidget(button)
        return box

    # ------------------------------------------------------------------ jobs
    def start_job(self, function, *args, **kwargs) -> int:
        self.status.clear()
        self.status.set_fraction(0.0)
        self.job_started_at = time.perf_counter()
        return self.runner.start(function, *args, **kwargs)

    def start_recipe(self, recipe, source, params, *, frame=None, then=None, **options) -> int:
        """Run a registry recipe (a function or a job name) off the GUI thread.

        ``frame(snapshot)`` makes what the live view draws; ``then(result)`` runs in the
        worker after the recipe and its value is what ``runner.result`` emits.
        """
        return self.start_job(recipe_job, recipe, source, params, frame=frame, then=then,
                              **options)  # fmt: skip

    def cancel(self) -> None:
        self.runner.cancel()

    @property
    def busy(self) -> bool:
        return self.runner.running

    def elapsed(self) -> float:
        return time.perf_counter() - self.job_started_at

    def _on_state(self, state: str) -> None:
        running = state in ("running", "paused")
        self.run_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        self.pause_button.setText("Resume" if state == "paused" else "Pause")

    def _on_stopped(self, how: str) -> None:
        if how == "cancelled":
            self.status.show_info("Cancelled.")
            self.status.set_fraction(0.0)
        elif how == "failed":
            self.status.set_fraction(0.0)

    def show_error(self, message: str) -> None:
        self.status.show_error(message)

    def report(self, exc: BaseException) -> None:
        self.show_error(describe_error(exc))

    def shutdown(self) -> bool:
        return self.runner.shutdown()

    def window_ready(self) -> None:
        """Called by the window once every tab is built."""

    def checked_preset(self):
        """The tab's settings as a preset, or None (the problem shown in the window)."""
        try:
            return self.current_preset()
        except GasworksError as exc:
            self.report(exc)
            return None

    # ------------------------------------------------------------------ files dropped
    # A tab that calls ``setAcceptDrops(True)`` opens the first file dropped on it with its
    # ``open_file(path)``.
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_file(urls[0].toLocalFile())
            event.acceptProposedAction()

    # ------------------------------------------------------------------ export
    def ask_export(self, caption: str, name: str, filters: str) -> Path | None:
        return ask_save_path(self, caption, name, filters)

    def ask_and_export(self, result, missing: str, name: str, export) -> None:
        """Ask where to write ``result`` (suggesting ``name``, whose suffix picks the file
        type) and call ``export(path)``; say what is ``missing`` when there is no result."""
        if result is None:
            self.show_error(f"Nothing to export yet: {missing}.")
            return
        fmt = Path(name).suffix.lstrip(".")
        path = self.ask_export(f"Export {fmt.upper()}", name, FILTERS.get(fmt, "All files (*)"))
        if path is not None:
            export(path)

    def write_export(self, result, write, path, missing: str, **options) -> Path | None:
        """Write ``result`` to ``path`` with its job's export function (``write(result, path,
        **options)``); problems, and a missing result, are shown in the window."""
        if result is None:
            self.show_error(f"Nothing to export yet: {missing}.")
            return None
        try:
            written = write(result, path, **options)
        except (GasworksError, ValueError, OSError) as exc:
            self.report(exc)
            return None
        written = written if isinstance(written, Path) else Path(path)
        self.status.show_info(f"Exported {written}")
        return written
