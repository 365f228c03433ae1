"""``SOFM``: a Self-Organizing Feature Map with NeuPy's training rules, compiled with Numba.

One :meth:`SOFM.step` is one epoch (every sample presented once, online or as one batch
update). The epoch counter is 1-based while an epoch trains, as NeuPy's ``last_epoch``: the
first epoch runs with ``radius = learning_radius - 1 // reduce_radius_after`` and
``step / (1 + 1 / reduce_step_after)``, and the counter carries on across ``train`` calls.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engines.atomic import atomic_write_bytes
from engines.core import Snapshot, StepStats
from engines.som import _kernels, grid, metrics
from engines.som.params import SOFMParams
from engines.validation import check_choice, check_count, check_seed

#: Format tag written into saved maps.
SAVE_FORMAT = "gasworks-sofm-1"
#: Winner searches: the full scan, the bucket grid over the plane (2-D inputs, Euclidean
#: distance, online training), or the planar one whenever it applies and the map is big
#: enough for it to pay.
SEARCHES = ("auto", "full", "planar")
PLANAR_MIN_UNITS = 64


@dataclass(frozen=True)
class Schedule:
    """Radius, learning rate and neighbour width used during one epoch."""

    epoch: int
    radius: int
    step: float
    std: float


@dataclass(frozen=True, kw_only=True)
class SOFMSnapshot(Snapshot):
    """A frozen copy of what a view needs.

    Besides the fields of :class:`~engines.core.Snapshot` (``iteration`` = epochs trained,
    ``error_history`` = NeuPy's training error of each epoch, the mean absolute difference
    between a sample and the units it updated; ``done`` once ``params.epochs`` epochs are
    trained):

    Attributes
    ----------
    weights : (*features_grid, n_inputs) ndarray of float32
    features_grid : tuple of int
    grid_type : {'rect', 'hexagon'}
    toroidal : bool
    """

    weights: np.ndarray = field(repr=False)
    features_grid: tuple[int, ...]
    grid_type: str
    toroidal: bool

    @property
    def epoch(self) -> int:
        """Epochs trained so far (the same as ``iteration``)."""
        return self.iteration

    @property
    def grid_weights(self) -> np.ndarray:
        """Weights as (rows, cols, n_inputs); a 1-D grid is one row."""
        n_inputs = self.weights.shape[-1]
        if len(self.features_grid) == 1:
            return self.weights.reshape(1, self.features_grid[0], n_inputs)
        return self.weights


class SOFM:
    """Self-Organizing Feature Map.

    Parameters
    ----------
    params : SOFMParams, optional
    data : (N, n_inputs) array_like, optional
        Training data for :meth:`step` and :func:`engines.core.run`.
    n_inputs : int, optional, keyword-only
        Features per sample; taken from ``weights`` or ``data`` when omitted.
    weights : (*features_grid, n_inputs) array_like, optional, keyword-only
        Initial weights; otherwise ``params.weight_init`` decides ('normal' at once,
        'sample_from_data' and 'init_pca' when data first arrives).
    seed : int, keyword-only
        Seeds the generator behind the random initialisation and the shuffling, 0 to
        2**32 − 1 (else :class:`~engines.errors.ParameterError`).
    search : {'auto', 'full', 'planar'}, keyword-only
        How the winner is found during online training; every choice gives the same
        result. 'planar' (a bucket grid over the plane) needs 2 inputs and the euclid
        distance; 'auto' uses it for such maps of at least 64 units.

    Examples
    --------
    >>> som = SOFM(SOFMParams(features_grid=(5, 5), learning_radius=1), n_inputs=2, seed=0)
    >>> som.train(np.random.default_rng(0).random((100, 2)), epochs=10).iteration
    10
    """

    def __init__(
        self,
        params: SOFMParams | None = None,
        data: np.ndarray | None = None,
        *,
        n_inputs: int | None = None,
        weights: np.ndarray | None = None,
        seed: int = 0,
        search: str = "auto",
    ):
        params = params if params is not None else SOFMParams()
        if not isinstance(params, SOFMParams):
            raise TypeError(f"params must be SOFMParams, got {type(params).__name__}")
        self.params = params
        self.seed = check_seed(seed)
        self.rng = np.random.default_rng(self.seed)
        shape = params.features_grid
        n_inputs = self._resolve_n_inputs(n_inputs, weights, data, shape)
        self.n_inputs = n_inputs
        self.search = self._resolve_search(search, params, n_inputs)
        #: Epochs trained so far (the ``iteration`` of snapshots).
        self.epoch = 0
        self._errors: list[float] = []
        self._data: np.ndarray | None = None
        self._w: np.ndarray | None = None
        self._kind = _kernels.DISTANCE_CODES[params.distance]
        rows, cols = params.grid_shape
        self._stencil = grid.stencil(
            (rows, cols),
            params.grid_type,
            toroidal=params.toroidal,
            n_axes=len(shape),
            max_radius=params.learning_radius,
        )
        self._scores = np.empty((2, params.n_units), dtype=np.float32)
        self._column = np.empty(n_inputs, dtype=np.float64)
        if weights is not None:
            self._w = self._check_weights(weights)
        elif params.weight_init == "normal":
            w = self.rng.normal(0.0, params.init_std, size=(n_inputs, params.n_units))
            self._w = self._finish_init(w)
        if data is not None:
            self.set_data(data)

    # ------------------------------------------------------------------ inputs
    @staticmethod
    def _resolve_n_inputs(n_inputs, weights, data, shape) -> int:
        if data is not None and np.ndim(data) != 2:
            raise ValueError(
                f"data must be 2-D (samples, features), got shape {np.shape(data)} "
                "(n_inputs is a keyword argument)"
            )
        if n_inputs is not None:
            return check_count(n_inputs, "n_inputs", minimum=1)
        if weights is not None:
            w = np.asarray(weights)
            if w.ndim == len(shape) + 1:
                return int(w.shape[-1])
        if data is not None:
            return int(np.shape(data)[1])
        raise ValueError("give n_inputs, or weights or data to take it from")

    @staticmethod
    def _resolve_search(search: str, params: SOFMParams, n_inputs: int) -> str:
        check_choice(search, "search", SEARCHES)
        planar_ok = n_inputs == 2 and params.distance == "euclid"
        if search == "planar" and not planar_ok:
            raise ValueError(
                "search 'planar' needs n_inputs=2 and distance 'euclid', got "
                f"n_inputs={n_inputs}, distance {params.distance!r}"
            )
        if search == "auto":
            return "planar" if planar_ok and params.n_units >= PLANAR_MIN_UNITS else "full"
        return search

    def _check_weights(self, weights: np.ndarray) -> np.ndarray:
        w = np.asarray(weights)
        expected = (*self.params.features_grid, self.n_inputs)
        if w.shape != expected:
            raise ValueError(
                f"weights must be shaped features_grid + (n_inputs,) = {expected}, got {w.shape}"
            )
        if not np.issubdtype(w.dtype, np.number) or np.iscomplexobj(w):
            raise ValueError(f"weights must be real numbers, got dtype {w.dtype}")
        if not np.isfinite(w).all():
            raise ValueError("weights contain NaN or infinite values")
        return self._finish_init(w.reshape(self.params.n_units, self.n_inputs).T)

    def _finish_init(self, w_t: np.ndarray) -> np.ndarray:
        """(D, U) → contiguous float32, unit-normalised for the cos distance (as NeuPy)."""
        w = np.ascontiguousarray(w_t, dtype=np.float32)
        if self.params.distance == "cos":
            norms = np.linalg.norm(w, axis=0)
            if (norms == 0).any():
                raise ValueError("the cos distance needs non-zero weight vectors")
            w = np.ascontiguousarray(w / norms, dtype=np.float32)
        return w

    def _check_data(self, data: np.ndarray) -> np.ndarray:
        x = np.asarray(data)
        if x.ndim != 2:
            raise ValueError(f"data must be 2-D (samples, features), got shape {x.shape}")
        if x.shape[0] < 1:
            raise ValueError("data has no samples")
        if x.shape[1] != self.n_inputs:
            raise ValueError(
                f"data has {x.shape[1]} features per sample but the map has "
                f"n_inputs={self.n_inputs}"
            )
        if not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
            raise ValueError(f"data must be real numbers, got dtype {x.dtype}")
        if not np.isfinite(x).all():
            raise ValueError("data contains NaN or infinite values")
        x = np.ascontiguousarray(x, dtype=np.float32)
        if self.params.distance == "cos" and not np.linalg.norm(x, axis=1).all():
            raise ValueError("the cos distance needs non-zero samples; data has a zero row")
        return x

    def set_data(self, data: np.ndarray) -> None:
        """Use ``data`` (N, n_inputs) for the following steps; initialise weights from it
        when the initialisation needs data."""
        x = self._check_data(data)
        self._data = x
        if self._w is None:
            self._w = self._finish_init(self._init_from_data(x))

    def _init_from_data(self, x: np.ndarray) -> np.ndarray:
        if self.params.weight_init == "sample_from_data":
            n = x.shape[0]
            units = self.params.n_units
            rows = self.rng.choice(n, units, replace=n < units)
            return x[rows].T
        return pca_weights(x, self.params.features_grid).T

    # ------------------------------------------------------------------ training
    def schedule(self, epoch: int) -> Schedule:
        """Radius, step and std NeuPy uses while training ``epoch`` (1-based)."""
        p = self.params
        radius = p.learning_radius
        step, std = p.step, p.std
        if p.reduce_radius_after is not None:
            radius = max(0, radius - epoch // p.reduce_radius_after)
        if p.reduce_step_after is not None:
            step = step / (1 + epoch / p.reduce_step_after)
        if p.reduce_std_after is not None:
            std = std / (1 + epoch / p.reduce_std_after)
        return Schedule(epoch, radius, step, std)

    def _factor_table(self, std: float) -> np.ndarray:
        """Neighbour factor of each grid distance 0..max_radius+1 (NeuPy's gaussian_df)."""
        d = np.arange(self._stencil.max_radius + 2)
        if std == 0:
            return (d == 0).astype(np.float64)
        return np.exp(-np.square(d) / (2 * np.pi * std**2))

    @property
    def done(self) -> bool:
        """True once ``params.epochs`` epochs have been trained."""
        return self.epoch >= self.params.epochs

    @property
    def stop_reason(self) -> str:
        """Why training stopped ('' while it goes on)."""
        return f"{self.params.epochs} epochs trained (params.epochs)" if self.done else ""

    @property
    def error_history(self) -> np.ndarray:
        """(epoch,) ndarray of float64: NeuPy's training error of each epoch trained."""
        return np.array(self._errors, dtype=np.float64)

    def step(self, n: int = 1) -> StepStats:
        """Train ``n`` epochs on the data given to the constructor, :meth:`set_data` or
        :meth:`train`. The unit of ``n`` is the epoch.
        """
        n = check_count(n, "n")
        if self._data is None:
            raise ValueError("no training data: pass data= or call set_data() or train() first")
        x = self._data
        for _ in range(n):
            epoch = self.epoch + 1
            sched = self.schedule(epoch)
            table = self._factor_table(sched.std)
            key_limit = grid.radius_key(sched.radius, self.params.grid_type)
            st = self._stencil
            if self.params.training == "online":
                if self.params.shuffle_data:
                    order = self.rng.permutation(x.shape[0]).astype(np.int64)
                else:
                    order = np.arange(x.shape[0], dtype=np.int64)
                if self.search == "planar":
                    total = _kernels.online_epoch_planar(
                        x, order, self._w, st.offsets, st.starts, st.geometry, table,
                        key_limit, float(sched.step), self._column,
                    )  # fmt: skip
                else:
                    total = _kernels.online_epoch(
                        x, order, self._w, st.offsets, st.starts, st.geometry, table,
                        key_limit, float(sched.step), self._kind, self._scores, self._column,
                    )  # fmt: skip
            else:
                sums = np.empty((self.params.n_units, self.n_inputs), dtype=np.float64)
                counts = np.empty(self.params.n_units, dtype=np.float64)
                total = _kernels.batch_epoch(
                    x, self._w, st.offsets, st.starts, st.geometry, table, key_limit,
                    self._kind, self._scores, sums, counts,
                )  # fmt: skip
            self.epoch = epoch
            self._errors.append(float(total) / x.shape[0])
        error = self._errors[-1] if self._errors else float("nan")
        return StepStats(steps=n, iteration=self.epoch, error=error)

    def train(self, data: np.ndarray, epochs: int | None = None) -> StepStats:
        """Train on ``data`` (N, n_inputs) for ``epochs`` epochs (``params.epochs`` if None).

        The epoch counter continues from earlier calls, so the radius, step and std keep
        decaying as in one long run (NeuPy's behaviour).
        """
        if epochs is not None:
            epochs = check_count(epochs, "epochs", minimum=1)
        self.set_data(data)
        return self.step(self.params.epochs if epochs is None else epochs)

    # ------------------------------------------------------------------ views
    def _require_weights(self) -> np.ndarray:
        if self._w is None:
            raise ValueError(
                f"weights are initialised from data ({self.params.weight_init!r}): "
                "pass data= or call set_data() or train() first"
            )
        return self._w

    @property
    def weights(self) -> np.ndarray:
        """A copy of the weights shaped (*features_grid, n_inputs), float32."""
        w = self._require_weights()
        return np.ascontiguousarray(w.T).reshape(*self.params.features_grid, self.n_inputs)

    def snapshot(self) -> SOFMSnapshot:
        """A frozen copy of the weights and counters (the weights are copied)."""
        return SOFMSnapshot(
            weights=self.weights,
            features_grid=self.params.features_grid,
            grid_type=self.params.grid_type,
            toroidal=self.params.toroidal,
            iteration=self.epoch,
            error_history=self.error_history,
            done=self.done,
            stop_reason=self.stop_reason,
        )

    def winners(self, data: np.ndarray) -> np.ndarray:
        """Winning unit of each sample, as (N,) int64 flat indices into the grid (row-major;
        ``np.unravel_index(i, features_grid)`` gives grid coordinates)."""
        x = self._check_data(data)
        out = np.empty(x.shape[0], dtype=np.int64)
        _kernels.winners(x, self._require_weights(), self._kind, self._scores, out)
        return out

    def quantization_error(self, data: np.ndarray, *, chunk_size: int = 65536) -> float:
        """Mean Euclidean distance between each sample and its winning unit's weights."""
        x = self._check_data(data)
        return metrics.quantization_error(
            x, self._require_weights(), self._kind, chunk_size=chunk_size
        )

    def topographic_error(self, data: np.ndarray, *, chunk_size: int = 65536) -> float:
        """Share of samples whose best and second-best units are not adjacent on the grid
        (4 neighbours on rect grids, 6 on hexagon grids, across the wrap when toroidal)."""
        x = self._check_data(data)
        return metrics.topographic_error(
            x, self._require_weights(), self._kind, self.params.grid_shape,
            self.params.grid_type, self.params.toroidal, chunk_size=chunk_size,
        )  # fmt: skip

    def u_matrix(self, expanded: bool = False) -> np.ndarray:
        """Distances between neighbouring units (see :func:`engines.som.metrics.u_matrix`).

        Returns
        -------
        (rows, cols) ndarray, or (2 * rows - 1, 2 * cols - 1) when ``expanded``;
        a 1-D grid counts as one row.
        """
        grid_w = self._require_weights().T.reshape(*self.params.grid_shape, self.n_inputs)
        return metrics.u_matrix(
            grid_w, self.params.grid_type, self.params.toroidal, expanded=expanded
        )

    # ------------------------------------------------------------------ save / load
    def save(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """Write the map (params, weights, epoch, errors, generator state) to an ``.npz``."""
        meta = {
            "format": SAVE_FORMAT,
            "params": self.params.model_dump(mode="json"),
            "n_inputs": self.n_inputs,
            "seed": self.seed,
            "epoch": self.epoch,
            "rng": self.rng.bit_generator.state,
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.array(json.dumps(meta)),
            weights=self.weights,
            errors=self.error_history,
        )
        return atomic_write_bytes(path, buffer.getvalue(), overwrite=overwrite)

    @classmethod
    def load(cls, path: str | Path) -> SOFM:
        """Read a map written by :meth:`save`; training continues where it stopped."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as archive:
                meta = json.loads(str(archive["meta"]))
                weights = archive["weights"]
                errors = archive["errors"]
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"{path}: not a saved SOFM ({exc})") from None
        if meta.get("format") != SAVE_FORMAT:
            raise ValueError(f"{path}: not a saved SOFM (format {meta.get('format')!r})")
        params = SOFMParams.model_validate(meta["params"])
        som = cls(params, n_inputs=meta["n_inputs"], weights=weights, seed=meta["seed"])
        som._w = np.ascontiguousarray(weights.reshape(params.n_units, -1).T, dtype=np.float32)
        som.epoch = int(meta["epoch"])
        som._errors = [float(e) for e in errors]
        som.rng.bit_generator.state = meta["rng"]
        return som


def pca_weights(data: np.ndarray, features_grid: tuple[int, ...]) -> np.ndarray:
    """NeuPy's ``init_pca``: units spread over the plane of the two main components.

    The grid is mapped onto [-1, 1] along each axis, and unit ``(i, j)`` gets
    ``mean + (i' * v1 + j' * v2) * std`` where ``v1, v2`` are the principal directions of the
    standardised data, scaled by their variances (exact SVD instead of NeuPy's randomised
    one). A 1-D grid uses the first component only.

    Returns
    -------
    (U, D) ndarray of float64
    """
    x = np.asarray(data, dtype=np.float64)
    rows, cols = (1, features_grid[0]) if len(features_grid) == 1 else features_grid
    n_units = rows * cols
    coord = np.zeros((n_units, 2))
    coord[:, 0], coord[:, 1] = np.divmod(np.arange(n_units), cols)
    if len(features_grid) == 1:
        coord = coord[:, ::-1]  # the one axis drives the first component
    maximum = coord.max(axis=0)
    coord = np.where(maximum > 0, 2 * (coord / np.where(maximum > 0, maximum, 1) - 0.5), 0.0)
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    z = (x - mean) / std
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    n_comp = min(2, vt.shape[0])
    # Sign convention of scikit-learn's svd_flip: the largest loading of each is positive.
    signs = np.sign(vt[np.arange(n_comp), np.argmax(np.abs(vt[:n_comp]), axis=1)])
    vt = vt[:n_comp] * signs[:, None]
    eigenvalues = s[:n_comp] ** 2 / x.shape[0]
    directions = np.zeros((2, x.shape[1]))
    directions[:n_comp] = vt * eigenvalues[:, None]
    return mean + coord.dot(directions) * std
