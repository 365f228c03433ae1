"""Compiled kernels of the SOFM: winner search, online and batch epochs, best two units.

Private: :class:`engines.som.SOFM` validates everything and passes clean arrays in.
Weights are stored unit-minor, shaped ``(n_inputs, n_units)`` float32 (NeuPy's layout), so
the winner search runs down contiguous rows and vectorises over the units. Distances are
computed in float32 like NeuPy's; an update is computed in float64 and stored as float32,
as NeuPy's ``weight + step * distance`` does.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from engines.som.grid import (
    G_AXES,
    G_COLS,
    G_HEX,
    G_ROWS,
    G_TOROIDAL,
    ST_AXIS_COL,
    ST_AXIS_ROW,
    ST_DCOL,
    ST_DROW,
    ST_KEY,
)

#: Winner criteria, as kernels see them.
DIST_EUCLID = 0
DIST_COS = 1
DIST_DOT = 2
DISTANCE_CODES = {"euclid": DIST_EUCLID, "cos": DIST_COS, "dot": DIST_DOT}


@njit(cache=True, nogil=True)
def fill_scores(x, weights, kind, scores):
    """Score every unit for sample ``x``; the winner has the smallest score.

    ``scores`` is a (2, U) float32 scratch array; row 0 receives the squared Euclidean
    distance (euclid) or the negated similarity (cos, dot), row 1 is work space.
    """
    n_inputs, n_units = weights.shape
    out = scores[0]
    if kind == DIST_EUCLID:
        x0 = x[0]
        for u in range(n_units):
            t = weights[0, u] - x0
            out[u] = t * t
        for k in range(1, n_inputs):
            xk = x[k]
            for u in range(n_units):
                t = weights[k, u] - xk
                out[u] += t * t
        return
    x0 = x[0]
    for u in range(n_units):
        out[u] = weights[0, u] * x0
    for k in range(1, n_inputs):
        xk = x[k]
        for u in range(n_units):
            out[u] += weights[k, u] * xk
    if kind == DIST_DOT:
        for u in range(n_units):
            out[u] = -out[u]
        return
    norms = scores[1]
    for u in range(n_units):
        norms[u] = weights[0, u] * weights[0, u]
    for k in range(1, n_inputs):
        for u in range(n_units):
            norms[u] += weights[k, u] * weights[k, u]
    x_norm = np.float32(0.0)
    for k in range(n_inputs):
        x_norm += x[k] * x[k]
    x_norm = np.float32(math.sqrt(x_norm))
    for u in range(n_units):
        out[u] = -(out[u] / (x_norm * np.float32(math.sqrt(norms[u]))))


@njit(cache=True, nogil=True)
def argmin_first(values):
    """Index of the smallest value (the first one on ties), as NumPy's argmin."""
    best = 0
    best_value = values[0]
    for u in range(1, values.shape[0]):
        if values[u] < best_value:
            best_value = values[u]
            best = u
    return best


@njit(cache=True, nogil=True)
def _neighbour_factor(offsets, s, table, is_hex, n_axes):
    if is_hex:
        return table[offsets[s, ST_KEY]]
    if n_axes == 2:
        return (table[offsets[s, ST_AXIS_ROW]] + table[offsets[s, ST_AXIS_COL]]) / 2.0
    return table[offsets[s, ST_AXIS_COL]]


@njit(cache=True, nogil=True)
def _neighbour_unit(offsets, s, r, c, geometry):
    """Unit index at stencil row ``s`` from (r, c), or -1 when it falls off the grid."""
    rows = geometry[G_ROWS]
    cols = geometry[G_COLS]
    rr = r + offsets[s, ST_DROW]
    cc = c + offsets[s, ST_DCOL]
    if geometry[G_TOROIDAL]:
        rr %= rows
        cc %= cols
    elif rr < 0 or rr >= rows or cc < 0 or cc >= cols:
        return -1
    return rr * cols + cc


