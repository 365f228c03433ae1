"""SOFM art: a grid drawn by its links, bridges over empty paper left out."""

from __future__ import annotations

import numpy as np

from engines.art import ArtStyle
from engines.presets import load_preset
from engines.render import render_input
from engines.som.art import grid_links, mesh


def test_grid_links_join_row_and_column_neighbours():
    grid = np.stack(np.meshgrid(np.arange(3.0), np.arange(2.0)), axis=-1)  # (2, 3, 2)
    links = grid_links(grid)
    assert links.shape == (2 * 2 + 1 * 3, 2, 2)
    assert np.allclose(np.hypot(*(links[:, 1] - links[:, 0]).T), 1.0)


def test_a_link_stretched_across_paper_is_not_drawn():
    grid = np.stack(np.meshgrid(np.arange(4.0), np.arange(4.0)), axis=-1)
    grid[3, 3] = (40.0, 40.0)  # one unit pulled far away: its two links are bridges

    class Snap:
        grid_weights = grid

    layer = mesh(Snap(), ArtStyle()).layers[0]
    assert len(layer.segments) == 2 * 4 * 3 - 2
    assert np.abs(layer.segments).max() < 40.0


def _lengths(links: np.ndarray) -> np.ndarray:
    return np.hypot(*(links[:, 1] - links[:, 0]).T)


def test_the_grid_preset_draws_the_horse_with_its_legs_apart():
    result = render_input("sample:horse", load_preset("grid"))
    drawn = result.drawing.layers[0].segments
    every = grid_links(np.asarray(result.snapshot.grid_weights, dtype=np.float64))
    assert result.stats["units"] == 24 * 24 and len(every) == 2 * 24 * 23
    # The grid is draped over the legs too: some links bridge paper, and none of those is drawn.
    assert 0 < len(drawn) < len(every)
    assert _lengths(drawn).max() <= 3.0 * np.median(_lengths(every))
