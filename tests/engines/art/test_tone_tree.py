"""Tone lines ``tree``: light tones drawn with the network's spanning tree, dark tones with
its whole mesh (engines.art.tone.tree_edges, engines.pipeline.tone.mesh_share)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from engines.art.tone import tree_edges
from engines.pipeline.tone import mesh_share


def triangulated_grid(n: int = 40):
    """Nodes on an n x n grid 2 px apart (point coordinates, scale 1), each square split by a
    diagonal: 3 edges per node, as a settled GNG mesh has about 2.75."""
    ys, xs = np.mgrid[:n, :n]
    nodes = np.column_stack([2.0 * xs.ravel(), -2.0 * ys.ravel()])
    index = np.arange(n * n).reshape(n, n)
    edges = np.concatenate([
        np.column_stack([index[:, :-1].ravel(), index[:, 1:].ravel()]),
        np.column_stack([index[:-1, :].ravel(), index[1:, :].ravel()]),
        np.column_stack([index[:-1, :-1].ravel(), index[1:, 1:].ravel()]),
    ])  # fmt: skip
    return nodes, edges


def test_mesh_share_rises_from_the_tree_in_light_tones_to_the_mesh_in_dark_ones():
    np.testing.assert_allclose(mesh_share([0.0, 0.3, 0.55, 0.8, 1.0]), [0, 0, 0.5, 1, 1])


def test_light_half_keeps_its_spanning_tree_dark_half_every_edge():
    nodes, edges = triangulated_grid()
    darkness = np.zeros((80, 80))
    darkness[:, 40:] = 0.9  # the right half (x >= 40 px) is dark
    keep, in_tree = tree_edges(nodes, edges, darkness, scale=1.0)
    n = len(nodes)
    # The spanning tree joins every node with n - 1 edges, and is always drawn.
    assert in_tree.sum() == n - 1 and np.all(keep[in_tree])
    graph = coo_matrix((np.ones(keep.sum()), tuple(edges[keep].T)), shape=(n, n))
    assert connected_components(graph, directed=False)[0] == 1
    mid_x = nodes[edges, 0].mean(axis=1)
    light, dark = mid_x < 38, mid_x > 42
    assert np.all(keep[dark])  # darkness 0.9: the whole mesh
    assert np.array_equal(keep[light], in_tree[light])  # darkness 0: the tree alone
    # Edges per node: about 1 in the light half, 3 in the dark half.
    light_nodes = (nodes[:, 0] < 38).sum()
    assert 0.9 < keep[light].sum() / light_nodes < 1.1
    assert 2.8 < keep[dark].sum() / (nodes[:, 0] > 42).sum() <= 3.0


def test_mid_tones_keep_the_share_the_tone_asks_for_spread_evenly():
    nodes, edges = triangulated_grid(60)
    darkness = np.full((120, 120), 0.55)  # mesh_share 0.5
    keep, in_tree = tree_edges(nodes, edges, darkness, scale=1.0)
    others = keep[~in_tree].mean()
    assert abs(others - 0.5) < 0.05, others
    # Evenly: each quarter of the picture keeps about the same share.
    x, y = nodes[edges, 0].mean(axis=1), -nodes[edges, 1].mean(axis=1)
    quarters = [keep[~in_tree & ((x < 60) == a) & ((y < 60) == b)].mean()
                for a in (True, False) for b in (True, False)]  # fmt: skip
    assert max(quarters) - min(quarters) < 0.08, quarters
    # The same edges every time.
    again, _ = tree_edges(nodes, edges, darkness, scale=1.0)
    assert np.array_equal(keep, again)


def test_no_edges_keeps_nothing():
    keep, in_tree = tree_edges(np.zeros((3, 2)), np.zeros((0, 2), int), np.zeros((4, 4)), scale=1)
    assert keep.shape == in_tree.shape == (0,)
