"""Smoothing a node path into a pen line: one neighbour average, then Chaikin's corner
cutting.

Where a stroke of the picture is two nodes wide, the path through its nodes zigzags from
one edge of the stroke to the other at every node. A ``[1, 2, 1] / 4`` average along the
path removes exactly that alternation (it is the one frequency the filter zeroes) and moves
a node on a smooth path by a quarter of its curvature offset only; Chaikin passes then
round the corners that remain.

Chaikin replaces each corner by two points a quarter of the way along its legs; repeated,
the polyline converges to a quadratic B-spline. It was chosen over an interpolating spline
(Catmull-Rom) because every new point is a convex combination of two neighbours on the
path: the smoothed line never swings outside the path's own hull, so where the path stays
on ink the line does too, and it cannot overshoot into the paper at a sharp turn.
"""

from __future__ import annotations

import numpy as np

#: Passes above this add points without a visible change (each halves the corner size).
MAX_SMOOTHING = 6


def relax(line: np.ndarray, *, closed: bool = False) -> np.ndarray:
    """One ``[1, 2, 1] / 4`` average of each point with its neighbours.

    Parameters
    ----------
    line : (K, 2) ndarray
    closed : bool
        The line is a ring (its last point joins its first): every point is averaged,
        cyclically. Otherwise both ends are kept.

    Returns
    -------
    (K, 2) ndarray of float64
    """
    out = np.array(line, dtype=np.float64).reshape(-1, 2)
    if len(out) < 3:
        return out
    if closed:
        return 0.25 * np.roll(out, 1, axis=0) + 0.5 * out + 0.25 * np.roll(out, -1, axis=0)
    out[1:-1] = 0.25 * out[:-2] + 0.5 * out[1:-1] + 0.25 * out[2:]
    return out


def smooth_path(line: np.ndarray, passes: int = 2, *, closed: bool = False) -> np.ndarray:
    """A node path as a pen line: :func:`relax` once, then ``passes`` Chaikin passes.

    ``passes`` 0 returns the path unchanged (straight hops between the nodes). A closed
    path comes back as a closed polyline: its first point repeated at the end.
    """
    if passes == 0:
        out = chaikin(line, 0)
        return np.vstack([out, out[:1]]) if closed and len(out) >= 3 else out
    return chaikin(relax(line, closed=closed), passes, closed=closed)


def chaikin(line: np.ndarray, passes: int = 2, *, closed: bool = False) -> np.ndarray:
    """Cut the corners of a polyline ``passes`` times.

    Parameters
    ----------
    line : (K, 2) ndarray
    passes : int
        0 returns the line unchanged; each pass roughly doubles the number of points.
    closed : bool
        The line is a ring: the leg from its last point back to its first is cut too, and
        the result is a closed polyline (first point repeated at the end). Otherwise both
        ends are kept.

    Returns
    -------
    (K', 2) ndarray of float64
        Open: ``K' = 2 (K - 1)`` after one pass. Closed: ``2 K + 1``. ``K`` when ``K < 3``.
    """
    if not 0 <= passes <= MAX_SMOOTHING:
        raise ValueError(f"passes must lie in [0, {MAX_SMOOTHING}], got {passes}")
    out = np.asarray(line, dtype=np.float64).reshape(-1, 2)
    if len(out) < 3:
        return out.copy()
    if closed:
        for _ in range(passes):
            out = _cut_corners(out, np.roll(out, -1, axis=0))
        return np.vstack([out, out[:1]])
    for _ in range(passes):
        inner = _cut_corners(out[:-1], out[1:])
        inner[0] = out[0]
        inner[-1] = out[-1]
        out = inner
    return out


def _cut_corners(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Points a quarter and three quarters along each leg a[i] → b[i], interleaved."""
    out = np.empty((2 * len(a), 2))
    out[0::2] = 0.75 * a + 0.25 * b
    out[1::2] = 0.25 * a + 0.75 * b
    return out
