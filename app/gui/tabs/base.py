"""What every tab shares: a job runner, its actions in a tool bar, the status line, export,
undo of its settings and the session kept between runs.

Each tab has four actions, which the window's menus and shortcuts route to the tab on show:
:attr:`JobTab.run_action` ("Run…", the job ``run_default()`` starts), ``pause_action``,
``cancel_action`` and ``export_action`` ("Export…", a menu of the tab's exports). They sit
in :attr:`JobTab.tool_bar`, which the window shows above the tab, never inside its
scrolling column; beside them, until a job has finished, the tab's :attr:`empty_hint`
says what to do first.

A tab's exports are its buttons whose text ends with "…" inside a group box titled
"…export…", or listed in its ``export_buttons`` dict, or marked with the property
``export``: each becomes an action "Export …" in the export menu, enabled as its button
is when the menu opens.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QGroupBox,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolBar,
    QToolButton,
    QWidget,
)

from app.gui.theme import action_icon, set_tone
from app.gui.widgets.files import IMAGE_FILTER, ask_save_path
from app.gui.widgets.messages import ElidedLabel, StatusLine
from app.gui.workers import JobRunner, describe_error, recipe_job
from engines.errors import GasworksError

#: File dialog filters by suffix.
FILTERS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "json": "JSON (*.json)"}
#: What to do first, per tab (a tab's own ``empty_hint`` wins), shown until a job finished.
EMPTY_HINTS = {
    "art": "Pick a sample, open an image (Ctrl+O) or type text on the left, then Run (Ctrl+R) "
    "to train the drawing.",
    "words": "Pick a sample page or open one (Ctrl+O), then Run (Ctrl+R) to count its words.",
    "logos": "Type the logo's text on the left, then Run (Ctrl+R) to train it.",
    "avatars": "Type a name: its avatar draws as you type. Run (Ctrl+R) draws a sheet of "
    "random ones.",
    "maps": "Pick a data set or load a CSV/NPY file (Ctrl+O), then Run (Ctrl+R) to train the map.",
    "memory": "Run (Ctrl+R) plays the demo: the digits' recall, then the Monte Carlo. Or store "
    "a password on the left.",
    "landscape": "Set the batch sizes on the left, then Run (Ctrl+R) to watch their "
    "landscapes shake.",
    "tuning": "Choose the sampler and the trials on the left, then Run (Ctrl+R) to search.",
    "trainers": "Choose the data set and the trainer on the left, then Run (Ctrl+R) to train.",
}
#: The shortcuts the window gives the tab's actions (shown in their tooltips).
SHORTCUTS = {"run": "Ctrl+R", "pause": "Ctrl+P", "cancel": "Esc", "export": "Ctrl+E"}


class ActionButton(QToolButton):
    """A tool-bar button showing one of the tab's actions. ``setText`` renames the action,
    keeping its first word ("Count" on the Run button makes "Run: count"), so scripts find
    the actions by that word."""

    def __init__(self, action: QAction, first_word: str):
        super().__init__()
        self._first_word = first_word
        self._holder: QAction | None = None
        self.setDefaultAction(action)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

    def setText(self, text: str) -> None:
        if not text.startswith(self._first_word):
            text = f"{self._first_word}: {text[:1].lower()}{text[1:]}"
        self.defaultAction().setText(text)

    def setToolTip(self, text: str) -> None:
        self.defaultAction().setToolTip(text)

    def show_in_tool_bar(self, shown: bool) -> None:
        """Show or hide the button in the tool bar (a tool bar shows its widgets through
        the actions holding them)."""
        if self._holder is not None:
            self._holder.setVisible(shown)


class JobTab(QWidget):
    """A tab that runs jobs. Subclasses set ``title`` and define ``run_default()``, the job
    the Run action (and ``gasworks gui --run``) starts."""

    title = ""
    #: True when the window may build the tab in parts, one per event-loop turn, so that
    #: no single turn stalls the loop: such a tab takes ``staged=True`` and hands its parts
    #: to :meth:`build_in_steps`; the window then calls :meth:`build_step` until it is done.
    staged = False
    #: What to do first, shown in the tool bar until a job has finished (default: the tab's
    #: line of :data:`EMPTY_HINTS`).
    empty_hint = ""
    #: Files that File → Open offers (and Open Recent lists), for a tab that opens files:
    #: one that defines ``_ask_open()`` (its dialog) and ``open_file(path)``.
    open_filter = IMAGE_FILTER

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._steps = None
        self.settings_key = type(self).__module__.rsplit(".", 1)[-1]
        self.history = None  # a TabHistory once the window finished setting the tab up
        self.defaults: dict[str, Any] = {}
        self.runner = JobRunner(self)
        self.status = StatusLine()
        self.runner.failed.connect(self.show_error)
        self.runner.stopped.connect(self._on_stopped)
        self.runner.state_changed.connect(self._on_state)
        self.job_started_at = 0.0
        self._make_actions()
        self._on_state("idle")

    # ------------------------------------------------------------------ actions
    def _make_actions(self) -> None:
        tips = {"run": "Run the tab's job with the settings shown",
                "pause": "Pause the job (Resume goes on from there)",
                "cancel": "Stop the job at its next step",
                "export": "Write the result to a file"}  # fmt: skip
        made = {}
        for name, text in (("run", "Run"), ("pause", "Pause"), ("cancel", "Cancel"),
                           ("export", "Export…")):  # fmt: skip
            action = QAction(action_icon(name), text, self)
            action.setObjectName(f"{name}_action")
            action.setToolTip(f"{tips[name]} ({SHORTCUTS[name]})")
            made[name] = action
        self.run_action, self.pause_action = made["run"], made["pause"]
        self.cancel_action, self.export_action = made["cancel"], made["export"]
        self.run_action.triggered.connect(lambda: self.run_default())
        self.pause_action.triggered.connect(self.runner.toggle_pause)
        self.cancel_action.triggered.connect(self.cancel)
        self.export_action.triggered.connect(self.show_export_menu)
        self.export_menu = QMenu("Export", self)
        self.export_menu.aboutToShow.connect(self._sync_exports)
        self.export_actions: list[QAction] = []
        self._export_sources: dict[QAction, QPushButton] = {}

        self.tool_bar = QToolBar(f"{self.title} actions")
        self.tool_bar.setObjectName("tab_tool_bar")
        self.tool_bar.setMovable(False)
        self.tool_bar.setFloatable(False)
        self.run_button = ActionButton(self.run_action, "Run")
        self.pause_button = ActionButton(self.pause_action, "Pause")
        self.cancel_button = ActionButton(self.cancel_action, "Cancel")
        self.export_button = ActionButton(self.export_action, "Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setMenu(self.export_menu)
        for button in (self.run_button, self.pause_button, self.cancel_button):
            button._holder = self.tool_bar.addWidget(button)
        self.tool_bar.addSeparator()
        self.export_button._holder = self.tool_bar.addWidget(self.export_button)
        self.tool_bar.addSeparator()
        hint = self.empty_hint or EMPTY_HINTS.get(
            self.settings_key, "Set the parameters on the left, then Run (Ctrl+R)."
        )
        self.hint_label = ElidedLabel(hint)
        self.hint_label.setObjectName("hint")
        set_tone(self.hint_label, "hint")
        self._hint_holder = self.tool_bar.addWidget(self.hint_label)

    def refresh_icons(self) -> None:
        """Draw the actions' icons again in the palette's colours (after a theme switch)."""
        for name in ("run", "pause", "cancel", "export"):
            getattr(self, f"{name}_action").setIcon(action_icon(name))

    def run_buttons(self) -> QWidget:
        """What a tab used to place in its column for Run / Pause / Cancel: nothing now (an
        empty, hidden widget), as the buttons are in the tab's tool bar."""
        box = QWidget()
        box.hide()
        return box

    def set_hint(self, text: str | None) -> None:
        """Show ``text`` beside the actions (None or "": hide the hint)."""
        self.hint_label.setText(text or "")
        self._hint_holder.setVisible(bool(text))

    def collect_exports(self) -> list[QAction]:
        """The tab's export buttons as actions of its export menu (see the module)."""
        if self.export_actions:
            return self.export_actions
        listed = getattr(self, "export_buttons", None)
        listed = set(listed.values()) if isinstance(listed, dict) else set()
        for button in self.findChildren(QPushButton):
            if not button.text().endswith("…"):
                continue
            box = button.parent()
            while box is not None and not isinstance(box, QGroupBox):
                box = box.parent()
            marked = bool(button.property("export")) or button in listed
            if not (marked or (box is not None and "export" in box.title().lower())):
                continue
            text = button.text()
            if not text.startswith("Export"):
                text = f"Export {text[:1].lower()}{text[1:]}"
            action = QAction(text, self)
            action.setToolTip(button.toolTip())
            action.triggered.connect(button.click)
            action.setEnabled(button.isEnabled())
            self._export_sources[action] = button
            self.export_menu.addAction(action)
            self.export_actions.append(action)
        self.export_action.setEnabled(bool(self.export_actions))
        return self.export_actions

    def _sync_exports(self) -> None:
        """Each export action enabled as its button is (when the menu opens)."""
        for action, button in self._export_sources.items():
            action.setEnabled(button.isEnabled())

    def show_export_menu(self) -> None:
        """Export…: the one export at once, or the menu of them under the tool bar's button."""
        actions = self.collect_exports()
        self._sync_exports()
        if len(actions) == 1:
            actions[0].trigger()
            return
        button = self.export_button
        where = button.mapToGlobal(QPoint(0, button.height())) if button.isVisible() else None
        self.export_menu.popup(where if where is not None else self.mapToGlobal(QPoint(0, 0)))

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
        self.run_action.setEnabled(not running)
        self.pause_action.setEnabled(running)
        self.cancel_action.setEnabled(running)
        self.pause_action.setText("Resume" if state == "paused" else "Pause")

    def _on_stopped(self, how: str) -> None:
        if how == "done":
            self.set_hint(None)
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

    # ------------------------------------------------------------------ settings
    def finish_setup(self, key: str | None = None) -> None:
        """Once the tab is built (its first preset applied): find its settings, keep their
        values as the tab's defaults, restore the last session over them, collect the
        exports and start recording changes for undo. The window calls it; ``key`` names
        the tab's session in QSettings."""
        from app.gui.widgets.session import TabHistory, fields_of, load_session

        if key:
            self.settings_key = key
        self.history = TabHistory(self, fields_of(self))
        self.defaults = self.history.snapshot()
        session = load_session(self.settings_key)
        if session:
            self.restore_session(session)
        self.history.stack.clear()
        self.collect_exports()
        self.fit_columns()

    def fit_columns(self) -> None:
        """A control column that scrolls only up and down is made wide enough for its
        controls (a field is never cut at its right edge)."""
        for area in self.findChildren(QScrollArea):
            inner = area.widget()
            if inner is None or area.horizontalScrollBarPolicy() != (
                Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            ):
                continue
            needed = (inner.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width()
                      + 2 * area.frameWidth())  # fmt: skip
            if needed > area.minimumWidth():
                area.setMinimumWidth(needed)

    @property
    def undo_stack(self):
        return None if self.history is None else self.history.stack

    def restore_session(self, session: dict[str, Any]) -> None:
        """Set the fields and the input a session kept (not recorded for undo). An input
        file that is gone is skipped, saying so."""
        self.history.apply(session.get("fields") or {})
        source = session.get("source")
        if isinstance(source, str) and source and hasattr(self, "set_source"):
            if source.startswith(("sample:", "text:")) or Path(source).exists():
                self.set_source(source)
            else:
                self.status.show_info(f"The last input, {source}, is gone; showing the preset's.")

    def session_source(self) -> str | None:
        """The input kept with the session: the tab's ``source``, if it has one."""
        source = getattr(self, "source", None)
        return source if isinstance(source, str) else None

    def save_session(self) -> None:
        """Keep the fields and the input in QSettings (the window calls it on closing)."""
        from app.gui.widgets.session import save_session

        if self.history is not None:
            save_session(self.settings_key, self.history, self.session_source())

    def reset_parameters(self) -> None:
        """Edit → Reset parameters: the chosen preset's values again (one undoable step),
        or, for a tab without presets, the values it started with."""
        presets = getattr(self, "presets", None)
        if presets is not None and hasattr(presets, "reset_button"):
            presets.reset_button.click()
            return
        if self.history is not None:
            self.history.set_values(self.defaults)

    def preset_bar(self):
        """The tab's preset bar (File → Save preset uses it), or None."""
        presets = getattr(self, "presets", None)
        return presets if presets is not None and hasattr(presets, "save_button") else None

    # ------------------------------------------------------------------ window routing
    def can_open(self) -> bool:
        return hasattr(self, "_ask_open") and hasattr(self, "open_file")

    def ask_open(self) -> None:
        """File → Open: the tab's own open dialog."""
        if self.can_open():
            self._ask_open()

    def opens(self, path: str | Path) -> bool:
        """True when File → Open Recent may offer ``path`` to this tab (its file filter)."""
        import fnmatch

        patterns = [p for part in self.open_filter.split(";;") if "(*)" not in part
                    for p in part[part.find("(") + 1 : part.rfind(")")].split()]  # fmt: skip
        name = Path(path).name.lower()
        return self.can_open() and any(fnmatch.fnmatch(name, p.lower()) for p in patterns)

    def _graphics_views(self):
        import pyqtgraph as pg

        for view in self.findChildren(pg.GraphicsView):
            if view.isVisible():
                for item in view.scene().items():
                    if isinstance(item, pg.ViewBox):
                        yield item

    def zoom_to_fit(self) -> None:
        """View → Zoom to fit: every picture and plot of the tab shows all of itself."""
        from app.gui.widgets.images import ImagePreview

        for preview in self.findChildren(ImagePreview):
            preview.set_actual_size(False)
        for box in self._graphics_views():
            box.autoRange(padding=0.02)

    def zoom_actual(self) -> None:
        """View → 100 %: pictures at one image pixel per screen pixel (previews, overlays,
        and images in plots: a photo under a drawing, a contour map, a mosaic); plots of
        data alone keep their range."""
        import pyqtgraph as pg

        from app.gui.widgets.images import ImagePreview

        for preview in self.findChildren(ImagePreview):
            preview.set_actual_size(True)
        for box in self._graphics_views():
            images = [i for i in box.addedItems if isinstance(i, pg.ImageItem)
                      and i.isVisible() and i.image is not None and i.width()]  # fmt: skip
            if not images:
                continue
            rect = images[0].mapRectToParent(images[0].boundingRect())
            per_pixel = rect.width() / images[0].width()
            width, height = box.width() * per_pixel, box.height() * per_pixel
            centre = box.viewRect().center()
            box.setRange(xRange=(centre.x() - width / 2, centre.x() + width / 2),
                         yRange=(centre.y() - height / 2, centre.y() + height / 2),
                         padding=0)  # fmt: skip

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
