"""Compiled kernels of the Growing Neural Gas (private; the engine validates every input).

State lives in a few plain arrays grouped in the :class:`State` named tuple; the options in
the :class:`Config` named tuple. Nodes occupy slots ``0 .. capacity-1``; a freed slot is
reused. Every node also has a birth number (the order of creation, NeuPy's node order);
ties between equal distances or equal errors go to the node born first.

Three devices make a signal cheap:

- the two nearest nodes come from a uniform grid over the data's bounding box (see
  :func:`nearest_two`); each cell keeps a doubly linked list of its nodes, updated when a
  node moves across a cell boundary; the grid is rebuilt, finer or coarser, when the node
  count has doubled or fallen to a quarter since the last build;
- errors decay lazily: ``errors`` holds each error divided by a global factor ``scale``
  (``actual = errors * scale``), so the per-update decay of every node is one
  multiplication; the stored values are folded back before ``scale`` underflows;
- edges live in per-node adjacency rows (neighbour slot and age, stored at both ends).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

# Columns of State.node (int32).
BIRTH = 0  # creation number, -1 for a free slot
DEG = 1  # number of edges
CELL = 2  # grid cell holding the node
NEXT = 3  # next node in the same cell, -1 at the end
PREV = 4  # previous node in the same cell, -1 at the head
N_NODE_COLS = 5

# Last axis of State.adj (int32).
NBR = 0  # neighbour slot, -1 past the node's degree
AGE = 1  # age of the edge

# Entries of State.si (int64).
N_ALIVE = 0
N_UPDATES = 1
NEXT_BIRTH = 2
N_FREE = 3
GRID_X = 4  # cells along x
GRID_Y = 5  # cells along y
N_AT_BUILD = 6  # node count when the grid was last built
HIGH = 7  # one past the highest slot ever used
N_SI = 8

# Entries of State.sf (float64).
SCALE = 0  # lazy error decay: actual error = errors[i] * SCALE
ORIGIN_X = 1
ORIGIN_Y = 2
EXTENT_X = 3  # width of the bounding box the grid covers
EXTENT_Y = 4
CELL_SIZE = 5
INV_CELL_SIZE = 6
TOTAL_ERROR = 7  # sum of winner distances since the engine last reset it
N_SF = 8

# Kernel return codes.
STATUS_OK = 0
STATUS_NEED_DEGREE = 1  # an adjacency row is full: grow State.adj and call again

#: Mean nodes per grid cell the grid aims at when it is (re)built.
NODES_PER_CELL = 1.0
#: Stored errors are folded back into real values when SCALE falls below this.
RENORMALISE_BELOW = 1e-150


class Config(NamedTuple):
    """Options of one run, as the kernels read them."""

    step: float
    neighbour_step: float
    max_edge_age: int
    max_nodes: int
    n_iter_before_neuron_added: int
    after_split_error_decay_rate: float
    error_decay_rate: float
    skip_below: float  # a signal whose winner distance is below this is skipped
    inherit_error: bool  # inserted node starts with the split node's error (else 0)


class State(NamedTuple):
    """All mutable state of one network."""

    weights: np.ndarray  # (capacity, 2) float32
    errors: np.ndarray  # (capacity,) float64, divided by sf[SCALE]
    node: np.ndarray  # (capacity, N_NODE_COLS) int32
    adj: np.ndarray  # (capacity, max_degree, 2) int32: (neighbour slot, edge age)
    head: np.ndarray  # (max_cells,) int32, first node of each cell or -1
    free: np.ndarray  # (capacity,) int32, stack of free slots
    si: np.ndarray  # (N_SI,) int64
    sf: np.ndarray  # (N_SF,) float64


def new_state(capacity: int, max_degree: int, bbox: tuple[float, float, float, float]) -> State:
    """Empty state for ``capacity`` nodes over the box ``(x0, y0, width, height)``."""
    node = np.full((capacity, N_NODE_COLS), -1, dtype=np.int32)
    node[:, DEG] = 0
    max_cells = int(4 * capacity / NODES_PER_CELL) + 16
    si = np.zeros(N_SI, dtype=np.int64)
    si[N_FREE] = capacity
    si[GRID_X] = si[GRID_Y] = 1
    sf = np.zeros(N_SF, dtype=np.float64)
    sf[SCALE] = 1.0
    sf[ORIGIN_X], sf[ORIGIN_Y], sf[EXTENT_X], sf[EXTENT_Y] = bbox
    sf[CELL_SIZE] = sf[INV_CELL_SIZE] = 1.0
    return State(
        weights=np.zeros((capacity, 2), dtype=np.float32),
        errors=np.zeros(capacity, dtype=np.float64),
        node=node,
        adj=np.full((capacity, max_degree, 2), -1, dtype=np.int32),
        head=np.full(max_cells, -1, dtype=np.int32),
        free=np.arange(capacity - 1, -1, -1, dtype=np.int32),
        si=si,
        sf=sf,
    )


def grow_degree(st: State) -> State:
    """Copy of ``st`` whose adjacency rows hold twice as many edges."""
    capacity, max_degree, _ = st.adj.shape
    adj = np.full((capacity, 2 * max_degree, 2), -1, dtype=np.int32)
    adj[:, :max_degree] = st.adj
    return st._replace(adj=adj)


# --------------------------------------------------------------------------- grid


@njit(cache=True, inline="always")
def _cell_index(v, origin, inv_size, n):
    c = math.floor((v - origin) * inv_size)
    if c < 0:
        return 0
    if c >= n:
        return n - 1
    return c


@njit(cache=True, inline="always")
def _cell_of(st, x, y):
    gx = st.si[GRID_X]
    cx = _cell_index(x, st.sf[ORIGIN_X], st.sf[INV_CELL_SIZE], gx)
    cy = _cell_index(y, st.sf[ORIGIN_Y], st.sf[INV_CELL_SIZE], st.si[GRID_Y])
    return cy * gx + cx


@njit(cache=True, inline="always")
def _grid_link(st, i, cell):
    node = st.node
    first = st.head[cell]
    node[i, CELL] = cell
    node[i, NEXT] = first
    node[i, PREV] = -1
    if first >= 0:
        node[first, PREV] = i
    st.head[cell] = i


@njit(cache=True, inline="always")
def _grid_unlink(st, i):
    node = st.node
    prev = node[i, PREV]
    nxt = node[i, NEXT]
    if prev >= 0:
        node[prev, NEXT] = nxt
    else:
        st.head[node[i, CELL]] = nxt
    if nxt >= 0:
        node[nxt, PREV] = prev


@njit(cache=True)
def rebuild_grid(st):
    """Choose the cell size for the current node count and relink every node."""
    si, sf = st.si, st.sf
    n_cells_old = si[GRID_X] * si[GRID_Y]
    for c in range(n_cells_old):
        st.head[c] = -1
    n_alive = si[N_ALIVE]
    target = max(1.0, n_alive / NODES_PER_CELL)
    width, height = sf[EXTENT_X], sf[EXTENT_Y]
    if width > 0.0 and height > 0.0:
        size = math.sqrt(width * height / target)
    elif width > 0.0 or height > 0.0:
        size = max(width, height) / target
    else:
        size = 1.0
    max_cells = st.head.shape[0]
    while True:
        gx = int(width / size) + 1
        gy = int(height / size) + 1
        if gx * gy <= max_cells:
            break
        size *= 1.25
    si[GRID_X] = gx
    si[GRID_Y] = gy
    sf[CELL_SIZE] = size
    sf[INV_CELL_SIZE] = 1.0 / size
    si[N_AT_BUILD] = n_alive
    for i in range(si[HIGH]):
        if st.node[i, BIRTH] >= 0:
            wx, wy = np.float64(st.weights[i, 0]), np.float64(st.weights[i, 1])
            _grid_link(st, i, _cell_of(st, wx, wy))


@njit(cache=True, inline="always")
def _better(d2, birth, best_d2, best_birth):
    return d2 < best_d2 or (d2 == best_d2 and birth < best_birth)


@njit(cache=True, inline="always")
def _scan_cell(st, i, x, y, best):
    """Fold the nodes of the cell list starting at slot ``i`` into ``best``.

    ``best`` = (first, d2, birth, second, d2, birth), ordered by (squared distance, birth).
    """
    i1, d1, b1, i2, d2, b2 = best
    w, node = st.weights, st.node
    while i >= 0:
        dx = np.float64(w[i, 0]) - x
        dy = np.float64(w[i, 1]) - y
        dd = dx * dx + dy * dy
        birth = node[i, BIRTH]
        if _better(dd, birth, d2, b2):
            if _better(dd, birth, d1, b1):
                i2, d2, b2 = i1, d1, b1
                i1, d1, b1 = i, dd, birth
            else:
                i2, d2, b2 = i, dd, birth
        i = node[i, NEXT]
    return i1, d1, b1, i2, d2, b2


@njit(cache=True, inline="always")
def nearest_two(st, x, y):
    """Slots and squared distances of the two nodes nearest to (x, y).

    Rings of cells around the point's cell are searched outwards. After a ring, every node
    not yet seen lies outside the searched block, hence at least as far as the block's
    nearest side (sides on the grid's border do not count: no node lies beyond them, nodes
    outside the box being clamped into border cells). The search stops once the second
    best is strictly nearer than that bound, or the block covers the grid.
    Returns (first, d2_first, second, d2_second); ties go to the earlier-born node.
    """
    si, sf = st.si, st.sf
    gx, gy = si[GRID_X], si[GRID_Y]
    x0, y0, size = sf[ORIGIN_X], sf[ORIGIN_Y], sf[CELL_SIZE]
    cx = _cell_index(x, x0, sf[INV_CELL_SIZE], gx)
    cy = _cell_index(y, y0, sf[INV_CELL_SIZE], gy)
    margin = 1e-9 * size
    best = (-1, np.inf, np.iinfo(np.int32).max, -1, np.inf, np.iinfo(np.int32).max)
    r = 0
    while True:
        xlo, xhi, ylo, yhi = cx - r, cx + r, cy - r, cy + r
        for yy in range(max(ylo, 0), min(yhi, gy - 1) + 1):
            row = yy * gx
            if yy in (ylo, yhi):  # top or bottom side of the ring: all of it
                for xx in range(max(xlo, 0), min(xhi, gx - 1) + 1):
                    best = _scan_cell(st, st.head[row + xx], x, y, best)
            else:  # left and right sides only
                if xlo >= 0:
                    best = _scan_cell(st, st.head[row + xlo], x, y, best)
                if xhi < gx and xhi != xlo:
                    best = _scan_cell(st, st.head[row + xhi], x, y, best)
        i1, d1, _, i2, d2, _ = best
        bound = np.inf
        if xlo > 0:
            bound = min(bound, x - (x0 + xlo * size))
        if xhi < gx - 1:
            bound = min(bound, x0 + (xhi + 1) * size - x)
        if ylo > 0:
            bound = min(bound, y - (y0 + ylo * size))
        if yhi < gy - 1:
            bound = min(bound, y0 + (yhi + 1) * size - y)
        if bound == np.inf:
            break
        if i2 >= 0:
            bound -= margin
            if bound > 0.0 and d2 < bound * bound:
                break
        r += 1
    return i1, d1, i2, d2


# --------------------------------------------------------------------------- graph


@njit(cache=True, inline="always")
def _find(st, i, j):
    """Position of j in i's adjacency row, or -1."""
    row = st.adj[i]
    for k in range(st.node[i, DEG]):
        if row[k, NBR] == j:
            return k
    return -1


