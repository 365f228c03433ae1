"""How well a drawn graph follows the outline of the shape it learned.

GNG art tends to come out "skinny": each node settles at the centroid of the points that
pull it, so the outermost nodes sit inside the outline, by about half the node spacing.
:func:`outline_coverage` measures it: the fraction of the shape's outline pixels that lie
near a drawn edge.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage


def outline_pixels(binary: np.ndarray) -> np.ndarray:
    """Foreground pixels with a background 4-neighbour (outside the image counts as
    background, so a shape cut by the frame has an outline along the frame).

    Parameters
    ----------
    binary : (M, N) ndarray of bool

    Returns
    -------
    mask : (M, N) ndarray of bool
    """
    binary = np.asarray(binary, dtype=bool)
    if binary.ndim != 2:
        raise ValueError(f"binary must be an (M, N) image, got shape {binary.shape}")
    return binary & ~ndimage.binary_erosion(binary, border_value=0)


def outline_coverage(
    binary: np.ndarray,
    nodes: np.ndarray,
    edges: np.ndarray,
    to_pixels: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray] | np.ndarray],
    tol: float = 2.0,
) -> float:
    """Fraction of the outline pixels of ``binary`` within ``tol`` pixels of a drawn edge.

    Parameters
    ----------
    binary : (M, N) ndarray of bool
        The shape (True = foreground), e.g. ``PipelineResult.binary``.
    nodes : (N, 2) ndarray of float
        Node positions in point coordinates.
    edges : (E, 2) ndarray of int
        Row pairs into ``nodes``; each is drawn as a straight segment.
    to_pixels : callable
        Maps an (N, 2) array of points to pixel positions, as a ``(rows, cols)`` pair or an
        (N, 2) array of (row, col); e.g. ``lambda p: points_to_pixels(p, scale)``.
    tol : float
        Distance in pixels (pixel centres to segments), > 0.

    Returns
    -------
    float
        In [0, 1]; 0 when there are no edges, NaN when the shape has no outline pixel.
    """
    if tol <= 0:
        raise ValueError(f"tol must be > 0, got {tol}")
    outline = outline_pixels(binary)
    n_outline = int(outline.sum())
    if n_outline == 0:
        return float("nan")
    nodes = np.asarray(nodes, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if nodes.ndim != 2 or nodes.shape[1] != 2:
        raise ValueError(f"nodes must have shape (N, 2), got {nodes.shape}")
    if edges.size and (edges.min() < 0 or edges.max() >= nodes.shape[0]):
        raise ValueError(
            f"edges must index nodes 0..{nodes.shape[0] - 1}, "
            f"got values {edges.min()}..{edges.max()}"
        )
    if edges.shape[0] == 0:
        return 0.0
    pix = to_pixels(nodes)
    rc = np.column_stack(pix) if isinstance(pix, tuple) else np.asarray(pix, dtype=np.float64)
    covered = np.zeros_like(outline)
    height, width = outline.shape
    for a, b in edges:
        p, q = rc[a], rc[b]
        r0 = max(int(np.floor(min(p[0], q[0]) - tol)), 0)
        r1 = min(int(np.ceil(max(p[0], q[0]) + tol)), height - 1)
        c0 = max(int(np.floor(min(p[1], q[1]) - tol)), 0)
        c1 = min(int(np.ceil(max(p[1], q[1]) + tol)), width - 1)
        if r0 > r1 or c0 > c1:
            continue
        rows, cols = np.nonzero(outline[r0 : r1 + 1, c0 : c1 + 1])
        if rows.size == 0:
            continue
        rows = rows + r0
        cols = cols + c0
        d = q - p
        length2 = d @ d
        if length2 > 0:
            t = np.clip(((rows - p[0]) * d[0] + (cols - p[1]) * d[1]) / length2, 0.0, 1.0)
        else:
            t = np.zeros(rows.size)
        dr = rows - (p[0] + t * d[0])
        dc = cols - (p[1] + t * d[1])
        near = dr * dr + dc * dc <= tol * tol
        covered[rows[near], cols[near]] = True
    return float(covered.sum() / n_outline)
