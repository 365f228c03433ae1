"""The engine contract every iterative engine follows.

An engine offers ``step(n) -> StepStats``, ``snapshot() -> Snapshot`` and ``done``; the shared
:func:`run` loops ``step`` and hands snapshots to a callback, which the CLI uses for a
progress bar, the GUI (from a worker thread) for live views and the tests for assertions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


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


def run(
    engine: Engine,
    budget: int,
    callback: Callable[[Any], bool | None] | None = None,
    *,
    every: int = 1,
) -> Any:
    """Step ``engine`` up to ``budget`` updates, reporting a snapshot every ``every`` updates.

    Parameters
    ----------
    engine : Engine
        Anything with ``step``, ``snapshot`` and ``done``.
    budget : int
        Largest number of updates to run (the unit is the engine's own: signals, epochs...).
    callback : callable, optional
        Called with a snapshot after each chunk of ``every`` updates; returning True cancels.
    every : int
        Updates per chunk; larger chunks mean fewer snapshots and less overhead.

    Returns
    -------
    snapshot
        The engine's snapshot when the loop ended (budget spent, engine done, or cancelled).
    """
    if budget < 0:
        raise ValueError(f"budget must be >= 0, got {budget}")
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    remaining = budget
    while remaining > 0 and not engine.done:
        chunk = min(every, remaining)
        engine.step(chunk)
        remaining -= chunk
        if callback is not None and callback(engine.snapshot()):
            break
    return engine.snapshot()
