"""The generic worker: snapshots pulled, results of superseded runs dropped, pause, cancel."""

from __future__ import annotations

import time

import pytest

from app.gui.workers import Control, JobRunner, run_engine


def counting_job(control, label: str, steps: int, delay: float = 0.002):
    for i in range(steps):
        control.checkpoint()
        time.sleep(delay)
        if control.due():
            yield (label, i)
    return label


def failing_job(control):
    raise ValueError("photo.png: not an image file")


def test_superseded_run_is_dropped(qtbot):
    runner = JobRunner()
    results = []
    runner.result.connect(results.append)
    first = runner.start(counting_job, "first", 5000)
    second = runner.start(counting_job, "second", 10)
    assert second == first + 1
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert runner.wait_idle(5)
    qtbot.wait(50)
    assert results == ["second"]


def test_cancel_stops_between_steps_and_is_measured(qtbot):
    runner = JobRunner()
    states = []
    runner.state_changed.connect(states.append)
    runner.start(counting_job, "long", 100_000)
    qtbot.waitUntil(lambda: runner.take_latest() is not None, timeout=5000)
    runner.cancel()
    assert not runner.running and states[-1] == "idle"
    assert runner.wait_idle(2)
    qtbot.waitUntil(lambda: runner.last_cancel_latency is not None, timeout=2000)
    assert runner.last_cancel_latency < 0.2


def test_pause_holds_the_job(qtbot):
    runner = JobRunner()
    runner.start(counting_job, "paused", 100_000, 0.001)
    qtbot.waitUntil(lambda: runner.take_latest() is not None, timeout=5000)
    runner.toggle_pause()
    qtbot.wait(60)
    runner.take_latest()
    qtbot.wait(150)
    assert runner.take_latest() is None  # nothing new while paused
    runner.toggle_pause()
    qtbot.waitUntil(lambda: runner.take_latest() is not None, timeout=5000)
    runner.cancel()
    assert runner.wait_idle(2)


def test_errors_become_messages(qtbot):
    runner = JobRunner()
    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.start(failing_job)
    assert blocker.args == ["photo.png: not an image file"]


class _Counter:
    """The engine contract at its smallest."""

    def __init__(self, limit: int):
        self.n, self.limit = 0, limit

    @property
    def done(self) -> bool:
        return self.n >= self.limit

    def step(self, n: int = 1):
        self.n += n

    def snapshot(self) -> int:
        return self.n


def test_run_engine_spends_the_budget_exactly():
    body = run_engine(Control(), _Counter(10**9), 123_457)
    with pytest.raises(StopIteration) as stop:
        while True:
            next(body)
    assert stop.value.value == 123_457
