"""While a job's thread runs, Python's cyclic garbage collector runs only in the GUI thread:
a worker allocating a lot never frees the GUI's garbage, whose Qt objects must die in the
GUI thread (collected in a worker they crashed the studio now and then: the Tuning tab's
cancel with an sqlite storage, issue 14)."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest
from PySide6.QtCore import QObject

from app.gui.workers import COLLECTOR, JobRunner


@pytest.fixture
def collections():
    """The names of the threads that start a garbage collection, while the test runs."""
    seen: list[str] = []

    def note(phase, info):
        if phase == "start":
            seen.append(threading.current_thread().name)

    assert gc.isenabled()
    gc.collect()
    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def allocating_job(control, go_on: threading.Event):
    """Makes cyclic garbage enough for many collections, then waits for ``go_on``."""
    for _ in range(50_000):
        cycle: list = []
        cycle.append(cycle)
    enabled = gc.isenabled()
    while not go_on.is_set():
        control.checkpoint()
        time.sleep(0.005)
    return enabled


def test_the_gui_threads_garbage_dies_in_the_gui_thread(qtbot, collections):
    # A Python-owned QObject in a reference cycle, as pyqtgraph and pytest-qt leave them.
    died_in: list[str] = []
    owned = QObject()
    cycle = [owned]
    cycle.append(cycle)
    watch = weakref.ref(owned, lambda _: died_in.append(threading.current_thread().name))
    del owned, cycle
    runner = JobRunner()
    go_on = threading.Event()
    before = COLLECTOR.collections
    with qtbot.waitSignal(runner.result, timeout=20_000) as done:
        runner.start(allocating_job, go_on)
        assert COLLECTOR.active and not gc.isenabled()
        qtbot.waitUntil(lambda: bool(died_in) and COLLECTOR.collections > before, timeout=10_000)
        go_on.set()
    assert done.args == [False]  # the job ran with automatic collection off
    assert watch() is None and died_in == ["MainThread"]
    assert collections and set(collections) == {"MainThread"}
    qtbot.waitUntil(lambda: not COLLECTOR.active, timeout=5_000)
    assert gc.isenabled()


def test_waiting_for_the_jobs_gives_the_collector_back(qtbot):
    runner = JobRunner()
    go_on = threading.Event()
    go_on.set()
    runner.start(allocating_job, go_on)
    runner.start(allocating_job, go_on)  # the first one is superseded, still ending
    assert COLLECTOR.threads == 2 and not gc.isenabled()
    assert runner.wait_idle(20)
    assert not COLLECTOR.active and gc.isenabled()
    qtbot.wait(50)  # the threads' finished signals come later and change nothing
    assert COLLECTOR.threads == 0 and gc.isenabled()


def test_settling_gives_the_collector_back_without_an_event_loop():
    runner = JobRunner()
    go_on = threading.Event()
    go_on.set()
    runner.start(allocating_job, go_on)
    assert COLLECTOR.active and not gc.isenabled()
    assert COLLECTOR.settle(20)
    assert not COLLECTOR.active and gc.isenabled()
