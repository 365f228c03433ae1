"""The studio window: one tab per engine recipe, work in worker threads, live views.

``main()`` is the ``gasworks-studio`` entry point; ``gasworks gui`` calls :func:`launch`
with its options (a tab to open, a job to run, a screenshot to save).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme
from engines import registry

ORGANIZATION = "Gasworks"
APPLICATION = "Gasworks Studio"
SETTINGS_APP = "studio"
#: Smallest window the screenshots are taken at.
SCREENSHOT_SIZE = (1400, 940)
DEFAULT_SIZE = (1400, 940)
GEOMETRY_KEY = "window/geometry"
TAB_KEY = "window/tab"
#: How long ``--run`` waits for a tab's job, in seconds.
RUN_TIMEOUT = 600.0
#: Environment variable: when set, the first paint's wall-clock time is printed to stderr.
TIMING_ENV = "GASWORKS_GUI_TIMING"
#: Interpreter switch interval: the GUI thread gets the interpreter back from a worker
#: thread quickly (the default is 5 ms).
SWITCH_INTERVAL = 0.001
#: Delay between two steps of building the tabs: a timer, not a posted event, so the
#: event loop serves input, paints and other timers between the steps instead of running
#: several steps back to back.
BUILD_TURN_MS = 1


def tab_class(key: str) -> tuple[str, str]:
    """Module and class of the tab ``key``: ``app.gui.tabs.<key>``, class ``<Key>Tab``."""
    return f"app.gui.tabs.{key}", f"{key.capitalize()}Tab"


#: Tab key → (module, class), in the window's order: one tab per tab the registry names.
TABS: dict[str, tuple[str, str]] = {key: tab_class(key) for key in registry.tabs()}
#: Libraries named in Help → About, beside Gasworks itself (distribution names).
LIBRARIES = ("PySide6", "pyqtgraph", "numpy", "numba", "scikit-image", "Pillow", "pydantic",
             "scipy", "matplotlib", "torch", "optuna", "click")  # fmt: skip


#: Other distributions that bring a library (PySide6 comes as PySide6-Essentials).
DISTRIBUTIONS = {"PySide6": ("PySide6", "PySide6-Essentials")}


def versions() -> dict[str, str]:
    """Gasworks' version, its libraries' ("not installed" for a missing one) and Qt's."""
    from importlib.metadata import PackageNotFoundError, version

    from PySide6.QtCore import qVersion

    out = {}
    for name in ("gasworks", *LIBRARIES):
        out[name] = "not installed"
        for dist in DISTRIBUTIONS.get(name, (name,)):
            try:
                out[name] = version(dist)
                break
            except PackageNotFoundError:
                continue
    out["Qt"] = qVersion()
    return out


class TabPage(QWidget):
    """A page of the window: the tab's tool bar (its actions, always in view) over the tab."""

    def __init__(self, key: str, tab: QWidget):
        super().__init__()
        self.key, self.tab = key, tab
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        tool_bar = getattr(tab, "tool_bar", None)
        if tool_bar is not None:
            layout.addWidget(tool_bar)
        layout.addWidget(tab, 1)