@njit(cache=True, inline="always")
def _append_edge(st, i, j):
    k = st.node[i, DEG]
    st.adj[i, k, NBR] = j
    st.adj[i, k, AGE] = 0
    st.node[i, DEG] = k + 1


@njit(cache=True, inline="always")
def _drop_at(st, i, k):
    last = st.node[i, DEG] - 1
    st.adj[i, k, NBR] = st.adj[i, last, NBR]
    st.adj[i, k, AGE] = st.adj[i, last, AGE]
    st.adj[i, last, NBR] = -1
    st.adj[i, last, AGE] = -1
    st.node[i, DEG] = last


@njit(cache=True)
def _remove_edge(st, i, j):
    _drop_at(st, i, _find(st, i, j))
    _drop_at(st, j, _find(st, j, i))


@njit(cache=True, inline="always")
def _move(st, i, x, y, rate):
    w = st.weights
    wx = np.float64(w[i, 0])
    wy = np.float64(w[i, 1])
    w[i, 0] = np.float32(wx + rate * (x - wx))
    w[i, 1] = np.float32(wy + rate * (y - wy))
    cell = _cell_of(st, np.float64(w[i, 0]), np.float64(w[i, 1]))
    if cell != st.node[i, CELL]:
        _grid_unlink(st, i)
        _grid_link(st, i, cell)


