"""How dark a line drawing looks, without writing it.

Tone art (:mod:`engines.pipeline.tone`) grows its network until the drawing's ink matches
the photo's tone; that check runs many times while training, so it must cost far less than
the PNG writer. :func:`line_ink` is the quick estimate: it spreads each segment's length
over a grid of small cells and turns a cell's line length into covered area with the
overlap of randomly placed lines, ``1 - exp(-length × pen / area)`` (within 2 % up to
16,000 nodes on a 512 px photo; dense meshes overlap less than random lines, and it falls
up to 5 % short at 40,000). :func:`drawn_ink` draws the segments as round-capped lines on a
grid of 2 x 2 sub-pixels per pixel in compiled code (20-50 ms for 10,000-40,000 segments),
and agrees with the PNG writer within 0.5 % at every density measured.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Side of the cells line length is gathered in, in image pixels.
INK_CELL_PX = 4
#: Points per pixel of length at which segments are sampled.
SAMPLES_PER_PX = 1.0
#: Sub-pixels per pixel side of :func:`drawn_ink`.
DRAWN_SUPERSAMPLE = 2
#: The PNG writer's lines (Pillow, 4x supersampled) cover this share of a round-capped line
#: of the nominal width (measured on GNG meshes of two photos, 10,000 to 40,000 nodes).
PNG_PEN = 0.93
#: The PNG writer's anti-aliased pen lays about this much more ink than its nominal width
#: (measured against :func:`engines.art.render_array` on GNG meshes of three photos, 4,000
#: to 16,000 nodes: the estimate then lies within 2 % of the drawn ink).
PEN_SPREAD = 1.12


def line_ink(
    segments: np.ndarray, shape: tuple[int, int], *, scale: float, pen_px: float
) -> np.ndarray:
    """Estimated ink coverage in [0, 1] of each cell of an image drawn with ``segments``.

    Parameters
    ----------
    segments : (S, 2, 2) ndarray
        Segments in point coordinates (pixel (row, col) is the point ``(col, -row) * scale``).
    shape : (M, N)
        The image's size in pixels.
    scale : float
        Point units per pixel.
    pen_px : float
        Pen width in image pixels.

    Returns
    -------
    (ceil(M / INK_CELL_PX), ceil(N / INK_CELL_PX)) ndarray of float64
    """
    h, w = shape
    cell = INK_CELL_PX
    grid = (-(-h // cell), -(-w // cell))
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2, 2) / scale
    if segments.size == 0:
        return np.zeros(grid)
    a, b = segments[:, 0], segments[:, 1]
    length = np.hypot(*(b - a).T)
    n = np.maximum(1, np.ceil(length * SAMPLES_PER_PX)).astype(np.int64)
    seg = np.repeat(np.arange(len(n)), n)
    start = np.cumsum(n) - n
    t = (np.arange(seg.size) - start[seg] + 0.5) / n[seg]
    pts = a[seg] + (b - a)[seg] * t[:, None]
    rows = np.clip((-pts[:, 1] // cell).astype(np.int64), 0, grid[0] - 1)
    cols = np.clip((pts[:, 0] // cell).astype(np.int64), 0, grid[1] - 1)
    weight = (length / n)[seg]
    total = np.bincount(rows * grid[1] + cols, weight, grid[0] * grid[1]).reshape(grid)
    return 1.0 - np.exp(-total * pen_px * PEN_SPREAD / (cell * cell))


def mean_line_ink(
    segments: np.ndarray, shape: tuple[int, int], *, scale: float, pen_px: float
) -> float:
    """:func:`line_ink` averaged over the image (cells weighted by their pixels)."""
    h, w = shape
    cell = INK_CELL_PX
    ink = line_ink(segments, shape, scale=scale, pen_px=pen_px)
    rows = np.minimum(cell, h - np.arange(ink.shape[0]) * cell)
    cols = np.minimum(cell, w - np.arange(ink.shape[1]) * cell)
    area = rows[:, None] * cols[None, :]
    return float((ink * area).sum() / area.sum())


def drawn_ink(
    segments: np.ndarray, shape: tuple[int, int], *, scale: float, pen_px: float
) -> float:
    """Mean ink of ``segments`` drawn on an image of ``shape`` (as the PNG writer draws it).

    Parameters as :func:`line_ink`.
    """
    from engines.art._coverage_kernels import cover

    h, w = shape
    segs = np.asarray(segments, dtype=np.float64).reshape(-1, 2, 2) / scale
    if segs.size == 0:
        return 0.0
    segs[..., 1] *= -1.0  # point y (up) → image row (down)
    half = 0.5 * pen_px * PNG_PEN
    return float(cover(np.ascontiguousarray(segs), h, w, half, DRAWN_SUPERSAMPLE).mean())


#: Tone lines ``tree`` read the darkness under an edge's midpoint from the photo blurred
#: by this Gaussian (pixels), about the spacing of the nodes in mid-tones.
TREE_DARKNESS_BLUR = 2.0


def darkness_map(pipeline) -> np.ndarray:
    """The darkness a tone drawing follows: its pipeline's blurred grey (inverted unless
    ``invert``), blurred by :data:`TREE_DARKNESS_BLUR`."""
    from skimage.filters import gaussian

    grey = np.clip(np.asarray(pipeline.blurred, dtype=np.float64), 0.0, 1.0)
    dark = grey if pipeline.params.invert else 1.0 - grey
    return gaussian(dark, sigma=TREE_DARKNESS_BLUR, preserve_range=True)


def tree_edges(
    nodes: np.ndarray, edges: np.ndarray, darkness: np.ndarray, *, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Which edges tone lines ``tree`` draw: the graph's minimum spanning forest (by
    length), and each other edge where :func:`engines.pipeline.tone.mesh_share` of the
    darkness under its midpoint exceeds the blue-noise threshold there (so the kept edges
    are spread evenly, the same ones every run).

    Parameters
    ----------
    nodes : (N, 2) ndarray
        Node positions in point coordinates (pixel (row, col) is ``(col, -row) * scale``).
    edges : (E, 2) ndarray of int
    darkness : (M, N) ndarray
        :func:`darkness_map` of the pipeline.
    scale : float
        Point units per pixel.

    Returns
    -------
    keep, in_tree : (E,) ndarrays of bool
    """
    from engines.pipeline.tone import blue_noise_tile, mesh_share

    nodes = np.asarray(nodes, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if edges.shape[0] == 0:
        empty = np.zeros(0, dtype=bool)
        return empty, empty
    n = nodes.shape[0]
    a, b = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
    length = np.hypot(*(nodes[a] - nodes[b]).T)
    in_tree = _kruskal(np.argsort(length, kind="stable"), a, b, n)
    mid = 0.5 * (nodes[a] + nodes[b]) / scale
    h, w = darkness.shape
    rows = np.clip(np.rint(-mid[:, 1]).astype(np.int64), 0, h - 1)
    cols = np.clip(np.rint(mid[:, 0]).astype(np.int64), 0, w - 1)
    tile = blue_noise_tile()
    threshold = tile[rows % tile.shape[0], cols % tile.shape[1]]
    return in_tree | (mesh_share(darkness[rows, cols]) > threshold), in_tree


@njit(cache=True)
def _kruskal(order: np.ndarray, a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Kruskal's minimum spanning forest: edges taken shortest first (``order``) when they
    join two trees (union-find with path halving). Returns the mask of edges taken."""
    parent = np.arange(n)
    taken = np.zeros(a.shape[0], dtype=np.bool_)
    for e in order:
        u, v = a[e], b[e]
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        if u != v:
            parent[u] = v
            taken[e] = True
    return taken
