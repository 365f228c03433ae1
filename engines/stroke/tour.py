"""One pen path through every GNG node: a tour that follows the shape, lifting only across
wide paper.

Why a tour through the nodes, and not a walk over the edges
-----------------------------------------------------------
A GNG graph over a filled shape is a mesh of triangles: an Euler walk over its edges
(:func:`engines.art.strokes.merge_edges`) must lift the pen once per pair of odd nodes,
hundreds of times, and draws every edge, so the drawing stays a mesh. A path that visits
each node once is one line by construction; over a filled area it meanders like TSP art,
and over a thin stroke (a signature) the nodes form a chain and the path runs along it,
as the pen did. A 1-D ring SOFM (elastic net) would also give one line, but it must be
trained again, it pulls straight across gaps between parts of the picture, and its
length must be chosen in advance; the tour reuses the trained GNG as it is.

How the path is priced
----------------------
A hop between two nodes costs its length, times :data:`NON_EDGE_FACTOR` when it is not a
GNG edge (GNG edges join nodes whose data regions touch, so they are known to lie on the
shape), plus :data:`INK_PENALTY` times the part of the hop that crosses paper, measured on
the pipeline's binary image. A hop dearer than ``max_jump`` median edge lengths is not
drawn: the pen lifts there, and the hop costs ``max_jump`` median edges, whatever its
length. So the tour joins two parts of the picture with a line only when the line is short
and stays on ink; a long line across empty paper is worse than a lift, and is never drawn.

How it is found
---------------
The minimum spanning forest of the cheap hops (each node's :data:`NEIGHBOURS` nearest and
its GNG edges) is walked depth first, small branches before long ones, from an end of
each tree; the walk's order is a first tour (twice the tree at most, as for metric TSP).
2-opt and Or-opt moves over the near-neighbour candidates then shorten it, in compiled
code. The path is open: a free end, a virtual node that every hop to or from costs
nothing, is carried along and finally placed at the dearest hop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.stroke import _kernels as K
from engines.stroke.ink import InkMap

#: Length multiplier of a hop that is not a GNG edge.
NON_EDGE_FACTOR = 1.5
#: Cost per unit of a hop's length that crosses paper (a hop on paper costs 1 + this per unit).
INK_PENALTY = 10.0
#: Default pen-lift cost in median GNG edge lengths: a drawn hop may cost this much at most.
#: With the factors above, a hop may bridge about one median edge of paper, or run along
#: ink up to eight median edges off the graph, before a lift is cheaper.
DEFAULT_MAX_JUMP = 12.0
#: Near neighbours per node: the candidates of the local search and the spanning forest.
NEIGHBOURS = 10
#: Passes of the local search at most (it usually stops after a few).
MAX_PASSES = 50
#: Longest run of nodes an Or-opt move relocates.
OR_OPT_RUN = 3


@dataclass(frozen=True)
class Tour:
    """A pen path through every node.

    Attributes
    ----------
    order : (N,) ndarray of int64
        Every node index exactly once, in the order the pen passes them.
    strokes : tuple of (K,) ndarray of int64
        ``order`` cut where the pen lifts; single nodes included (they draw nothing).
    median_edge : float
        The length unit of ``max_jump``: the median GNG edge length.
    cost : float
        The tour's total cost (drawn hops plus lifts), in point units.
    """

    order: np.ndarray
    strokes: tuple[np.ndarray, ...]
    median_edge: float
    cost: float

    @property
    def lifts(self) -> int:
        """Pen lifts between strokes (strokes - 1)."""
        return max(0, len(self.strokes) - 1)


def median_edge_length(nodes: np.ndarray, edges: np.ndarray) -> float:
    """Median GNG edge length; the median nearest-neighbour distance when there are no edges."""
    if len(edges):
        lengths = np.hypot(*(nodes[edges[:, 0]] - nodes[edges[:, 1]]).T)
        lengths = lengths[lengths > 0]
        if len(lengths):
            return float(np.median(lengths))
    if len(nodes) < 2:
        return 1.0
    from scipy.spatial import cKDTree

    dist, _ = cKDTree(nodes).query(nodes, k=2)
    positive = dist[:, 1][dist[:, 1] > 0]
    return float(np.median(positive)) if len(positive) else 1.0


def node_tour(
    nodes: np.ndarray,
    edges: np.ndarray,
    *,
    ink: InkMap | None = None,
    max_jump: float = DEFAULT_MAX_JUMP,
) -> Tour:
    """Find one open pen path through every node that stays on the shape.

    Parameters
    ----------
    nodes : (N, 2) ndarray
        Node positions in point units (y up), e.g. a GNG snapshot's ``nodes``.
    edges : (E, 2) ndarray of int
        The GNG edges, indices into ``nodes``.
    ink : InkMap, optional
        Where the ink is. Without it, the graph stands in for the shape: a hop that is not
        a GNG edge counts as crossing paper for its length beyond one median edge.
    max_jump : float
        Pen-lift cost in median edge lengths (see the module notes); larger gives fewer,
        longer strokes with more lines across paper.

    Returns
    -------
    Tour
        Deterministic: the same input gives the same tour.

    Raises
    ------
    ValueError
        On misshapen arrays, edges out of range, non-finite positions or ``max_jump`` <= 0.
    """
    nodes = np.ascontiguousarray(nodes, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.int64)
    if nodes.ndim != 2 or nodes.shape[1] != 2:
        raise ValueError(f"expected nodes shaped (N, 2), got {nodes.shape}")
    if not np.isfinite(nodes).all():
        raise ValueError("nodes contain NaN or infinite positions")
    edges = edges.reshape(-1, 2)
    n = len(nodes)
    if edges.size and (edges.min() < 0 or edges.max() >= n):
        raise ValueError(f"edges index nodes 0..{n - 1}, got {edges.min()}..{edges.max()}")
    if not max_jump > 0:
        raise ValueError(f"max_jump must be > 0 median edge lengths, got {max_jump}")
    if n == 0:
        return Tour(np.zeros(0, dtype=np.int64), (), 1.0, 0.0)
    edges = edges[edges[:, 0] != edges[:, 1]]
    median = median_edge_length(nodes, edges)
    ctx = _context(nodes, edges, ink, median, max_jump)
    if n == 1:
        order = np.zeros(1, dtype=np.int64)
        return Tour(order, (order,), median, 0.0)
    knn = _near_neighbours(nodes)
    tour = np.append(_spanning_walk(nodes, edges, knn, ctx), n).astype(np.int64)
    K.improve_tour(tour, knn, ctx, MAX_PASSES, OR_OPT_RUN)
    cost = float(K.tour_cost(tour, ctx))
    free = int(np.flatnonzero(tour == n)[0])
    order = np.concatenate([tour[free + 1 :], tour[:free]])
    return Tour(order, _cut(order, ctx), median, cost)


def _context(nodes, edges, ink: InkMap | None, median: float, max_jump: float):
    """The kernels' context tuple (see :mod:`engines.stroke._kernels`)."""
    from scipy.sparse import coo_matrix

    n = len(nodes)
    both = np.vstack([edges, edges[:, ::-1]]) if len(edges) else np.zeros((0, 2), np.int64)
    graph = coo_matrix((np.ones(len(both)), (both[:, 0], both[:, 1])), shape=(n, n)).tocsr()
    graph.sum_duplicates()
    graph.sort_indices()
    params = np.zeros(K.N_PARAMS)
    params[K.P_EDGE_FACTOR] = NON_EDGE_FACTOR
    params[K.P_INK_PENALTY] = INK_PENALTY
    params[K.P_LIFT] = max_jump * median
    params[K.P_MEDIAN] = median
    if ink is None:
        distance = np.zeros((0, 0), dtype=np.float32)
        params[K.P_INV_SCALE] = 1.0
    else:
        distance = np.ascontiguousarray(ink.distance, dtype=np.float32)
        params[K.P_INV_SCALE] = 1.0 / ink.scale
        params[K.P_TOLERANCE] = ink.tolerance
    indptr = graph.indptr.astype(np.int64)
    indices = graph.indices.astype(np.int64)
    return (nodes, indptr, indices, distance, params)