@njit(cache=True)
def add_node(st, x, y, error):
    """Put a node at (x, y) (float32 already) with stored error ``error``; returns its slot."""
    si = st.si
    si[N_FREE] -= 1
    i = st.free[si[N_FREE]]
    st.weights[i, 0] = x
    st.weights[i, 1] = y
    st.errors[i] = error
    st.node[i, BIRTH] = si[NEXT_BIRTH]
    si[NEXT_BIRTH] += 1
    st.node[i, DEG] = 0
    si[N_ALIVE] += 1
    if i + 1 > si[HIGH]:
        si[HIGH] = i + 1
    _grid_link(st, i, _cell_of(st, np.float64(x), np.float64(y)))
    if si[N_ALIVE] >= 2 * si[N_AT_BUILD]:
        rebuild_grid(st)
    return i


@njit(cache=True)
def _remove_node(st, i):
    si = st.si
    _grid_unlink(st, i)
    st.node[i, BIRTH] = -1
    st.node[i, CELL] = -1
    st.errors[i] = 0.0
    st.free[si[N_FREE]] = i
    si[N_FREE] += 1
    si[N_ALIVE] -= 1
    if 4 * si[N_ALIVE] <= si[N_AT_BUILD]:
        rebuild_grid(st)


@njit(cache=True)
def _insert_node(st, cfg):
    """Fritzke's insertion: halfway between the worst node and its worst neighbour."""
    node, errors = st.node, st.errors
    q = -1
    q_err = -1.0
    q_birth = np.iinfo(np.int32).max
    for i in range(st.si[HIGH]):
        birth = node[i, BIRTH]
        if birth >= 0:
            e = errors[i]
            if e > q_err or (e == q_err and birth < q_birth):
                q, q_err, q_birth = i, e, birth
    if node[q, DEG] == 0:
        return  # a lone start node: no neighbour to split towards
    f = -1
    f_err = -1.0
    f_birth = np.iinfo(np.int32).max
    for k in range(node[q, DEG]):
        j = st.adj[q, k, NBR]
        e = errors[j]
        birth = node[j, BIRTH]
        if e > f_err or (e == f_err and birth < f_birth):
            f, f_err, f_birth = j, e, birth
    errors[q] *= cfg.after_split_error_decay_rate
    errors[f] *= cfg.after_split_error_decay_rate
    w = st.weights
    x = np.float32(0.5 * (np.float64(w[q, 0]) + np.float64(w[f, 0])))
    y = np.float32(0.5 * (np.float64(w[q, 1]) + np.float64(w[f, 1])))
    r = add_node(st, x, y, errors[q] if cfg.inherit_error else 0.0)
    _remove_edge(st, q, f)
    _append_edge(st, q, r)
    _append_edge(st, r, q)
    _append_edge(st, f, r)
    _append_edge(st, r, f)


