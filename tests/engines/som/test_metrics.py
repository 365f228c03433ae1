"""Quantisation error, topographic error and U-matrix on tiny maps worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from engines.errors import ParameterError
from engines.som import SOFM, SOFMParams, metrics
from tests.engines.som import naive


def _map(values, shape, **params):
    """A map whose units hold the given 1-D values (row-major)."""
    w = np.asarray(values, dtype=np.float64).reshape(*shape, 1)
    return SOFM(SOFMParams(features_grid=shape, **params), n_inputs=1, weights=w)


def test_quantization_error_by_hand():
    som = _map([0, 10], (2,))
    data = np.array([[1.0], [2.0], [9.0]])
    assert som.quantization_error(data) == pytest.approx((1 + 2 + 1) / 3)
    assert som.quantization_error(data, chunk_size=1) == pytest.approx(4 / 3)
    with pytest.raises(ParameterError, match="chunk_size must be >= 1, got 0"):
        som.quantization_error(data, chunk_size=0)
    with pytest.raises(ParameterError, match="chunk_size must be an integer, got 2.5"):
        som.topographic_error(data, chunk_size=2.5)


def test_quantization_error_matches_reference_on_random_data():
    rng = np.random.default_rng(0)
    som = SOFM(SOFMParams(features_grid=(4, 4)), n_inputs=3, weights=rng.normal(size=(4, 4, 3)))
    data = rng.normal(size=(200, 3))
    assert som.quantization_error(data, chunk_size=7) == pytest.approx(
        naive.quantization_error(data, som.weights), rel=1e-6
    )


def test_topographic_error_rect_by_hand():
    # units (0,0)=0 (0,1)=10 (1,0)=20 (1,1)=1
    som = _map([0, 10, 20, 1], (2, 2))
    # 0.4: best (0,0), runner-up (1,1): diagonal, an error
    # 14: best (0,1), runner-up (1,0): diagonal, an error
    # 6: best (0,1), runner-up (1,1): adjacent
    data = np.array([[0.4], [14.0], [6.0]])
    assert som.topographic_error(data) == pytest.approx(2 / 3)
    assert som.topographic_error(data, chunk_size=2) == pytest.approx(2 / 3)


def test_topographic_error_hexagon_by_hand():
    # Same values on a hexagon grid: (0,1)-(1,0) are neighbours there, (0,0)-(1,1) are not.
    som = _map([0, 10, 20, 1], (2, 2), grid_type="hexagon")
    data = np.array([[0.4], [14.0], [6.0]])
    assert som.topographic_error(data) == pytest.approx(1 / 3)


def test_topographic_error_across_a_torus_edge():
    data = np.array([[0.4]])  # best unit 0 (value 0), runner-up unit 3 (value 1)
    assert _map([0, 10, 20, 1], (4,)).topographic_error(data) == 1.0
    assert _map([0, 10, 20, 1], (4,), toroidal=True).topographic_error(data) == 0.0


def test_topographic_error_of_one_unit_is_zero():
    assert _map([3], (1,)).topographic_error(np.array([[1.0], [5.0]])) == 0.0


def test_u_matrix_rect_by_hand():
    som = _map([0, 1, 3, 7], (2, 2))
    # pairs: (0,0)-(0,1)=1, (1,0)-(1,1)=4, (0,0)-(1,0)=3, (0,1)-(1,1)=6
    np.testing.assert_allclose(som.u_matrix(), [[2.0, 3.5], [3.5, 5.0]])
    expanded = som.u_matrix(expanded=True)
    np.testing.assert_allclose(
        expanded,
        [
            [2.0, 1.0, 3.5],
            [3.0, (7 + 2) / 2, 6.0],  # centre: mean of |0-7| and |1-3|
            [3.5, 4.0, 5.0],
        ],
    )


def test_u_matrix_hexagon_by_hand():
    som = _map([0, 1, 3, 7], (2, 2), grid_type="hexagon")
    # hexagon pairs: 00-01=1, 10-11=4, 00-10=3, 01-10=2, 01-11=6 (odd row shifted right)
    np.testing.assert_allclose(som.u_matrix(), [[2.0, 3.0], [3.0, 5.0]])
    expanded = som.u_matrix(expanded=True)
    assert expanded.shape == (3, 3)
    assert expanded[1, 1] == pytest.approx(2.0)  # the one edge crossing it: (0,1)-(1,0)
    assert expanded[1, 0] == pytest.approx(3.0)
    assert expanded[0, 1] == pytest.approx(1.0)


def test_u_matrix_of_a_line_and_multi_feature_units():
    som = _map([0, 2, 5], (3,))
    np.testing.assert_allclose(som.u_matrix(), [[2.0, 2.5, 3.0]])
    np.testing.assert_allclose(som.u_matrix(expanded=True), [[2.0, 2.0, 2.5, 3.0, 3.0]])
    w = np.array([[[0.0, 0.0], [3.0, 4.0]]])  # one row, distance 5
    np.testing.assert_allclose(metrics.u_matrix(w), [[5.0, 5.0]])


def test_u_matrix_torus_counts_the_wrapped_neighbour():
    som = _map([0, 2, 5], (3,), toroidal=True)
    # ring: 0-2 = 2, 2-5 = 3, 5-0 = 5
    np.testing.assert_allclose(som.u_matrix(), [[3.5, 2.5, 4.0]])


def test_expanded_u_matrix_shape_of_a_trained_map():
    rng = np.random.default_rng(1)
    som = SOFM(SOFMParams(features_grid=(6, 9), learning_radius=2), n_inputs=4, seed=1)
    som.train(rng.random((100, 4)), epochs=3)
    u = som.u_matrix(expanded=True)
    assert u.shape == (11, 17)
    np.testing.assert_allclose(u[::2, ::2], som.u_matrix())
    assert (u >= 0).all()
