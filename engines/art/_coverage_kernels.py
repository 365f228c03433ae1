"""Compiled kernel: the share of each pixel a set of round-capped segments covers."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def cover(segments: np.ndarray, height: int, width: int, half: float, ss: int) -> np.ndarray:
    """Mark every sub-pixel (``ss`` x ``ss`` per pixel) whose centre lies within ``half`` of
    a segment, then count them per pixel: (height, width) float64 in [0, 1].

    ``segments`` is (S, 2, 2) in pixel units: (x = column, y = row), pixel centres at
    integers.
    """
    fh, fw = height * ss, width * ss
    mask = np.zeros((fh, fw), dtype=np.bool_)
    r = half * ss
    r2 = r * r
    for i in range(segments.shape[0]):
        ax = (segments[i, 0, 0] + 0.5) * ss
        ay = (segments[i, 0, 1] + 0.5) * ss
        bx = (segments[i, 1, 0] + 0.5) * ss
        by = (segments[i, 1, 1] + 0.5) * ss
        dx, dy = bx - ax, by - ay
        ll = dx * dx + dy * dy
        x0 = max(0, int(np.floor(min(ax, bx) - r)))
        x1 = min(fw - 1, int(np.ceil(max(ax, bx) + r)))
        y0 = max(0, int(np.floor(min(ay, by) - r)))
        y1 = min(fh - 1, int(np.ceil(max(ay, by) + r)))
        for y in range(y0, y1 + 1):
            py = y + 0.5
            for x in range(x0, x1 + 1):
                px = x + 0.5
                t = 0.0
                if ll > 0.0:
                    t = ((px - ax) * dx + (py - ay) * dy) / ll
                    t = min(1.0, max(0.0, t))
                qx = ax + t * dx - px
                qy = ay + t * dy - py
                if qx * qx + qy * qy <= r2:
                    mask[y, x] = True
    out = np.zeros((height, width))
    for y in range(fh):
        for x in range(fw):
            if mask[y, x]:
                out[y // ss, x // ss] += 1.0
    return out / (ss * ss)
