"""Points that follow a photo's tones or its contours (the pipeline's ``points`` option).

``binary`` (the seed's way, :mod:`engines.pipeline.steps`) keeps the pixels darker than a
threshold: right for silhouettes and text, blobs on an ordinary photo. The two other modes:

- ``tone``: points drawn with a probability that rises with darkness, so the network's
  node density follows the photo's tones like a halftone mesh. A mesh of node density
  ``n`` covers ``1 - exp(-c √n)`` of the paper (lines overlap more as they crowd), and a
  Growing Neural Gas puts nodes at about the 0.75 power of the points' density; so points
  are drawn at ``density × ink_depth(darkness) ** gamma`` per pixel, where ``ink_depth(d) =
  -ln(1 - d)`` (scaled to 1 at :data:`DARKEST`), and ``gamma = 2/0.75 ≈ 2.7`` makes the
  drawing's ink follow darkness linearly, black included (on a grey ramp drawn with 9,000
  nodes the ink stays within 0.04 of the darkness; ``darkness ** 3`` falls 0.08 short in the
  dark and overshoots the mid-tones). Points are drawn independently per pixel
  (``random``: Poisson counts, so ``density`` may exceed one point per pixel), by
  Floyd–Steinberg error diffusion (``diffusion``) or against a blue-noise threshold tile
  (``blue_noise``); every point is jittered within its pixel.
- ``edges``: Canny edge pixels and thinned dark ridges (Sato or Meijering filters), so the
  network traces contours and lines (whiskers, hair, cracks).

``auto`` chooses ``binary`` or ``tone`` from the histogram (:func:`choose_mode`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

#: ``auto`` takes ``binary`` when the grey histogram is two narrow modes: Otsu's
#: between-class variance is at least this share of the total variance ...
BINARY_SEPARATION = 0.85
#: ... and at most this share of the pixels lies between the two classes' means (the inner
#: half of the gap). Text, silhouettes and signatures pass; the bundled photos do not.
BINARY_MIDTONES = 0.07
#: Darkness is clipped here before the tone curve, so paper-white stays empty.
WHITE_CUTOFF = 0.02
#: ... and here, where the ink depth would grow without bound (black is drawn as this dark).
DARKEST = 0.95
#: The default tone curve: 2 / the GNG's magnification exponent (about 0.75).
DEFAULT_GAMMA = 2.7
#: Edges per node of a settled GNG mesh over tone points (2.7 to 2.85 measured on photos; a
#: triangulation tends to 3).
MESH_EDGES_PER_NODE = 2.75
#: Tone lines ``tree`` (:func:`mesh_share`): at or below this darkness only the network's
#: spanning tree is drawn (about one edge per node) ...
TREE_LIGHT = 0.3
#: ... at or above this darkness every edge, and in between a share of the other edges
#: rising linearly with darkness.
TREE_DARK = 0.8
#: Side of the blue-noise threshold tile, in pixels.
BLUE_NOISE_TILE = 64
#: Width (pixels) of the Gaussian the void-and-cluster method measures clustering with.
BLUE_NOISE_SIGMA = 1.5
#: Ridge pixels: filter response above this quantile of the response over the image ...
RIDGE_QUANTILE = 0.9
#: ... and above this share of the strongest response.
RIDGE_FLOOR = 0.15
#: Scales (pixels) the ridge filters look at.
RIDGE_SIGMAS = (1.0, 2.0)


@dataclass(frozen=True)
class ModeChoice:
    """Which points mode ``auto`` chose and the histogram figures it chose by."""

    mode: str
    separation: float
    midtones: float

    @property
    def reason(self) -> str:
        kind = "two narrow modes" if self.mode == "binary" else "a spread of tones"
        return (
            f"{self.mode}: the histogram shows {kind} (Otsu separation {self.separation:.2f}, "
            f"limit {BINARY_SEPARATION}; mid-tones {self.midtones:.1%}, limit "
            f"{BINARY_MIDTONES:.0%})"
        )


def choose_mode(grey: np.ndarray) -> ModeChoice:
    """``binary`` for an image whose histogram is two narrow modes, else ``tone``.

    Parameters
    ----------
    grey : (M, N) ndarray of float in [0, 1]
    """
    from skimage.filters import threshold_otsu

    values = np.asarray(grey, dtype=np.float64).ravel()
    total = float(values.var())
    if total < 1e-12:
        return ModeChoice("binary", 1.0, 0.0)
    t = float(threshold_otsu(values))
    dark = values < t
    w0 = float(dark.mean())
    if w0 in (0.0, 1.0):
        return ModeChoice("binary", 1.0, 0.0)
    m0, m1 = float(values[dark].mean()), float(values[~dark].mean())
    separation = w0 * (1.0 - w0) * (m1 - m0) ** 2 / total
    lo, hi = m0 + 0.25 * (m1 - m0), m1 - 0.25 * (m1 - m0)
    midtones = float(((values > lo) & (values < hi)).mean())
    binary = separation >= BINARY_SEPARATION and midtones <= BINARY_MIDTONES
    return ModeChoice("binary" if binary else "tone", separation, midtones)


def mesh_share(darkness: np.ndarray | float) -> np.ndarray:
    """Share of a tone network's edges outside its spanning tree that tone lines ``tree``
    draw at ``darkness``: 0 up to :data:`TREE_LIGHT`, 1 from :data:`TREE_DARK`, linear in
    between.

    Why: the ink of a line drawing is its length times the pen, so a light tone drawn as a
    mesh (:data:`MESH_EDGES_PER_NODE` edges per node) needs few nodes far apart, and its
    cells (15 px across at darkness 0.2 with a 1 px pen) show as holes and a coarse net. A
    tree has one edge per node: the same ink takes 2.75 times closer nodes, an even maze
    of short lines (camera's sky and grass: SSIM 0.75 → 0.85, benchmarks/bench_likeness.py).
    Dark tones keep the whole mesh: the most ink per node.
    """
    d = np.asarray(darkness, dtype=np.float64)
    return np.clip((d - TREE_LIGHT) / (TREE_DARK - TREE_LIGHT), 0.0, 1.0)


def edges_per_node(darkness: np.ndarray | float, lines: str = "mesh") -> np.ndarray:
    """Drawn edges per node of a settled tone network at ``darkness`` (``lines``: 'mesh'
    draws them all, 'tree' its spanning tree plus :func:`mesh_share` of the others)."""
    d = np.asarray(darkness, dtype=np.float64)
    if lines == "mesh":
        return np.full(d.shape, MESH_EDGES_PER_NODE)
    if lines != "tree":
        raise ValueError(f"lines must be mesh or tree, got {lines!r}")
    return 1.0 + (MESH_EDGES_PER_NODE - 1.0) * mesh_share(d)


def tone_density(
    grey: np.ndarray,
    *,
    gamma: float = DEFAULT_GAMMA,
    density: float = 1.0,
    invert: bool = False,
    lines: str = "mesh",
) -> np.ndarray:
    """Expected points per pixel: ``density × ink_depth(darkness) ** gamma`` (see the
    module's docstring), 0 for paper white and ``density`` for black. With ``lines='tree'``
    the ink depth is multiplied by ``MESH_EDGES_PER_NODE / edges_per_node(darkness)``: fewer
    lines per node need closer nodes for the same ink (:func:`mesh_share`).

    Parameters
    ----------
    grey : (M, N) ndarray of float in [0, 1]
    gamma : float
        The tone curve (> 0); larger values empty the light tones faster (more contrast).
    density : float
        Points per pixel where the image is black.
    invert : bool
        Light tones draw instead of dark ones.
    lines : {'mesh', 'tree'}
        Which of the network's lines the drawing keeps (``PipelineParams.tone_lines``).

    Returns
    -------
    (M, N) ndarray of float64
    """
    if gamma <= 0 or density <= 0:
        raise ValueError(f"gamma and density must be > 0, got {gamma} and {density}")
    raw = np.clip(np.asarray(grey, dtype=np.float64), 0.0, 1.0)
    if not invert:
        raw = 1.0 - raw
    dark = np.clip((raw - WHITE_CUTOFF) / (1.0 - WHITE_CUTOFF), 0.0, DARKEST)
    depth = np.log1p(-dark) / np.log1p(-DARKEST)
    if lines != "mesh":
        depth = depth * (MESH_EDGES_PER_NODE / edges_per_node(raw, lines))
    return density * depth**gamma


def sample_tone(
    expected: np.ndarray, *, method: str = "random", seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels (with jitter) drawn from a map of expected points per pixel.

    Parameters
    ----------
    expected : (M, N) ndarray of float >= 0
        Expected points per pixel (:func:`tone_density`).
    method : {'random', 'diffusion', 'blue_noise'}
        ``random``: a Poisson count per pixel. ``diffusion``: Floyd–Steinberg error
        diffusion of the map; ``blue_noise``: the map against a tiled blue-noise threshold.
        Both dithers put at most one point in a cell, on a grid ``ceil(sqrt(max))`` times
        finer than the pixels when the map asks for more than one point per pixel.
    seed : int
        Seeds the Poisson counts and the jitter.

    Returns
    -------
    rows, cols : (P,) ndarrays of float64
        Point positions in pixels (row, col), each jittered within its pixel (or cell).
    """
    rng = np.random.default_rng(seed)
    expected = np.asarray(expected, dtype=np.float64)
    if method == "random":
        counts = rng.poisson(expected)
        rows, cols = _repeat_pixels(counts)
        jitter = rng.random((2, rows.size)) - 0.5
        return rows + jitter[0], cols + jitter[1]
    if method not in ("diffusion", "blue_noise"):
        raise ValueError(f"method must be random, diffusion or blue_noise, got {method!r}")
    # Dithering puts at most one point in a cell: above one point per pixel, it works on a
    # grid ``k`` times finer (each pixel k x k cells sharing its expected count).
    k = max(1, int(np.ceil(np.sqrt(float(expected.max(initial=0.0))))))
    fine = np.repeat(np.repeat(expected / (k * k), k, axis=0), k, axis=1)
    if method == "diffusion":
        counts = _error_diffusion(np.clip(fine, 0.0, 1.0)).astype(np.int64)
    else:
        tile = blue_noise_tile()
        h, w = fine.shape
        reps = (-(-h // tile.shape[0]), -(-w // tile.shape[1]))
        threshold = np.tile(tile, reps)[:h, :w]
        counts = (np.clip(fine, 0.0, 1.0) > threshold).astype(np.int64)
    rows, cols = _repeat_pixels(counts)
    jitter = rng.random((2, rows.size))
    return (rows + jitter[0]) / k - 0.5, (cols + jitter[1]) / k - 0.5


def _repeat_pixels(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of every pixel, repeated its count times, in row-major order."""
    flat = counts.ravel()
    index = np.repeat(np.arange(flat.size), flat)
    rows, cols = np.divmod(index, counts.shape[1])
    return rows.astype(np.float64), cols.astype(np.float64)


@njit(cache=True)
def _error_diffusion(values: np.ndarray) -> np.ndarray:
    """Floyd–Steinberg: each pixel is on when its value plus the error passed to it reaches
    one half; the remainder goes 7/16 right, 3/16 down-left, 5/16 down, 1/16 down-right."""
    h, w = values.shape
    work = values.copy()
    out = np.zeros((h, w), dtype=np.bool_)
    for r in range(h):
        for c in range(w):
            v = work[r, c]
            on = v >= 0.5
            out[r, c] = on
            err = v - (1.0 if on else 0.0)
            if c + 1 < w:
                work[r, c + 1] += err * 7.0 / 16.0
            if r + 1 < h:
                if c > 0:
                    work[r + 1, c - 1] += err * 3.0 / 16.0
                work[r + 1, c] += err * 5.0 / 16.0
                if c + 1 < w:
                    work[r + 1, c + 1] += err * 1.0 / 16.0
    return out


@lru_cache(maxsize=1)
def blue_noise_tile(size: int = BLUE_NOISE_TILE, sigma: float = BLUE_NOISE_SIGMA) -> np.ndarray:
    """A (size, size) tileable blue-noise threshold map in (0, 1) (void and cluster, Ulichney
    1993): pixels are ranked so every prefix is as evenly spread as possible; the rank,
    scaled, is the threshold. Deterministic: the initial pattern has a fixed seed."""
    n = size * size
    offsets = np.minimum(np.arange(size), size - np.arange(size))
    kernel = np.exp(-(offsets[:, None] ** 2 + offsets[None, :] ** 2) / (2.0 * sigma**2))
    kernel_ft = np.fft.rfft2(kernel)

    def energy(mask: np.ndarray) -> np.ndarray:
        return np.fft.irfft2(np.fft.rfft2(mask) * kernel_ft, s=mask.shape)

    # Initial pattern: a tenth of the pixels, drawn with a fixed seed, then relaxed by
    # moving the tightest cluster's pixel into the largest void until that changes nothing.
    mask = np.zeros(n)
    mask[np.random.default_rng(0).choice(n, n // 10, replace=False)] = 1.0
    mask = mask.reshape(size, size)
    for _ in range(n):
        e = energy(mask)
        cluster = int(np.argmax(np.where(mask > 0, e, -np.inf)))
        mask.flat[cluster] = 0.0
        e = energy(mask)
        void = int(np.argmin(np.where(mask > 0, np.inf, e)))
        mask.flat[void] = 1.0
        if void == cluster:
            break
    rank = np.zeros(n)
    start = mask.copy()
    ones = int(start.sum())
    # Ranks below the initial count: remove the tightest cluster one at a time.
    current = start.copy()
    e = energy(current)
    for r in range(ones - 1, -1, -1):
        cluster = int(np.argmax(np.where(current > 0, e, -np.inf)))
        current.flat[cluster] = 0.0
        e -= np.roll(np.roll(kernel, cluster // size, 0), cluster % size, 1)
        rank[cluster] = r
    # Ranks above: fill the largest void one at a time.
    current = start.copy()
    e = energy(current)
    for r in range(ones, n):
        void = int(np.argmin(np.where(current > 0, np.inf, e)))
        current.flat[void] = 1.0
        e += np.roll(np.roll(kernel, void // size, 0), void % size, 1)
        rank[void] = r
    return ((rank + 0.5) / n).reshape(size, size)


def edge_mask(grey: np.ndarray, *, sigma: float = 2.0, ridges: str = "sato") -> np.ndarray:
    """Canny edges of ``grey`` and, unless ``ridges`` is 'none', its thinned dark ridges.

    Parameters
    ----------
    grey : (M, N) ndarray of float in [0, 1]
    sigma : float
        Canny's Gaussian, in pixels (larger: fewer, smoother contours).
    ridges : {'sato', 'meijering', 'none'}
        The filter finding dark lines one or a few pixels wide (scales :data:`RIDGE_SIGMAS`);
        its strong responses are thinned to one-pixel lines.

    Returns
    -------
    (M, N) ndarray of bool
    """
    from skimage import feature, filters, morphology

    grey = np.asarray(grey, dtype=np.float64)
    mask = feature.canny(grey, sigma=sigma)
    if ridges == "none":
        return mask
    if ridges not in ("sato", "meijering"):
        raise ValueError(f"ridges must be sato, meijering or none, got {ridges!r}")
    fn = filters.sato if ridges == "sato" else filters.meijering
    response = fn(grey, sigmas=RIDGE_SIGMAS, black_ridges=True)
    top = float(response.max())
    if top <= 0:
        return mask
    strong = response > max(float(np.quantile(response, RIDGE_QUANTILE)), RIDGE_FLOOR * top)
    return mask | morphology.skeletonize(strong)
