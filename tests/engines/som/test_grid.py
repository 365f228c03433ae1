"""Grid geometry: rect radius sets, hexagon neighbours at the borders, toroidal wraps."""

from __future__ import annotations

import numpy as np
import pytest

from engines.errors import ParameterError
from engines.som import grid
from tests.engines.som import naive


def _units_within(shape, grid_type, centre, radius, toroidal=False):
    """Units the stencil reaches from ``centre`` within ``radius``, as a (rows, cols) mask."""
    rows, cols = shape
    st = grid.stencil(shape, grid_type, toroidal=toroidal, max_radius=radius)
    r, c = centre
    parity = (r & 1) if grid_type == "hexagon" else 0
    mask = np.zeros(shape, dtype=int)
    for dr, dc, _, _, key in st.offsets[st.starts[parity] : st.starts[parity + 1]]:
        assert key <= grid.radius_key(radius, grid_type)
        rr, cc = r + dr, c + dc
        if toroidal:
            rr, cc = rr % rows, cc % cols
        elif not (0 <= rr < rows and 0 <= cc < cols):
            continue
        assert mask[rr, cc] == 0, "a unit reached twice"
        mask[rr, cc] = 1
    return mask


def test_rect_radius_two_is_neupys_pattern():
    # NeuPy's find_neighbours_on_rect_grid docstring: centre (2, 2), radius 2 on 5 x 5.
    expected = [
        [0, 0, 1, 0, 0],
        [0, 1, 1, 1, 0],
        [1, 1, 1, 1, 1],
        [0, 1, 1, 1, 0],
        [0, 0, 1, 0, 0],
    ]
    np.testing.assert_array_equal(_units_within((5, 5), "rect", (2, 2), 2), expected)
    # ...and the corner case of the same docstring: (0, 0), radius 1 on 3 x 3.
    corner = _units_within((3, 3), "rect", (0, 0), 1)
    np.testing.assert_array_equal(corner, [[1, 1, 0], [1, 0, 0], [0, 0, 0]])


def test_hexagon_radius_two_on_an_even_row_is_neupys_pattern():
    # NeuPy's generate_neighbours_pattern(2): rows of 3, 4, 5, 4, 3 cells, the shorter rows
    # leaning left of an even (unshifted) centre row.
    mask = _units_within((5, 7), "hexagon", (2, 3), 2)
    expected = np.zeros((5, 7), dtype=int)
    expected[0, 2:5] = 1
    expected[1, 1:5] = 1
    expected[2, 1:6] = 1
    expected[3, 1:5] = 1
    expected[4, 2:5] = 1
    np.testing.assert_array_equal(mask, expected)
    # An odd row mirrors it: the shorter rows lean right.
    odd = _units_within((5, 7), "hexagon", (1, 3), 1)
    assert {tuple(p) for p in np.argwhere(odd)} == {(0, 3), (0, 4), (1, 2), (1, 3), (1, 4),
                                                    (2, 3), (2, 4)}  # fmt: skip


# Hexagon 4 x 4, odd rows shifted right: neighbours of border units, counted by hand.
HEX_BORDER = {
    (0, 0): {(0, 1), (1, 0)},
    (0, 3): {(0, 2), (1, 2), (1, 3)},
    (1, 0): {(0, 0), (0, 1), (1, 1), (2, 0), (2, 1)},
    (1, 3): {(0, 3), (1, 2), (2, 3)},
    (3, 0): {(2, 0), (2, 1), (3, 1)},
    (3, 3): {(2, 3), (3, 2)},
    (2, 2): {(1, 1), (1, 2), (2, 1), (2, 3), (3, 1), (3, 2)},
}


def _adjacency(shape, grid_type, toroidal=False):
    cols = shape[1]
    around = {}
    for a, b in grid.adjacent_pairs(shape, grid_type, toroidal):
        around.setdefault(divmod(int(a), cols), set()).add(divmod(int(b), cols))
        around.setdefault(divmod(int(b), cols), set()).add(divmod(int(a), cols))
    return around


