"""The shared run loop and snapshot base of the engine contract."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pytest

from engines.core import Snapshot, StepStats, run
from engines.errors import ParameterError


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

    def snapshot(self) -> Snapshot:
        return Snapshot(iteration=self.iteration, done=self.done)


def test_run_spends_budget_in_chunks():
    seen = []
    final = run(CountingEngine(), 25, seen.append, every=10)
    assert [s.iteration for s in seen] == [10, 20, 25]
    assert final.iteration == 25


def test_snapshots_carry_the_runs_budget_and_fraction():
    seen = []
    engine = CountingEngine()
    engine.step(100)  # a second run counts from where the first stopped
    run(engine, 40, seen.append, every=10)
    assert [s.budget for s in seen] == [140] * 4
    assert [s.fraction for s in seen] == pytest.approx([110 / 140, 120 / 140, 130 / 140, 1.0])


def test_adaptive_chunks_spend_the_budget_exactly():
    seen = []
    final = run(CountingEngine(), 1_234_567, seen.append)
    assert final.iteration == 1_234_567 == seen[-1].iteration
    assert len(seen) >= 2  # the callback ran between chunks, not once at the end
    assert all(a.iteration < b.iteration for a, b in itertools.pairwise(seen))


def test_callback_returning_true_cancels():
    final = run(CountingEngine(), 100, lambda snap: snap.iteration >= 30, every=10)
    assert final.iteration == 30


def test_run_stops_when_engine_is_done():
    assert run(CountingEngine(limit=12), 100, every=5).iteration == 15


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ParameterError, match="budget"):
        run(CountingEngine(), -1)
    with pytest.raises(ParameterError, match="every"):
        run(CountingEngine(), 1, every=0)
    with pytest.raises(ParameterError, match="budget must be an integer"):
        run(CountingEngine(), 2.5)


def test_snapshot_error_is_the_last_recorded():
    assert np.isnan(Snapshot().error)
    assert Snapshot(error_history=np.array([3.0, 2.0])).error == 2.0
    assert Snapshot(iteration=5).fraction == 1.0  # no budget known
