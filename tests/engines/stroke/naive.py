"""Plain-NumPy references of the continuous-stroke kernels (slow, obvious, for tests)."""

from __future__ import annotations

import numpy as np

from engines.stroke import _kernels as K


def paper_fraction(a, b, distance, inv_scale, tol):
    """Share of the samples along a→b farther than ``tol`` pixels from ink (or outside)."""
    a = np.array([a[0] * inv_scale, -a[1] * inv_scale])  # (col, row)
    b = np.array([b[0] * inv_scale, -b[1] * inv_scale])
    n = int(np.hypot(*(b - a)) * K.SAMPLES_PER_PX) + 2
    f = np.arange(n) / (n - 1)
    cols = np.floor(a[0] + f * (b[0] - a[0]) + 0.5).astype(int)
    rows = np.floor(a[1] + f * (b[1] - a[1]) + 0.5).astype(int)
    h, w = distance.shape
    inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    off = ~inside
    off[inside] = distance[rows[inside], cols[inside]] > tol
    return off.mean()


def drawn_cost(a, b, nodes, edges, distance, params):
    edge_set = {tuple(sorted(e)) for e in np.asarray(edges).tolist()}
    length = float(np.hypot(*(nodes[b] - nodes[a])))
    edge = tuple(sorted((a, b))) in edge_set
    if distance.size == 0:
        paper = 0.0 if edge else max(0.0, length - params[K.P_MEDIAN])
    else:
        paper = length * paper_fraction(
            nodes[a], nodes[b], distance, params[K.P_INV_SCALE], params[K.P_TOLERANCE]
        )
    factor = 1.0 if edge else params[K.P_EDGE_FACTOR]
    return length * factor + params[K.P_INK_PENALTY] * paper


def hop_cost(a, b, nodes, edges, distance, params):
    if a >= len(nodes) or b >= len(nodes):
        return 0.0
    return min(drawn_cost(a, b, nodes, edges, distance, params), params[K.P_LIFT])


def improving_two_opt(tour, knn, nodes, edges, distance, params):
    """Every improving 2-opt move over the candidate lists, as (a, c, gain) rows."""
    m = len(tour)
    pos = {v: i for i, v in enumerate(tour)}

    def cost(x, y):
        return hop_cost(x, y, nodes, edges, distance, params)

    found = []
    for a in range(len(nodes)):
        for step in (1, -1):
            b = tour[(pos[a] + step) % m]
            for c in knn[a]:
                d = tour[(pos[c] + step) % m]
                if c == b or d == a:
                    continue
                gain = cost(a, b) + cost(c, d) - cost(a, c) - cost(b, d)
                if gain > 1e-9:
                    found.append((a, c, gain))
    return found