@njit(cache=True)
def _renormalise(st):
    scale = st.sf[SCALE]
    for i in range(st.si[HIGH]):
        st.errors[i] *= scale
    st.sf[SCALE] = 1.0


@njit(cache=True)
def train_signals(points, order, start, stop, cfg, st):
    """Present ``points[order[start:stop]]`` one by one (NeuPy's update, see engine.py).

    Returns ``(t, status)``: signals ``start .. t-1`` were done; ``status`` is STATUS_OK, or
    STATUS_NEED_DEGREE when signal ``t`` needs a longer adjacency row (nothing of signal
    ``t`` has been applied; grow the rows and call again from ``t``).
    """
    si, sf, node = st.si, st.sf, st.node
    max_degree = st.adj.shape[1]
    for t in range(start, stop):
        p = order[t]
        x = np.float64(points[p, 0])
        y = np.float64(points[p, 1])
        c, d2c, s, _ = nearest_two(st, x, y)
        kc = _find(st, c, s)
        if kc < 0 and (node[c, DEG] >= max_degree or node[s, DEG] >= max_degree):
            return t, STATUS_NEED_DEGREE
        dist = math.sqrt(d2c)
        sf[TOTAL_ERROR] += dist
        if dist < cfg.skip_below:
            continue  # NeuPy skips the decay of this signal too
        si[N_UPDATES] += 1
        st.errors[c] += dist / sf[SCALE]
        _move(st, c, x, y, cfg.step)
        if kc >= 0:
            st.adj[c, kc, AGE] = 0
            st.adj[s, _find(st, s, c), AGE] = 0
        else:
            _append_edge(st, c, s)
            _append_edge(st, s, c)
        k = 0
        while k < node[c, DEG]:
            n = st.adj[c, k, NBR]
            a = st.adj[c, k, AGE]
            if a >= cfg.max_edge_age:
                _drop_at(st, c, k)
                _drop_at(st, n, _find(st, n, c))
                if node[n, DEG] == 0:
                    _remove_node(st, n)
            else:
                st.adj[c, k, AGE] = a + 1
                st.adj[n, _find(st, n, c), AGE] = a + 1
                _move(st, n, x, y, cfg.neighbour_step)
                k += 1
        if si[N_UPDATES] % cfg.n_iter_before_neuron_added == 0 and si[N_ALIVE] < cfg.max_nodes:
            _insert_node(st, cfg)
        sf[SCALE] *= cfg.error_decay_rate
        if sf[SCALE] < RENORMALISE_BELOW:
            _renormalise(st)
    return stop, STATUS_OK


@njit(cache=True)
def nearest_slots(points, st):
    """Slot of the node nearest to each of ``points`` (ties to the earlier-born node)."""
    out = np.empty(points.shape[0], dtype=np.int64)
    for t in range(points.shape[0]):
        i1, _, _, _ = nearest_two(st, np.float64(points[t, 0]), np.float64(points[t, 1]))
        out[t] = i1
    return out
