"""Shared data and helpers of the GNG tests."""

from __future__ import annotations

import numpy as np
import pytest

from engines.gng import _kernels as K

ASTRONAUT_RECIPE = dict(
    step=0.2,
    neighbour_step=0.005,
    max_edge_age=50,
    max_nodes=2400,
    n_iter_before_neuron_added=100,
    after_split_error_decay_rate=0.5,
    error_decay_rate=0.995,
    min_distance_for_update=0.01,
    n_start_nodes=2,
    shuffle_data=True,
)


@pytest.fixture
def blob_points() -> np.ndarray:
    """150 points: a dense clump in a corner of a sparser square."""
    rng = np.random.default_rng(5)
    pts = rng.random((150, 2)).astype(np.float32)
    pts[:60] *= 0.3
    return pts


@pytest.fixture
def ring_points() -> np.ndarray:
    """Pixel lattice of an annulus (radii 12 and 30 px), scaled like the pipeline's."""
    rows, cols = np.mgrid[0:64, 0:64]
    r = np.hypot(rows - 31.5, cols - 31.5)
    keep = (r >= 12) & (r <= 30)
    return (np.column_stack([cols[keep], -rows[keep]]) * 0.01).astype(np.float32)


def check_state(st: K.State) -> None:
    """Assert the kernel state is self-consistent (adjacency, grid lists, counters)."""
    high = int(st.si[K.HIGH])
    alive = np.flatnonzero(st.node[:high, K.BIRTH] >= 0)
    assert alive.size == st.si[K.N_ALIVE]
    assert np.unique(st.node[alive, K.BIRTH]).size == alive.size
    # adjacency: symmetric, same age at both ends, no self or duplicate edges
    for i in alive:
        deg = st.node[i, K.DEG]
        nbrs = st.adj[i, :deg, K.NBR]
        assert np.all(st.adj[i, deg:, K.NBR] == -1)
        assert i not in nbrs
        assert np.unique(nbrs).size == deg
        for k, j in enumerate(nbrs):
            assert st.node[j, K.BIRTH] >= 0
            back = np.flatnonzero(st.adj[j, : st.node[j, K.DEG], K.NBR] == i)
            assert back.size == 1
            assert st.adj[j, back[0], K.AGE] == st.adj[i, k, K.AGE]
    # grid: every live node is listed once, in the cell its position falls in
    gx, gy = int(st.si[K.GRID_X]), int(st.si[K.GRID_Y])
    seen = []
    for cell in range(gx * gy):
        i, prev = st.head[cell], -1
        while i >= 0:
            assert st.node[i, K.CELL] == cell and st.node[i, K.PREV] == prev
            x0, y0, inv = st.sf[K.ORIGIN_X], st.sf[K.ORIGIN_Y], st.sf[K.INV_CELL_SIZE]
            cx = min(max(int(np.floor((float(st.weights[i, 0]) - x0) * inv)), 0), gx - 1)
            cy = min(max(int(np.floor((float(st.weights[i, 1]) - y0) * inv)), 0), gy - 1)
            assert cell == cy * gx + cx
            seen.append(i)
            prev, i = i, st.node[i, K.NEXT]
    assert sorted(seen) == sorted(alive.tolist())
    # free slots: exactly the dead ones below the high-water mark, plus the unused ones
    free = st.free[: st.si[K.N_FREE]]
    assert np.unique(free).size == free.size
    assert set(free.tolist()) == set(range(st.node.shape[0])) - set(alive.tolist())
