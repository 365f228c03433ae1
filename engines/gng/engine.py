"""``GrowingNeuralGas``: the public engine (checks inputs, owns its generator, calls kernels).

Per signal (a data point ``x``), exactly as NeuPy's ``GrowingNeuralGas`` does it:

1. ``d`` = Euclidean distances from ``x`` to every node; ``c``, ``s`` = the two nearest.
2. The epoch's total error grows by ``d[c]``. If ``d[c] < min_distance_for_update ** 2``
   the signal is skipped, error decay included. (NeuPy squares the option and compares it
   with the plain distance; the quirk is kept so NeuPy recipes behave the same.)
3. ``c.error += d[c]``; ``c`` moves ``step`` of the way to ``x``; the edge ``c–s`` is
   created or its age reset to 0.
4. For each neighbour ``n`` of ``c``: an edge aged ``max_edge_age`` or more is removed, and
   ``n`` too if it has no edge left; otherwise the edge ages by one and ``n`` moves
   ``neighbour_step`` of the way to ``x``.
5. Every ``n_iter_before_neuron_added`` updates, while there are fewer than ``max_nodes``
   nodes: ``q`` = the node with the largest error, ``f`` = its neighbour with the largest
   error; both errors are multiplied by ``after_split_error_decay_rate``; a node ``r`` is
   put halfway between them, with error 0 (NeuPy; ``new_node_error='inherit'`` gives it
   ``q``'s error, as in Fritzke's paper); the edge ``q–f`` is replaced by ``q–r`` and
   ``r–f``.
6. Every node's error is multiplied by ``error_decay_rate``.

An epoch presents every point once, in a new random order when ``shuffle_data``; its error
is the mean of ``d[c]`` over its signals. Ties (equal distances or errors) go to the node
created first. Random draws, all from the engine's own generator: the start nodes are
``rng.choice(P, n_start_nodes)`` (with replacement, as NeuPy) when data first arrives, and
each epoch's order is ``rng.permutation(n_signals)`` drawn when the epoch starts.

Beyond NeuPy (all off by default, so a NeuPy recipe runs unchanged):

- a stop rule, checked at the end of each epoch: ``target_error`` (epoch error at most
  this) or ``patience`` (that many epochs without the epoch error dropping by
  ``min_improvement``, relative); NeuPy's own stop (an epoch whose signals were all skipped
  by ``min_distance_for_update``) applies too. ``done`` then becomes True and ``step``
  does nothing more.
- two cures for "skinny" art. GNG nodes settle at the centroid of the points they win,
  so the outermost ones sit about half a node spacing inside the outline.
  ``border_weight=k`` presents every outline point (:func:`~engines.gng._border.
  outline_mask`) ``k`` more times per epoch: the outer nodes' centroids move onto the
  outline and, the outline producing more error, more nodes are inserted along it (the
  epoch grows by ``k`` × the outline points, which changes NeuPy's insertion schedule).
  ``border_snap=True`` leaves training alone and moves, in snapshots only, each node that
  is nearest to some outline point to the mean of those points: exact, free, strongest
  when nodes are sparse, but only the outer ring moves. Measured with
  :func:`~engines.gng.coverage.outline_coverage` (``benchmarks/bench_gng.py --coverage``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.core import Snapshot, StepStats
from engines.gng import _kernels as K
from engines.gng._border import outline_mask
from engines.gng.params import GNGParams
from engines.validation import check_count, check_seed

#: Edges per node the adjacency rows hold at first (they double when one is full).
INITIAL_MAX_DEGREE = 16


@dataclass(frozen=True, kw_only=True)
class GNGSnapshot(Snapshot):
    """A frozen copy of the network, nodes in creation order.

    Besides the fields of :class:`~engines.core.Snapshot` (``iteration`` = signals presented
    over the whole run, ``error_history`` = mean winner distance of each completed epoch,
    ``done`` and ``stop_reason`` from the stop rule):

    Attributes
    ----------
    nodes : (N, 2) ndarray of float32
        Node positions in point coordinates.
    edges : (E, 2) ndarray of int64
        Pairs of row indices into ``nodes``, each pair ``i < j``, sorted.
    errors : (N,) ndarray of float64
        Accumulated (decayed) error of each node.
    ages : (E,) ndarray of int64
        Age of each edge.
    ids : (N,) ndarray of int64
        Creation number of each node, stable while the node lives (for live views).
    epoch : int
        Completed epochs.
    n_updates : int
        Signals that updated the network (not skipped), over the whole run.
    signal : int
        Signals presented in the current, unfinished epoch.
    signals_per_epoch : int
    """

    nodes: np.ndarray
    edges: np.ndarray
    errors: np.ndarray
    ages: np.ndarray
    ids: np.ndarray
    epoch: int
    n_updates: int
    signal: int
    signals_per_epoch: int

    @property
    def n_signals(self) -> int:
        """Signals presented over the whole run (the same as ``iteration``)."""
        return self.iteration

    @property
    def n_nodes(self) -> int:
        return int(self.nodes.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.edges.shape[0])


class GrowingNeuralGas:
    """Growing Neural Gas (Fritzke 1995) with NeuPy's update rule, compiled.

    Parameters
    ----------
    params : GNGParams, optional
        Defaults to ``GNGParams()`` (NeuPy's defaults).
    data : (P, 2) array_like of float, optional
        Points to learn; may also be given later to :meth:`set_data` or :meth:`train`.
    seed : int, keyword-only
        Seeds the engine's own generator, 0 to 2**32 − 1 (else
        :class:`~engines.errors.ParameterError`). Same seed, params and data → the same
        graph, however the signals are split into ``step`` calls.

    Examples
    --------
    >>> gng = GrowingNeuralGas(GNGParams(max_nodes=50), seed=0)
    >>> snap = gng.train(points, epochs=3)          # doctest: +SKIP
    >>> snap.nodes.shape, snap.edges.shape          # doctest: +SKIP
    """

    def __init__(
        self,
        params: GNGParams | None = None,
        data: np.ndarray | None = None,
        *,
        seed: int = 0,
    ):
        if params is None:
            params = GNGParams()
        if not isinstance(params, GNGParams):
            raise TypeError(f"params must be a GNGParams, got {type(params).__name__}")
        self.params = params
        self.seed = check_seed(seed)
        self._rng = np.random.default_rng(self.seed)
        self._cfg = K.Config(
            step=float(params.step),
            neighbour_step=float(params.neighbour_step),
            max_edge_age=int(params.max_edge_age),
            max_nodes=int(params.max_nodes),
            n_iter_before_neuron_added=int(params.n_iter_before_neuron_added),
            after_split_error_decay_rate=float(params.after_split_error_decay_rate),
            error_decay_rate=float(params.error_decay_rate),
            skip_below=float(params.min_distance_for_update) ** 2,
            inherit_error=params.new_node_error == "inherit",
        )
        self._state: K.State | None = None
        self._data: np.ndarray | None = None  # the points as given (float32 copy)
        self._outline: np.ndarray | None = None  # data points on the shape's outline
        self._signals: np.ndarray | None = None  # what an epoch presents (data + border)
        self._order: np.ndarray | None = None
        self._pos = 0
        self._epoch = 0
        self._n_signals = 0
        self._epoch_errors: list[float] = []
        self._epoch_start_updates = 0
        self._best_error = np.inf
        self._since_best = 0
        self._stop_reason = ""
        if data is not None:
            self.set_data(data)

    # ------------------------------------------------------------------ data

    def set_data(self, points: np.ndarray) -> None:
        """Use ``points`` for the following signals.

        The first call also places the start nodes. Passing the same points again changes
        nothing (training continues mid-epoch); new points restart the current epoch on
        them (epoch and update counts go on).

        Parameters
        ----------
        points : (P, 2) array_like of float
            Finite coordinates, at least 2 points.
        """
        pts = _check_points(points)
        if self._data is not None and np.array_equal(pts, self._data):
            return
        self._data = pts
        p = self.params
        self._outline = pts[outline_mask(pts)] if p.border_weight or p.border_snap else pts[:0]
        self._signals = self._with_border(pts)
        self._order = None
        self._pos = 0
        if self._state is None:
            self._state = self._new_state(pts)
        else:
            self._reframe(pts)
        self._state.sf[K.TOTAL_ERROR] = 0.0
        self._epoch_start_updates = int(self._state.si[K.N_UPDATES])

    def _with_border(self, pts: np.ndarray) -> np.ndarray:
        """The points an epoch presents: ``pts``, then outline points repeated."""
        weight = self.params.border_weight
        if weight == 0:
            return pts
        return np.ascontiguousarray(np.concatenate([pts, *([self._outline] * weight)]))

    def _new_state(self, pts: np.ndarray) -> K.State:
        p = self.params
        st = K.new_state(p.max_nodes, max(INITIAL_MAX_DEGREE, 4), _bbox(pts))
        for i in self._rng.choice(pts.shape[0], p.n_start_nodes):
            K.add_node(st, pts[i, 0], pts[i, 1], 0.0)
        return st

    def _reframe(self, pts: np.ndarray) -> None:
        st = self._state
        alive = st.node[: st.si[K.HIGH], K.BIRTH] >= 0
        both = np.concatenate([pts, st.weights[: st.si[K.HIGH]][alive]])
        st.sf[[K.ORIGIN_X, K.ORIGIN_Y, K.EXTENT_X, K.EXTENT_Y]] = _bbox(both)
        K.rebuild_grid(st)

    # ------------------------------------------------------------------ training

    @property
    def done(self) -> bool:
        """True once the stop rule has fired (see ``target_error``, ``patience``)."""
        return bool(self._stop_reason)

    @property
    def signals_per_epoch(self) -> int:
        return 0 if self._signals is None else int(self._signals.shape[0])

    @property
    def n_nodes(self) -> int:
        """Nodes alive now (0 before data arrives)."""
        return 0 if self._state is None else int(self._state.si[K.N_ALIVE])

    def stop_growing(self) -> int:
        """Insert no more nodes from now on (training goes on); returns the node count.

        Used by recipes that size the network by what it draws (tone art stops once the
        drawing's ink matches the photo's tone)."""
        n = max(self.n_nodes, 2)
        self._cfg = self._cfg._replace(max_nodes=n)
        return n

    def step(self, n: int = 1, *, data: np.ndarray | None = None) -> StepStats:
        """Present ``n`` signals (fewer if the stop rule fires), crossing epochs as needed.

        Parameters
        ----------
        n : int
            Number of signals, >= 0.
        data : (P, 2) array_like of float, optional
            Same as calling :meth:`set_data` first.

        Returns
        -------
        StepStats
            ``steps`` signals run, ``iteration`` = signals over the whole run, ``error`` =
            mean winner distance so far in the current epoch (the last epoch's when the
            current one has just started).
        """
        n = check_count(n, "n")
        if data is not None:
            self.set_data(data)
        if self._signals is None:
            raise ValueError("no data: pass points to train(), set_data() or step(data=...)")
        done_now = 0
        per_epoch = self.signals_per_epoch
        while done_now < n and not self.done:
            if self._order is None:
                self._order = (
                    self._rng.permutation(per_epoch)
                    if self.params.shuffle_data
                    else np.arange(per_epoch)
                )
            stop = min(per_epoch, self._pos + (n - done_now))
            reached, status = K.train_signals(
                self._signals, self._order, self._pos, stop, self._cfg, self._state
            )
            done_now += reached - self._pos
            self._n_signals += reached - self._pos
            self._pos = reached
            if status == K.STATUS_NEED_DEGREE:
                self._state = K.grow_degree(self._state)
            elif self._pos == per_epoch:
                self._end_epoch()
        return StepStats(steps=done_now, iteration=self._n_signals, error=self._running_error())

    def train(self, points: np.ndarray | None = None, epochs: int = 1) -> GNGSnapshot:
        """Run until ``epochs`` more epochs have completed, or the stop rule fires.

        Called again, training continues from the current graph (a mid-epoch engine first
        completes the epoch it is in, which counts as one).

        Parameters
        ----------
        points : (P, 2) array_like of float, optional
            The data; omitted, the data already set is used.
        epochs : int
            Number of epochs, >= 0.

        Returns
        -------
        GNGSnapshot
        """
        epochs = check_count(epochs, "epochs")
        if points is not None:
            self.set_data(points)
        if self._signals is None:
            raise ValueError("no data: pass points to train() or call set_data() first")
        target = self._epoch + int(epochs)
        while self._epoch < target and not self.done:
            self.step(self.signals_per_epoch - self._pos)
        return self.snapshot()

    def _running_error(self) -> float:
        if self._pos:
            return float(self._state.sf[K.TOTAL_ERROR] / self._pos)
        return self._epoch_errors[-1] if self._epoch_errors else float("nan")

    def _end_epoch(self) -> None:
        st = self._state
        err = float(st.sf[K.TOTAL_ERROR] / self.signals_per_epoch)
        st.sf[K.TOTAL_ERROR] = 0.0
        self._epoch_errors.append(err)
        self._epoch += 1
        self._order = None
        self._pos = 0
        updates = int(st.si[K.N_UPDATES])
        no_update = updates == self._epoch_start_updates
        self._epoch_start_updates = updates
        p = self.params
        if err < self._best_error * (1.0 - p.min_improvement):
            self._best_error = err
            self._since_best = 0
        else:
            self._since_best += 1
        if p.target_error is not None and err <= p.target_error:
            self._stop_reason = f"epoch error {err:.6g} <= target_error {p.target_error:g}"
        elif p.patience is not None and self._since_best >= p.patience:
            self._stop_reason = (
                f"no improvement of the epoch error for {self._since_best} epochs "
                f"(best {self._best_error:.6g})"
            )
        elif no_update and p.min_distance_for_update > 0:
            # NeuPy stops here too: every winner was within the skip distance.
            self._stop_reason = "no update in a whole epoch (min_distance_for_update)"

    # ------------------------------------------------------------------ views

    def snapshot(self) -> GNGSnapshot:
        """A frozen copy of the graph and counters (cheap; nodes in creation order)."""
        st = self._state
        if st is None:
            empty = np.zeros((0, 2), dtype=np.float32)
            return GNGSnapshot(
                nodes=empty,
                edges=np.zeros((0, 2), dtype=np.int64),
                errors=np.zeros(0),
                ages=np.zeros(0, dtype=np.int64),
                ids=np.zeros(0, dtype=np.int64),
                epoch=0,
                n_updates=0,
                signal=0,
                signals_per_epoch=0,
            )
        weights = self._snapped_weights() if self.params.border_snap else st.weights
        nodes, edges, errors, ages, ids = graph_arrays(st, weights)
        return GNGSnapshot(
            nodes=nodes,
            edges=edges,
            errors=errors,
            ages=ages,
            ids=ids,
            epoch=self._epoch,
            n_updates=int(st.si[K.N_UPDATES]),
            signal=self._pos,
            signals_per_epoch=self.signals_per_epoch,
            iteration=self._n_signals,
            error_history=np.array(self._epoch_errors, dtype=np.float64),
            done=self.done,
            stop_reason=self._stop_reason,
        )

    def _snapped_weights(self) -> np.ndarray:
        """Node positions with every outer node moved onto the outline (``border_snap``).

        Each outline point is assigned to its nearest node; a node that received some
        moves to their mean, which lies on the outline stretch it is responsible for (in a
        stroke thinner than the node spacing it gets points from both sides and stays in
        the middle). Other nodes keep their places.
        """
        st = self._state
        weights = st.weights.copy()
        if self._outline.shape[0] == 0:
            return weights
        owner = K.nearest_slots(self._outline, st)
        cap = weights.shape[0]
        count = np.bincount(owner, minlength=cap)
        has = count > 0
        for axis in (0, 1):
            total = np.bincount(owner, self._outline[:, axis].astype(np.float64), cap)
            weights[has, axis] = (total[has] / count[has]).astype(np.float32)
        return weights


def graph_arrays(st: K.State, weights: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """(nodes, edges, errors, ages, ids) of a kernel state, nodes in creation order.

    ``weights`` replaces the state's node positions (same slots) when given.
    """
    weights = st.weights if weights is None else weights
    high = int(st.si[K.HIGH])
    birth = st.node[:high, K.BIRTH].astype(np.int64)
    slots = np.flatnonzero(birth >= 0)
    slots = slots[np.argsort(birth[slots], kind="stable")]
    row_of = np.full(high, -1, dtype=np.int64)
    row_of[slots] = np.arange(slots.size)
    deg = st.node[slots, K.DEG]
    has = np.arange(st.adj.shape[1])[None, :] < deg[:, None]
    a = np.repeat(np.arange(slots.size), deg)
    rows = st.adj[slots][has]
    b = row_of[rows[:, K.NBR]]
    ages = rows[:, K.AGE].astype(np.int64)
    keep = a < b
    edges = np.stack([a[keep], b[keep]], axis=1)
    ages = ages[keep]
    order = np.lexsort((edges[:, 1], edges[:, 0]))
    return (
        weights[slots].copy(),
        edges[order],
        st.errors[slots] * st.sf[K.SCALE],
        ages[order],
        birth[slots],
    )


def _check_points(points: np.ndarray) -> np.ndarray:
    """Validated float32, C-contiguous copy of ``points``."""
    arr = np.asarray(points)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"points must have shape (P, 2), got {arr.shape}")
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise ValueError(f"points must be real numbers, got dtype {arr.dtype}")
    if arr.shape[0] < 2:
        raise ValueError(f"points must hold at least 2 points, got {arr.shape[0]}")
    with np.errstate(over="ignore"):
        pts = np.array(arr, dtype=np.float32, order="C")
    bad = ~np.isfinite(pts).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"points must be finite (and within float32 range); row {i} is "
            f"{arr[i].tolist()}, {int(bad.sum())} such rows"
        )
    return pts


def _bbox(pts: np.ndarray) -> tuple[float, float, float, float]:
    lo = pts.min(axis=0).astype(np.float64)
    hi = pts.max(axis=0).astype(np.float64)
    return float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1])


def warm_up() -> None:
    """Compile every kernel (or load it from Numba's cache) on a tiny problem.

    Front ends call it once, in the background, at start-up; the first real run is then
    as fast as the following ones.
    """
    rows, cols = np.mgrid[0:8, 0:8]
    points = np.column_stack([cols.ravel(), -rows.ravel()]).astype(np.float32)
    params = GNGParams(
        max_nodes=6, n_iter_before_neuron_added=5, max_edge_age=3, border_weight=1,
        border_snap=True,
    )  # fmt: skip
    GrowingNeuralGas(params, points, seed=0).train(epochs=2)
