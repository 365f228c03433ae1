"""Jobs off the GUI thread: a generator function run in a ``QThread``, yielding snapshots.

A job is a function whose first argument is a :class:`Control`. It calls
``control.checkpoint()`` between steps (which blocks while paused and raises
:class:`Cancelled` once cancelled) and hands a payload to the view whenever
``control.due()`` says a report is due (by ``yield`` in a generator job, or
``control.send``); its return value is the result. Engine work is never written here:
:func:`recipe_job` runs a registry recipe with a callback that does all of this, so the
studio computes exactly what the command line computes.

A :class:`JobRunner` owns the jobs of one tab. Each start bumps its generation counter;
signals of an older generation (a superseded or cancelled run) are dropped, so a late
result can never overwrite a newer one. The view pulls :meth:`JobRunner.take_latest` on
its own timer, so a slow view skips snapshots instead of queueing them.

While any job's thread runs, Python's cyclic garbage collector runs only in the GUI thread
(:data:`COLLECTOR`): collected in a worker, the GUI's cyclic garbage would destroy Qt
objects off their thread and crash the GUI thread later.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal

from engines.errors import GasworksError

log = logging.getLogger(__name__)

#: Reports per second a job sends at most (the views redraw at this rate).
REPORT_RATE = 30.0
#: Updates per second of the figures written beside a live view (labels, progress bars):
#: enough to read, and each relayout costs the GUI thread far more than a plot update.
TEXT_RATE = 5.0
#: How long closing the window waits for running jobs to stop, in seconds.
CLOSE_TIMEOUT = 5.0
#: How often the GUI thread looks whether a garbage collection is due while jobs run, in
#: milliseconds.
COLLECT_MS = 100


@dataclass(frozen=True)
class Note:
    """A payload a job yields that must reach the tab (not only the newest snapshot):
    delivered at once through :attr:`JobRunner.noted`."""

    value: Any


class Cancelled(Exception):
    """Raised by :meth:`Control.checkpoint` once the job was cancelled."""


class Control:
    """Flags a job checks between steps, and the clock of its reports."""

    def __init__(self, report_rate: float = REPORT_RATE):
        self._cancel = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._interval = 1.0 / report_rate
        self._last = -float("inf")
        self._wanted = threading.Event()
        self._pulled = False
        #: Hands a payload to the view; the worker thread sets it (a job may call it from
        #: inside a recipe's callback, where it cannot ``yield``).
        self.send: Callable[[Any], None] = lambda payload: None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def cancel(self) -> None:
        self._cancel.set()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def checkpoint(self) -> None:
        """Wait while paused; raise :class:`Cancelled` once cancelled."""
        if not self._running.is_set():
            self._running.wait()
        if self._cancel.is_set():
            raise Cancelled

    def request(self) -> None:
        """The view wants a new snapshot (it has drawn the last one)."""
        self._pulled = True
        self._wanted.set()

    def due(self) -> bool:
        """True when a report should be made now.

        Once a view pulls snapshots (:meth:`request`), a report is due when it asked for
        one, so every snapshot taken is drawn; otherwise when the last report is older
        than the report interval.
        """
        if self._pulled:
            if self._wanted.is_set():
                self._wanted.clear()
                return True
            return False
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            return True
        return False


def recipe_callback(control: Control, send: Callable[[Any], None], frame=None):
    """The callback a recipe gets in the studio: it blocks while paused, raises
    :class:`Cancelled` once cancelled, and hands ``frame(snapshot)`` (or the snapshot) to
    ``send`` whenever the view is due a new one. The snapshot is only turned into a frame
    when it will be drawn, so the live view costs the engine little."""

    def callback(snapshot: Any) -> bool:
        control.checkpoint()
        if control.due():
            send(frame(snapshot) if frame is not None else snapshot)
        return False

    return callback


def recipe_job(control: Control, recipe, source, params, *, frame=None, then=None, **options):
    """A job body running one registry recipe (a function or a registry job name)."""
    if isinstance(recipe, str):
        from engines.registry import job

        recipe = job(recipe).load("recipe")
    callback = recipe_callback(control, control.send, frame)
    result = recipe(source, params, callback=callback, **options)
    control.checkpoint()
    return then(result) if then is not None else result


def describe_error(exc: BaseException) -> str:
    """The message shown in the window: a user error as is, anything else with its type."""
    if isinstance(exc, GasworksError | ValueError | OSError):
        text = str(exc)
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in text:
            text = f"{exc.filename}: {text}"
        return text
    return f"{type(exc).__name__}: {exc}"


class GuiThreadCollector:
    """Keeps Python's cyclic garbage collector in the GUI thread while job threads run.

    CPython collects reference cycles in whichever thread allocates past the collector's
    threshold. A job allocating a lot (SQLAlchemy creating optuna's tables, a trainer's
    epochs) would then collect the cyclic garbage the GUI thread left (pyqtgraph's items,
    pens and pixmaps, pytest-qt's event loops, the tabs of a closed window) and with it
    destroy the Qt objects Python owns outside their thread: a QObject deleted off its
    thread or a pixmap off the GUI thread corrupts Qt's state, and the GUI thread crashes
    later in its event loop. So from the first job thread's start to the last one's end,
    automatic collection is off and a timer in the GUI thread collects instead, with
    CPython's own thresholds; then automatic collection is as it was before. Only the GUI
    thread calls :meth:`hold`, :meth:`release` and :meth:`settle`.
    """

    def __init__(self) -> None:
        self.held: set[QThread] = set()
        self.collections = 0
        self._timer: QTimer | None = None
        self._was_enabled = True

    @property
    def threads(self) -> int:
        return len(self.held)

    @property
    def active(self) -> bool:
        return bool(self.held)

    def hold(self, thread: QThread) -> None:
        """``thread`` is about to start."""
        if not self.held:
            self._was_enabled = gc.isenabled()
            gc.disable()
            self._make_timer().start()
        self.held.add(thread)

    def release(self, thread: QThread) -> None:
        """``thread`` has finished (once is enough; again changes nothing)."""
        if thread not in self.held:
            return
        self.held.discard(thread)
        if not self.held:
            if self._timer is not None and shiboken6.isValid(self._timer):
                self._timer.stop()
            self.collect_due()
            if self._was_enabled:
                gc.enable()

    def settle(self, timeout: float = CLOSE_TIMEOUT) -> bool:
        """Wait for the held threads to end and release them, without waiting for their
        finished signals (a test's teardown); True if none is left running."""
        deadline = time.monotonic() + timeout
        for thread in list(self.held):
            left = int(max(0.0, deadline - time.monotonic()) * 1000)
            if not shiboken6.isValid(thread) or thread.wait(left):
                self.release(thread)
        return not self.held

    def collect_due(self) -> int:
        """Collect the generations CPython would collect now; returns the oldest one
        collected (-1: none was due)."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return -1
        generation = 0
        while generation < 2 and counts[generation + 1] > thresholds[generation + 1]:
            generation += 1
        gc.collect(generation)
        self.collections += 1
        return generation

    def _make_timer(self) -> QTimer:
        if self._timer is None or not shiboken6.isValid(self._timer):
            # Owned by the application, so it lives in the GUI thread for good.
            self._timer = QTimer(QCoreApplication.instance())
            self._timer.setInterval(COLLECT_MS)
            self._timer.timeout.connect(self.collect_due)
        return self._timer


#: The one collector of the process (every runner's threads count).
COLLECTOR = GuiThreadCollector()


class _Thread(QThread):
    """Runs one job generator; emits what it yields, returns, or raises."""

    yielded = Signal(int, object)
    returned = Signal(int, object)
    errored = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, generation: int, control: Control, function, args, kwargs):
        super().__init__()
        self.generation = generation
        self.control = control
        self._function = function
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:  # the worker thread
        gen = self.generation
        self.control.send = lambda payload: self.yielded.emit(gen, payload)
        try:
            body = self._function(self.control, *self._args, **self._kwargs)
            if not isinstance(body, Generator):
                self.returned.emit(gen, body)
                return
            while True:
                self.control.checkpoint()
                try:
                    payload = next(body)
                except StopIteration as stop:
                    self.returned.emit(gen, stop.value)
                    return
                if payload is not None:
                    self.yielded.emit(gen, payload)
        except Cancelled:
            self.cancelled.emit(gen)
        except Exception as exc:  # shown in the window, never as a terminal traceback
            log.debug("job failed:\n%s", traceback.format_exc())
            self.errored.emit(gen, describe_error(exc))


class JobRunner(QObject):
    """Starts, pauses and cancels the jobs of one tab; drops superseded results.

    Signals carry only the current generation's news: ``result(object)`` when the job
    returned, ``failed(str)`` with a message for the window, ``stopped(str)`` with
    'done', 'cancelled' or 'failed', and ``state_changed(str)`` with 'running', 'paused'
    or 'idle'. Snapshots are not signalled: views pull :meth:`take_latest`.
    """

    result = Signal(object)
    noted = Signal(object)
    failed = Signal(str)
    stopped = Signal(str)
    state_changed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.generation = 0
        self._thread: _Thread | None = None
        self._threads: set[_Thread] = set()
        self._latest: Any = None
        self._fresh = False
        self.started_at = 0.0
        self.cancel_requested_at: float | None = None
        self.last_cancel_latency: float | None = None
        self._cancelled_generation = -1

    # ------------------------------------------------------------------ control
    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def paused(self) -> bool:
        return self._thread is not None and self._thread.control.paused

    def start(self, function, *args, **kwargs) -> int:
        """Run ``function(control, *args, **kwargs)``; a running job is superseded."""
        self._drop_current()
        self.generation += 1
        control = Control()
        thread = _Thread(self.generation, control, function, args, kwargs)
        thread.yielded.connect(self._on_yielded)
        thread.returned.connect(self._on_returned)
        thread.errored.connect(self._on_errored)
        thread.cancelled.connect(self._on_cancelled)
        thread.finished.connect(lambda t=thread: self._on_finished(t))
        self._thread = thread
        self._threads.add(thread)
        self._latest, self._fresh = None, False
        self.started_at = time.perf_counter()
        COLLECTOR.hold(thread)
        thread.start()
        self.state_changed.emit("running")
        return self.generation

    def start_recipe(self, recipe, source, params, **kwargs) -> int:
        """Run a registry recipe through :func:`recipe_job` (see there)."""
        return self.start(recipe_job, recipe, source, params, **kwargs)

    def toggle_pause(self) -> None:
        if self._thread is None:
            return
        control = self._thread.control
        if control.paused:
            control.resume()
            self.state_changed.emit("running")
        else:
            control.pause()
            self.state_changed.emit("paused")

    def cancel(self) -> None:
        """Stop the running job between two steps; the tab is idle again at once.

        The job's thread stops at its next checkpoint (a job that is one engine call stops
        when that call returns); whatever it still sends is dropped.
        """
        if self._thread is None:
            return
        self.cancel_requested_at = time.perf_counter()
        self._cancelled_generation = self.generation
        self._drop_current()
        self.stopped.emit("cancelled")
        self.state_changed.emit("idle")

    def _drop_current(self) -> None:
        if self._thread is not None:
            self._thread.control.cancel()
            self._thread = None

    def take_latest(self) -> Any:
        """The newest snapshot not taken yet, or None; the job is asked for the next one."""
        if self._thread is not None:
            self._thread.control.request()
        if not self._fresh:
            return None
        self._fresh = False
        return self._latest

    def shutdown(self, timeout: float = CLOSE_TIMEOUT) -> bool:
        """Cancel every job and wait for the threads; True if all of them stopped."""
        self._drop_current()
        deadline = time.monotonic() + timeout
        ok = True
        for thread in list(self._threads):
            thread.control.cancel()
            left = max(0.0, deadline - time.monotonic())
            if thread.wait(int(left * 1000)):
                COLLECTOR.release(thread)
            else:
                ok = False
        return ok

    def wait_idle(self, timeout: float = CLOSE_TIMEOUT) -> bool:
        """Wait for every thread of this runner to finish (tests and the screenshot mode)."""
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            if not thread.wait(int(max(0.0, deadline - time.monotonic()) * 1000)):
                return False
            COLLECTOR.release(thread)
        return True

    # ------------------------------------------------------------------ thread news
    def _current(self, generation: int) -> bool:
        return self._thread is not None and generation == self.generation

    def _on_yielded(self, generation: int, payload: Any) -> None:
        if not self._current(generation):
            return
        if isinstance(payload, Note):
            self.noted.emit(payload.value)
        else:
            self._latest, self._fresh = payload, True

    def _on_returned(self, generation: int, value: Any) -> None:
        if not self._current(generation):
            return
        self._thread = None
        self._fresh = False  # the result is newer than any snapshot still waiting
        self.result.emit(value)
        self.stopped.emit("done")
        self.state_changed.emit("idle")

    def _on_errored(self, generation: int, message: str) -> None:
        if not self._current(generation):
            return
        self._thread = None
        self.failed.emit(message)
        self.stopped.emit("failed")
        self.state_changed.emit("idle")

    def _on_cancelled(self, generation: int) -> None:
        self._note_stop(generation)

    def _on_finished(self, thread: _Thread) -> None:
        self._note_stop(thread.generation)
        self._threads.discard(thread)
        COLLECTOR.release(thread)
        thread.deleteLater()

    def _note_stop(self, generation: int) -> None:
        """Record how long the cancelled job's thread took to stop."""
        if generation == self._cancelled_generation and self.cancel_requested_at is not None:
            self.last_cancel_latency = time.perf_counter() - self.cancel_requested_at
            self._cancelled_generation = -1
