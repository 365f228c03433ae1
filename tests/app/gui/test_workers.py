"""The generic worker: snapshots pulled, results of superseded runs dropped, pause, cancel."""

from __future__ import annotations

import time

from app.gui.workers import JobRunner
from engines.core import Snapshot, run


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
    assert runner.last_cancel_latency >= 0.0


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

    def __init__(self, limit: int, delay: float = 0.0):
        self.n, self.limit, self.delay = 0, limit, delay

    @property
    def done(self) -> bool:
        return self.n >= self.limit

    def step(self, n: int = 1):
        time.sleep(self.delay)
        self.n += n

    def snapshot(self) -> Snapshot:
        return Snapshot(iteration=self.n)


def counting_recipe(source, params, *, seed=None, callback=None, budget: int = 0, delay=0.0):
    return run(_Counter(source, delay), budget, callback)


def test_a_recipe_runs_to_its_budget_and_reports_frames(qtbot):
    runner = JobRunner()
    frames = []
    with qtbot.waitSignal(runner.result, timeout=20_000) as blocker:
        runner.start_recipe(counting_recipe, 10**12, None, budget=3_000_000,
                            frame=lambda snap: frames.append(snap.fraction) or snap)  # fmt: skip
    final = blocker.args[0]
    assert final.iteration == 3_000_000 and final.budget == 3_000_000
    assert frames and all(0.0 < f <= 1.0 for f in frames)


def test_a_recipe_is_cancelled_through_its_callback(qtbot):
    runner = JobRunner()
    results = []
    runner.result.connect(results.append)
    runner.start_recipe(counting_recipe, 10**18, None, budget=10**17, delay=0.001)
    qtbot.waitUntil(lambda: runner.take_latest() is not None, timeout=10_000)
    with qtbot.waitSignal(runner.stopped, timeout=10_000) as blocker:
        runner.cancel()
    assert blocker.args == ["cancelled"]
    assert runner.wait_idle(10)
    assert results == []
