"""A slow plain-NumPy SOFM with NeuPy's semantics, written independently of the engine.

Grid distances come from first principles here: per-axis offsets for rect grids, and a
breadth-first walk over each hexagon's six neighbours (odd rows shifted right) for hexagon
grids, so a mistake in ``engines.som.grid`` cannot hide in both.
"""

from __future__ import annotations

from collections import deque

import numpy as np


def hex_neighbours(r: int, c: int, rows: int, cols: int, toroidal: bool) -> list[tuple]:
    """The six cells around (r, c): odd rows sit half a step to the right."""
    if r % 2 == 0:
        around = [(0, -1), (0, 1), (-1, -1), (-1, 0), (1, -1), (1, 0)]
    else:
        around = [(0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, 1)]
    out = []
    for dr, dc in around:
        rr, cc = r + dr, c + dc
        if toroidal:
            rr, cc = rr % rows, cc % cols
        elif not (0 <= rr < rows and 0 <= cc < cols):
            continue
        out.append((rr, cc))
    return out


def hex_distances_from(r0: int, c0: int, rows: int, cols: int, toroidal: bool) -> np.ndarray:
    """(rows, cols) hexagon steps from (r0, c0), by breadth-first search."""
    dist = np.full((rows, cols), -1, dtype=np.int64)
    dist[r0, c0] = 0
    queue = deque([(r0, c0)])
    while queue:
        r, c = queue.popleft()
        for rr, cc in hex_neighbours(r, c, rows, cols, toroidal):
            if dist[rr, cc] < 0:
                dist[rr, cc] = dist[r, c] + 1
                queue.append((rr, cc))
    return dist


def axis_distances(r0, c0, rows, cols, toroidal):
    rr, cc = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    dr, dc = np.abs(rr - r0), np.abs(cc - c0)
    if toroidal:
        dr, dc = np.minimum(dr, rows - dr), np.minimum(dc, cols - dc)
    return dr, dc


def gaussian(d, std):
    d = np.asarray(d, dtype=np.float64)
    if std == 0:
        return np.where(d == 0, 1.0, 0.0)
    return np.exp(-np.square(d) / (2 * np.pi * std**2))


def neighbourhood(winner, grid, grid_type, toroidal, radius, std):
    """(U,) factors of every unit, 0 outside the radius (and a mask of who is updated)."""
    one_d = len(grid) == 1
    rows, cols = (1, grid[0]) if one_d else grid
    r0, c0 = divmod(int(winner), cols)
    if grid_type == "hexagon":
        d = hex_distances_from(r0, c0, rows, cols, toroidal)
        mask = d <= radius
        factor = gaussian(d, std)
    else:
        dr, dc = axis_distances(r0, c0, rows, cols, toroidal)
        mask = dr**2 + dc**2 <= radius**2
        factor = gaussian(dc, std) if one_d else (gaussian(dr, std) + gaussian(dc, std)) / 2
    return mask.ravel(), factor.ravel()


def winner_of(x, w, distance):
    """NeuPy's winner: nearest (euclid) or most similar (cos, dot); first on ties."""
    if distance == "euclid":
        return int(np.argmin(np.sum((w - x[:, None]) ** 2, axis=0)))
    dots = x.dot(w)
    if distance == "dot":
        return int(np.argmax(dots))
    norms = np.sqrt(np.sum(w * w, axis=0))
    return int(np.argmax(dots / (np.float32(np.sqrt(np.sum(x * x))) * norms)))


def schedule(p, epoch):
    radius, step, std = p.learning_radius, p.step, p.std
    if p.reduce_radius_after:
        radius = max(0, radius - epoch // p.reduce_radius_after)
    if p.reduce_step_after:
        step = step / (1 + epoch / p.reduce_step_after)
    if p.reduce_std_after:
        std = std / (1 + epoch / p.reduce_std_after)
    return radius, step, std


def train_online(data, weights, p, epochs, *, first_epoch=1, orders=None):
    """Online NeuPy training. ``weights`` (*grid, D); returns (weights, errors per epoch).

    ``orders`` gives the presentation order of each epoch (default: data order).
    """
    x_all = np.asarray(data, dtype=np.float32)
    d = x_all.shape[1]
    w = np.asarray(weights, dtype=np.float32).reshape(-1, d).T.copy()
    grid = tuple(p.features_grid)
    errors = []
    for e in range(epochs):
        epoch = first_epoch + e
        radius, step, std = schedule(p, epoch)
        order = np.arange(len(x_all)) if orders is None else orders[e]
        total = 0.0
        for i in order:
            x = x_all[i]
            win = winner_of(x, w, p.distance)
            mask, factor = neighbourhood(win, grid, p.grid_type, p.toroidal, radius, std)
            idx = np.flatnonzero(mask)
            diff = x[:, None] - w[:, idx]  # float32
            updated = w[:, idx] + (step * factor[idx]) * diff  # float64
            if p.distance == "cos":
                updated = updated / np.linalg.norm(updated, axis=0)
            w[:, idx] = updated
            total += float(np.abs(diff.astype(np.float64)).mean())
        errors.append(total / len(x_all))
    return w.T.reshape(*grid, d), errors


def train_batch(data, weights, p, epochs, *, first_epoch=1):
    """Batch training: each unit becomes the factor-weighted mean of the samples won by
    the units within the radius around it."""
    x_all = np.asarray(data, dtype=np.float32)
    d = x_all.shape[1]
    w = np.asarray(weights, dtype=np.float32).reshape(-1, d).T.copy()
    grid = tuple(p.features_grid)
    n_units = w.shape[1]
    for e in range(epochs):
        radius, _, std = schedule(p, first_epoch + e)
        wins = np.array([winner_of(x, w, p.distance) for x in x_all])
        numer = np.zeros((n_units, d))
        denom = np.zeros(n_units)
        for i, b in enumerate(wins):
            mask, factor = neighbourhood(b, grid, p.grid_type, p.toroidal, radius, std)
            h = np.where(mask, factor, 0.0)
            numer += h[:, None] * x_all[i].astype(np.float64)[None]
            denom += h
        reached = denom > 0
        new = numer[reached] / denom[reached, None]
        if p.distance == "cos":
            new = new / np.linalg.norm(new, axis=1, keepdims=True)
        w[:, reached] = new.T
    return w.T.reshape(*grid, d)


def quantization_error(data, weights, distance="euclid"):
    x = np.asarray(data, dtype=np.float32)
    w = np.asarray(weights, dtype=np.float32).reshape(-1, x.shape[1]).T
    total = 0.0
    for row in x:
        win = winner_of(row, w, distance)
        total += float(np.linalg.norm(row.astype(np.float64) - w[:, win]))
    return total / len(x)
