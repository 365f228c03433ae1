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
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

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
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.tab_widgets: dict[str, QWidget] = {}
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
                self.tabs.addTab(tab, tab.title)
                if key == self._wanted_tab:
                    self.tabs.setCurrentWidget(tab)
                if staged:  # its parts in the next turns
                    self._building = (key, tab)
                    QTimer.singleShot(BUILD_TURN_MS, self._build_next)
                    return
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
            self.tabs.setCurrentWidget(tab)
        return tab

    def current_key(self) -> str | None:
        current = self.tabs.currentWidget()
        return next((k for k, w in self.tab_widgets.items() if w is current), None)

    def closeEvent(self, event) -> None:
        settings = QSettings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        if self.current_key():
            settings.setValue(TAB_KEY, self.current_key())
        self.closed_cleanly = self.shutdown()
        super().closeEvent(event)

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
    page = window.tab_widgets[tab] if tab else window.tabs.currentWidget()
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
    """The ``gasworks-studio`` entry point: open the window."""
    app = application(sys.argv)
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    sys.exit(launch())


if __name__ == "__main__":
    main()
