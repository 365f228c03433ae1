"""GrowingNeuralGas: agreement with the NumPy reference, invariants, determinism, API."""

from __future__ import annotations

import numpy as np
import pytest

from engines.core import Snapshot, StepStats, run
from engines.errors import ParameterError
from engines.gng import GNGParams, GNGSnapshot, GrowingNeuralGas, warm_up
from engines.gng import _kernels as K
from engines.gng import engine as engine_module
from tests.engines.gng.conftest import check_state
from tests.engines.gng.naive import NaiveGNG

# Small settings under which a few hundred signals insert and remove many nodes.
CHURN = dict(max_edge_age=2, n_iter_before_neuron_added=10, max_nodes=30, neighbour_step=0.05)
QUIRKS = dict(
    max_edge_age=2,
    n_iter_before_neuron_added=7,
    max_nodes=40,
    n_start_nodes=5,
    min_distance_for_update=0.2,  # skips signals closer than 0.04 (NeuPy squares it)
    new_node_error="inherit",
)


def reference_run(points, params, seed, epochs):
    """The NumPy reference fed the engine's documented random draws; one graph per epoch."""
    rng = np.random.default_rng(seed)
    ref = NaiveGNG.from_params(params)
    ref.start(points, rng.choice(points.shape[0], params.n_start_nodes))
    out = []
    for _ in range(epochs):
        order = rng.permutation(points.shape[0])
        err = ref.epoch(points, order)
        out.append((*ref.graph(), err, ref.n_updates, ref.next_birth))
    return out


@pytest.mark.parametrize("settings", [CHURN, QUIRKS], ids=["churn", "quirks"])
def test_matches_numpy_reference(blob_points, settings):
    params = GNGParams(**settings)
    gng = GrowingNeuralGas(params, blob_points, seed=3)
    expected = reference_run(blob_points, params, seed=3, epochs=3)
    for nodes, edges, errors, ages, err, n_updates, n_born in expected:
        snap = gng.train(epochs=1)
        check_state(gng._state)
        assert snap.n_nodes == nodes.shape[0]
        np.testing.assert_array_equal(snap.nodes, nodes)
        np.testing.assert_array_equal(snap.edges, edges)
        np.testing.assert_array_equal(snap.ages, ages)
        np.testing.assert_allclose(snap.errors, errors, rtol=1e-10, atol=1e-300)
        assert snap.error_history[-1] == pytest.approx(err, rel=1e-12)
        assert snap.n_updates == n_updates
        assert snap.ids.max() + 1 == n_born
    born, alive = int(snap.ids.max()) + 1, snap.n_nodes
    assert born - params.n_start_nodes >= 25  # many insertions ...
    assert born - alive >= 3  # ... and removals
    if params.min_distance_for_update > 0:
        assert snap.n_updates < snap.n_signals  # some signals were skipped


def test_matches_reference_through_degree_growth_and_renormalisation(blob_points, monkeypatch):
    """Adjacency rows that start tiny must grow; a fast decay forces the error rescale."""
    monkeypatch.setattr(engine_module, "INITIAL_MAX_DEGREE", 2)
    params = GNGParams(
        max_edge_age=40, n_iter_before_neuron_added=5, max_nodes=60, error_decay_rate=0.02
    )
    gng = GrowingNeuralGas(params, blob_points, seed=11)
    ((nodes, edges, errors, ages, err, *_),) = reference_run(blob_points, params, 11, 1)
    snap = gng.train(epochs=1)
    check_state(gng._state)
    assert gng._state.adj.shape[1] >= 8  # grew from 4 at least once
    np.testing.assert_array_equal(snap.nodes, nodes)
    np.testing.assert_array_equal(snap.edges, edges)
    np.testing.assert_array_equal(snap.ages, ages)
    np.testing.assert_allclose(snap.errors, errors, rtol=1e-9, atol=1e-300)
    assert snap.error_history[-1] == pytest.approx(err, rel=1e-12)