@njit(cache=True, nogil=True)
def _update_neighbours(
    x, winner, weights, offsets, starts, geometry, table, key_limit, step, kind, column
):
    """Pull the winner and its neighbours within the radius towards ``x``.

    Returns NeuPy's error of this sample: the mean absolute difference between ``x`` and
    the updated units, before the update.
    """
    n_inputs = weights.shape[0]
    cols = geometry[G_COLS]
    is_hex = geometry[G_HEX]
    n_axes = geometry[G_AXES]
    r = winner // cols
    c = winner - r * cols
    parity = (r & 1) if is_hex else 0
    error = 0.0
    n_updated = 0
    for s in range(starts[parity], starts[parity + 1]):
        if offsets[s, ST_KEY] > key_limit:
            break
        u = _neighbour_unit(offsets, s, r, c, geometry)
        if u < 0:
            continue
        rate = step * _neighbour_factor(offsets, s, table, is_hex, n_axes)
        norm2 = 0.0
        for k in range(n_inputs):
            diff = x[k] - weights[k, u]
            error += abs(diff)
            value = weights[k, u] + rate * diff
            column[k] = value
            norm2 += value * value
        if kind == DIST_COS and norm2 > 0.0:
            norm = math.sqrt(norm2)
            for k in range(n_inputs):
                weights[k, u] = column[k] / norm
        else:
            for k in range(n_inputs):
                weights[k, u] = column[k]
        n_updated += 1
    return error / (n_inputs * n_updated)


@njit(cache=True, nogil=True)
def online_epoch(
    data, order, weights, offsets, starts, geometry, table, key_limit, step, kind, scores, column
):
    """One online epoch: for each sample in ``order``, find the winner (full search) and
    pull it and its neighbours within the radius towards the sample. Updates ``weights``.

    Parameters
    ----------
    data : (N, D) float32
    order : (N,) int64, sample indices in presentation order
    weights : (D, U) float32
    offsets, starts : the grid's stencil (:class:`engines.som.grid.Stencil`)
    geometry : (5,) int64
    table : (R + 2,) float64, neighbour factor of each grid distance this epoch
    key_limit : int, stencil rows with a larger key are outside this epoch's radius
    step : float, this epoch's learning rate
    kind : int, winner criterion (DIST_*)
    scores : (2, U) float32 scratch
    column : (D,) float64 scratch

    Returns
    -------
    float
        Sum over samples of the mean absolute difference between the sample and the units
        it updated (NeuPy's training error, before dividing by N).
    """
    total = 0.0
    for i in range(order.shape[0]):
        x = data[order[i]]
        fill_scores(x, weights, kind, scores)
        winner = argmin_first(scores[0])
        total += _update_neighbours(
            x, winner, weights, offsets, starts, geometry, table, key_limit, step, kind, column
        )
    return total


# --------------------------------------------------------------------------- planar index
# For 2-D inputs and the Euclidean distance, the units are kept in a uniform bucket grid
# over the plane. A search visits rings of buckets around the sample's bucket and stops once
# the next ring is farther than the best unit found; it returns exactly what the full search
# returns (ties go to the lowest unit index). Updated units move between buckets at once.
# The bucket grid covers the data and the weights at the start of the epoch; with step <= 1
# and factors <= 1, every update stays inside that box (a unit moves towards a sample).

#: Fields of the index's float array and int array.
IX_X0, IX_Y0, IX_INV_H, IX_H = range(4)
IX_NX, IX_NY = range(2)
#: Rows of the index's link array.
LK_NEXT, LK_PREV, LK_CELL = range(3)
#: Aim for this many units per bucket.
UNITS_PER_BUCKET = 2.0


@njit(cache=True, nogil=True)
def _bucket_of(wx, wy, ixf, ixi):
    cx = int((wx - ixf[IX_X0]) * ixf[IX_INV_H])
    cy = int((wy - ixf[IX_Y0]) * ixf[IX_INV_H])
    nx = ixi[IX_NX]
    ny = ixi[IX_NY]
    cx = min(max(cx, 0), nx - 1)
    cy = min(max(cy, 0), ny - 1)
    return cy * nx + cx


@njit(cache=True, nogil=True)
def _link(u, cell, head, links):
    first = head[cell]
    links[LK_NEXT, u] = first
    links[LK_PREV, u] = -1
    if first >= 0:
        links[LK_PREV, first] = u
    head[cell] = u
    links[LK_CELL, u] = cell


@njit(cache=True, nogil=True)
def _unlink(u, head, links):
    nxt = links[LK_NEXT, u]
    prv = links[LK_PREV, u]
    if prv >= 0:
        links[LK_NEXT, prv] = nxt
    else:
        head[links[LK_CELL, u]] = nxt
    if nxt >= 0:
        links[LK_PREV, nxt] = prv


