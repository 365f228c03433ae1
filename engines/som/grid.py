"""Grid geometry of a feature map: unit positions, grid distances, neighbour stencils.

Units are numbered row-major: unit ``u`` sits at row ``u // cols``, column ``u % cols``.
A 1-D grid is one row. Two lattices:

- ``rect``: the grid distance between two units is Euclidean in (row, column) steps, so the
  units within ``radius`` are those with ``drow**2 + dcol**2 <= radius**2`` (NeuPy).
- ``hexagon``: odd rows are shifted half a step to the right (NeuPy's layout); the distance
  is the number of hexagon steps between the two units.

A toroidal grid wraps both axes: the distance along an axis is the shorter way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import get_args

import numpy as np

from engines.som.params import SOFMParams
from engines.validation import check_choice, check_count

#: The lattices, as ``SOFMParams.grid_type`` allows them.
GRID_TYPES: tuple[str, ...] = get_args(SOFMParams.model_fields["grid_type"].annotation)
#: Columns of a stencil row.
ST_DROW, ST_DCOL, ST_AXIS_ROW, ST_AXIS_COL, ST_KEY = range(5)
#: Fields of the geometry array passed to kernels.
G_ROWS, G_COLS, G_HEX, G_TOROIDAL, G_AXES = range(5)

SQRT3_2 = np.sqrt(3.0) / 2.0


@dataclass(frozen=True)
class Stencil:
    """Offsets from a winner to every unit within a largest radius, nearest first.

    ``offsets[k]`` is ``(drow, dcol, axis_row, axis_col, key)``: the offset, the distance
    along each axis (for the rect neighbour factor), and the sort key compared with the
    radius (``drow**2 + dcol**2`` on rect grids, the hexagon distance on hexagon grids).
    A hexagon grid has one stencil per row parity: rows ``starts[p]:starts[p + 1]`` serve a
    winner on a row of parity ``p``; a rect grid uses ``starts[0]:starts[1]`` for every row.
    """

    offsets: np.ndarray  # (K, 5) int64
    starts: np.ndarray  # (3,) int64
    geometry: np.ndarray  # (5,) int64: rows, cols, is_hex, toroidal, n_axes
    max_radius: int


def geometry_array(
    grid_shape: tuple[int, int], grid_type: str, toroidal: bool, n_axes: int
) -> np.ndarray:
    """The (5,) int64 array kernels read the grid from."""
    rows, cols = grid_shape
    return np.array(
        [rows, cols, int(grid_type == "hexagon"), int(toroidal), n_axes], dtype=np.int64
    )


def radius_key(radius: int, grid_type: str) -> int:
    """The stencil key limit for ``radius``: radius squared (rect) or radius (hexagon)."""
    return radius if grid_type == "hexagon" else radius * radius


def _axis_range(size: int, toroidal: bool) -> np.ndarray:
    """Offsets along one axis that reach distinct units (with the shortest wrap)."""
    if toroidal:
        return np.arange(-((size - 1) // 2), size // 2 + 1)
    return np.arange(-(size - 1), size)


def hex_distance(r1, c1, r2, c2):
    """Hexagon steps between (r1, c1) and (r2, c2), odd rows shifted right (arrays ok)."""
    r1, c1, r2, c2 = (np.asarray(v, dtype=np.int64) for v in (r1, c1, r2, c2))
    x1 = c1 - (r1 - (r1 & 1)) // 2
    x2 = c2 - (r2 - (r2 & 1)) // 2
    dx = x2 - x1
    dz = r2 - r1
    dy = -dx - dz
    return np.maximum(np.maximum(np.abs(dx), np.abs(dy)), np.abs(dz))


def _row_images(rows: int) -> tuple[int, ...]:
    """Row shifts of the wrapped copies of a toroidal hexagon grid (none for one row)."""
    return (-rows, 0, rows) if rows > 1 else (0,)


def _hex_offset_distance(parity: int, drow, dcol, rows: int, cols: int, toroidal: bool):
    """Hexagon distance from a unit on a row of ``parity`` to the unit at the offset."""
    if not toroidal:
        return hex_distance(parity, 0, parity + drow, dcol)
    best = None
    for kr in _row_images(rows):
        for kc in (-cols, 0, cols):
            d = hex_distance(parity, 0, parity + drow + kr, dcol + kc)
            best = d if best is None else np.minimum(best, d)
    return best


@lru_cache(maxsize=64)
def _stencil_cached(
    grid_shape: tuple[int, int], grid_type: str, toroidal: bool, n_axes: int, max_radius: int
) -> Stencil:
    rows, cols = grid_shape
    dr_axis = _axis_range(rows, toroidal)
    dc_axis = _axis_range(cols, toroidal)
    dr_axis = dr_axis[np.abs(dr_axis) <= max_radius]
    if grid_type == "hexagon":
        # A hexagon step changes the column by at most one, so |dcol| <= radius + 1 covers it.
        dc_axis = dc_axis[np.abs(dc_axis) <= max_radius + 1]
    else:
        dc_axis = dc_axis[np.abs(dc_axis) <= max_radius]
    drow, dcol = (a.ravel() for a in np.meshgrid(dr_axis, dc_axis, indexing="ij"))
    axis_row, axis_col = np.abs(drow), np.abs(dcol)
    parts = []
    parities = (0, 1) if grid_type == "hexagon" else (0,)
    for parity in parities:
        if grid_type == "hexagon":
            key = _hex_offset_distance(parity, drow, dcol, rows, cols, toroidal)
            keep = key <= max_radius
        else:
            key = drow * drow + dcol * dcol
            keep = key <= max_radius * max_radius
        rows_p = np.stack([drow, dcol, axis_row, axis_col, key], axis=1)[keep]
        # Nearest first; ties in a fixed order so the stencil is the same on every machine.
        order = np.lexsort((rows_p[:, ST_DCOL], rows_p[:, ST_DROW], rows_p[:, ST_KEY]))
        parts.append(rows_p[order])
    if len(parts) == 1:
        parts.append(parts[0][:0])
    starts = np.array([0, len(parts[0]), len(parts[0]) + len(parts[1])], dtype=np.int64)
    offsets = np.ascontiguousarray(np.concatenate(parts), dtype=np.int64)
    offsets.setflags(write=False)
    starts.setflags(write=False)
    geometry = geometry_array(grid_shape, grid_type, toroidal, n_axes)
    geometry.setflags(write=False)
    return Stencil(offsets, starts, geometry, max_radius)


def stencil(
    grid_shape: tuple[int, int],
    grid_type: str,
    *,
    toroidal: bool = False,
    n_axes: int = 2,
    max_radius: int = 0,
) -> Stencil:
    """Neighbour stencil of a grid for every radius up to ``max_radius`` (read-only arrays).

    Parameters
    ----------
    grid_shape : (rows, cols)
    grid_type : {'rect', 'hexagon'}
    toroidal : bool
    n_axes : {1, 2}
        Axes the rect neighbour factor averages over (1 for a grid given as ``(units,)``).
    max_radius : int
    """
    check_choice(grid_type, "grid_type", GRID_TYPES)
    max_radius = check_count(max_radius, "max_radius")
    return _stencil_cached(tuple(grid_shape), grid_type, bool(toroidal), int(n_axes), max_radius)


def unit_positions(grid_shape: tuple[int, int], grid_type: str) -> np.ndarray:
    """Where each unit sits on the drawn lattice, as (U, 2) (x, y) with y growing down.

    Rect units sit on integer (column, row); hexagon units have odd rows shifted right by
    half a step and rows ``sqrt(3) / 2`` apart, so neighbours are all one step apart.
    """
    rows, cols = grid_shape
    r, c = np.divmod(np.arange(rows * cols), cols)
    if grid_type == "hexagon":
        return np.stack([c + 0.5 * (r & 1), r * SQRT3_2], axis=1).astype(np.float64)
    return np.stack([c, r], axis=1).astype(np.float64)


def grid_distances(
    grid_shape: tuple[int, int], grid_type: str, toroidal: bool = False
) -> np.ndarray:
    """(U, U) grid distances between all units: Euclidean steps (rect) or hexagon steps.

    Meant for small grids (tests, inspection): memory grows with the square of the units.
    """
    rows, cols = grid_shape
    r, c = np.divmod(np.arange(rows * cols), cols)
    if grid_type == "hexagon":
        if not toroidal:
            return hex_distance(r[:, None], c[:, None], r[None], c[None]).astype(np.float64)
        best = None
        for kr in _row_images(rows):
            for kc in (-cols, 0, cols):
                d = hex_distance(r[:, None], c[:, None], r[None] + kr, c[None] + kc)
                best = d if best is None else np.minimum(best, d)
        return best.astype(np.float64)
    dr = np.abs(r[:, None] - r[None])
    dc = np.abs(c[:, None] - c[None])
    if toroidal:
        dr = np.minimum(dr, rows - dr)
        dc = np.minimum(dc, cols - dc)
    return np.sqrt(dr * dr + dc * dc)


def adjacent_pairs(
    grid_shape: tuple[int, int], grid_type: str, toroidal: bool = False
) -> np.ndarray:
    """Every pair of adjacent units (grid distance 1) once, as (P, 2) int64 with i < j.

    Adjacent means the 4 nearest units on a rect grid (no diagonals) and the 6 around a
    hexagon; a toroidal grid adds the pairs across its wrapped edges.
    """
    st = stencil(grid_shape, grid_type, toroidal=toroidal, max_radius=1)
    rows, cols = grid_shape
    pairs = set()
    for unit in range(rows * cols):
        r, c = divmod(unit, cols)
        parity = (r & 1) if grid_type == "hexagon" else 0
        for dr, dc, _, _, key in st.offsets[st.starts[parity] : st.starts[parity + 1]]:
            if key != 1:
                continue
            rr, cc = r + dr, c + dc
            if toroidal:
                rr, cc = rr % rows, cc % cols
            elif not (0 <= rr < rows and 0 <= cc < cols):
                continue
            other = int(rr * cols + cc)
            if other != unit:
                pairs.add((min(unit, other), max(unit, other)))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.array(sorted(pairs), dtype=np.int64)
