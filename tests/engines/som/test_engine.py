"""The SOFM class: NeuPy's schedule, the engine contract, initialisations, save/load."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from engines.core import Snapshot, run
from engines.errors import ParameterError
from engines.som import SOFM, SOFMParams, SOFMSnapshot
from tests.engines.som import naive

LOGO = dict(
    features_grid=(2, 50), step=0.05, learning_radius=10, reduce_radius_after=1,
    reduce_step_after=10, std=1.0, reduce_std_after=100,
)  # fmt: skip


def test_schedule_follows_neupy():
    som = SOFM(SOFMParams(**LOGO), n_inputs=2)
    first = som.schedule(1)
    assert first.radius == 9  # the epoch counter is 1-based while an epoch trains
    assert first.step == pytest.approx(0.05 / 1.1)
    assert first.std == pytest.approx(1 / 1.01)
    assert som.schedule(10).radius == 0
    assert som.schedule(25).radius == 0  # never below zero
    assert som.schedule(20).step == pytest.approx(0.05 / 3)
    fixed = SOFM(SOFMParams(learning_radius=3, reduce_radius_after=None,
                            reduce_step_after=None, reduce_std_after=None), n_inputs=2)  # fmt: skip
    assert (fixed.schedule(500).radius, fixed.schedule(500).step) == (3, 0.1)


def test_epoch_counter_continues_across_train_calls():
    rng = np.random.default_rng(0)
    data = rng.random((40, 2))
    params = SOFMParams(features_grid=(3, 3), learning_radius=2, reduce_radius_after=1)
    once = SOFM(params, n_inputs=2, seed=4)
    once.train(data, epochs=5)
    twice = SOFM(params, n_inputs=2, seed=4)
    twice.train(data, epochs=2)
    twice.train(data, epochs=3)
    assert twice.epoch == 5
    np.testing.assert_array_equal(once.weights, twice.weights)
    w0 = SOFM(params, n_inputs=2, seed=4).weights
    expected, _ = naive.train_online(data, w0, params, 5)
    np.testing.assert_allclose(twice.weights, expected, rtol=1e-6, atol=1e-7)


def test_inputs_are_float32():
    rng = np.random.default_rng(1)
    data64 = rng.normal(size=(50, 2)) * 1e3 + 1 / 3
    params = SOFMParams(features_grid=(3, 3), learning_radius=1)
    a = SOFM(params, n_inputs=2, seed=0)
    a.train(data64, epochs=2)
    b = SOFM(params, n_inputs=2, seed=0)
    b.train(data64.astype(np.float32), epochs=2)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.snapshot().weights.dtype == np.float32


def test_same_seed_same_map_other_seed_other_map():
    data = np.random.default_rng(2).random((60, 3))
    params = SOFMParams(features_grid=(4, 4), learning_radius=2, shuffle_data=True)
    maps = []
    for seed in (7, 7, 8):
        som = SOFM(params, n_inputs=3, seed=seed)
        som.train(data, epochs=3)
        maps.append(som.weights)
    np.testing.assert_array_equal(maps[0], maps[1])
    assert not np.allclose(maps[0], maps[2])


def test_engine_contract_with_run():
    data = np.random.default_rng(3).random((30, 2))
    som = SOFM(SOFMParams(features_grid=(3, 3), learning_radius=1, epochs=6), data, seed=0)
    first = som.snapshot()
    assert isinstance(first, SOFMSnapshot) and isinstance(first, Snapshot)
    assert (first.iteration, first.epoch, first.done, first.stop_reason) == (0, 0, False, "")
    assert first.error_history.dtype == np.float64 and first.error_history.shape == (0,)
    seen = []
    snap = run(som, 100, lambda s: seen.append((s.iteration, s.epoch, s.budget)), every=2)
    assert seen == [(2, 2, 100), (4, 4, 100), (6, 6, 100)]
    assert som.done and snap.done and snap.stop_reason == "6 epochs trained (params.epochs)"
    assert snap.epoch == snap.iteration == 6 and snap.error_history.shape == (6,)
    assert snap.error == snap.error_history[-1] > 0
    assert snap.weights.shape == (3, 3, 2)
    stats = som.step(1)
    assert (stats.steps, stats.iteration) == (1, 7)
    assert stats.error == pytest.approx(som.error_history[-1])
    cancelled = SOFM(SOFMParams(features_grid=(3, 3), epochs=6), data)
    assert run(cancelled, 100, lambda s: True).epoch == 1


@pytest.mark.parametrize(
    "fields",
    [
        dict(training="online", shuffle_data=True),  # the planar search (2 inputs, 64 units)
        dict(training="online", shuffle_data=True, distance="cos"),
        dict(training="batch"),
    ],
)
def test_run_chunking_never_changes_the_map(fields):
    """run() with adaptive chunks, with every=7 and one step(budget) give the same map."""
    data = np.random.default_rng(8).random((120, 2)) + 0.1
    params = SOFMParams(features_grid=(8, 8), learning_radius=3, epochs=40, **fields)
    budget = 30
    whole = SOFM(params, data, seed=3)
    whole.step(budget)
    expected = whole.snapshot()
    calls = []
    adaptive = run(SOFM(params, data, seed=3), budget, calls.append)
    sevens = run(SOFM(params, data, seed=3), budget, lambda s: None, every=7)
    assert len(calls) > 1  # the adaptive loop did run in several chunks
    for snap in (adaptive, sevens):
        assert (snap.iteration, snap.done) == (budget, False)
        np.testing.assert_array_equal(snap.weights, expected.weights)
        np.testing.assert_array_equal(snap.error_history, expected.error_history)
    assert adaptive.budget == budget and adaptive.fraction == 1.0


def test_snapshot_is_a_copy():
    som = SOFM(SOFMParams(features_grid=(2, 3)), n_inputs=2, weights=np.zeros((2, 3, 2)))
    snap = som.snapshot()
    snap.weights[:] = 5
    assert (som.weights == 0).all()
    assert snap.grid_weights.shape == (2, 3, 2)
    line = SOFM(SOFMParams(features_grid=(4,)), n_inputs=2).snapshot()
    assert line.weights.shape == (4, 2) and line.grid_weights.shape == (1, 4, 2)


def test_normal_initialisation_is_neupys():
    som = SOFM(SOFMParams(features_grid=(30, 30)), n_inputs=4, seed=0)
    w = som.weights
    assert abs(w.mean()) < 0.002 and 0.0095 < w.std() < 0.0105


def test_sample_from_data_takes_rows_of_the_data():
    data = np.arange(20, dtype=float).reshape(10, 2)
    som = SOFM(SOFMParams(features_grid=(2, 2), weight_init="sample_from_data"), n_inputs=2, seed=1)
    with pytest.raises(ValueError, match="initialised from data"):
        som.snapshot()
    som.set_data(data)
    rows = {tuple(r) for r in som.weights.reshape(-1, 2)}
    assert len(rows) == 4 and rows <= {tuple(r) for r in data}  # without replacement
    big = SOFM(SOFMParams(features_grid=(5, 5), weight_init="sample_from_data"), data=data)
    assert {tuple(r) for r in big.weights.reshape(-1, 2)} <= {tuple(r) for r in data}


def test_init_pca_spans_the_main_directions():
    rng = np.random.default_rng(4)
    t = rng.normal(size=(500, 1))
    data = np.hstack([t * 3 + 1, t * -1 + 2, rng.normal(scale=0.01, size=(500, 1))])
    som = SOFM(SOFMParams(features_grid=(5, 3), weight_init="init_pca"), data=data)
    w = som.weights.astype(np.float64)
    np.testing.assert_allclose(w.reshape(-1, 3).mean(axis=0), data.mean(axis=0), atol=1e-5)
    along_rows = w[-1, 1] - w[0, 1]  # first grid axis follows the main component
    direction = along_rows / np.linalg.norm(along_rows)
    assert abs(direction @ (np.array([3.0, -1.0, 0.0]) / np.sqrt(10))) > 0.999


def test_cos_distance_keeps_unit_length_weights():
    data = np.random.default_rng(5).normal(size=(40, 3))
    som = SOFM(SOFMParams(features_grid=(3, 3), distance="cos", learning_radius=1), n_inputs=3)
    som.train(data, epochs=2)
    np.testing.assert_allclose(np.linalg.norm(som.weights, axis=-1), 1.0, rtol=1e-6)


def test_winners_match_the_reference():
    rng = np.random.default_rng(6)
    som = SOFM(SOFMParams(features_grid=(4, 5)), n_inputs=3, weights=rng.normal(size=(4, 5, 3)))
    data = rng.normal(size=(50, 3)).astype(np.float32)
    flat = som.weights.reshape(-1, 3).T
    expected = [naive.winner_of(x, flat, "euclid") for x in data]
    np.testing.assert_array_equal(som.winners(data), expected)


def test_save_and_load_continue_the_same_run(tmp_path):
    data = np.random.default_rng(7).random((50, 2))
    params = SOFMParams(features_grid=(3, 4), learning_radius=2, shuffle_data=True)
    straight = SOFM(params, n_inputs=2, seed=9)
    straight.train(data, epochs=5)
    first = SOFM(params, n_inputs=2, seed=9)
    first.train(data, epochs=2)
    path = first.save(tmp_path / "map.npz")
    again = SOFM.load(path)
    assert again.epoch == 2
    np.testing.assert_array_equal(again.error_history, first.error_history)
    again.train(data, epochs=3)
    np.testing.assert_array_equal(again.weights, straight.weights)
    with pytest.raises(FileExistsError):
        first.save(path, overwrite=False)
    (tmp_path / "junk.npz").write_bytes(b"not a map")
    with pytest.raises(ValueError, match="not a saved SOFM"):
        SOFM.load(tmp_path / "junk.npz")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(n_inputs=0), "n_inputs must be >= 1, got 0"),
        (dict(n_inputs=2.5), "n_inputs must be an integer, got 2.5"),
        (dict(), "give n_inputs"),
        (dict(data=2), r"data must be 2-D .*got shape \(\) \(n_inputs is a keyword argument\)"),
        (dict(n_inputs=2, weights=np.zeros((3, 3))), r"shaped features_grid \+ \(n_inputs,\)"),
        (dict(n_inputs=2, weights=np.full((2, 2, 2), np.nan)), "NaN"),
        (dict(n_inputs=3, search="planar"), "search 'planar' needs n_inputs=2"),
        (dict(n_inputs=2, search="kd"), "search must be one of 'auto', 'full', 'planar', got 'kd'"),
    ],
)
def test_constructor_checks_name_the_bad_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SOFM(SOFMParams(features_grid=(2, 2)), **kwargs)


@pytest.mark.parametrize(
    ("seed", "match"),
    [
        (-1, r"seed must be an integer from 0 to 4294967295, got -1"),
        (2**32, r"seed must be an integer from 0 to 4294967295, got 4294967296"),
        (2.0, r"seed must be an integer .* got 2.0"),
        (None, r"seed must be an integer .* got None"),
        (False, r"seed must be an integer .* got False"),
    ],
)
def test_bad_seed_is_a_parameter_error(seed, match):
    with pytest.raises(ParameterError, match=match):
        SOFM(SOFMParams(features_grid=(2, 2)), n_inputs=2, seed=seed)


def test_constructor_shape_params_data_then_keywords():
    data = np.random.default_rng(9).random((20, 3))
    som = SOFM(SOFMParams(features_grid=(2, 2)), data, seed=np.int64(5))
    assert (som.n_inputs, som.seed, type(som.seed)) == (3, 5, int)
    default = SOFM(n_inputs=2)
    assert default.params == SOFMParams() and default.seed == 0
    with pytest.raises(TypeError, match="positional"):
        SOFM(SOFMParams(features_grid=(2, 2)), data, 3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (np.zeros(5), r"2-D \(samples, features\)"),
        (np.zeros((0, 2)), "no samples"),
        (np.zeros((4, 3)), "3 features per sample but the map has n_inputs=2"),
        (np.array([[1.0, np.nan]]), "NaN or infinite"),
        (np.array([["a", "b"]]), "real numbers"),
    ],
)
def test_data_checks_name_the_bad_value(data, message):
    som = SOFM(SOFMParams(features_grid=(2, 2)), n_inputs=2)
    with pytest.raises(ValueError, match=message):
        som.train(data, epochs=1)


def test_step_needs_data_and_counts():
    som = SOFM(SOFMParams(features_grid=(2, 2)), n_inputs=2)
    with pytest.raises(ValueError, match="no training data"):
        som.step(1)
    with pytest.raises(ParameterError, match="epochs must be >= 1, got 0"):
        som.train(np.zeros((3, 2)), epochs=0)
    with pytest.raises(ParameterError, match="n must be >= 0, got -1"):
        som.step(-1)
    with pytest.raises(ParameterError, match="n must be an integer, got 1.0"):
        som.step(1.0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(features_grid=(2, 2, 2)), "1 or 2 dimensions"),
        (dict(features_grid=(0, 3)), "sizes must be >= 1"),
        (dict(grid_type="square"), "grid_type"),
        (dict(distance="manhattan"), "distance"),
        (dict(step=1.5), "step"),
        (dict(grid_type="hexagon", toroidal=True, features_grid=(3, 4)), "even number of rows"),
        (dict(grid_type="hexagon", weight_init="init_pca"), "init_pca' needs grid_type 'rect'"),
        (dict(map=dict(columns=[1, 1])), "must not repeat"),
    ],
)
def test_params_validation(fields, message):
    with pytest.raises(ValidationError, match=message):
        SOFMParams(**fields)


def test_one_update_by_hand():
    # 3 x 3 grid, all units at 0, one sample at 1; radius 1, std 1, step 0.5, no decay.
    params = SOFMParams(features_grid=(3, 3), learning_radius=1, std=1.0, step=0.5,
                        reduce_radius_after=None, reduce_step_after=None,
                        reduce_std_after=None)  # fmt: skip
    w0 = np.zeros((3, 3, 1))
    w0[1, 1] = 0.9  # the winner: the centre
    som = SOFM(params, n_inputs=1, weights=w0)
    som.train(np.array([[1.0]]), epochs=1)
    g1 = np.exp(-1 / (2 * np.pi))  # NeuPy: exp(-d**2 / (2 pi std**2)), not exp(-d**2 / 2)
    side = 0.5 * (1 + g1) / 2  # mean over the two axes (1 along one, g1 along the other)
    w = som.weights[..., 0].astype(np.float64)
    assert w[1, 1] == pytest.approx(0.9 + 0.5 * 0.1, rel=1e-6)
    for r, c in [(0, 1), (1, 0), (1, 2), (2, 1)]:
        assert w[r, c] == pytest.approx(side, rel=1e-6)
    assert (w[[0, 0, 2, 2], [0, 2, 0, 2]] == 0).all()  # diagonals: distance^2 = 2 > 1
    # a 1-D grid has one axis: the neighbour gets the plain factor
    line = SOFM(params.model_copy(update={"features_grid": (3,)}), n_inputs=1,
                weights=np.array([[0.0], [0.9], [0.0]]))  # fmt: skip
    line.train(np.array([[1.0]]), epochs=1)
    assert line.weights[0, 0] == pytest.approx(0.5 * g1, rel=1e-6)
