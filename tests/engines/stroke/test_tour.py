"""The pen path: every node once, few strokes, on the ink, deterministic, locally optimal."""

from __future__ import annotations

import numpy as np
import pytest

from engines.stroke import DEFAULT_MAX_JUMP, ink_share, node_tour, tour_polylines
from engines.stroke import _kernels as K
from engines.stroke import tour as T
from tests.engines.stroke import naive
from tests.engines.stroke.conftest import SCALE, train, u_shape

NO_EDGES = np.zeros((0, 2), dtype=np.int64)


def test_every_node_exactly_once(u_graph, discs_graph, ring_graph):
    for g in (u_graph, discs_graph, ring_graph):
        tour = node_tour(g.nodes, g.edges, ink=g.ink)
        assert sorted(tour.order.tolist()) == list(range(len(g.nodes)))
        assert np.array_equal(np.concatenate(tour.strokes), tour.order)


def test_random_graphs_visit_every_node_once():
    rng = np.random.default_rng(3)
    for n in (2, 3, 7, 40, 200):
        nodes = rng.random((n, 2))
        edges = rng.integers(0, n, (2 * n, 2))
        tour = node_tour(nodes, edges)
        assert sorted(tour.order.tolist()) == list(range(n))


def test_chain_in_shuffled_order_is_one_stroke_along_it():
    n = 30
    perm = np.random.default_rng(1).permutation(n)
    nodes = np.zeros((n, 2))
    nodes[perm, 0] = np.arange(n)  # node perm[k] sits at x = k
    edges = np.stack([perm[:-1], perm[1:]], axis=1)
    tour = node_tour(nodes, edges)
    assert len(tour.strokes) == 1
    assert tour.order.tolist() in (perm.tolist(), perm[::-1].tolist())


def test_connected_shapes_are_one_stroke_on_ink(u_graph, ring_graph):
    for g in (u_graph, ring_graph):
        tour = node_tour(g.nodes, g.edges, ink=g.ink)
        assert len(tour.strokes) == 1
        assert ink_share(tour_polylines(g.nodes, tour, 0), g.ink) > 0.99


def test_far_apart_parts_lift_the_pen_instead_of_crossing_paper(discs_graph):
    g = discs_graph
    tour = node_tour(g.nodes, g.edges, ink=g.ink)
    assert len(tour.strokes) == 2
    left = g.nodes[:, 0] < 45 * SCALE
    for stroke in tour.strokes:  # each stroke stays on one disc
        assert len(set(left[stroke].tolist())) == 1
    assert ink_share(tour_polylines(g.nodes, tour, 0), g.ink) == 1.0
    # A lift dearer than the 40 px of paper joins them, and the line then crosses paper.
    joined = node_tour(g.nodes, g.edges, ink=g.ink, max_jump=1000.0)
    assert len(joined.strokes) == 1
    assert ink_share(tour_polylines(g.nodes, joined, 0), g.ink) < 0.9


def test_without_an_ink_map_the_graph_stands_for_the_shape(discs_graph):
    g = discs_graph
    assert len(node_tour(g.nodes, g.edges).strokes) == 2
    assert len(node_tour(g.nodes, NO_EDGES, max_jump=1000.0).strokes) == 1


def test_deterministic(u_graph):
    g = u_graph
    a = node_tour(g.nodes, g.edges, ink=g.ink)
    b = node_tour(g.nodes.copy(), g.edges.copy(), ink=g.ink)
    assert np.array_equal(a.order, b.order) and a.cost == b.cost
    again = train(u_shape(), 120)
    assert np.array_equal(node_tour(again.nodes, again.edges, ink=again.ink).order, a.order)


def test_result_is_two_opt_optimal_against_the_numpy_reference(ring_graph):
    g = ring_graph
    tour = node_tour(g.nodes, g.edges, ink=g.ink)
    n = len(g.nodes)
    ctx = T._context(g.nodes.astype(np.float64), g.edges, g.ink, tour.median_edge,
                     DEFAULT_MAX_JUMP)  # fmt: skip
    closed = np.append(tour.order, n)
    knn = T._near_neighbours(g.nodes.astype(np.float64))
    args = (g.nodes.astype(np.float64), g.edges, ctx[3], ctx[4])
    assert naive.improving_two_opt(closed.tolist(), knn, *args) == []
    # The cost the search reports is the reference's sum over the closed tour.
    ref = sum(naive.hop_cost(closed[i], closed[(i + 1) % (n + 1)], *args) for i in range(n + 1))
    assert tour.cost == pytest.approx(ref)


def test_local_search_improves_the_spanning_walk(ring_graph):
    g = ring_graph
    nodes = g.nodes.astype(np.float64)
    median = T.median_edge_length(nodes, g.edges)
    ctx = T._context(nodes, g.edges, g.ink, median, DEFAULT_MAX_JUMP)
    knn = T._near_neighbours(nodes)
    walk = np.append(T._spanning_walk(nodes, g.edges, knn, ctx), len(nodes))
    before = K.tour_cost(walk, ctx)
    K.improve_tour(walk, knn, ctx, T.MAX_PASSES, T.OR_OPT_RUN)
    assert sorted(walk.tolist()) == list(range(len(nodes) + 1))
    assert K.tour_cost(walk, ctx) < before


def test_kernel_costs_match_the_numpy_reference(u_graph):
    g = u_graph
    nodes = g.nodes.astype(np.float64)
    rng = np.random.default_rng(0)
    pairs = np.vstack([g.edges[:40], rng.integers(0, len(nodes), (60, 2))])
    for ink in (g.ink, None):
        ctx = T._context(nodes, g.edges, ink, 0.05, DEFAULT_MAX_JUMP)
        ref = [naive.drawn_cost(a, b, nodes, g.edges, ctx[3], ctx[4]) for a, b in pairs]
        np.testing.assert_allclose(K.drawn_costs(pairs, ctx), ref, rtol=1e-12)


def test_median_edge_length():
    nodes = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [3.0, 5.0]])
    assert T.median_edge_length(nodes, np.array([[0, 1], [1, 2], [2, 3]])) == 2.0
    assert T.median_edge_length(nodes, NO_EDGES) == 1.5  # nearest-neighbour distances 1,1,2,5


def test_small_inputs():
    assert node_tour(np.zeros((0, 2)), NO_EDGES).strokes == ()
    one = node_tour(np.array([[1.0, 2.0]]), NO_EDGES)
    assert one.order.tolist() == [0] and one.lifts == 0
    same = node_tour(np.zeros((5, 2)), NO_EDGES)  # coincident nodes
    assert sorted(same.order.tolist()) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("nodes", "edges", "kwargs", "match"),
    [
        (np.zeros((3, 3)), NO_EDGES, {}, r"nodes shaped \(N, 2\)"),
        (np.array([[0.0, np.nan], [1.0, 1.0]]), NO_EDGES, {}, "NaN or infinite"),
        (np.zeros((3, 2)), np.array([[0, 3]]), {}, r"edges index nodes 0\.\.2"),
        (np.zeros((3, 2)), NO_EDGES, {"max_jump": 0.0}, "max_jump must be > 0"),
    ],
)
def test_bad_input_is_refused(nodes, edges, kwargs, match):
    with pytest.raises(ValueError, match=match):
        node_tour(nodes, edges, **kwargs)


def test_default_matches_the_style_default():
    from engines.art import ArtStyle

    assert ArtStyle().max_jump == DEFAULT_MAX_JUMP
