"""A pen line that zigzags across its own path where it is lighter than the photo: the
``squiggle`` style of continuous strokes.

A single line through a tone network's nodes has about one edge per node where the mesh has
2.75, so with the same pen it lays about a third of the mesh's ink: a photo drawn as one line
comes out far lighter than the photo (rocket: the drawing's mean grey 0.85 where the photo's
is 0.24, at 15,000 nodes), and more nodes help slowly (a line's ink grows as the square root
of their number). A squiggle keeps the path and lets the pen swing across it in a zigzag a
few pen widths long, ``factor`` times the path's length: there the line lays ``factor``
times the ink, still in one stroke (the "squiggle" plotter style). The factor is set per
place (:func:`tone_factors`): the ink the plain line lays around a point is compared with the
photo's darkness there, and the zigzag makes up the difference, up to ``max_factor``. Where
the plain line is dark enough it stays straight.
"""

from __future__ import annotations

import numpy as np

#: Wavelength of the zigzag in pen widths: each leg spans one pen width along the path, so
#: the swings fill a band (a darker, wider line), not a visible pattern.
WAVELENGTH_PENS = 2.0
#: Samples (half wavelengths) each way over which the path's direction is taken (4: fewer
#: star-shaped tangles where the nodes lie closer than the wavelength; astronaut SSIM
#: 0.739 -> 0.752, rocket 0.827 -> 0.848 against 2).
TANGENT_SAMPLES = 4
#: The ink the photo asks for and the ink the plain line lays are compared on cells of
#: :data:`engines.art.tone.INK_CELL_PX` pixels, both smoothed by a Gaussian of this many
#: cells.
FACTOR_SMOOTH_CELLS = 1.5


def squiggle(line: np.ndarray, factor, wavelength: float) -> np.ndarray:
    """``line`` as a triangle wave along it, ``factor`` times as long.

    The path is resampled every half ``wavelength`` of its length; the samples swing
    alternately left and right of it, across its local direction, by the amplitude
    ``A = wavelength / 4 * sqrt(factor**2 - 1)`` that makes each leg ``factor`` times its
    share of the path. The line's ends stay where they were.

    Parameters
    ----------
    line : (K, 2) ndarray
    factor : float or (K,) ndarray
        Length of the squiggle over the length of the path, >= 1 (1: straight), for the whole
        line or at each of its points (interpolated along it).
    wavelength : float
        One left-and-right swing, in the line's units (> 0).

    Returns
    -------
    (L, 2) ndarray of float64
    """
    line = np.asarray(line, dtype=np.float64).reshape(-1, 2)
    factor = np.broadcast_to(np.asarray(factor, dtype=np.float64), (len(line),))
    if wavelength <= 0 or (factor < 1.0).any():
        raise ValueError(f"factor must be >= 1 and wavelength > 0, got {factor}, {wavelength}")
    if len(line) < 2 or (factor == 1.0).all():
        return line
    step = np.hypot(*np.diff(line, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(step)])
    total = float(along[-1])
    n = int(np.ceil(total / (0.5 * wavelength)))
    if n < 2:
        return line
    t = np.linspace(0.0, total, n + 1)
    points = np.column_stack([np.interp(t, along, line[:, 0]), np.interp(t, along, line[:, 1])])
    f = np.interp(t, along, factor)
    # The path's direction over two wavelengths (TANGENT_SAMPLES each way): a path with
    # nodes closer than the wavelength turns at every node, and its own tangent would
    # swing the zigzag round into stars.
    k = TANGENT_SAMPLES
    ahead = points[np.minimum(np.arange(n + 1) + k, n)]
    behind = points[np.maximum(np.arange(n + 1) - k, 0)]
    tangent = ahead - behind
    norm = np.hypot(*tangent.T)
    norm[norm == 0] = 1.0
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]]) / norm[:, None]
    # Each leg spans one step d of the path and swings 2A across it: sqrt(d² + 4A²) = f d.
    amplitude = 0.5 * (total / n) * np.sqrt(f**2 - 1.0)
    sign = np.where(np.arange(n + 1) % 2 == 0, 1.0, -1.0)
    sign[0] = sign[-1] = 0.0
    return points + (amplitude * sign)[:, None] * normal


def tone_factors(
    lines: list[np.ndarray],
    darkness: np.ndarray,
    *,
    scale: float,
    pen_px: float,
    max_factor: float,
) -> list[np.ndarray]:
    """Per point of each line, the squiggle factor that makes the lines as dark as
    ``darkness`` around it (between 1 and ``max_factor``).

    The plain lines' ink is estimated per cell (:func:`engines.art.tone.line_ink`, whose
    overlap model ``1 - exp(-length × pen / area)`` also gives the ink of a longer line:
    ``factor`` times the length); the factor is the ratio of the ink depths
    ``-ln(1 - ink)`` the photo asks for and the plain line lays, smoothed over neighbouring
    cells.

    Parameters
    ----------
    lines : list of (K, 2) ndarray
        In point coordinates (pixel (row, col) is ``(col, -row) * scale``).
    darkness : (M, N) ndarray in [0, 1]
        The photo's darkness (:func:`engines.art.tone.darkness_map`).
    scale : float
        Point units per pixel.
    pen_px : float
        Pen width in image pixels.
    max_factor : float
        The most a line may be lengthened (>= 1).
    """
    from scipy.ndimage import gaussian_filter

    from engines.art.tone import INK_CELL_PX, line_ink
    from engines.pipeline.tone import DARKEST

    if not lines:
        return []
    h, w = darkness.shape
    segments = np.concatenate([np.stack([p[:-1], p[1:]], axis=1) for p in lines if len(p) > 1])
    plain = line_ink(segments, (h, w), scale=scale, pen_px=pen_px)
    cell = INK_CELL_PX
    gh, gw = plain.shape
    padded = np.zeros((gh * cell, gw * cell))
    padded[:h, :w] = np.clip(darkness, 0.0, DARKEST)
    counts = np.zeros_like(padded)
    counts[:h, :w] = 1.0
    target = padded.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    target /= np.maximum(counts.reshape(gh, cell, gw, cell).sum(axis=(1, 3)), 1.0)
    # Ink depths compared over a few cells: wider than the gaps between the line's runs, so
    # a cell the line misses does not count as one that needs no squiggle.
    want = gaussian_filter(-np.log1p(-target), FACTOR_SMOOTH_CELLS, mode="nearest")
    have = gaussian_filter(-np.log1p(-np.minimum(plain, 0.999)), FACTOR_SMOOTH_CELLS,
                           mode="nearest")  # fmt: skip
    factor = np.clip(want / np.maximum(have, 1e-6), 1.0, max_factor)
    out = []
    for p in lines:
        rows = np.clip((-p[:, 1] / scale // cell).astype(np.int64), 0, gh - 1)
        cols = np.clip((p[:, 0] / scale // cell).astype(np.int64), 0, gw - 1)
        out.append(factor[rows, cols])
    return out
