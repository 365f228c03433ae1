"""Compiled kernels that order strokes to cut pen-up travel (greedy, then 2-opt)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _dist(ax: float, ay: float, bx: float, by: float) -> float:
    return np.sqrt((ax - bx) ** 2 + (ay - by) ** 2)


@njit(cache=True)
def greedy_order(starts: np.ndarray, ends: np.ndarray, home: np.ndarray):
    """Visit strokes nearest-first from ``home``, reversing a stroke when its end is nearer.

    Returns (order, reversed) arrays.
    """
    n = starts.shape[0]
    order = np.empty(n, dtype=np.int64)
    flipped = np.zeros(n, dtype=np.bool_)
    used = np.zeros(n, dtype=np.bool_)
    x, y = home[0], home[1]
    for k in range(n):
        best, best_d, best_flip = -1, np.inf, False
        for i in range(n):
            if used[i]:
                continue
            d = _dist(x, y, starts[i, 0], starts[i, 1])
            if d < best_d:
                best, best_d, best_flip = i, d, False
            d = _dist(x, y, ends[i, 0], ends[i, 1])
            if d < best_d:
                best, best_d, best_flip = i, d, True
        used[best] = True
        order[k] = best
        flipped[best] = best_flip
        if best_flip:
            x, y = starts[best, 0], starts[best, 1]
        else:
            x, y = ends[best, 0], ends[best, 1]
    return order, flipped


@njit(cache=True)
def two_opt(first: np.ndarray, last: np.ndarray, home: np.ndarray, max_passes: int):
    """Improve a stroke sequence by reversing runs of it (2-opt on the pen-up path).

    ``first[k]``/``last[k]`` are where the k-th stroke in drawing order starts and ends.
    Reversing strokes k+1..j reverses each of them too. Returns the new sequence as
    (permutation of k, flipped flags) applied to the input sequence.
    """
    n = first.shape[0]
    perm = np.arange(n)
    flip = np.zeros(n, dtype=np.bool_)
    f = first.copy()
    l = last.copy()
    for _ in range(max_passes):
        improved = False
        for i in range(-1, n - 1):
            # Pen position before stroke i+1: home or the end of stroke i.
            if i < 0:
                px, py = home[0], home[1]
            else:
                px, py = l[i, 0], l[i, 1]
            for j in range(i + 1, n):
                before = _dist(px, py, f[i + 1, 0], f[i + 1, 1])
                after = _dist(px, py, l[j, 0], l[j, 1])
                if j + 1 < n:
                    before += _dist(l[j, 0], l[j, 1], f[j + 1, 0], f[j + 1, 1])
                    after += _dist(f[i + 1, 0], f[i + 1, 1], f[j + 1, 0], f[j + 1, 1])
                if after < before - 1e-9:
                    lo, hi = i + 1, j
                    while lo < hi:
                        for a in range(2):
                            tf, tl = f[lo, a], l[lo, a]
                            f[lo, a], l[lo, a] = l[hi, a], f[hi, a]
                            l[hi, a], f[hi, a] = tf, tl
                        tp, tq = perm[lo], flip[lo]
                        perm[lo], flip[lo] = perm[hi], not flip[hi]
                        perm[hi], flip[hi] = tp, not tq
                        lo += 1
                        hi -= 1
                    if lo == hi:
                        for a in range(2):
                            f[lo, a], l[lo, a] = l[lo, a], f[lo, a]
                        flip[lo] = not flip[lo]
                    improved = True
        if not improved:
            break
    return perm, flip
