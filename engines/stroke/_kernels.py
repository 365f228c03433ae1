"""Compiled kernels of the continuous-stroke tour: hop costs and the local search.

Every kernel takes the same context tuple ``ctx = (nodes, indptr, indices, distance,
params)``:

- ``nodes`` (N, 2) float64: node positions in point units (y up).
- ``indptr``, ``indices``: the GNG graph in CSR form, each row's neighbours sorted.
- ``distance`` (M, W) float32: distance in pixels from each pixel to the nearest ink
  pixel; shape (0, 0) when there is no ink map (the graph then stands in for the ink).
- ``params`` float64 array indexed by the ``P_*`` constants below.

Node index N (one past the last node) is the "free end": hops to or from it cost nothing,
so a closed tour through N + 1 nodes is an open path through the N real ones.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Indices into the ``params`` array.
P_INV_SCALE = 0  # pixels per point unit
P_TOLERANCE = 1  # pixels: a sample farther than this from ink lies on paper
P_EDGE_FACTOR = 2  # length multiplier of a hop that is not a GNG edge
P_INK_PENALTY = 3  # cost per unit length of a hop's part on paper
P_LIFT = 4  # cost of a pen lift: a hop dearer than this is not drawn
P_MEDIAN = 5  # median GNG edge length, point units
N_PARAMS = 6

#: Samples per pixel along a hop when measuring how much of it crosses paper.
SAMPLES_PER_PX = 2.0
#: Improvements smaller than this are ignored (guards against cycling on round-off).
EPS = 1e-12


@njit(cache=True)
def has_edge(a: int, b: int, indptr: np.ndarray, indices: np.ndarray) -> bool:
    """Whether the graph holds edge (a, b): binary search in a's sorted neighbours."""
    lo, hi = indptr[a], indptr[a + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        v = indices[mid]
        if v == b:
            return True
        if v < b:
            lo = mid + 1
        else:
            hi = mid
    return False


@njit(cache=True)
def paper_fraction(
    ax: float, ay: float, bx: float, by: float, distance: np.ndarray, inv_scale: float, tol: float
) -> float:
    """Share of the segment a→b whose samples lie more than ``tol`` pixels from ink.

    Samples outside the image count as paper. Sampling is symmetric in a and b.
    """
    c0, r0 = ax * inv_scale, -ay * inv_scale
    c1, r1 = bx * inv_scale, -by * inv_scale
    length_px = np.sqrt((c1 - c0) ** 2 + (r1 - r0) ** 2)
    n = int(length_px * SAMPLES_PER_PX) + 2
    h, w = distance.shape
    off = 0
    for k in range(n):
        f = k / (n - 1)
        r = int(np.floor(r0 + f * (r1 - r0) + 0.5))
        c = int(np.floor(c0 + f * (c1 - c0) + 0.5))
        if r < 0 or r >= h or c < 0 or c >= w or distance[r, c] > tol:
            off += 1
    return off / n


@njit(cache=True)
def polyline_paper(line: np.ndarray, distance: np.ndarray, inv_scale: float, tol: float):
    """Length of the (K, 2) polyline ``line`` and the part of it on paper, point units."""
    total = 0.0
    paper = 0.0
    for k in range(line.shape[0] - 1):
        ax, ay = line[k, 0], line[k, 1]
        bx, by = line[k + 1, 0], line[k + 1, 1]
        length = np.sqrt((bx - ax) ** 2 + (by - ay) ** 2)
        total += length
        paper += length * paper_fraction(ax, ay, bx, by, distance, inv_scale, tol)
    return total, paper


@njit(cache=True)
def drawn_cost(a: int, b: int, ctx) -> float:
    """Cost of drawing the hop a→b as a line: its length, dearer off the GNG graph, plus
    a penalty for each unit of it that crosses paper."""
    nodes, indptr, indices, distance, params = ctx
    ax, ay = nodes[a, 0], nodes[a, 1]
    bx, by = nodes[b, 0], nodes[b, 1]
    length = np.sqrt((bx - ax) ** 2 + (by - ay) ** 2)
    edge = has_edge(a, b, indptr, indices)
    if distance.shape[0] == 0:
        # No ink map: the graph is the shape. A GNG edge lies on it; another hop is taken
        # to cross paper for its length beyond one median edge.
        paper = 0.0 if edge else max(0.0, length - params[P_MEDIAN])
    else:
        paper = length * paper_fraction(
            ax, ay, bx, by, distance, params[P_INV_SCALE], params[P_TOLERANCE]
        )
    factor = 1.0 if edge else params[P_EDGE_FACTOR]
    return length * factor + params[P_INK_PENALTY] * paper


@njit(cache=True)
def hop_cost(a: int, b: int, ctx) -> float:
    """Cost of a hop in the tour: drawn, or a pen lift when drawing would cost more."""
    n = ctx[0].shape[0]
    if a >= n or b >= n:
        return 0.0
    return min(drawn_cost(a, b, ctx), ctx[4][P_LIFT])


@njit(cache=True)
def drawn_costs(pairs: np.ndarray, ctx) -> np.ndarray:
    """:func:`drawn_cost` of each row (a, b) of ``pairs``."""
    out = np.empty(pairs.shape[0])
    for k in range(pairs.shape[0]):
        out[k] = drawn_cost(pairs[k, 0], pairs[k, 1], ctx)
    return out


@njit(cache=True)
def tour_cost(tour: np.ndarray, ctx) -> float:
    """Sum of the hop costs around the closed tour (free end included)."""
    m = tour.shape[0]
    total = 0.0
    for i in range(m):
        total += hop_cost(tour[i], tour[(i + 1) % m], ctx)
    return total


@njit(cache=True)
def _reverse(tour: np.ndarray, pos: np.ndarray, i: int, j: int) -> None:
    """Reverse the cyclic run of positions i..j (inclusive), or its complement when that
    is shorter: both give the same closed tour."""
    m = tour.shape[0]
    length = (j - i) % m + 1
    if 2 * length > m:
        i, j = (j + 1) % m, (i - 1) % m
        length = m - length
    for _ in range(length // 2):
        a, b = tour[i], tour[j]
        tour[i], tour[j] = b, a
        pos[b], pos[a] = i, j
        i = (i + 1) % m
        j = (j - 1) % m


@njit(cache=True)
def _two_opt_at(a: int, tour, pos, knn, ctx) -> bool:
    """Try the 2-opt moves that give ``a`` a near neighbour ``c`` as a tour neighbour."""
    m = tour.shape[0]
    for direction in (1, -1):
        b = tour[(pos[a] + direction) % m]
        ab = hop_cost(a, b, ctx)
        for k in range(knn.shape[1]):
            c = knn[a, k]
            d = tour[(pos[c] + direction) % m]
            if c == b or d == a:
                continue
            delta = hop_cost(a, c, ctx) + hop_cost(b, d, ctx) - ab - hop_cost(c, d, ctx)
            if delta < -EPS:
                if direction == 1:  # ... a b ... c d ...  →  ... a c ... b d ...
                    _reverse(tour, pos, pos[b], pos[c])
                else:  # ... d c ... b a ...  →  ... d b ... c a ...
                    _reverse(tour, pos, pos[c], pos[b])
                return True
    return False


@njit(cache=True)
def _move_run(tour, pos, start: int, length: int, after: int, flip: bool) -> None:
    """Take the run of ``length`` nodes at position ``start`` out of the tour and put it
    back right after node ``after`` (reversed when ``flip``)."""
    m = tour.shape[0]
    run = np.empty(length, dtype=tour.dtype)
    for k in range(length):
        run[k] = tour[(start + k) % m]
    if flip:
        run = run[::-1].copy()
    rest = np.empty(m - length, dtype=tour.dtype)
    for k in range(m - length):
        rest[k] = tour[(start + length + k) % m]
    out = 0
    for k in range(m - length):
        tour[out] = rest[k]
        out += 1
        if rest[k] == after:
            for q in range(length):
                tour[out] = run[q]
                out += 1
    for k in range(m):
        pos[tour[k]] = k


@njit(cache=True)
def _or_opt_at(a: int, tour, pos, knn, ctx, max_run: int) -> bool:
    """Try moving the run of 1..max_run nodes starting at ``a`` between two tour
    neighbours, one of them near an end of the run, in either orientation."""
    m = tour.shape[0]
    for length in range(1, max_run + 1):
        if length + 2 > m:
            break
        start = pos[a]
        first = a
        last = tour[(start + length - 1) % m]
        prev = tour[(start - 1) % m]
        nxt = tour[(start + length) % m]
        gain = hop_cost(prev, first, ctx) + hop_cost(last, nxt, ctx) - hop_cost(prev, nxt, ctx)
        if gain <= EPS:
            continue
        for end in range(2):
            near = first if end == 0 else last
            for k in range(knn.shape[1]):
                c = knn[near, k]
                if (pos[c] - start) % m < length:
                    continue  # c is in the run
                for side in range(2):
                    # Insert between (c, d) where d follows c, or (d, c) where d precedes c.
                    d = tour[(pos[c] + 1) % m] if side == 0 else tour[(pos[c] - 1) % m]
                    if (pos[d] - start) % m < length:
                        continue
                    left, right = (c, d) if side == 0 else (d, c)
                    base = hop_cost(left, right, ctx)
                    keep = hop_cost(left, first, ctx) + hop_cost(last, right, ctx) - base
                    flip = hop_cost(left, last, ctx) + hop_cost(first, right, ctx) - base
                    add = min(keep, flip)
                    if add - gain < -EPS:
                        _move_run(tour, pos, start, length, left, flip < keep)
                        return True
    return False


@njit(cache=True)
def _move_free_end(tour, pos, ctx) -> bool:
    """Open the path at its dearest hop: move the free end there when that saves cost."""
    m = tour.shape[0]
    n = m - 1
    i = pos[n]
    prev, nxt = tour[(i - 1) % m], tour[(i + 1) % m]
    now = hop_cost(prev, nxt, ctx)
    best, best_k = now, -1
    for k in range(m):
        a, b = tour[k], tour[(k + 1) % m]
        if a == n or b == n:
            continue
        cost = hop_cost(a, b, ctx)
        if cost > best + EPS:
            best, best_k = cost, k
    if best_k < 0:
        return False
    _move_run(tour, pos, i, 1, tour[best_k], False)
    return True


@njit(cache=True)
def improve_tour(tour: np.ndarray, knn: np.ndarray, ctx, max_passes: int, max_run: int) -> int:
    """2-opt and Or-opt over near-neighbour candidates until no move helps.

    Parameters
    ----------
    tour : (N + 1,) ndarray of int64
        A closed tour through the nodes and the free end N; improved in place.
    knn : (N, K) ndarray of int64
        Each node's K nearest other nodes: the only new neighbours a move may give it.
    max_passes : int
        Passes over all nodes at most.
    max_run : int
        Longest run of nodes an Or-opt move relocates.

    Returns
    -------
    int
        Passes made.
    """
    m = tour.shape[0]
    n = m - 1
    pos = np.empty(m, dtype=np.int64)
    for k in range(m):
        pos[tour[k]] = k
    passes = 0
    for _ in range(max_passes):
        passes += 1
        improved = False
        for a in range(n):
            while _two_opt_at(a, tour, pos, knn, ctx):
                improved = True
            while _or_opt_at(a, tour, pos, knn, ctx, max_run):
                improved = True
        if _move_free_end(tour, pos, ctx):
            improved = True
        if not improved:
            break
    return passes