def test_grid_search_finds_the_true_nearest_two(ring_points):
    gng = GrowingNeuralGas(GNGParams(max_nodes=300, n_iter_before_neuron_added=20), seed=1)
    gng.train(ring_points, epochs=3)
    st = gng._state
    check_state(st)
    alive = np.flatnonzero(st.node[: st.si[K.HIGH], K.BIRTH] >= 0)
    assert alive.size > 100
    rng = np.random.default_rng(0)
    lo, hi = ring_points.min(0), ring_points.max(0)
    # query points in the box, on node positions (zero distance) and far outside it
    queries = np.concatenate(
        [
            rng.uniform(lo, hi, (500, 2)),
            st.weights[alive[:50]].astype(np.float64),
            rng.uniform(lo - 2.0, hi + 2.0, (100, 2)),
        ]
    )
    w = st.weights[alive].astype(np.float64)
    birth = st.node[alive, K.BIRTH]
    for x, y in queries:
        i1, d1, i2, d2 = K.nearest_two(st, float(x), float(y))
        dd = (w[:, 0] - x) ** 2 + (w[:, 1] - y) ** 2
        first, second = np.lexsort((birth, dd))[:2]
        assert (i1, i2) == (alive[first], alive[second])
        assert (d1, d2) == (dd[first], dd[second])


def test_graph_invariants(ring_points):
    params = GNGParams(max_edge_age=3, n_iter_before_neuron_added=20, max_nodes=150)
    gng = GrowingNeuralGas(params, ring_points, seed=4)
    for _ in range(4):
        snap = gng.train(epochs=1)
        check_state(gng._state)
        e = snap.edges
        assert np.all(e[:, 0] < e[:, 1])  # no self edges, one orientation
        assert np.unique(e, axis=0).shape[0] == e.shape[0]  # no duplicates
        assert snap.ages.max() <= params.max_edge_age
        assert snap.n_nodes <= params.max_nodes
        degree = np.bincount(e.ravel(), minlength=snap.n_nodes)
        assert degree.min() >= 1  # no isolated nodes
        assert np.all(snap.errors >= 0)
        assert np.all(np.diff(snap.ids) > 0)  # nodes in creation order
    assert snap.n_nodes == params.max_nodes  # reached the cap and stayed there
    assert snap.ids.max() + 1 > snap.n_nodes  # some nodes were removed on the way