class _FirstPaint(QObject):
    """Calls ``callback`` once, at the window's first paint."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]):
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            QTimer.singleShot(0, callback)
        return False


class MainWindow(QMainWindow):
    """The studio: tabs, window geometry and last tab kept in QSettings, background warm-up.

    The window paints at once; the engines' modules (scikit-image, Numba, pyqtgraph) are
    imported in a worker thread meanwhile, then the tabs are built one per event-loop
    turn, and the kernels are compiled in the background. :attr:`ready` turns True and
    :attr:`became_ready` fires once every tab is there.
    """

    became_ready = Signal()

    def __init__(self, *, warm_up: bool = True):
        super().__init__()
        from app.gui.workers import JobRunner

        self.setWindowTitle(APPLICATION)
        theme.install()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.tab_widgets: dict[str, QWidget] = {}
        self.pages: dict[str, TabPage] = {}
        self.undo_group = QUndoGroup(self)
        self._make_menus()
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.ready = False
        self.warmed = False
        self.closed_cleanly: bool | None = None
        self._warm_up = warm_up
        self._pending = list(TABS)
        self._building: tuple[str, QWidget] | None = None
        settings = QSettings()
        self._wanted_tab = settings.value(TAB_KEY)
        self.resize(*DEFAULT_SIZE)
        geometry = settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        self.warm = JobRunner(self)
        self.warm.result.connect(self._on_warm)
        self.warm.failed.connect(self._on_load_failed)
        self.loader = JobRunner(self)
        self.loader.result.connect(self._on_loaded)
        self.loader.failed.connect(self._on_load_failed)
        # Importing the jobs' and tabs' modules here keeps those imports (Numba,
        # scikit-image, Pillow) off the GUI thread.
        modules = [*registry.modules(), *(module for module, _ in TABS.values())]
        self.loader.start(import_job, modules)
        self.statusBar().showMessage("Loading the engines…")

    def _on_loaded(self, _) -> None:
        # The engines' modules (NumPy, scikit-image, Numba, pyqtgraph) are imported and live
        # as long as the program: moved out of the collector's reach, a full collection
        # while the tabs are built walks only the objects made since, not every module's.
        gc.freeze()
        QTimer.singleShot(BUILD_TURN_MS, self._build_next)

    def _build_next(self) -> None:
        """Build one tab, or one part of a tab built in parts (``staged``); the next
        after the event loop has turned."""
        import importlib

        from app.gui.workers import describe_error

        if self._building is not None:
            key, tab = self._building
            try:
                more = tab.build_step()
            except Exception as exc:  # shown in the window, never as a terminal traceback
                self._on_load_failed(f"the {key} tab could not be built: {describe_error(exc)}")
                more = False
            if more:
                QTimer.singleShot(BUILD_TURN_MS, self._build_next)
                return
            self._building = None
            self._tab_built(key)
        else:
            key = self._pending.pop(0)
            module, name = TABS[key]
            try:
                cls = getattr(importlib.import_module(module), name)
                staged = getattr(cls, "staged", False)
                tab = cls(staged=True) if staged else cls()
            except Exception as exc:  # shown in the window, never as a terminal traceback
                self._on_load_failed(f"the {key} tab could not be built: {describe_error(exc)}")
            else:
                self.tab_widgets[key] = tab
                self.pages[key] = TabPage(key, tab)
                self.tabs.addTab(self.pages[key], tab.title)
                if key == self._wanted_tab:
                    self.tabs.setCurrentWidget(self.pages[key])
                if staged:  # its parts in the next turns
                    self._building = (key, tab)
                    QTimer.singleShot(BUILD_TURN_MS, self._build_next)
                    return
            self._tab_built(key)
        if self._pending:
            QTimer.singleShot(BUILD_TURN_MS, self._build_next)
            return
        self.ready = True
        for tab in self.tab_widgets.values():
            if hasattr(tab, "window_ready"):
                tab.window_ready()
        self.statusBar().showMessage("Compiling the engines' kernels in the background…")
        if self._warm_up:
            self.warm.start(warm_up_job)
        self.became_ready.emit()

    def _tab_built(self, key: str) -> None:
        """A tab is complete: its session restored, its undo stack and actions wired."""
        from app.gui.workers import describe_error

        tab = self.tab_widgets.get(key)
        if tab is None or not hasattr(tab, "finish_setup"):
            return
        try:
            tab.finish_setup(key)
        except Exception as exc:  # shown in the window, never as a terminal traceback
            self._on_load_failed(f"the {key} tab's session could not be restored: "
                                 f"{describe_error(exc)}")  # fmt: skip
        if tab.undo_stack is not None:
            self.undo_group.addStack(tab.undo_stack)
        for action in (tab.run_action, tab.pause_action, tab.cancel_action, tab.export_action):
            action.changed.connect(self._sync_actions)
        if self.current_tab() is tab:
            self._on_tab_changed()

    def _on_load_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Error: {message}")

    def _on_warm(self, seconds: float) -> None:
        self.warmed = True
        self.statusBar().showMessage(f"Engines ready (kernels warmed in {seconds:.1f} s).", 8000)

    def select_tab(self, key: str) -> QWidget | None:
        """Show the tab ``key`` (once it is built; before that, when it is)."""
        self._wanted_tab = key
        tab = self.tab_widgets.get(key)
        if tab is not None:
            self.tabs.setCurrentWidget(self.pages[key])
        return tab

    def current_key(self) -> str | None:
        current = self.tabs.currentWidget()
        return current.key if isinstance(current, TabPage) else None

    def current_tab(self) -> QWidget | None:
        """The tab on show (the page's tab, not the page)."""
        current = self.tabs.currentWidget()
        return current.tab if isinstance(current, TabPage) else None

    def closeEvent(self, event) -> None:
        settings = QSettings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        if self.current_key():
            settings.setValue(TAB_KEY, self.current_key())
        for tab in self.tab_widgets.values():
            if hasattr(tab, "save_session"):
                tab.save_session()
        self.closed_cleanly = self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ menus
    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.setStatusTip(tip)
        action.setToolTip(tip or text)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _make_menus(self) -> None:
        """File, Edit, Run, View, Help; every action works on the tab on show."""
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_action = self._action(file_menu, "&Open…", self._open, "Ctrl+O",
                                        "Open a file in the tab on show")  # fmt: skip
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.export_action = self._action(file_menu, "&Export…", lambda: self._route("export"),
                                          "Ctrl+E", "Export the tab's result")  # fmt: skip
        self.save_preset_action = self._action(
            file_menu, "&Save preset…", self._save_preset, "Ctrl+S",
            "Write the tab's settings to a preset file (.toml)")  # fmt: skip
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", self.close, "Ctrl+Q")

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self.undo_group.createUndoAction(self, "Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_group.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.reset_action = self._action(
            edit_menu, "Reset &parameters", self._reset, "Ctrl+Shift+R",
            "Every setting back to the chosen preset's value (one step, undoable)")  # fmt: skip

        run_menu = bar.addMenu("&Run")
        self.run_action = self._action(run_menu, "Run", lambda: self._route("run"), "Ctrl+R",
                                       "Run the tab's job")  # fmt: skip
        self.pause_action = self._action(run_menu, "Pause", lambda: self._route("pause"),
                                         "Ctrl+P", "Pause or resume the job")  # fmt: skip
        self.cancel_action = self._action(run_menu, "Cancel", lambda: self._route("cancel"),
                                          "Esc", "Stop the job")  # fmt: skip

        view_menu = bar.addMenu("&View")
        self.fit_action = self._action(view_menu, "Zoom to &fit", lambda: self._route_zoom(True),
                                       "Ctrl+0", "Show every picture and plot whole")  # fmt: skip
        self.actual_action = self._action(
            view_menu, "&100 %", lambda: self._route_zoom(False), "Ctrl+1",
            "Pictures at one image pixel per screen pixel")  # fmt: skip
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name in theme.THEMES:
            action = QAction({"system": "Follow the system"}.get(name, name.capitalize()), self)
            action.setCheckable(True)
            action.setChecked(name == theme.current())
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[name] = action

        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts,
                                             "F1")  # fmt: skip
        self.about_action = self._action(help_menu, "&About Gasworks", self.show_about)
        self._sync_actions()

    def set_theme(self, name: str) -> None:
        theme.apply(name)
        self.theme_actions[name].setChecked(True)
        for tab in self.tab_widgets.values():
            if hasattr(tab, "refresh_icons"):
                tab.refresh_icons()

    def _route(self, name: str) -> None:
        """Trigger the tab's own ``<name>_action`` (Run, Pause, Cancel, Export…)."""
        tab = self.current_tab()
        action = getattr(tab, f"{name}_action", None)
        if action is not None and action.isEnabled():
            action.trigger()

    def _route_zoom(self, fit: bool) -> None:
        tab = self.current_tab()
        if tab is not None and hasattr(tab, "zoom_to_fit"):
            tab.zoom_to_fit() if fit else tab.zoom_actual()

    def _open(self) -> None:
        tab = self.current_tab()
        if tab is not None and hasattr(tab, "ask_open"):
            tab.ask_open()

    def _fill_recent(self) -> None:
        from app.gui.widgets.files import recent_files

        self.recent_menu.clear()
        tab = self.current_tab()
        files = [f for f in recent_files() if tab is not None and tab.opens(f)]
        if not files:
            self.recent_menu.addAction("(no recent files for this tab)").setEnabled(False)
        for f in files:
            self.recent_menu.addAction(f, lambda f=f: self.current_tab().open_file(f))

    def _save_preset(self) -> None:
        tab = self.current_tab()
        bar = tab.preset_bar() if tab is not None and hasattr(tab, "preset_bar") else None
        if bar is not None:
            bar.save_button.click()

    def _reset(self) -> None:
        tab = self.current_tab()
        if tab is not None and hasattr(tab, "reset_parameters"):
            tab.reset_parameters()

    def _on_tab_changed(self, *_) -> None:
        tab = self.current_tab()
        stack = getattr(tab, "undo_stack", None)
        if stack is not None:
            self.undo_group.setActiveStack(stack)
        self._sync_actions()

    def _sync_actions(self) -> None:
        """The window's actions follow the tab on show: enabled as its own, and off (with
        the reason as tooltip) where the tab has nothing of the kind."""
        tab = self.current_tab()
        for name in ("run", "pause", "cancel", "export"):
            own = getattr(tab, f"{name}_action", None)
            mine = getattr(self, f"{name}_action")
            mine.setEnabled(own is not None and own.isEnabled())
            if own is not None and name in ("run", "pause"):
                mine.setText(own.text())
        can_open = tab is not None and hasattr(tab, "can_open") and tab.can_open()
        self.open_action.setEnabled(can_open)
        self.recent_menu.setEnabled(can_open)
        self.open_action.setToolTip("Open a file in the tab on show" if can_open
                                    else "This tab reads no file")  # fmt: skip
        has_presets = tab is not None and hasattr(tab, "preset_bar") and tab.preset_bar()
        self.save_preset_action.setEnabled(bool(has_presets))
        self.save_preset_action.setToolTip(
            "Write the tab's settings to a preset file (.toml)"
            if has_presets
            else "This tab has no presets"
        )
        self.reset_action.setEnabled(tab is not None and hasattr(tab, "reset_parameters"))

    def shortcut_table(self) -> list[tuple[str, str]]:
        """(keys, what they do) of every shortcut of the window."""
        rows = []
        for menu in self.menuBar().findChildren(QMenu):
            for action in menu.actions():
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                                 for k in action.shortcuts())  # fmt: skip
                if keys:
                    rows.append((keys, action.text().replace("&", "")))
        return rows

    def show_shortcuts(self) -> QDialog:
        rows = "".join(f"<tr><td><b>{keys}</b></td><td>&nbsp;&nbsp;{what}</td></tr>"
                       for keys, what in self.shortcut_table())  # fmt: skip
        return self._dialog("Keyboard shortcuts",
                            "<p>Every shortcut works on the tab on show.</p>"
                            f"<table>{rows}</table>")  # fmt: skip

    def show_about(self) -> QDialog:
        found = versions()
        rows = "".join(f"<tr><td>{name}</td><td>&nbsp;&nbsp;{v}</td></tr>"
                       for name, v in found.items() if name != "gasworks")  # fmt: skip
        return self._dialog(
            "About Gasworks",
            f"<h3>Gasworks {found['gasworks']}</h3><p>Neural-network art and the classic "
            "neural engines: Growing Neural Gas, Self-Organizing Maps, Hopfield networks, "
            "Levenberg-Marquardt and the explorers.</p>"
            f"<p>Libraries of its engines and studio:</p><table>{rows}</table>",
        )

    def _dialog(self, title: str, html: str) -> QDialog:
        """A small window-modal dialog (it does not block the event loop)."""
        dialog = QDialog(self)
        dialog.setWindowTitle(title)
        dialog.setObjectName(title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(dialog)
        label = QLabel(html)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.open()
        return dialog

    def shutdown(self) -> bool:
        """Cancel every job and wait for the worker threads (closing while training)."""
        ok = self.loader.shutdown()
        for tab in self.tab_widgets.values():
            ok &= tab.shutdown()
        ok &= self.warm.shutdown()
        return ok


def import_job(control, modules: list[str]) -> None:
    """Import the tabs' modules (and so the engines) off the GUI thread."""
    import importlib

    from app.gui.preload import preload_on_import

    # torch's native code loaded without the GIL when torch's import starts: the window
    # keeps painting.
    preload_on_import()
    for module in modules:
        control.checkpoint()
        importlib.import_module(module)


def warm_up_job(control) -> float:
    """Compile (or load from Numba's cache) every job's kernels."""
    start = time.perf_counter()
    registry.warm_up_all(control.checkpoint)
    return time.perf_counter() - start


#: Qt messages that say nothing to a user of the offscreen platform.
QUIET_MESSAGES = ("propagateSizeHints",)


def _qt_messages(mode, context, message: str) -> None:
    if any(quiet in message for quiet in QUIET_MESSAGES):
        return
    print(message, file=sys.stderr)


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with the names QSettings files are kept under."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    qInstallMessageHandler(_qt_messages)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(SETTINGS_APP)
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationDisplayName(APPLICATION)
    return app


def wait_until(app: QApplication, done: Callable[[], bool], timeout: float) -> bool:
    """Run the event loop until ``done()`` (polled every 20 ms) or ``timeout`` seconds."""
    if done():
        return True
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: (done() or time.monotonic() > deadline) and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()
    return bool(done())


def launch(
    tab: str | None = None,
    *,
    run: bool = False,
    screenshot: Path | None = None,
) -> int:
    """Open the window; with ``screenshot``, run the tab's job if asked, save, and exit.

    Returns the exit code: 0, or 1 when the job failed or the screenshot could not be saved
    (the message goes to standard error).
    """
    if screenshot is not None:
        # Screenshots start from the shipped defaults, not from the user's last session.
        settings_dir = tempfile.mkdtemp(prefix="gasworks-gui-")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = application()
    window = MainWindow()
    if os.environ.get(TIMING_ENV):
        _FirstPaint(window, lambda: print(f"first-paint {time.time():.6f}", file=sys.stderr))
        window.became_ready.connect(lambda: print(f"ready {time.time():.6f}", file=sys.stderr))
    if screenshot is not None:
        window.resize(*SCREENSHOT_SIZE)
    if tab:
        window.select_tab(tab)
    window.show()
    if screenshot is None:
        if run and tab is not None:
            window.became_ready.connect(lambda: window.tab_widgets[tab].run_default())
        return app.exec()
    return _screenshot(app, window, tab, run, screenshot)


def _screenshot(app, window: MainWindow, tab: str | None, run: bool, path: Path) -> int:
    code = 0
    if not wait_until(app, lambda: window.ready, 120.0):
        print("Error: the window's tabs were not built in 120 s", file=sys.stderr)
        return 1
    page = window.tab_widgets[tab] if tab else window.current_tab()
    if page is not None and hasattr(page, "settle"):
        wait_until(app, page.settle, RUN_TIMEOUT)
    if run and page is not None:
        page.run_default()
        finished = wait_until(app, lambda: not page.busy, RUN_TIMEOUT)
        if not finished:
            print(f"Error: the {page.title} job did not finish in {RUN_TIMEOUT:.0f} s",
                  file=sys.stderr)  # fmt: skip
            code = 1
        elif page.status.is_error:
            print(f"Error: {page.status.text()}", file=sys.stderr)
            code = 1
        if hasattr(page, "settle"):
            wait_until(app, page.settle, RUN_TIMEOUT)
    wait_until(app, lambda: window.warmed, 60.0)  # the status bar's final message
    wait_until(app, lambda: False, 0.3)  # let the last frames paint
    image = window.grab()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        print(f"Error: {path}: cannot write the screenshot", file=sys.stderr)
        code = 1
    window.close()
    app.processEvents()
    return code


def main() -> None:
    """The ``gasworks-studio`` entry point: open the window (after the platform check)."""
    from app.gui.platform_check import check

    problem = check()
    if problem is not None:
        print(problem, file=sys.stderr)
        sys.exit(2)
    app = application(sys.argv)
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    sys.exit(launch())


if __name__ == "__main__":
    main()
