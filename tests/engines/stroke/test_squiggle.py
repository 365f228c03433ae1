"""Squiggles: a continuous line zigzags across its path, as much longer as the photo's
darkness asks for (engines.stroke.squiggle)."""

from __future__ import annotations

import numpy as np
import pytest

from engines.stroke.squiggle import squiggle, tone_factors


def length(line: np.ndarray) -> float:
    return float(np.hypot(*np.diff(line, axis=0).T).sum())


@pytest.mark.parametrize("factor", [1.5, 3.0, 6.0])
def test_squiggle_is_factor_times_as_long_and_keeps_the_ends(factor):
    line = np.array([[0.0, 0.0], [60.0, 0.0], [60.0, 40.0]])  # 100 long, one corner
    out = squiggle(line, factor, wavelength=3.0)
    assert length(out) == pytest.approx(factor * 100.0, rel=0.04)
    np.testing.assert_allclose(out[[0, -1]], line[[0, -1]])
    # On the straight leg the swing is wavelength / 4 * sqrt(factor² - 1) each side.
    leg = out[(out[:, 0] > 5) & (out[:, 0] < 55)]
    amplitude = 0.75 * np.sqrt(factor**2 - 1.0)
    assert np.abs(leg[:, 1]).max() == pytest.approx(amplitude, rel=0.01)


def test_factor_one_is_the_line_itself_and_factors_vary_along_it():
    line = np.array([[0.0, 0.0], [100.0, 0.0]])
    np.testing.assert_array_equal(squiggle(line, 1.0, 3.0), line)
    out = squiggle(line, np.array([1.0, 5.0]), 3.0)  # straight at the start, wild at the end
    first, last = out[out[:, 0] < 5], out[out[:, 0] > 95]
    # Factor 1.2 at x = 5: swing 0.75 * sqrt(1.2² - 1) = 0.5; about 5 at the end: 3.7.
    assert np.abs(first[:, 1]).max() < 0.5 and 3.3 < np.abs(last[:, 1]).max() < 3.7
    with pytest.raises(ValueError):
        squiggle(line, 0.5, 3.0)


def test_tone_factors_lengthen_the_line_only_where_the_photo_is_darker():
    # Horizontal lines 4 px apart over a 100 x 200 px photo, light left half, dark right.
    scale = 0.01
    xs = np.arange(200.0)
    lines = [np.column_stack([xs, np.full(200, -r)]) * scale for r in range(2, 100, 4)]
    darkness = np.zeros((100, 200))
    darkness[:, :100] = 0.2  # about what the plain lines lay (a 1 px pen every 4 px)
    darkness[:, 100:] = 0.75
    f = tone_factors(lines, darkness, scale=scale, pen_px=1.0, max_factor=8.0)[12]
    assert f[50] == pytest.approx(1.0, abs=0.05)  # the light half: a plain line
    # The dark end: the ink depth -ln(1 - 0.75) over the plain line's, within the cap.
    plain = 1.0 - np.exp(-1.12 / 4.0)
    assert f[150] == pytest.approx(np.log(4.0) / -np.log(1.0 - plain), rel=0.05)
    capped = tone_factors(lines, darkness, scale=scale, pen_px=1.0, max_factor=2.0)[0]
    assert capped.max() == pytest.approx(2.0)


def test_a_squiggled_single_line_is_one_stroke_as_dark_as_the_photo():
    from engines.art import render_array
    from engines.render import render_input
    from tests.engines.gng.test_art_size import image_source, preset

    image = np.tile(np.linspace(0.9, 0.2, 120), (80, 1))  # light left, dark right
    source = image_source(image)
    style = {"width": 120, "margin": 0, "line_width": 1.0, "background": "white",
             "line_color": "black", "stroke": "continuous", "smoothing": 1,
             "max_jump": 1000.0}  # fmt: skip

    def draw(squiggle: float):
        p = preset({"points": "tone", "gamma": 1.3, "density": 64.0, "match_tone": False},
                   {"max_nodes": 800, "error_decay_rate": 0.99999,
                    "min_distance_for_update": 0.0}, {**style, "squiggle": squiggle})  # fmt: skip
        result = render_input(source, p)
        grey = render_array(result.drawing, result.style)[..., 0] / 255.0
        return result, grey

    plain, plain_grey = draw(1.0)
    wild, wild_grey = draw(6.0)
    assert plain.stats["strokes"] == wild.stats["strokes"] == 1
    assert plain.stats["nodes"] == wild.stats["nodes"] == 800  # the same network
    w = image.shape[1]
    dark, light = np.s_[:, w * 3 // 4 :], np.s_[:, : w // 4]
    # The plain line is far lighter than the photo's dark end; the squiggle comes close.
    photo_ink = 1.0 - image[dark].mean()
    assert 1.0 - plain_grey[dark].mean() < photo_ink - 0.25
    assert abs((1.0 - wild_grey[dark].mean()) - photo_ink) < 0.1
    # In the light quarter the squiggle adds less ink than in the dark one.
    added_light = plain_grey[light].mean() - wild_grey[light].mean()
    added_dark = plain_grey[dark].mean() - wild_grey[dark].mean()
    assert added_light < 0.5 * added_dark, (added_light, added_dark)
