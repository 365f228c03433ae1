"""The shared run loop of the engine contract."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engines.core import StepStats, run


@dataclass
class CountingEngine:
    limit: int = 10**9
    iteration: int = 0

    @property
    def done(self) -> bool:
        return self.iteration >= self.limit

    def step(self, n: int = 1) -> StepStats:
        self.iteration += n
        return StepStats(steps=n, iteration=self.iteration)

    def snapshot(self) -> int:
        return self.iteration


def test_run_spends_budget_in_chunks():
    seen = []
    final = run(CountingEngine(), 25, seen.append, every=10)
    assert seen == [10, 20, 25]
    assert final == 25


def test_callback_returning_true_cancels():
    final = run(CountingEngine(), 100, lambda snap: snap >= 30, every=10)
    assert final == 30


def test_run_stops_when_engine_is_done():
    assert run(CountingEngine(limit=12), 100, every=5) == 15


def test_bad_arguments():
    with pytest.raises(ValueError, match="budget"):
        run(CountingEngine(), -1)
    with pytest.raises(ValueError, match="every"):
        run(CountingEngine(), 1, every=0)
