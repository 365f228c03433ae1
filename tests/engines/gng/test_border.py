"""Outline detection, the coverage metric, and the two border options."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from engines.gng import GNGParams, GrowingNeuralGas
from engines.gng._border import outline_mask
from engines.gng.coverage import outline_coverage, outline_pixels
from engines.pipeline.points import binary_to_points, points_to_pixels

SCALE = 0.01
TO_PIXELS = partial(points_to_pixels, scale=SCALE)


@pytest.fixture
def shape() -> np.ndarray:
    """A filled ellipse (70 × 90 px) with a slot cut into it: 3,001 foreground pixels."""
    rows, cols = np.mgrid[0:70, 0:90]
    binary = ((rows - 35) / 28.0) ** 2 + ((cols - 45) / 40.0) ** 2 <= 1
    binary[30:40, 10:60] = False
    return binary


def pixel_rc(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = TO_PIXELS(points)
    return np.rint(rows).astype(int), np.rint(cols).astype(int)


# ---------------------------------------------------------------------- outline points


def test_outline_mask_finds_the_outline_band(shape):
    pts = binary_to_points(shape, scale=SCALE)
    mask = outline_mask(pts)
    rows, cols = pixel_rc(pts)
    outline = outline_pixels(shape)[rows, cols]
    # every outline pixel is found, and nothing deeper than 2 px inside is
    assert np.all(mask[outline])
    depth = _inner_distance(shape)[rows, cols]
    assert depth[mask].max() <= 2.0
    assert mask.sum() < 2.5 * outline.sum()


def test_outline_mask_thin_stroke_and_subsampled_lattice():
    blob_and_stroke = np.zeros((60, 100), dtype=bool)
    blob_and_stroke[5:55, 5:55] = True
    blob_and_stroke[30, 55:95] = True  # a stroke one pixel wide: all of it is outline
    pts = binary_to_points(blob_and_stroke)
    assert outline_mask(pts)[pts[:, 0] >= 55].all()
    square = np.zeros((80, 80), dtype=bool)
    square[10:70, 10:70] = True
    pts = binary_to_points(square, max_points=1200, seed=1)  # a third of the pixels
    mask = outline_mask(pts)
    rows, cols = -pts[:, 1].astype(int), pts[:, 0].astype(int)
    depth = np.minimum.reduce([rows - 10, 69 - rows, cols - 10, 69 - cols])
    assert mask[depth == 0].mean() > 0.9  # the edge is found
    assert mask[depth >= 8].mean() < 0.05  # the inside is not


def _inner_distance(binary: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    return ndimage.distance_transform_edt(binary, sampling=1.0) - 1.0


# ---------------------------------------------------------------------- coverage metric


def test_coverage_of_exact_and_shifted_outlines():
    square = np.zeros((40, 40), dtype=bool)
    square[10:30, 10:30] = True  # outline: the 76 pixels on rows/cols 10 and 29
    corners_rc = np.array([[10, 10], [10, 29], [29, 29], [29, 10]], dtype=float)
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 0]])

    def as_points(rc):
        return np.column_stack([rc[:, 1], -rc[:, 0]]) * SCALE

    exact = outline_coverage(square, as_points(corners_rc), edges, TO_PIXELS, tol=0.5)
    assert exact == 1.0
    inner = corners_rc + np.array([[3, 3], [3, -3], [-3, -3], [-3, 3]])
    assert outline_coverage(square, as_points(inner), edges, TO_PIXELS, tol=2.0) == 0.0
    # the same inner square at tol 3: on each side the 14 pixels facing the inner side
    # (exactly 3 px away); the 3 pixels at either end are farther from its corners
    near = outline_coverage(square, as_points(inner), edges, TO_PIXELS, tol=3.0)
    assert near == pytest.approx(4 * 14 / 76)
    # one side only: 20 of 76 pixels
    one = outline_coverage(square, as_points(corners_rc), edges[:1], TO_PIXELS, tol=0.5)
    assert one == pytest.approx(20 / 76)
    # to_pixels may return an (N, 2) array of (row, col) as well
    assert outline_coverage(square, corners_rc, edges, lambda p: p, tol=0.5) == 1.0


def test_coverage_edge_cases():
    square = np.zeros((10, 10), dtype=bool)
    square[2:8, 2:8] = True
    nodes = np.zeros((2, 2))
    assert outline_coverage(square, nodes, np.zeros((0, 2), int), TO_PIXELS) == 0.0
    assert np.isnan(outline_coverage(np.zeros((5, 5), bool), nodes, [[0, 1]], TO_PIXELS))
    with pytest.raises(ValueError, match="tol must be > 0, got 0"):
        outline_coverage(square, nodes, [[0, 1]], TO_PIXELS, tol=0)
    with pytest.raises(ValueError, match=r"edges must index nodes 0..1, got values 0..5"):
        outline_coverage(square, nodes, [[0, 5]], TO_PIXELS)
    with pytest.raises(ValueError, match=r"binary must be an \(M, N\) image"):
        outline_coverage(np.zeros(5, bool), nodes, [[0, 1]], TO_PIXELS)
    # a shape cut by the frame has an outline along the frame
    assert outline_pixels(np.ones((4, 4), bool)).sum() == 12


# ---------------------------------------------------------------------- border options


def coverage_of(shape, seed, tol=2.0, **options):
    pts = binary_to_points(shape, scale=SCALE)
    params = GNGParams(max_nodes=100, n_iter_before_neuron_added=50, max_edge_age=50, **options)
    gng = GrowingNeuralGas(params, pts, seed=seed)
    snap = gng.train(epochs=10)
    return outline_coverage(shape, snap.nodes, snap.edges, TO_PIXELS, tol=tol), gng, snap


def test_border_options_improve_coverage(shape):
    for seed in (0, 1):
        plain, *_ = coverage_of(shape, seed)
        weighted, *_ = coverage_of(shape, seed, border_weight=5)
        snapped, *_ = coverage_of(shape, seed, border_snap=True)
        assert plain < 0.15  # skinny: outer nodes stop short of the outline
        assert weighted > 0.45 and weighted > 4 * plain
        assert snapped > 0.9


def test_border_weight_adds_outline_signals(shape):
    pts = binary_to_points(shape, scale=SCALE)
    n_outline = int(outline_mask(pts).sum())
    gng = GrowingNeuralGas(GNGParams(border_weight=3), pts, seed=0)
    assert gng.signals_per_epoch == pts.shape[0] + 3 * n_outline


def test_border_snap_moves_only_outer_nodes_and_leaves_training_alone(shape):
    _, plain_gng, plain = coverage_of(shape, 0)
    _, snap_gng, snapped = coverage_of(shape, 0, border_snap=True)
    # training is the same: same graph, errors and internal positions
    np.testing.assert_array_equal(plain.edges, snapped.edges)
    np.testing.assert_array_equal(plain.errors, snapped.errors)
    np.testing.assert_array_equal(plain_gng._state.weights, snap_gng._state.weights)
    moved = np.any(plain.nodes != snapped.nodes, axis=1)
    assert 20 < moved.sum() < 0.6 * plain.n_nodes
    # moved nodes now sit on the outline band; the others did not move at all
    rows, cols = pixel_rc(snapped.nodes[moved])
    depth = _inner_distance(shape)[np.clip(rows, 0, 69), np.clip(cols, 0, 89)]
    assert np.median(depth) <= 1.0
