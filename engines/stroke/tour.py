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
each tree; the walk's order is a first tour (for a metric cost it is at most twice the
tree, the classic TSP bound; with the paper penalty that bound is only a guide).
2-opt and Or-opt moves over the near-neighbour candidates then shorten it, in compiled
code. The path is open: a free end, a virtual node that every hop to or from costs
nothing, is carried along and finally placed at the dearest hop.

Local moves cannot join two strokes whose ends lie side by side when the strokes are far
apart in the path (that needs moving a whole stroke). So the path is then cut at its lifts
and the pieces are joined greedily, cheapest joinable pair of ends first, never closing a
cycle (the greedy-edge construction of TSP, on strokes); the local search runs again on
the result, for up to :data:`JOIN_ROUNDS` rounds. A join replaces a lift by a cheaper
drawn hop, so the cost never rises. A stroke whose end comes back beside its start (a
letter's loop) may be opened anywhere instead, so another stroke can join it at any node;
if it stays a stroke of its own it is drawn closed.
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
#: Rounds of local search, each followed by joining stroke ends that lie close together.
JOIN_ROUNDS = 4
#: A stroke of 3 nodes or more is drawn closed when the hop from its end back to its
#: start costs at most this many median edge lengths (about one neighbour away).
CLOSE_HOP = 2.0


@dataclass(frozen=True)
class Tour:
    """A pen path through every node.

    Attributes
    ----------
    order : (N,) ndarray of int64
        Every node index exactly once, in the order the pen passes them.
    strokes : tuple of (K,) ndarray of int64
        ``order`` cut where the pen lifts; single nodes included (they draw nothing).
    closed : tuple of bool
        Per stroke: its two ends are neighbours (a loop), so the pen draws the hop back to
        its start and the ring has no gap.
    median_edge : float
        The length unit of ``max_jump``: the median GNG edge length.
    cost : float
        The tour's total cost (drawn hops plus lifts), in point units.
    """

    order: np.ndarray
    strokes: tuple[np.ndarray, ...]
    closed: tuple[bool, ...]
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
        return Tour(np.zeros(0, dtype=np.int64), (), (), 1.0, 0.0)
    edges = edges[edges[:, 0] != edges[:, 1]]
    median = median_edge_length(nodes, edges)
    ctx = _context(nodes, edges, ink, median, max_jump)
    if n == 1:
        order = np.zeros(1, dtype=np.int64)
        return Tour(order, (order,), (False,), median, 0.0)
    knn = _near_neighbours(nodes)
    order = _spanning_walk(nodes, edges, knn, ctx)
    for _ in range(JOIN_ROUNDS):
        tour = np.append(order, n).astype(np.int64)
        K.improve_tour(tour, knn, ctx, MAX_PASSES, OR_OPT_RUN)
        free = int(np.flatnonzero(tour == n)[0])
        order = np.concatenate([tour[free + 1 :], tour[:free]])
        joined = _join_strokes(_cut(order, ctx), ctx)
        if joined is None:
            break
        order = joined
    cost = float(K.tour_cost(np.append(order, n).astype(np.int64), ctx))
    strokes = _cut(order, ctx)
    return Tour(order, strokes, _closed(strokes, ctx), median, cost)


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


def _closed(strokes: tuple[np.ndarray, ...], ctx) -> tuple[bool, ...]:
    """Which strokes end next to their start (see :data:`CLOSE_HOP`)."""
    if not strokes:
        return ()
    hops = np.array([[s[-1], s[0]] for s in strokes], dtype=np.int64)
    cheap = K.drawn_costs(hops, ctx) <= CLOSE_HOP * ctx[4][K.P_MEDIAN]
    return tuple(bool(c and len(s) >= 3) for c, s in zip(cheap, strokes, strict=True))


def _join_strokes(strokes: tuple[np.ndarray, ...], ctx) -> np.ndarray | None:
    """Join strokes where a drawn hop is cheaper than a lift; the joined path, or None
    when nothing could be joined. Ends are joined first (:func:`_join_ends`), then loops
    are opened where they touch another stroke's end (:func:`_join_loop`)."""
    pieces = _join_ends(list(strokes), ctx)
    changed = pieces is not None
    pieces = pieces if pieces is not None else list(strokes)
    while (joined := _join_loop(pieces, ctx)) is not None:
        pieces, changed = joined, True
    return np.concatenate(pieces) if changed else None


def _join_ends(strokes: list[np.ndarray], ctx) -> list[np.ndarray] | None:
    """Join strokes end to end (greedy, cheapest first, no cycles) where the hop is
    cheaper than a lift; the joined strokes, or None when no two ends can be joined."""
    from scipy.spatial import cKDTree

    if len(strokes) < 2:
        return None
    nodes, lift = ctx[0], ctx[4][K.P_LIFT]
    # End slots: 2 s is the head of stroke s, 2 s + 1 its tail.
    ends = np.array([[s[0], s[-1]] for s in strokes], dtype=np.int64).ravel()
    # A hop costs at least its length, so only ends within one lift's length can join.
    pairs = cKDTree(nodes[ends]).query_pairs(lift, output_type="ndarray").astype(np.int64)
    pairs = pairs[pairs[:, 0] // 2 != pairs[:, 1] // 2]
    if len(pairs) == 0:
        return None
    cost = K.drawn_costs(ends[pairs], ctx)
    keep = cost <= lift
    pairs, cost = pairs[keep], cost[keep]
    parent = list(range(len(strokes)))

    def root(s: int) -> int:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    link = np.full(len(ends), -1, dtype=np.int64)  # slot → the slot it is joined to
    joins = 0
    for k in np.lexsort((pairs[:, 1], pairs[:, 0], cost)):
        a, b = pairs[k]
        if link[a] >= 0 or link[b] >= 0 or root(a // 2) == root(b // 2):
            continue
        link[a], link[b] = b, a
        parent[root(a // 2)] = root(b // 2)
        joins += 1
    if joins == 0:
        return None
    # Walk each chain of joined strokes from a stroke with a free slot.
    out: list[np.ndarray] = []
    done = np.zeros(len(strokes), dtype=bool)
    for s in range(len(strokes)):
        if done[s] or (link[2 * s] >= 0 and link[2 * s + 1] >= 0):
            continue
        slot = 2 * s if link[2 * s] < 0 else 2 * s + 1  # enter through the free slot
        chain = []
        while True:
            t = slot // 2
            done[t] = True
            chain.append(strokes[t] if slot % 2 == 0 else strokes[t][::-1])
            nxt = link[slot ^ 1]  # leave through the other slot
            if nxt < 0:
                break
            slot = int(nxt)
        out.append(np.concatenate(chain))
    return out


def _join_loop(strokes: list[np.ndarray], ctx) -> list[np.ndarray] | None:
    """The best single join of a stroke's end to a node of a loop, opening the loop there.

    A loop is a stroke whose two ends are close enough to be joined (a letter's loop, a
    ring): it may be opened at any hop instead, so any of its nodes can become an end. The
    move opens loop C at hop h, draws C's closing hop instead, and joins the end e of
    another stroke to C's new end x: it saves a lift and costs
    ``cost(e, x) + cost(closing) - cost(h)``. The best saving is taken; None when no move
    saves anything.
    """
    from scipy.spatial import cKDTree

    if len(strokes) < 2:
        return None
    nodes, lift = ctx[0], ctx[4][K.P_LIFT]
    heads = np.array([s[0] for s in strokes])
    tails = np.array([s[-1] for s in strokes])
    closing = K.drawn_costs(np.stack([tails, heads], axis=1), ctx)
    loops = [i for i, s in enumerate(strokes) if len(s) >= 3 and closing[i] <= lift]
    if not loops:
        return None
    members = np.concatenate([strokes[i] for i in loops])
    owner = np.concatenate([np.full(len(strokes[i]), i) for i in loops])
    index = np.concatenate([np.arange(len(strokes[i])) for i in loops])
    ends = np.stack([heads, tails], axis=1).ravel()
    found = cKDTree(nodes[members]).query_ball_point(nodes[ends], lift)
    rows = [(slot, j) for slot, near in enumerate(found) for j in near]
    rows = [(slot, j) for slot, j in rows if owner[j] != slot // 2]
    if not rows:
        return None
    slot_of, member = np.array(rows, dtype=np.int64).T
    join = K.drawn_costs(np.stack([ends[slot_of], members[member]], axis=1), ctx)
    best = (-1e-12 * lift, -1, -1, 0)  # (saving, slot, member, direction)
    for k in np.flatnonzero(join <= lift):
        c, i = int(owner[member[k]]), int(index[member[k]])
        loop = strokes[c]
        n_loop = len(loop)
        for direction in (1, -1):
            # Open the loop at the hop before x (walking forward) or after it (backward).
            other = loop[(i - direction) % n_loop]
            opened = (
                closing[c]
                if (i == 0 and direction == 1) or (i == n_loop - 1 and direction == -1)
                else K.drawn_costs(np.array([[other, loop[i]]]), ctx)[0]
            )
            saving = lift + opened - join[k] - closing[c]
            if saving > best[0] + 1e-12 * lift:
                best = (saving, int(slot_of[k]), int(member[k]), direction)
    _, slot, j, direction = best
    if slot < 0:
        return None
    c, i = int(owner[j]), int(index[j])
    loop = strokes[c]
    if direction == 1:
        rotated = np.concatenate([loop[i:], loop[:i]])
    else:
        rotated = np.concatenate([loop[i::-1], loop[:i:-1]])
    a = slot // 2
    merged = (
        np.concatenate([strokes[a], rotated])
        if slot % 2 == 1
        else np.concatenate([rotated[::-1], strokes[a]])
    )
    return [s for t, s in enumerate(strokes) if t not in (a, c)] + [merged]
