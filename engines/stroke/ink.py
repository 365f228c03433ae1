"""Where the ink is: the pipeline's binary image as a distance field, and line-on-ink checks.

A continuous line should stay on the shape it draws. The tour (:mod:`engines.stroke.tour`)
prices every hop by how much of it crosses paper, and :func:`ink_share` measures the same
thing on the finished, smoothed strokes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.stroke import _kernels as K

#: A point farther than this many pixels from the nearest ink pixel lies on paper. Nodes
#: sit on ink or on its outline (border snap); one pixel absorbs rounding to the grid.
INK_TOLERANCE_PX = 1.0


@dataclass(frozen=True)
class InkMap:
    """Distance from every pixel to the nearest ink pixel, and the point-to-pixel scale.

    Attributes
    ----------
    distance : (M, N) ndarray of float32
        Euclidean distance in pixels; 0 on ink.
    scale : float
        Point units per pixel (the pipeline's ``scale``): a pixel (row, col) is the point
        ``(col, -row) * scale``.
    tolerance : float
        Pixels from ink still counted as ink.
    """

    distance: np.ndarray
    scale: float
    tolerance: float = INK_TOLERANCE_PX


def ink_map(binary: np.ndarray, scale: float, *, tolerance: float = INK_TOLERANCE_PX) -> InkMap:
    """Build an :class:`InkMap` from a binary image (True = ink).

    Parameters
    ----------
    binary : (M, N) ndarray of bool
    scale : float
        Point units per pixel, as in :func:`engines.pipeline.binary_to_points`.
    tolerance : float
        Pixels from ink still counted as ink.

    Raises
    ------
    ValueError
        ``binary`` is not 2-D or holds no ink, or ``scale``/``tolerance`` is not positive.
    """
    from scipy.ndimage import distance_transform_edt

    binary = np.asarray(binary, dtype=bool)
    if binary.ndim != 2:
        raise ValueError(f"expected an (M, N) binary image, got shape {binary.shape}")
    if not binary.any():
        raise ValueError("the binary image holds no ink")
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    if not tolerance >= 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    distance = distance_transform_edt(~binary).astype(np.float32)
    return InkMap(distance, float(scale), float(tolerance))


def paper_length(polyline: np.ndarray, ink: InkMap) -> tuple[float, float]:
    """Length of ``polyline`` and the part of it on paper, in point units.

    Parameters
    ----------
    polyline : (K, 2) ndarray
        Points in point units (y up).
    ink : InkMap

    Returns
    -------
    total, on_paper : float
    """
    line = np.ascontiguousarray(polyline, dtype=np.float64).reshape(-1, 2)
    distance = np.ascontiguousarray(ink.distance, dtype=np.float32)
    total, paper = K.polyline_paper(line, distance, 1.0 / ink.scale, ink.tolerance)
    return float(total), float(paper)


def ink_share(polylines, ink: InkMap) -> float:
    """Share of the total length of ``polylines`` that lies on ink (1.0 = all of it).

    Parameters
    ----------
    polylines : iterable of (K, 2) ndarray
    ink : InkMap

    Returns
    -------
    float
        In [0, 1]; 1.0 for no lines at all.
    """
    total = paper = 0.0
    for line in polylines:
        t, p = paper_length(line, ink)
        total += t
        paper += p
    return 1.0 if total == 0 else 1.0 - paper / total