def test_same_seed_same_graph_other_seed_other_graph(ring_points):
    params = GNGParams(max_nodes=80, n_iter_before_neuron_added=30)
    a = GrowingNeuralGas(params, ring_points, seed=7).train(epochs=2)
    b = GrowingNeuralGas(params, ring_points, seed=7).train(epochs=2)
    c = GrowingNeuralGas(params, ring_points, seed=8).train(epochs=2)
    for name in ("nodes", "edges", "errors", "ages", "ids", "error_history"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.nodes.shape != c.nodes.shape or not np.array_equal(a.nodes, c.nodes)


def test_continuation_equals_one_run(ring_points):
    params = GNGParams(max_nodes=100, n_iter_before_neuron_added=25, max_edge_age=20)
    whole = GrowingNeuralGas(params, seed=2).train(ring_points, epochs=5)
    split = GrowingNeuralGas(params, seed=2)
    first = split.train(ring_points, epochs=2)
    assert first.epoch == 2
    again = split.train(ring_points, epochs=3)  # same data again: continues
    assert again.epoch == 5 and again.n_updates == whole.n_updates
    np.testing.assert_array_equal(again.nodes, whole.nodes)
    np.testing.assert_array_equal(again.edges, whole.edges)
    np.testing.assert_array_equal(again.error_history, whole.error_history)
    # odd-sized steps that straddle epochs give the same graph too
    stepped = GrowingNeuralGas(params, seed=2)
    stepped.set_data(ring_points)
    total = 5 * ring_points.shape[0]
    done = 0
    for n in (1, 999, 37, 2500, total):
        done += stepped.step(min(n, total - done)).steps
    snap = stepped.snapshot()
    assert snap.epoch == 5 and snap.signal == 0 and snap.n_signals == total
    np.testing.assert_array_equal(snap.nodes, whole.nodes)


def test_step_stats_and_snapshot_fields(ring_points):
    gng = GrowingNeuralGas(GNGParams(max_nodes=50, n_iter_before_neuron_added=50), seed=0)
    p = ring_points.shape[0]
    stats = gng.step(300, data=ring_points)
    assert isinstance(stats, StepStats)
    assert (stats.steps, stats.iteration) == (300, 300)
    assert stats.error > 0
    snap = gng.snapshot()
    assert isinstance(snap, GNGSnapshot) and isinstance(snap, Snapshot)
    assert (snap.epoch, snap.signal, snap.signals_per_epoch) == (0, 300, p)
    assert snap.iteration == snap.n_signals == 300 and snap.budget is None
    assert snap.error_history.dtype == np.float64 and snap.error_history.shape == (0,)
    assert not snap.done and snap.stop_reason == ""
    assert snap.nodes.dtype == np.float32 and snap.nodes.shape == (snap.n_nodes, 2)
    assert snap.edges.dtype == np.int64 and snap.edges.shape == (snap.n_edges, 2)
    assert snap.errors.shape == (snap.n_nodes,) and snap.ages.shape == (snap.n_edges,)
    assert snap.n_nodes == 2 + 300 // 50
    assert np.isnan(snap.error)
    gng.step(p - 300)
    snap2 = gng.snapshot()
    assert snap2.epoch == 1 and snap2.error_history.shape == (1,) and snap2.error > 0
    snap2.nodes[0] = 99.0  # a snapshot is a copy
    assert gng.snapshot().nodes[0, 0] != 99.0


# On ring_points, with seed 5: the target error is reached at the end of the second epoch.
STOPS_IN_EPOCH_TWO = dict(
    max_nodes=60, n_iter_before_neuron_added=40, max_edge_age=30, border_weight=1,
    target_error=0.03,
)  # fmt: skip


def _graph(snap):
    return snap.nodes, snap.edges, snap.errors, snap.ages, snap.ids, snap.error_history


def _counters(snap):
    return snap.iteration, snap.epoch, snap.n_updates, snap.done, snap.stop_reason


@pytest.mark.parametrize(
    ("params", "stops"),
    [
        (GNGParams(**CHURN), False),
        (GNGParams(**STOPS_IN_EPOCH_TWO), True),
    ],
)
def test_run_chunking_never_changes_the_graph(ring_points, params, stops, monkeypatch):
    """run() with adaptive chunks, with every=7 and one step(budget) give the same graph.

    3.5 epochs' worth of signals: chunks straddle epochs, insertions, removals, adjacency
    growth (rows start at 4 edges) and, in the second case, the stop rule.
    """
    monkeypatch.setattr(engine_module, "INITIAL_MAX_DEGREE", 2)
    budget = 7 * ring_points.shape[0] // 2
    whole = GrowingNeuralGas(params, ring_points, seed=5)
    whole.step(budget)
    expected = whole.snapshot()
    assert whole._state.adj.shape[1] > 4 and expected.done == stops
    calls = []
    adaptive = run(GrowingNeuralGas(params, ring_points, seed=5), budget, calls.append)
    sevens = run(GrowingNeuralGas(params, ring_points, seed=5), budget, lambda s: None, every=7)
    assert len(calls) > 1  # the adaptive loop did run in several chunks
    for snap in (adaptive, sevens):
        assert _counters(snap) == _counters(expected)
        for got, want in zip(_graph(snap), _graph(expected), strict=True):
            np.testing.assert_array_equal(got, want)
    assert adaptive.budget == budget
    assert adaptive.fraction == pytest.approx(expected.iteration / budget)


def test_shared_run_loop_and_cancel(ring_points):
    gng = GrowingNeuralGas(GNGParams(max_nodes=50), ring_points, seed=0)
    seen = []
    final = run(gng, budget=2000, callback=lambda s: seen.append(s.n_signals), every=500)
    assert seen == [500, 1000, 1500, 2000] and final.n_signals == 2000
    gng2 = GrowingNeuralGas(GNGParams(max_nodes=50), ring_points, seed=0)
    final2 = run(gng2, budget=2000, callback=lambda s: s.n_signals >= 1000, every=500)
    assert final2.n_signals == 1000


def test_start_nodes_are_data_points(ring_points):
    gng = GrowingNeuralGas(GNGParams(n_start_nodes=6), ring_points, seed=9)
    snap = gng.snapshot()
    expected = np.random.default_rng(9).choice(ring_points.shape[0], 6)
    np.testing.assert_array_equal(snap.nodes, ring_points[expected])
    assert snap.edges.shape == (0, 2)


def test_no_shuffle_presents_points_in_order(blob_points):
    params = GNGParams(**CHURN, shuffle_data=False)
    snap = GrowingNeuralGas(params, blob_points, seed=3).train(epochs=2)
    rng = np.random.default_rng(3)
    ref = NaiveGNG.from_params(params)
    ref.start(blob_points, rng.choice(blob_points.shape[0], 2))
    for _ in range(2):
        ref.epoch(blob_points, np.arange(blob_points.shape[0]))
    np.testing.assert_array_equal(snap.nodes, ref.graph()[0])


def test_new_data_restarts_the_epoch(ring_points, blob_points):
    gng = GrowingNeuralGas(GNGParams(max_nodes=60), ring_points, seed=0)
    gng.step(100)
    gng.set_data(blob_points)
    snap = gng.snapshot()
    assert (snap.epoch, snap.signal, snap.signals_per_epoch) == (0, 0, blob_points.shape[0])
    snap = gng.train(epochs=1)
    check_state(gng._state)
    assert snap.epoch == 1 and snap.n_signals == 100 + blob_points.shape[0]


# ---------------------------------------------------------------------- stop rule


def test_target_error_stops(ring_points):
    gng = GrowingNeuralGas(GNGParams(max_nodes=60, target_error=0.05), ring_points, seed=0)
    snap = gng.train(epochs=50)
    errs = snap.error_history
    assert gng.done and snap.done
    assert errs[-1] <= 0.05 and np.all(errs[:-1] > 0.05)
    assert 1 < snap.epoch < 50
    assert "target_error" in snap.stop_reason
    assert gng.step(100).steps == 0  # nothing runs once done
    assert gng.train(epochs=3).epoch == snap.epoch


def test_patience_stops_after_k_epochs_without_improvement(ring_points):
    params = GNGParams(max_nodes=20, n_iter_before_neuron_added=100, patience=2,
                       min_improvement=0.02)  # fmt: skip
    gng = GrowingNeuralGas(params, ring_points, seed=0)
    snap = gng.train(epochs=200)
    errs = snap.error_history
    assert gng.done and snap.epoch < 200
    # replay the rule on the recorded errors: it fires exactly at the last epoch
    best, since, fired = np.inf, 0, None
    for k, e in enumerate(errs):
        if e < best * (1 - 0.02):
            best, since = e, 0
        else:
            since += 1
        if since >= 2:
            fired = k
            break
    assert fired == len(errs) - 1
    assert "no improvement" in snap.stop_reason


def test_neupy_stops_when_an_epoch_has_no_update(blob_points):
    # every winner is nearer than 10**2: all signals are skipped, as NeuPy's StopTraining
    gng = GrowingNeuralGas(GNGParams(min_distance_for_update=10.0), blob_points, seed=0)
    snap = gng.train(epochs=5)
    assert snap.epoch == 1 and snap.n_updates == 0 and gng.done
    assert "no update" in snap.stop_reason
    assert snap.error_history[0] > 0


def test_without_stop_rule_never_done(ring_points):
    gng = GrowingNeuralGas(GNGParams(max_nodes=30), ring_points, seed=0)
    assert gng.train(epochs=4).epoch == 4 and not gng.done


# ---------------------------------------------------------------------- input checks


@pytest.mark.parametrize(
    ("points", "match"),
    [
        (np.zeros((5, 3)), r"shape \(P, 2\), got \(5, 3\)"),
        (np.zeros(10), r"shape \(P, 2\), got \(10,\)"),
        (np.zeros((1, 2)), "at least 2 points, got 1"),
        (np.array([[0.0, 0.0], [np.nan, 1.0], [2.0, 2.0]]), r"finite .*row 1 is \[nan, 1.0\]"),
        (np.array([[0.0, 0.0], [1.0, np.inf]]), "row 1"),
        (np.array([[0.0, 0.0], [1e300, 1.0]]), "float32 range"),
        (np.array([["a", "b"], ["c", "d"]]), "real numbers, got dtype <U1"),
        (np.ones((3, 2), dtype=bool), "real numbers, got dtype bool"),
    ],
)
def test_bad_points_are_named(points, match):
    gng = GrowingNeuralGas(GNGParams(), seed=0)
    with pytest.raises(ValueError, match=match):
        gng.train(points, epochs=1)
    with pytest.raises(ValueError, match=match):
        GrowingNeuralGas(GNGParams(), points, seed=0)


@pytest.mark.parametrize(
    ("seed", "match"),
    [
        (-1, r"seed must be an integer from 0 to 4294967295, got -1"),
        (2**32, r"seed must be an integer from 0 to 4294967295, got 4294967296"),
        (1.5, r"seed must be an integer .* got 1.5"),
        (True, r"seed must be an integer .* got True"),
        ("3", r"seed must be an integer .* got '3'"),
    ],
)
def test_bad_seed_is_a_parameter_error(seed, match):
    with pytest.raises(ParameterError, match=match):
        GrowingNeuralGas(GNGParams(), seed=seed)


def test_seed_is_keyword_only_and_numpy_integers_pass(ring_points):
    with pytest.raises(TypeError, match="positional"):
        GrowingNeuralGas(GNGParams(), ring_points, 3)
    a = GrowingNeuralGas(GNGParams(), ring_points, seed=np.uint32(2**32 - 1))
    assert a.seed == 2**32 - 1 and type(a.seed) is int


def test_other_bad_arguments(ring_points):
    with pytest.raises(TypeError, match="params must be a GNGParams, got dict"):
        GrowingNeuralGas({"step": 0.1})
    gng = GrowingNeuralGas(GNGParams(), seed=0)
    with pytest.raises(ValueError, match="no data"):
        gng.step(10)
    with pytest.raises(ValueError, match="no data"):
        gng.train(epochs=1)
    with pytest.raises(ParameterError, match="n must be >= 0, got -3"):
        gng.step(-3, data=ring_points)
    with pytest.raises(ParameterError, match="epochs must be an integer, got 1.5"):
        gng.train(ring_points, epochs=1.5)
    assert gng.snapshot().n_nodes == 0  # arguments are checked first: nothing changed
    assert gng.signals_per_epoch == 0


def test_integer_and_list_points_are_accepted():
    pts = [[0, 0], [1, 0], [0, 1], [1, 1], [2, 2]]
    snap = GrowingNeuralGas(GNGParams(), pts, seed=0).train(epochs=2)
    assert snap.n_signals == 10 and snap.nodes.dtype == np.float32


def test_empty_snapshot_before_data():
    snap = GrowingNeuralGas(GNGParams(), seed=0).snapshot()
    assert snap.n_nodes == 0 and snap.n_edges == 0 and snap.epoch == 0 and not snap.done


def test_reference_continues_from_a_snapshot(blob_points):
    """NaiveGNG.from_snapshot (the benchmark's NumPy timing) continues the same run."""
    params = GNGParams(**CHURN)
    gng = GrowingNeuralGas(params, blob_points, seed=3)
    rng = np.random.default_rng(3)  # the engine's draws: start nodes, first epoch
    rng.choice(blob_points.shape[0], 2)
    rng.permutation(blob_points.shape[0])
    ref = NaiveGNG.from_snapshot(params, gng.train(epochs=1))
    ref.epoch(blob_points, rng.permutation(blob_points.shape[0]))
    snap = gng.train(epochs=1)
    nodes, edges, errors, ages = ref.graph()
    np.testing.assert_array_equal(snap.nodes, nodes)
    np.testing.assert_array_equal(snap.edges, edges)
    np.testing.assert_array_equal(snap.ages, ages)
    np.testing.assert_allclose(snap.errors, errors, rtol=1e-10)


def test_warm_up_runs():
    assert warm_up() is None
