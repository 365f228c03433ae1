"""Find the points on a point cloud's outline (for border emphasis)."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

#: A point is on the outline when the centroid of its neighbours within the search radius
#: sits more than this fraction of the radius away from it. Inside a filled shape the
#: neighbourhood is symmetric (offset ≈ 0); on a straight edge it is a half disc (offset
#: ≈ 0.42 of the radius), so 0.2 keeps the outline band and ignores lattice noise.
OFFSET_FRACTION = 0.2
#: ... or when it has fewer than this fraction of the usual number of neighbours (thin
#: strokes, one or two points wide, have symmetric but sparse neighbourhoods).
COUNT_FRACTION = 0.6


#: The neighbourhood radius is the median distance to this many nearest neighbours...
NEIGHBOURS = 24
#: ... measured on an evenly strided subset of at most this many points.
RADIUS_SAMPLE = 2000


def neighbourhood_radius(points: np.ndarray, tree: cKDTree) -> float:
    """Median distance from a point to its ``NEIGHBOURS``-th nearest other point.

    About ``NEIGHBOURS`` points lie within it, whatever the point density: on a pixel
    lattice it is 2√2 pitches; on a random subset of one it grows with the spacing.
    """
    k = min(NEIGHBOURS, points.shape[0] - 1)
    stride = max(1, points.shape[0] // RADIUS_SAMPLE)
    d, _ = tree.query(points[::stride], k=[k + 1])
    return float(np.median(d))


def outline_mask(points: np.ndarray) -> np.ndarray:
    """Which points lie on the outline of the shape they fill.

    A point is on the outline when its neighbourhood (see :func:`neighbourhood_radius`)
    is lopsided, its neighbours' centroid lying more than ``OFFSET_FRACTION`` of the radius
    away, or sparse, with fewer than ``COUNT_FRACTION`` of the median neighbour count. On
    a pixel lattice (the pipeline's points) this is a band one to two pixels wide along
    every outline, the frame's and the holes' included; on a random subset of a lattice
    the band widens with the spacing.

    Parameters
    ----------
    points : (P, 2) ndarray of float

    Returns
    -------
    mask : (P,) ndarray of bool
    """
    pts = np.asarray(points, dtype=np.float64)
    tree = cKDTree(pts)
    radius = neighbourhood_radius(pts, tree)
    if radius == 0.0:
        return np.zeros(pts.shape[0], dtype=bool)
    pairs = tree.query_pairs(radius, output_type="ndarray")
    n = pts.shape[0]
    i, j = pairs[:, 0], pairs[:, 1]
    diff = pts[j] - pts[i]  # from i to j; the same pair seen from j is its negative
    sum_x = np.bincount(i, diff[:, 0], n) - np.bincount(j, diff[:, 0], n)
    sum_y = np.bincount(i, diff[:, 1], n) - np.bincount(j, diff[:, 1], n)
    counts = (np.bincount(i, minlength=n) + np.bincount(j, minlength=n)).astype(np.float64)
    offset = np.hypot(sum_x, sum_y) / np.maximum(counts, 1.0)
    sparse = counts < COUNT_FRACTION * np.median(counts)
    return (offset > OFFSET_FRACTION * radius) | sparse
