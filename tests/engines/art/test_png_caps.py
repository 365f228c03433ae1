"""The PNG writer's round ends and dots are as wide as the pen, not a pixel wider."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engines.art.geometry import Drawing, Layer
from engines.art.png import render_array
from engines.art.style import ArtStyle


def ink(drawing: Drawing, style: ArtStyle) -> float:
    """Ink laid, in output pixels (darkness summed over the picture, 1 = one black pixel)."""
    grey = render_array(drawing, style).astype(float)[..., :3].mean(axis=2)
    return float((255 - grey).sum() / 255)


@pytest.mark.parametrize("pen", [1.0, 2.0, 3.0])
def test_a_round_end_covers_the_area_of_a_disc_the_pen_wide(pen):
    style = ArtStyle(width=200, height=200, margin=0)
    frame = (0.0, 0.0, 200.0, 200.0)
    point = np.array([[[100.0, 100.0], [100.0, 100.0]]])  # a zero-length segment: its two ends
    drawing = Drawing(layers=(Layer("ink", "#000000", pen, segments=point),),
                      background="#ffffff", bounds=frame)  # fmt: skip
    assert ink(drawing, style) == pytest.approx(math.pi * (pen / 2) ** 2, rel=0.12)


def test_a_chain_of_short_segments_lays_the_ink_of_one_line():
    style = ArtStyle(width=200, height=200, margin=0)
    frame = (0.0, 0.0, 200.0, 200.0)
    xs = np.linspace(20.0, 180.0, 81)  # 80 segments of 2 px: 160 ends, each inside the line
    chain = np.stack([np.stack([xs[:-1], np.full(80, 100.0)], 1),
                      np.stack([xs[1:], np.full(80, 100.0)], 1)], axis=1)  # fmt: skip
    drawing = Drawing(layers=(Layer("ink", "#000000", 2.0, segments=chain),),
                      background="#ffffff", bounds=frame)  # fmt: skip
    # 160 px long, 2 px wide, plus the two half-discs at its ends
    assert ink(drawing, style) == pytest.approx(160 * 2 + math.pi, rel=0.03)
