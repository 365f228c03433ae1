"""Tone and edges points: density follows darkness, edges lie on contours, auto chooses."""

from __future__ import annotations

import numpy as np
import pytest

from engines.pipeline import PipelineParams, run_pipeline
from engines.pipeline.points import pixels_to_points
from engines.pipeline.tone import (
    blue_noise_tile,
    choose_mode,
    edge_mask,
    sample_tone,
    tone_density,
)


def ramp(h: int = 40, w: int = 200) -> np.ndarray:
    """White on the left to black on the right."""
    return np.tile(np.linspace(1.0, 0.0, w), (h, 1))


@pytest.mark.parametrize("stipple", ["random", "diffusion", "blue_noise"])
def test_tone_points_per_column_rise_with_darkness(stipple):
    result = run_pipeline(ramp(), PipelineParams(points="tone", stipple=stipple, density=16.0))
    assert result.mode == "tone" and result.points.dtype == np.float32
    cols = result.points[:, 0] / result.params.scale
    counts = np.histogram(cols, bins=10, range=(-0.5, 199.5))[0]
    assert counts[0] == 0  # paper white stays empty
    drawn = counts[counts > 0]
    assert len(drawn) >= 7 and np.all(np.diff(counts) >= 0) and np.all(np.diff(drawn) > 0), counts
    # The counts follow the tone curve: each tenth of the ramp holds its share.
    expected = tone_density(ramp(), density=16.0).sum(axis=0)
    share = expected.reshape(10, -1).sum(axis=1) / expected.sum()
    np.testing.assert_allclose(counts / counts.sum(), share, atol=0.02)


def test_gamma_shifts_points_towards_the_dark_end():
    soft = run_pipeline(ramp(), PipelineParams(points="tone", gamma=1.0)).points[:, 0]
    hard = run_pipeline(ramp(), PipelineParams(points="tone", gamma=4.0)).points[:, 0]
    assert np.median(hard) > np.median(soft) + 0.02  # x grows towards the dark side


def test_random_stipple_allows_several_points_per_pixel_with_jitter():
    rows, _ = sample_tone(np.full((10, 10), 4.0), method="random", seed=3)
    assert 300 < rows.size < 500  # Poisson, 4 per pixel on average
    assert np.all(np.abs(rows - np.rint(rows)) <= 0.5) and len(np.unique(rows)) > 300


def test_dithers_use_a_finer_grid_above_one_point_per_pixel():
    for method in ("diffusion", "blue_noise"):
        rows, _ = sample_tone(np.full((16, 16), 4.0), method=method)
        assert abs(rows.size - 1024) <= 16  # 2 x 2 cells per pixel, all on
        assert rows.min() >= -0.5 and rows.max() <= 15.5


def test_blue_noise_tile_ranks_every_pixel_once_and_spreads_them():
    tile = blue_noise_tile()
    assert tile.shape == (64, 64)
    assert len(np.unique(tile)) == tile.size and tile.min() > 0 and tile.max() < 1
    on = tile < 0.1  # the first tenth of the ranks: an even spread, no clumps
    rows, cols = np.nonzero(on)
    d = np.hypot(rows[:, None] - rows[None], cols[:, None] - cols[None])
    np.fill_diagonal(d, np.inf)
    assert d.min(axis=1).min() >= 2.0


def test_edges_mode_puts_points_on_a_drawn_squares_border():
    image = np.ones((60, 60))
    image[15:45, 15:45] = 0.0
    result = run_pipeline(image, PipelineParams(points="edges", edge_sigma=1.0, ridges="none"))
    rows = -result.points[:, 1] / result.params.scale
    cols = result.points[:, 0] / result.params.scale
    assert result.mode == "edges" and len(rows) > 80
    # Every point within 2 px of the square's outline; none deep inside or outside.
    to_border = np.minimum(
        np.minimum(np.abs(rows - 14.5), np.abs(rows - 44.5)),
        np.minimum(np.abs(cols - 14.5), np.abs(cols - 44.5)),
    )
    inside = (rows > 12) & (rows < 47) & (cols > 12) & (cols < 47)
    assert np.all(to_border <= 2.0) and np.all(inside)
    # ... and all four sides are there.
    for side in (rows < 20, rows > 40, cols < 20, cols > 40):
        assert side.sum() >= 20