@pytest.mark.parametrize("unit", sorted(HEX_BORDER))
def test_hexagon_neighbours_at_the_borders(unit):
    around = _adjacency((4, 4), "hexagon")
    assert around[unit] == HEX_BORDER[unit]
    assert set(naive.hex_neighbours(*unit, 4, 4, False)) == HEX_BORDER[unit]


def test_pair_counts():
    # rect 3 x 4: 3 * 3 horizontal + 2 * 4 vertical; hexagon 4 x 4 adds 2 * 3 + 3 diagonals
    assert len(grid.adjacent_pairs((3, 4), "rect")) == 17
    assert len(grid.adjacent_pairs((4, 4), "hexagon")) == 12 + 12 + 9
    assert len(grid.adjacent_pairs((3, 4), "rect", toroidal=True)) == 24  # 4 per unit / 2
    assert len(grid.adjacent_pairs((4, 4), "hexagon", toroidal=True)) == 48  # 6 per unit / 2
    assert len(grid.adjacent_pairs((1, 1), "rect")) == 0


@pytest.mark.parametrize("toroidal", [False, True])
@pytest.mark.parametrize("shape", [(4, 4), (6, 5), (2, 7)])
def test_hexagon_distances_match_breadth_first_search(shape, toroidal):
    rows, cols = shape
    d = grid.grid_distances(shape, "hexagon", toroidal)
    for unit in range(rows * cols):
        r, c = divmod(unit, cols)
        bfs = naive.hex_distances_from(r, c, rows, cols, toroidal)
        np.testing.assert_array_equal(d[unit], bfs.ravel())


def test_stencil_reaches_exactly_the_units_within_the_radius():
    for shape, grid_type, toroidal in [
        ((6, 8), "rect", False),
        ((6, 8), "rect", True),
        ((6, 8), "hexagon", False),
        ((6, 8), "hexagon", True),
        ((1, 9), "rect", True),
    ]:
        d = grid.grid_distances(shape, grid_type, toroidal)
        for radius in (0, 1, 2, 3, 5):
            for unit in (0, 9, shape[0] * shape[1] - 1):
                unit = min(unit, d.shape[0] - 1)
                centre = divmod(unit, shape[1])
                mask = _units_within(shape, grid_type, centre, radius, toroidal)
                np.testing.assert_array_equal(mask.ravel(), d[unit] <= radius + 1e-9)


def test_torus_wraps_the_shorter_way():
    d = grid.grid_distances((5, 5), "rect", toroidal=True)
    assert d[0, 4] == 1.0  # (0, 0)-(0, 4) across the edge
    assert d[0, 24] == pytest.approx(np.sqrt(2))  # (0, 0)-(4, 4): one step each way
    flat = grid.grid_distances((5, 5), "rect")
    assert flat[0, 24] == pytest.approx(np.sqrt(32))


def test_unit_positions_put_hexagon_neighbours_one_step_apart():
    pos = grid.unit_positions((4, 5), "hexagon")
    pairs = grid.adjacent_pairs((4, 5), "hexagon")
    lengths = np.linalg.norm(pos[pairs[:, 0]] - pos[pairs[:, 1]], axis=1)
    np.testing.assert_allclose(lengths, 1.0)


def test_bad_grid_arguments():
    assert grid.GRID_TYPES == ("rect", "hexagon")
    with pytest.raises(ParameterError, match="grid_type must be one of 'rect', 'hexagon'"):
        grid.stencil((2, 2), "square")
    with pytest.raises(ParameterError, match="max_radius must be >= 0, got -1"):
        grid.stencil((2, 2), "rect", max_radius=-1)
    with pytest.raises(ParameterError, match="max_radius must be an integer, got 1.5"):
        grid.stencil((2, 2), "rect", max_radius=1.5)
