"""Smoothing a node path: the neighbour average and Chaikin's corner cutting."""

from __future__ import annotations

import numpy as np
import pytest

from engines.stroke import chaikin, relax, smooth_path


def test_chaikin_cuts_each_corner_at_quarters_and_keeps_the_ends():
    line = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0]])
    out = chaikin(line, 1)
    expected = [[0, 0], [3, 0], [4, 1], [4, 4]]
    np.testing.assert_allclose(out, expected)
    twice = chaikin(line, 2)
    assert len(twice) == 2 * (len(out) - 1)
    np.testing.assert_allclose(twice[[0, -1]], line[[0, -1]])


def test_chaikin_stays_inside_the_path_hull():
    rng = np.random.default_rng(2)
    line = rng.random((20, 2))
    out = chaikin(line, 4)
    assert out[:, 0].min() >= line[:, 0].min() and out[:, 0].max() <= line[:, 0].max()
    assert out[:, 1].min() >= line[:, 1].min() and out[:, 1].max() <= line[:, 1].max()


def test_relax_removes_a_zigzag_across_a_stroke():
    x = np.arange(12.0)
    zigzag = np.stack([x, np.where(np.arange(12) % 2, 1.0, -1.0)], axis=1)
    out = relax(zigzag)
    np.testing.assert_allclose(out[1:-1, 1], 0.0)  # the alternation is gone
    np.testing.assert_allclose(out[:, 0], x)  # positions along the stroke unchanged
    np.testing.assert_allclose(out[[0, -1]], zigzag[[0, -1]])


def test_smooth_path_zero_passes_is_the_path_itself():
    line = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 0.0]])
    np.testing.assert_array_equal(smooth_path(line, 0), line)
    assert len(smooth_path(line, 2)) > len(line)


def test_short_lines_pass_through():
    two = np.array([[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(chaikin(two, 3), two)
    np.testing.assert_array_equal(relax(two), two)


def test_bad_passes_are_refused():
    with pytest.raises(ValueError, match=r"passes must lie in \[0, 6\]"):
        chaikin(np.zeros((3, 2)), 7)


def test_closed_chaikin_cuts_every_corner_and_closes_the_ring():
    square = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]])
    out = chaikin(square, 1, closed=True)
    assert len(out) == 2 * len(square) + 1
    np.testing.assert_allclose(out[0], out[-1])
    np.testing.assert_allclose(out[:4], [[1, 0], [3, 0], [4, 1], [4, 3]])


def test_closed_relax_keeps_a_regular_polygon_centred():
    angle = 2 * np.pi * np.arange(8) / 8
    octagon = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    out = relax(octagon, closed=True)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(*out.T), 0.5 + 0.5 * np.cos(np.pi / 4))
    ring = smooth_path(octagon, 0, closed=True)
    assert len(ring) == 9 and np.array_equal(ring[0], ring[-1])
