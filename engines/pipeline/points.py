"""Turn a binary image into 2-D points.

Convention (NeuPy's): a foreground pixel at (row, col) becomes the point ``(col, -row)``
times ``scale``, so x grows to the right and y grows upwards, as in a plot.
"""

from __future__ import annotations

import numpy as np


def binary_to_points(
    binary: np.ndarray,
    *,
    scale: float = 1.0,
    max_points: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Coordinates of the foreground pixels of ``binary``.

    Parameters
    ----------
    binary : (M, N) ndarray of bool
    scale : float
        Multiplies both coordinates.
    max_points : int, optional
        Keep at most this many points, a uniform random subset drawn with ``seed``
        (kept in row-major order).
    seed : int

    Returns
    -------
    points : (P, 2) ndarray of float32, C-contiguous, rows ``(col, -row) * scale``.
    """
    if binary.ndim != 2:
        raise ValueError(f"expected an (M, N) binary image, got shape {binary.shape}")
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    rows, cols = np.nonzero(binary)
    if max_points is not None:
        if max_points < 1:
            raise ValueError(f"max_points must be >= 1, got {max_points}")
        if rows.size > max_points:
            keep = np.sort(np.random.default_rng(seed).choice(rows.size, max_points, replace=False))
            rows, cols = rows[keep], cols[keep]
    points = np.empty((rows.size, 2), dtype=np.float32)
    points[:, 0] = cols * scale
    points[:, 1] = -rows * scale
    return points


def points_to_pixels(points: np.ndarray, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`binary_to_points`: (rows, cols) as floats."""
    return -points[:, 1] / scale, points[:, 0] / scale


def pixels_to_points(
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    scale: float = 1.0,
    max_points: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Points at (possibly fractional) pixel positions, as :func:`binary_to_points` makes
    them: ``(col, -row) * scale``, float32, at most ``max_points`` (a uniform random subset
    drawn with ``seed``, kept in the given order).

    Parameters
    ----------
    rows, cols : (P,) ndarray of float
    """
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    rows = np.asarray(rows, dtype=np.float64)
    cols = np.asarray(cols, dtype=np.float64)
    if max_points is not None and rows.size > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(rows.size, max_points, replace=False))
        rows, cols = rows[keep], cols[keep]
    points = np.empty((rows.size, 2), dtype=np.float32)
    points[:, 0] = cols * scale
    points[:, 1] = -rows * scale
    return points
