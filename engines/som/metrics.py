"""Map quality: quantisation error, topographic error and the U-matrix.

The errors stream over the samples in chunks through a compiled kernel, so memory stays
O(chunk) however large the data (no samples x units distance matrix is ever built).
"""

from __future__ import annotations

import numpy as np

from engines.som import _kernels, grid
from engines.validation import check_count


def _best_two_chunks(x: np.ndarray, weights: np.ndarray, kind: int, chunk_size: int):
    chunk_size = check_count(chunk_size, "chunk_size", minimum=1)
    scores = np.empty((2, weights.shape[1]), dtype=np.float32)
    for start in range(0, x.shape[0], chunk_size):
        part = x[start : start + chunk_size]
        first = np.empty(part.shape[0], dtype=np.int64)
        second = np.empty(part.shape[0], dtype=np.int64)
        dist = np.empty(part.shape[0], dtype=np.float64)
        _kernels.best_two(part, weights, kind, scores, first, second, dist)
        yield first, second, dist


def quantization_error(
    x: np.ndarray, weights: np.ndarray, kind: int, *, chunk_size: int = 65536
) -> float:
    """Mean Euclidean distance from each sample to its winner.

    Parameters
    ----------
    x : (N, D) float32, C-contiguous
    weights : (D, U) float32, C-contiguous
    kind : int
        Winner criterion (``_kernels.DIST_*``); the distance measured is Euclidean always.
    """
    total = 0.0
    for _, _, dist in _best_two_chunks(x, weights, kind, chunk_size):
        total += float(dist.sum())
    return total / x.shape[0]


def are_adjacent(
    a: np.ndarray,
    b: np.ndarray,
    grid_shape: tuple[int, int],
    grid_type: str,
    toroidal: bool = False,
) -> np.ndarray:
    """Whether units ``a[i]`` and ``b[i]`` are one grid step apart, as a bool array."""
    rows, cols = grid_shape
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ra, ca = np.divmod(a, cols)
    rb, cb = np.divmod(b, cols)
    if grid_type == "hexagon":
        if not toroidal:
            return grid.hex_distance(ra, ca, rb, cb) == 1
        best = None
        for kr in (-rows, 0, rows) if rows > 1 else (0,):
            for kc in (-cols, 0, cols):
                d = grid.hex_distance(ra, ca, rb + kr, cb + kc)
                best = d if best is None else np.minimum(best, d)
        return (best == 1) & (a != b)
    dr = np.abs(ra - rb)
    dc = np.abs(ca - cb)
    if toroidal:
        dr = np.minimum(dr, rows - dr)
        dc = np.minimum(dc, cols - dc)
    return dr + dc == 1


def topographic_error(
    x: np.ndarray,
    weights: np.ndarray,
    kind: int,
    grid_shape: tuple[int, int],
    grid_type: str,
    toroidal: bool = False,
    *,
    chunk_size: int = 65536,
) -> float:
    """Share of samples whose two best units are not adjacent on the grid.

    A map with one unit has no runner-up; its topographic error is 0.
    """
    if weights.shape[1] < 2:
        return 0.0
    errors = 0
    for first, second, _ in _best_two_chunks(x, weights, kind, chunk_size):
        errors += int((~are_adjacent(first, second, grid_shape, grid_type, toroidal)).sum())
    return errors / x.shape[0]


def u_matrix(
    weights: np.ndarray, grid_type: str = "rect", toroidal: bool = False, *, expanded: bool = False
) -> np.ndarray:
    """U-matrix of a map: how far each unit is from its adjacent units.

    Parameters
    ----------
    weights : (rows, cols, D) ndarray
    grid_type : {'rect', 'hexagon'}
    toroidal : bool
        Wrapped neighbours count in each unit's mean.
    expanded : bool
        Return the (2 * rows - 1, 2 * cols - 1) map with a cell between each pair of
        neighbours: cell ``(2i, 2j + 1)`` is the distance between units ``(i, j)`` and
        ``(i, j + 1)``, cell ``(2i + 1, 2j)`` between ``(i, j)`` and ``(i + 1, j)``. Cell
        ``(2i + 1, 2j + 1)`` is the mean of the two diagonal distances on a rect grid, and
        the distance of the one hexagon edge that crosses it on a hexagon grid (odd rows
        shifted right: ``(i, j + 1)-(i + 1, j)`` below an even row ``i``,
        ``(i, j)-(i + 1, j + 1)`` below an odd one). Unit cells ``(2i, 2j)`` hold the
        unit's mean distance to its neighbours (the plain U-matrix value).

    Returns
    -------
    (rows, cols) or (2 * rows - 1, 2 * cols - 1) ndarray of float64
        The plain U-matrix is each unit's mean distance to its adjacent units (4 on rect,
        6 on hexagon grids, fewer at the borders; 0 for a map of one unit).
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 3:
        raise ValueError(f"weights must be shaped (rows, cols, D), got {w.shape}")
    rows, cols, _ = w.shape
    flat = w.reshape(rows * cols, -1)
    pairs = grid.adjacent_pairs((rows, cols), grid_type, toroidal)
    total = np.zeros(rows * cols)
    count = np.zeros(rows * cols)
    if len(pairs):
        dist = np.linalg.norm(flat[pairs[:, 0]] - flat[pairs[:, 1]], axis=1)
        np.add.at(total, pairs[:, 0], dist)
        np.add.at(total, pairs[:, 1], dist)
        np.add.at(count, pairs[:, 0], 1)
        np.add.at(count, pairs[:, 1], 1)
    plain = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
    plain = plain.reshape(rows, cols)
    if not expanded:
        return plain
    out = np.zeros((2 * rows - 1, 2 * cols - 1))
    out[::2, ::2] = plain
    out[::2, 1::2] = np.linalg.norm(w[:, 1:] - w[:, :-1], axis=2)
    out[1::2, ::2] = np.linalg.norm(w[1:] - w[:-1], axis=2)
    if rows > 1 and cols > 1:
        down_right = np.linalg.norm(w[1:, 1:] - w[:-1, :-1], axis=2)  # (i, j)-(i+1, j+1)
        down_left = np.linalg.norm(w[1:, :-1] - w[:-1, 1:], axis=2)  # (i, j+1)-(i+1, j)
        if grid_type == "hexagon":
            even = (np.arange(rows - 1) % 2 == 0)[:, None]
            out[1::2, 1::2] = np.where(even, down_left, down_right)
        else:
            out[1::2, 1::2] = (down_right + down_left) / 2
    return out
