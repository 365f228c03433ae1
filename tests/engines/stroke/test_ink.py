"""Where the ink is: the distance field and the share of a line on ink."""

from __future__ import annotations

import numpy as np
import pytest

from engines.stroke import _kernels as K
from engines.stroke import ink_map, ink_share, paper_length
from tests.engines.stroke import naive


@pytest.fixture
def bar():
    """Ink on columns 0..9 of a 10 x 30 image (scale 1: point (x, -row))."""
    img = np.zeros((10, 30), dtype=bool)
    img[:, :10] = True
    return ink_map(img, 1.0, tolerance=0.0)


def test_distance_is_zero_on_ink_and_grows_on_paper(bar):
    assert bar.distance[:, :10].max() == 0
    np.testing.assert_allclose(bar.distance[5, 10:15], [1, 2, 3, 4, 5])


def test_line_on_ink_and_half_on_paper(bar):
    on = np.array([[0.0, -5.0], [9.0, -5.0]])
    assert ink_share([on], bar) == 1.0
    half = np.array([[0.0, -5.0], [19.0, -5.0]])  # columns 0..19: 10 of 20 on ink
    total, paper = paper_length(half, bar)
    assert total == pytest.approx(19.0)
    assert paper / total == pytest.approx(0.5, abs=0.05)
    assert ink_share([on, half], bar) == pytest.approx(1 - paper / (9 + total))
    assert ink_share([], bar) == 1.0


def test_outside_the_image_is_paper(bar):
    assert ink_share([np.array([[0.0, 5.0], [9.0, 5.0]])], bar) == 0.0


def test_paper_fraction_matches_the_numpy_reference():
    rng = np.random.default_rng(4)
    img = rng.random((40, 50)) < 0.3
    ink = ink_map(img, 0.5, tolerance=1.0)
    for _ in range(50):
        a, b = rng.uniform([-2, -22], [27, 2], (2, 2))
        got = K.paper_fraction(a[0], a[1], b[0], b[1], ink.distance, 2.0, 1.0)
        assert got == pytest.approx(naive.paper_fraction(a, b, ink.distance, 2.0, 1.0))


@pytest.mark.parametrize(
    ("binary", "scale", "match"),
    [
        (np.zeros((4, 4), bool), 1.0, "holds no ink"),
        (np.ones(4, bool), 1.0, r"\(M, N\) binary image"),
        (np.ones((4, 4), bool), 0.0, "scale must be > 0"),
    ],
)
def test_bad_maps_are_refused(binary, scale, match):
    with pytest.raises(ValueError, match=match):
        ink_map(binary, scale)