@njit(cache=True, nogil=True)
def build_planar_index(data, weights):
    """Bucket grid over the box holding ``data`` (N, 2) and ``weights`` (2, U).

    Returns ``(ixf, ixi, head, links)``: the box origin and bucket size, the bucket counts,
    the first unit of each bucket (-1 when empty) and each unit's next, previous and bucket.
    """
    n_units = weights.shape[1]
    x0 = np.inf
    y0 = np.inf
    x1 = -np.inf
    y1 = -np.inf
    for i in range(data.shape[0]):
        x0 = min(x0, float(data[i, 0]))
        x1 = max(x1, float(data[i, 0]))
        y0 = min(y0, float(data[i, 1]))
        y1 = max(y1, float(data[i, 1]))
    for u in range(n_units):
        x0 = min(x0, float(weights[0, u]))
        x1 = max(x1, float(weights[0, u]))
        y0 = min(y0, float(weights[1, u]))
        y1 = max(y1, float(weights[1, u]))
    width = x1 - x0
    height = y1 - y0
    extent = max(width, height, 1e-30)
    n_buckets = max(1.0, n_units / UNITS_PER_BUCKET)
    h = math.sqrt(max(width, extent * 1e-3) * max(height, extent * 1e-3) / n_buckets)
    nx = min(max(1, int(width / h) + 1), 4096)
    ny = min(max(1, int(height / h) + 1), 4096)
    h = max(h, width / nx * 1.000001, height / ny * 1.000001, extent * 1e-9)
    ixf = np.array([x0, y0, 1.0 / h, h])
    ixi = np.array([nx, ny], dtype=np.int64)
    head = np.full(nx * ny, -1, dtype=np.int64)
    links = np.empty((3, n_units), dtype=np.int64)
    for u in range(n_units - 1, -1, -1):
        _link(u, _bucket_of(weights[0, u], weights[1, u], ixf, ixi), head, links)
    return ixf, ixi, head, links


@njit(cache=True, nogil=True)
def planar_winner(x, weights, ixf, ixi, head, links):
    """The unit nearest to ``x`` (2,), found through the bucket grid (exact)."""
    nx = ixi[IX_NX]
    ny = ixi[IX_NY]
    h = ixf[IX_H]
    x0 = x[0]
    x1 = x[1]
    cell = _bucket_of(x0, x1, ixf, ixi)
    cy = cell // nx
    cx = cell - cy * nx
    best = -1
    best_d = np.float32(np.inf)
    max_ring = max(nx, ny)
    for ring in range(max_ring + 1):
        if best >= 0:
            # Every unit in this ring is at least (ring - 1) buckets away from the sample.
            reach = (ring - 1) * h
            if reach > 0 and reach * reach > best_d * 1.0001 + 1e-30:
                break
        ylo = cy - ring
        yhi = cy + ring
        for by in range(max(ylo, 0), min(yhi, ny - 1) + 1):
            edge_row = (by - ylo) * (by - yhi) == 0
            step_x = 1 if edge_row else 2 * ring
            bx = cx - ring
            while bx <= cx + ring:
                if 0 <= bx < nx:
                    u = head[by * nx + bx]
                    while u >= 0:
                        t = weights[0, u] - x0
                        s = weights[1, u] - x1
                        d = t * t + s * s
                        if d < best_d or (d == best_d and u < best):
                            best_d = d
                            best = u
                        u = links[LK_NEXT, u]
                bx += step_x
    return best


@njit(cache=True, nogil=True)
def online_epoch_planar(
    data, order, weights, offsets, starts, geometry, table, key_limit, step, column
):
    """:func:`online_epoch` for 2-D inputs and the Euclidean distance, with the winner
    found through a bucket grid over the plane (same result, far fewer distances)."""
    ixf, ixi, head, links = build_planar_index(data, weights)
    cols = geometry[G_COLS]
    is_hex = geometry[G_HEX]
    total = 0.0
    for i in range(order.shape[0]):
        x = data[order[i]]
        winner = planar_winner(x, weights, ixf, ixi, head, links)
        total += _update_neighbours(
            x, winner, weights, offsets, starts, geometry, table, key_limit, step,
            DIST_EUCLID, column,
        )  # fmt: skip
        # Re-bucket the units that moved (the same stencil walk as the update).
        r = winner // cols
        c = winner - r * cols
        parity = (r & 1) if is_hex else 0
        for s in range(starts[parity], starts[parity + 1]):
            if offsets[s, ST_KEY] > key_limit:
                break
            u = _neighbour_unit(offsets, s, r, c, geometry)
            if u < 0:
                continue
            cell = _bucket_of(weights[0, u], weights[1, u], ixf, ixi)
            if cell != links[LK_CELL, u]:
                _unlink(u, head, links)
                _link(u, cell, head, links)
    return total