def test_ridges_add_a_thin_dark_line_canny_alone_draws_twice():
    image = np.ones((50, 80))
    image[25, 10:70] = 0.0  # a one-pixel dark line
    ridge = edge_mask(image, sigma=2.0, ridges="sato")
    assert ridge[25, 20:60].mean() > 0.9  # the line itself is a point row


def test_auto_chooses_binary_for_a_silhouette_and_tone_for_a_photo():
    disc = np.ones((80, 80))
    yy, xx = np.mgrid[:80, :80]
    disc[np.hypot(yy - 40, xx - 40) < 25] = 0.0
    assert choose_mode(disc).mode == "binary"
    result = run_pipeline("sample:chelsea", PipelineParams(points="auto", max_side=120))
    assert result.mode == "tone" and result.mode_reason.startswith("tone:")
    assert "mid-tones" in result.mode_reason


def test_binary_stays_the_default_and_keeps_the_seeds_points():
    params = PipelineParams(crop="30:180,150:300", blur=0.6, threshold="otsu", offset=0.1)
    assert params.points == "binary"
    result = run_pipeline("sample:astronaut", params)
    assert result.mode == "binary" and result.points.shape == (11931, 2)


def test_tone_preview_shows_the_density_map():
    result = run_pipeline(ramp(), PipelineParams(points="tone"))
    density = result.previews()["binary"]
    assert density[:, 0].min() == 255 and density[:, -1].max() < 10


def test_pixels_to_points_caps_and_scales():
    pts = pixels_to_points(np.arange(10.0), np.arange(10.0) + 0.5, scale=2.0, max_points=4)
    assert pts.shape == (4, 2) and np.all(pts[:, 0] == -pts[:, 1] + 1.0)


def test_max_points_lowers_the_tone_density_instead_of_drawing_everything():
    full = run_pipeline(ramp(), PipelineParams(points="tone", density=64.0))
    capped = run_pipeline(ramp(), PipelineParams(points="tone", density=64.0, max_points=2000))
    assert full.points.shape[0] > 20_000
    assert abs(capped.points.shape[0] - 2000) <= 150  # Poisson draws about that many
    # ... still following the tones.
    cols = capped.points[:, 0] / capped.params.scale
    assert np.median(cols) > np.median(np.arange(200))


def test_tree_lines_give_light_tones_more_points_and_dark_tones_the_same():
    from engines.pipeline.tone import MESH_EDGES_PER_NODE, TREE_DARK, TREE_LIGHT, edges_per_node

    grey = 1.0 - np.array([0.1, TREE_LIGHT, 0.5, TREE_DARK, 0.9])
    mesh = tone_density(grey, gamma=2.7)
    tree = tone_density(grey, gamma=2.7, lines="tree")
    # A tree draws one line per node where the mesh draws 2.75: 2.75 ** 2.7 = 15.3 times
    # the points in light tones, the same from TREE_DARK on.
    np.testing.assert_allclose(tree[:2] / mesh[:2], MESH_EDGES_PER_NODE**2.7, rtol=1e-9)
    np.testing.assert_allclose(tree[3:] / mesh[3:], 1.0, rtol=1e-9)
    assert mesh[2] < tree[2] < mesh[2] * MESH_EDGES_PER_NODE**2.7
    np.testing.assert_allclose(edges_per_node(1.0 - grey, "tree"), [1, 1, 1.7, 2.75, 2.75])
    # Points per column still rise with darkness on a ramp.
    result = run_pipeline(ramp(), PipelineParams(points="tone", tone_lines="tree", density=16.0))
    cols = result.points[:, 0] / result.params.scale
    counts = np.histogram(cols, bins=10, range=(-0.5, 199.5))[0]
    assert counts[0] < 0.001 * counts.sum() and np.all(np.diff(counts) > 0), counts
