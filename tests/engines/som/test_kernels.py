"""Compiled training against the plain-NumPy reference in ``naive.py``."""

from __future__ import annotations

import numpy as np
import pytest

from engines.som import SOFM, SOFMParams
from tests.engines.som import naive

CASES = {
    "rect": dict(features_grid=(4, 5), learning_radius=2, std=1.0),
    "hexagon": dict(features_grid=(4, 5), grid_type="hexagon", learning_radius=2, std=0.7),
    "hexagon-torus": dict(
        features_grid=(4, 6), grid_type="hexagon", toroidal=True, learning_radius=3, std=1.5
    ),
    "rect-torus": dict(features_grid=(5, 5), toroidal=True, learning_radius=3),
    "line-std0": dict(features_grid=(7,), learning_radius=3, std=0.0),
    "one-row-2d": dict(features_grid=(1, 7), learning_radius=3, std=2.0),
    "cos": dict(features_grid=(3, 4), distance="cos", learning_radius=1),
    "dot": dict(features_grid=(3, 4), distance="dot", learning_radius=1, step=0.01),
}


def _params(case: str, **extra) -> SOFMParams:
    base = dict(step=0.3, reduce_radius_after=2, reduce_step_after=3, reduce_std_after=4)
    return SOFMParams(**{**base, **CASES[case], **extra})


def _start(params: SOFMParams, d: int, seed: int):
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(30, d)).astype(np.float32)
    w0 = rng.normal(size=(*params.features_grid, d))
    if params.distance == "cos":  # the engine normalises; give the reference the same start
        w0 = w0 / np.linalg.norm(w0, axis=-1, keepdims=True)
    return data, w0


@pytest.mark.parametrize("case", sorted(CASES))
def test_online_epochs_match_reference(case):
    params = _params(case)
    data, w0 = _start(params, 3, seed=len(case))
    som = SOFM(params, n_inputs=3, weights=w0, seed=0, search="full")
    som.train(data, epochs=5)
    start = SOFM(params, n_inputs=3, weights=w0).weights
    expected, errors = naive.train_online(data, start, params, 5)
    np.testing.assert_allclose(som.weights, expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(som.error_history, errors, rtol=1e-6)
    assert som.weights.dtype == np.float32
    assert not np.allclose(som.weights, SOFM(params, n_inputs=3, weights=w0).weights)  # it moved


@pytest.mark.parametrize("case", sorted(CASES))
def test_batch_epochs_match_reference(case):
    params = _params(case, training="batch")
    data, w0 = _start(params, 3, seed=7 + len(case))
    som = SOFM(params, n_inputs=3, weights=w0, seed=0)
    som.train(data, epochs=4)
    expected = naive.train_batch(data, SOFM(params, n_inputs=3, weights=w0).weights, params, 4)
    np.testing.assert_allclose(som.weights, expected, rtol=1e-5, atol=1e-6)


def test_shuffled_order_matches_reference_with_the_same_orders():
    params = _params("rect", shuffle_data=True)
    data, w0 = _start(params, 2, seed=3)
    som = SOFM(params, n_inputs=2, weights=w0, seed=11, search="full")
    som.train(data, epochs=3)
    rng = np.random.default_rng(11)
    orders = [rng.permutation(len(data)) for _ in range(3)]
    expected, _ = naive.train_online(data, w0, params, 3, orders=orders)
    np.testing.assert_allclose(som.weights, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", ["rect", "hexagon", "hexagon-torus", "rect-torus", "line-std0"])
def test_planar_search_gives_the_full_search_result_exactly(case):
    params = _params(case, features_grid=CASES[case]["features_grid"])
    rng = np.random.default_rng(5)
    # Clustered points with exact duplicates, so ties and empty buckets both happen.
    centres = rng.uniform(0, 100, size=(6, 2))
    data = (centres[rng.integers(0, 6, 400)] + rng.normal(0, 3, (400, 2))).round(1)
    w0 = rng.uniform(0, 100, size=(*params.features_grid, 2)).round(0)
    full = SOFM(params, n_inputs=2, weights=w0, search="full")
    planar = SOFM(params, n_inputs=2, weights=w0, search="planar")
    full.train(data, epochs=6)
    planar.train(data, epochs=6)
    np.testing.assert_array_equal(planar.weights, full.weights)
    np.testing.assert_array_equal(planar.error_history, full.error_history)


def test_planar_search_on_a_big_map_matches_full_search():
    params = SOFMParams(features_grid=(2, 300), learning_radius=4, step=0.2, reduce_radius_after=1)
    rng = np.random.default_rng(2)
    data = rng.uniform(0, 50, size=(3000, 2)).astype(np.float32)
    w0 = np.stack([rng.uniform(0, 50, (2, 300)), np.full((2, 300), 25.0)], axis=-1)
    a = SOFM(params, n_inputs=2, weights=w0, search="full")
    b = SOFM(params, n_inputs=2, weights=w0, search="auto")
    assert b.search == "planar"
    a.train(data, epochs=5)
    b.train(data, epochs=5)
    np.testing.assert_array_equal(a.weights, b.weights)
