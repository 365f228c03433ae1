"""Logos: ``style.cut_long`` cuts the long links a map stretches between letters."""

from __future__ import annotations

import numpy as np

from engines.art import ArtStyle
from engines.som.logo import cut_long_segments, logo_drawing


def test_long_segments_split_the_polylines():
    line = np.array([[0, 0], [1, 0], [2, 0], [12, 0], [13, 0], [14, 0.0]])
    assert [len(p) for p in cut_long_segments([line], 3.0)] == [3, 3]
    assert [len(p) for p in cut_long_segments([line], 0.0)] == [6]
    single = np.array([[0, 0], [1, 0], [30, 0.0]])  # a piece of one point is dropped
    assert [len(p) for p in cut_long_segments([single, line], 3.0)] == [2, 3, 3]


def test_the_logo_drawing_keeps_no_link_longer_than_asked():
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(10, 100, 50), np.linspace(300, 400, 50)])
    weights = np.stack([np.column_stack([x, 50 + rng.normal(0, 1, 100)]),
                        np.column_stack([x, 52 + rng.normal(0, 1, 100)])])  # fmt: skip
    whole = logo_drawing(weights, ArtStyle())
    cut = logo_drawing(weights, ArtStyle(cut_long=4.0))
    longest = max(np.hypot(*np.diff(p, axis=0).T).max() for p in cut.layers[0].polylines)
    steps = np.concatenate([np.hypot(*np.diff(p, axis=0).T) for p in whole.layers[0].polylines])
    assert longest <= 4.0 * np.median(steps)
    assert len(cut.layers[0].polylines) == len(whole.layers[0].polylines) + 2  # both rows cut
