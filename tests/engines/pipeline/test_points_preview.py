"""The points preview draws the points the network learns from, not the binary image."""

from __future__ import annotations

import numpy as np

from engines.pipeline import PipelineParams, run_pipeline
from engines.pipeline.points import points_to_pixels
from engines.pipeline.run import LONE_POINT, points_preview, points_zoom


def dots(preview: np.ndarray, zoom: int) -> np.ndarray:
    """Ink of each image pixel: the top-left canvas pixel of its cell."""
    return preview[::zoom, ::zoom] < 255


def test_every_point_is_a_dot_and_nothing_else_is():
    result = run_pipeline("sample:coins", PipelineParams(max_side=128, max_points=900))
    preview = result.previews()["points"]
    zoom = points_zoom(result.image_size)
    assert zoom == 4 and preview.shape == (result.image_size[0] * 4, result.image_size[1] * 4)
    rows, cols = points_to_pixels(result.points, result.params.scale)
    expected = np.zeros(result.image_size, dtype=bool)
    expected[np.rint(rows).astype(int), np.rint(cols).astype(int)] = True
    assert expected.sum() == 900
    np.testing.assert_array_equal(dots(preview, zoom), expected)
    # The subset differs from the binary image (every ink pixel), which the preview was.
    ink = result.previews()["binary"] == 0
    assert ink.sum() > 2 * 900 and (dots(preview, zoom) != ink).sum() > 900


def test_neighbouring_points_stay_apart():
    """A filled square of points reads as dots: a white line between neighbours."""
    binary = np.zeros((20, 20), dtype=bool)
    binary[5:10, 5:10] = True
    points = np.column_stack([np.nonzero(binary)[1], -np.nonzero(binary)[0]]).astype(np.float32)
    preview = points_preview(points, binary.shape)
    zoom = points_zoom(binary.shape)
    cell = preview[5 * zoom : 6 * zoom, 5 * zoom : 6 * zoom]
    assert (cell[: zoom - 1, : zoom - 1] < 255).all() and (cell[zoom - 1, :] == 255).all()
    assert cell[0, 0] == round(255 * (1 - LONE_POINT))


def test_tone_mode_draws_its_samples_darker_where_they_pile_up():
    """Tone mode: the dots are the samples (not the pixels they hit), denser and darker in
    the photo's dark parts."""
    params = PipelineParams(points="tone", max_side=96, density=6.0, scale=0.01)
    result = run_pipeline("sample:camera", params)
    preview = result.previews()["points"]
    zoom = points_zoom(result.image_size)
    cells = preview.reshape(result.image_size[0], zoom, result.image_size[1], zoom)
    ink = 1.0 - cells.mean(axis=(1, 3)) / 255.0
    dark = result.grey < 0.3
    light = result.grey > 0.8
    assert ink[dark].mean() > 3 * ink[light].mean()
    assert preview.min() == 0  # several samples on one dot: black
    assert not np.array_equal(dots(preview, zoom), result.previews()["binary"] < 255)


def test_a_large_image_has_one_canvas_pixel_per_pixel():
    assert points_zoom((1200, 1700)) == 1
    points = np.array([[3.0, -2.0], [3.0, -2.0], [3.0, -2.0], [3.0, -2.0], [7.0, -1.0]])
    preview = points_preview(points, (1200, 1700))
    assert preview[2, 3] == 0 and preview[1, 7] == round(255 * (1 - LONE_POINT))
    assert (preview < 255).sum() == 2