@njit(cache=True, nogil=True)
def batch_epoch(
    data, weights, offsets, starts, geometry, table, key_limit, kind, scores, sums, counts
):
    """One batch epoch: every unit becomes the neighbour-factor-weighted mean of the samples
    won by the units within the radius around it (units nobody reaches keep their weight).

    ``sums`` (U, D) float64 and ``counts`` (U,) float64 are scratch. Returns the sum over
    samples of the mean absolute difference between the sample and its winner (before the
    update).
    """
    n_samples = data.shape[0]
    n_inputs, n_units = weights.shape
    cols = geometry[G_COLS]
    is_hex = geometry[G_HEX]
    n_axes = geometry[G_AXES]
    sums[:] = 0.0
    counts[:] = 0.0
    total = 0.0
    for i in range(n_samples):
        x = data[i]
        fill_scores(x, weights, kind, scores)
        winner = argmin_first(scores[0])
        counts[winner] += 1.0
        error = 0.0
        for k in range(n_inputs):
            sums[winner, k] += x[k]
            error += abs(x[k] - weights[k, winner])
        total += error / n_inputs
    numer = np.zeros((n_units, n_inputs))
    denom = np.zeros(n_units)
    for b in range(n_units):
        if counts[b] == 0.0:
            continue
        r = b // cols
        c = b - r * cols
        parity = (r & 1) if is_hex else 0
        for s in range(starts[parity], starts[parity + 1]):
            if offsets[s, ST_KEY] > key_limit:
                break
            u = _neighbour_unit(offsets, s, r, c, geometry)
            if u < 0:
                continue
            f = _neighbour_factor(offsets, s, table, is_hex, n_axes)
            if f == 0.0:
                continue
            denom[u] += f * counts[b]
            for k in range(n_inputs):
                numer[u, k] += f * sums[b, k]
    for u in range(n_units):
        if denom[u] == 0.0:
            continue
        norm2 = 0.0
        for k in range(n_inputs):
            v = numer[u, k] / denom[u]
            numer[u, k] = v
            norm2 += v * v
        scale = 1.0
        if kind == DIST_COS and norm2 > 0.0:
            scale = 1.0 / math.sqrt(norm2)
        for k in range(n_inputs):
            weights[k, u] = numer[u, k] * scale
    return total


@njit(cache=True, nogil=True)
def best_two(data, weights, kind, scores, first, second, distance):
    """Winner and runner-up of each sample, and the Euclidean distance to the winner.

    Fills ``first``, ``second`` (N,) int64 and ``distance`` (N,) float64; with one unit the
    runner-up is -1.
    """
    n_inputs, n_units = weights.shape
    for i in range(data.shape[0]):
        x = data[i]
        fill_scores(x, weights, kind, scores)
        values = scores[0]
        b1 = 0
        v1 = values[0]
        b2 = -1
        v2 = np.inf
        for u in range(1, n_units):
            v = values[u]
            if v < v1:
                b2 = b1
                v2 = v1
                b1 = u
                v1 = v
            elif b2 < 0 or v < v2:
                b2 = u
                v2 = v
        first[i] = b1
        second[i] = b2
        d2 = 0.0
        for k in range(n_inputs):
            t = float(x[k]) - float(weights[k, b1])
            d2 += t * t
        distance[i] = math.sqrt(d2)


@njit(cache=True, nogil=True)
def winners(data, weights, kind, scores, out):
    """Winning unit of each sample into ``out`` (N,) int64."""
    for i in range(data.shape[0]):
        fill_scores(data[i], weights, kind, scores)
        out[i] = argmin_first(scores[0])