def _near_neighbours(nodes: np.ndarray) -> np.ndarray:
    """(N, k) indices of each node's nearest other nodes, nearest first."""
    from scipy.spatial import cKDTree

    k = min(NEIGHBOURS, len(nodes) - 1)
    _, found = cKDTree(nodes).query(nodes, k=k + 1)
    found = np.asarray(found, dtype=np.int64).reshape(len(nodes), k + 1)
    # Drop each node itself (not always column 0 when nodes coincide).
    out = np.empty((len(nodes), k), dtype=np.int64)
    for i, row in enumerate(found):
        others = row[row != i]
        out[i] = others[:k] if len(others) >= k else np.resize(others, k)
    return out


def _spanning_walk(nodes, edges, knn, ctx) -> np.ndarray:
    """Depth-first order of the minimum spanning forest of the candidate hops.

    Each tree is walked from one end of its longest path, and at each node the smaller
    branches are visited first, so the long jumps back up the tree are few and short.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

    n = len(nodes)
    rows = np.repeat(np.arange(n), knn.shape[1])
    pairs = np.vstack([np.stack([rows, knn.ravel()], axis=1), edges])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    cost = np.minimum(K.drawn_costs(pairs, ctx), ctx[4][K.P_LIFT])
    # Zero weights would read as "no edge" to scipy: coincident nodes get a tiny cost.
    cost = np.maximum(cost, 1e-12 * max(ctx[4][K.P_MEDIAN], 1e-300))
    graph = coo_matrix((cost, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    tree = minimum_spanning_tree(graph).tocoo()
    adjacency: list[list[tuple[float, int]]] = [[] for _ in range(n)]
    for a, b, w in zip(tree.row.tolist(), tree.col.tolist(), tree.data.tolist(), strict=True):
        adjacency[a].append((w, b))
        adjacency[b].append((w, a))
    _, labels = connected_components(tree, directed=False)
    order: list[int] = []
    seen = np.zeros(n, dtype=bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        root = _far_end(_far_end(int(members[0]), adjacency)[0], adjacency)[0]
        order.extend(_preorder(root, adjacency, seen))
    return np.asarray(order, dtype=np.int64)


def _far_end(start: int, adjacency) -> tuple[int, dict[int, int]]:
    """The node farthest from ``start`` along the tree, and each node's parent."""
    dist = {start: 0.0}
    parent = {start: -1}
    stack = [start]
    while stack:
        node = stack.pop()
        for w, nxt in adjacency[node]:
            if nxt not in dist:
                dist[nxt] = dist[node] + w
                parent[nxt] = node
                stack.append(nxt)
    far = max(dist, key=lambda v: (dist[v], -v))
    return far, parent


