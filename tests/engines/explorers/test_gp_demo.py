"""The one-dimensional GP demo: the stand-in curve, both acquisitions, the posterior at the
points tried, the steps and the exports."""

from __future__ import annotations

import itertools
import json

import imageio.v3 as iio
import numpy as np
import pytest
from scipy import integrate, stats

from engines.explorers.gp_demo import (
    BAND,
    LOW,
    SEED_POINTS,
    GPDemo,
    GPStep,
    expected_improvement,
    export_gp_demo,
    gp_demo_recipe,
    hidden_units_error,
    lower_confidence_bound,
)
from engines.explorers.params import GPDemoParams


def test_the_stand_in_passes_through_the_seeds_hand_tuned_points():
    for units, accuracy in SEED_POINTS.items():
        assert hidden_units_error(units) == pytest.approx(1 - accuracy, abs=1e-3)
    curve = hidden_units_error(np.arange(50, 1001))
    assert 400 < 50 + int(np.argmin(curve)) < 600


def test_expected_improvement_is_the_expectation_of_the_gain():
    best, mean, std = 0.15, np.array([0.16, 0.14, 0.15]), np.array([0.01, 0.02, 0.005])
    for m, s, ei in zip(mean, std, expected_improvement(best, mean, std), strict=True):

        def gain(f, m=m, s=s):
            return max(0.0, best - f) * stats.norm.pdf(f, m, s)

        numeric, _ = integrate.quad(gain, m - 12 * s, m + 12 * s, points=[best])
        assert ei == pytest.approx(numeric, rel=1e-6)
    assert expected_improvement(best, np.array([0.1, 0.2]), np.zeros(2)).tolist() == [
        pytest.approx(0.05), 0.0,
    ]  # fmt: skip


def test_the_seeds_rule_is_a_lower_confidence_bound():
    mean, std = np.array([0.16, 0.14, 0.3]), np.array([0.01, 0.0, 0.01])
    np.testing.assert_allclose(
        lower_confidence_bound(0.15, mean, std),
        np.maximum(0.0, 0.15 - (mean - 1.96 * std)),
    )
    assert lower_confidence_bound(0.15, mean, std)[2] == 0.0


@pytest.mark.parametrize("noise", [0.0, 0.002])
def test_posterior_at_the_points_tried_is_the_observations(noise):
    demo = GPDemo(GPDemoParams(noise=noise, steps=5), seed=3)
    demo.step(7)
    snap = demo.snapshot()
    at = snap.tried - LOW
    tolerance = 1e-4 if noise == 0 else 3 * noise
    np.testing.assert_allclose(snap.mean[at], snap.errors, atol=tolerance)
    if noise == 0:
        assert snap.std[at].max() < 1e-3
    # far from every point tried the GP is less sure than at them
    assert snap.std.max() > 2 * snap.std[at].max()


def test_each_step_tries_the_acquisitions_best_choice():
    params = GPDemoParams(acquisition="lcb", steps=4)
    result = gp_demo_recipe(None, params, seed=1)
    steps = [s for s in result.steps if len(s.mean)]
    for before, after in itertools.pairwise(steps):
        assert before.proposal == int(before.units[np.argmax(before.acquisition)])
        assert after.tried[-1] == before.proposal
        band_low = before.mean - BAND * before.std
        np.testing.assert_allclose(before.acquisition,
                                   np.maximum(0, before.errors.min() - band_low))  # fmt: skip
    assert result.last.error_history.tolist() == np.minimum.accumulate(result.last.errors).tolist()


def test_lcb_stops_when_no_improvement_is_left():
    """A flat objective measured without noise: the band closes and the rule gives zero."""
    params = GPDemoParams(acquisition="lcb", noise=0.0, steps=30, initial=3)
    result = gp_demo_recipe(None, params, objective=lambda n: np.full(np.shape(n), 0.2), seed=2)
    last = result.last
    assert last.done and last.iteration < params.initial + params.steps
    assert "no improvement left" in last.stop_reason or "was tried" in last.stop_reason
    assert np.isnan(last.truth).all()


def test_same_seed_same_run_and_a_callback_cancels():
    params = GPDemoParams(steps=3)
    a, b = gp_demo_recipe(None, params, seed=9), gp_demo_recipe(None, params, seed=9)
    assert a.payload() == b.payload()
    assert all(isinstance(s, GPStep) for s in a.steps)
    calls = []
    cut = gp_demo_recipe(None, params, seed=9, callback=lambda s: calls.append(s) or True)
    assert len(calls) == 1 and cut.cancelled and len(cut.steps) == 1


def test_exports(tmp_path):
    result = gp_demo_recipe(None, GPDemoParams(steps=3, acquisition="ei"), seed=4)
    png = iio.imread(export_gp_demo(result, tmp_path / "gp.png"))
    assert png.shape[:2] == (560, 800) and png.std() > 10
    frames = iio.imread(export_gp_demo(result, tmp_path / "gp.gif"), index=None)
    assert frames.shape[0] == sum(1 for s in result.steps if len(s.mean)) == 4
    payload = json.loads((export_gp_demo(result, tmp_path / "gp.json")).read_text())
    assert payload["acquisition_name"] == "expected improvement"
    assert payload["tried"] == result.last.tried.tolist()
    assert payload["best"]["error"] == min(payload["errors"])
    with pytest.raises(Exception, match=r"\.png, \.gif or \.json"):
        export_gp_demo(result, tmp_path / "gp.svg")
