"""The engine contract every iterative engine follows.

An engine is built as ``Engine(params=None, data=None, *, seed=0)``, offers
``step(n) -> StepStats``, ``snapshot() -> Snapshot`` and ``done``; the shared :func:`run`
loops ``step`` and hands snapshots to a callback, which the CLI uses for a progress bar, the
studio (from a worker thread) for live views and the tests for assertions. Every engine's
snapshot extends :class:`Snapshot`, so a front end reads progress, errors and the reason a
run stopped the same way for every engine.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

#: Longest wait between two callbacks of :func:`run` (when it chooses the chunks): a view
#: redraws about 30 times a second (a callback twice as often keeps every redraw fresh),
#: and pause or cancel answer within this.
REPORT_SECONDS = 1 / 60
#: Wall time one chunk of steps aims at when :func:`run` chooses the chunk size itself:
#: short, so a callback that cancels or pauses acts at once and a GUI thread gets the
#: interpreter often (compiled kernels hold the GIL).
CHUNK_SECONDS = 0.001


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """What every engine's snapshot holds, whatever else it adds.

    Attributes
    ----------
    iteration : int
        Updates done so far, in the unit of the engine's ``step`` (signals, epochs, neuron
        updates, trials).
    budget : int or None
        The iteration the current run stops at (set by :func:`run`; None outside a run).
    error_history : (K,) ndarray of float64
        The engine's error after each completed epoch (or energy after each update).
    done : bool
        True once the engine stopped by itself (converged, target reached, budget spent).
    stop_reason : str
        Why it stopped ('' while it goes on).
    """

    iteration: int = 0
    budget: int | None = None
    error_history: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    done: bool = False
    stop_reason: str = ""

    @property
    def fraction(self) -> float:
        """Share of the run's budget done, in [0, 1] (1 when no budget is known)."""
        if not self.budget:
            return 1.0
        return min(1.0, max(0.0, self.iteration / self.budget))

    @property
    def error(self) -> float:
        """The last recorded error (NaN before the first)."""
        history = self.error_history
        return float(history[-1]) if len(history) else float("nan")


@dataclass(frozen=True)
class StepStats:
    """What one call to ``step`` did: how many updates ran and the iteration reached."""

    steps: int
    iteration: int
    error: float = float("nan")


@runtime_checkable
class Engine(Protocol):
    """Structural type of an iterative engine."""

    @property
    def done(self) -> bool: ...

    def step(self, n: int = 1) -> StepStats: ...

    def snapshot(self) -> Any: ...


#: A callback of a recipe or of :func:`run`: called with a snapshot; True cancels.
Callback = Callable[[Any], bool | None]


def with_budget(snapshot: Any, budget: int | None) -> Any:
    """``snapshot`` with its ``budget`` set (a cheap copy: arrays are shared)."""
    if isinstance(snapshot, Snapshot) and snapshot.budget != budget:
        return dataclasses.replace(snapshot, budget=budget)
    return snapshot


def run(
    engine: Engine,
    budget: int,
    callback: Callback | None = None,
    *,
    every: int | None = None,
    chunk_seconds: float = CHUNK_SECONDS,
    report_seconds: float = REPORT_SECONDS,
) -> Any:
    """Step ``engine`` up to ``budget`` updates, reporting snapshots to ``callback``.

    Parameters
    ----------
    engine : Engine
        Anything with ``step``, ``snapshot`` and ``done``.
    budget : int
        Largest number of updates to run (the unit is the engine's own: signals, epochs...).
    callback : callable, optional
        Called with a snapshot; returning True cancels.
    every : int, optional
        Updates per chunk, with the callback called after every chunk. By default (with a
        callback) the chunk adapts so that one step call takes about ``chunk_seconds``, and
        the callback runs after the first chunk, then at most once per ``report_seconds``,
        and after the last: a snapshot copies the engine's state, so taking one per chunk
        would cost more than the training. The chunking never changes the result.

    Returns
    -------
    snapshot
        The engine's snapshot when the loop ended (budget spent, engine done, or cancelled),
        with ``budget`` set to the iteration the run aimed at.
    """
    from engines.validation import check_count

    budget = check_count(budget, "budget")
    if every is not None:
        every = check_count(every, "every", minimum=1)
    if callback is None and every is None:
        # Nobody watches: the whole budget in one call (as fast as the engine goes).
        if budget > 0 and not engine.done:
            engine.step(budget)
        snap = engine.snapshot()
        return with_budget(snap, snap.iteration)
    target = engine.snapshot().iteration + budget
    chunk = every or 1
    remaining = budget
    last_report = -float("inf")
    while remaining > 0 and not engine.done:
        n = min(chunk, remaining)
        t0 = time.perf_counter()
        engine.step(n)
        t1 = time.perf_counter()
        remaining -= n
        if every is None:
            if t1 - t0 < chunk_seconds / 2:
                chunk *= 2
            elif t1 - t0 > chunk_seconds * 2 and chunk > 1:
                chunk //= 2
        last = remaining == 0 or engine.done
        if callback is not None and (
            every is not None or last or t1 - last_report >= report_seconds
        ):
            last_report = t1
            if callback(with_budget(engine.snapshot(), target)):
                break
    return with_budget(engine.snapshot(), target)