def _preorder(root: int, adjacency, seen: np.ndarray) -> list[int]:
    """Depth-first preorder from ``root``, each node's smaller subtrees first."""
    _, parent = _far_end(root, adjacency)
    children: dict[int, list[int]] = {v: [] for v in parent}
    for v, p in parent.items():
        if p >= 0:
            children[p].append(v)
    # Subtree sizes, leaves up (reverse of a BFS order from the root).
    bfs = [root]
    for v in bfs:
        bfs.extend(children[v])
    size = {v: 1 for v in bfs}
    for v in reversed(bfs):
        if parent[v] >= 0:
            size[parent[v]] += size[v]
    order = []
    stack = [root]
    while stack:
        v = stack.pop()
        if seen[v]:
            continue
        seen[v] = True
        order.append(v)
        # Pushed largest first, so the smallest subtree is visited first.
        stack.extend(sorted(children[v], key=lambda c: (-size[c], c)))
    return order


def _cut(order: np.ndarray, ctx) -> tuple[np.ndarray, ...]:
    """Split the path where a hop would cost more to draw than a pen lift."""
    if len(order) < 2:
        return (order,)
    hops = np.stack([order[:-1], order[1:]], axis=1)
    lift = K.drawn_costs(hops, ctx) > ctx[4][K.P_LIFT]
    cuts = np.flatnonzero(lift) + 1
    return tuple(np.split(order, cuts))
