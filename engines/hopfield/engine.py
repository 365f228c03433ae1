"""The Discrete Hopfield Network: Hebbian training, three recall modes, energy, capacity.

Patterns are binary (0/1) or bipolar (-1/1) vectors of ``n`` features; inside, everything is
bipolar. Training stores patterns ``X`` (``m`` rows) with the Hebbian rule
``W = XᵀX - mI``: an integer, symmetric matrix with a zero diagonal; training again adds the
new patterns' term to ``W``. Recall computes the local field ``x·W`` and sets each neuron on
where the field is positive and off where it is negative.

Tie rule
--------
When a neuron's field is exactly 0, NeuPy switches it off (its output is 0; -1 in bipolar
terms). That is ``tie="off"``, the default. ``tie="keep"`` leaves the neuron as it was, the
textbook rule. Either way an asynchronous update never raises the energy
``E = -½ xᵀWx``: flipping neuron ``i`` by ``d`` changes ``E`` by ``-d·hᵢ``, and a flip only
happens towards the sign of ``hᵢ`` (or at ``hᵢ = 0``, where ``E`` stays the same).

Recall modes
------------
``sync``
    One synchronous step, ``x ← f(x·W)``: NeuPy's ``predict`` in ``sync`` mode.
``converge``
    Synchronous steps until a fixed point or a 2-cycle (with symmetric ``W`` synchronous
    updates always end in one of the two), or ``max_iterations`` steps.
``async``
    ``n_times`` updates of one randomly chosen neuron each, from the network's own seeded
    generator; it stops early once no neuron would change. Unlike NeuPy, every neuron can be
    chosen (NeuPy draws ``randint(0, n - 1)`` and never updates the last one) and a tie
    follows the tie rule (NeuPy's ``sign`` leaves the neuron at 0 until the final step).

The asynchronous recall follows the engine contract of :mod:`engines.core`: :meth:`start`
sets the probe, ``step(n)`` runs ``n`` single-neuron updates, :meth:`snapshot` returns a
frozen :class:`HopfieldSnapshot` (state, energy, iteration, and the energy trace as its
``error_history``) and :attr:`done` says when the budget is spent or the state is stable, so
the GUI can animate it with :func:`engines.core.run`.
"""

from __future__ import annotations

import io
import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engines.core import Snapshot, StepStats
from engines.errors import GasworksError
from engines.hopfield.params import HopfieldParams
from engines.options import choices
from engines.validation import check_choice, check_count, check_seed

#: Bipolar neuron states.
ON = 1
OFF = -1
#: Encodings a pattern can come in; outputs use the encoding of their input.
BINARY = "binary"
BIPOLAR = "bipolar"
#: Smallest network: the capacity rules divide by ln n, which is 0 for one neuron.
MIN_FEATURES = 2
#: Capacity rules (Hertz, Krogh & Palmer; Amit, Gutfreund & Sompolinsky):
#: ``n / (2 ln n)`` patterns are each recalled with few errors (the check, as in NeuPy),
#: ``n / (4 ln n)`` are all recalled perfectly with high probability, and ``0.138 n`` is
#: where recall of random patterns breaks down for large ``n``.
LOG_RULE_DIVISOR = 2.0
STRICT_LOG_RULE_DIVISOR = 4.0
LINEAR_CAPACITY = 0.138
#: Random neuron indices are drawn in blocks of this size, so the sequence of updates is the
#: same however the calls to ``step`` are chunked.
INDEX_BLOCK = 1024
#: First length of the energy trace's buffer (it doubles when full).
TRACE_BLOCK = 1024
#: Version of the ``.npz`` layout written by :meth:`DiscreteHopfieldNetwork.save`.
FILE_FORMAT = 1
FILE_KIND = "gasworks-hopfield"

#: Outcomes of a recall.
OUTCOME_STEP = "single-step"
OUTCOME_FIXED_POINT = "fixed-point"
OUTCOME_TWO_CYCLE = "two-cycle"
OUTCOME_MAX_ITERATIONS = "max-iterations"
OUTCOME_BUDGET = "n-times"
#: Recall modes and capacity actions: the params' own choices.
MODES = choices(HopfieldParams, "mode")
CAPACITY_ACTIONS = choices(HopfieldParams, "capacity")

SECRET_WARNING = (
    "the weights of this network contain the password it stores: anyone with the file can "
    "recover it; keep the file as private as the password itself (it is written readable by "
    "its owner only)"
)


class CapacityWarning(UserWarning):
    """More patterns were stored than the ``n / (2 ln n)`` rule allows."""


class CapacityError(GasworksError):
    """Training would exceed the ``n / (2 ln n)`` rule and the parameters say ``raise``."""


class SecretWarning(UserWarning):
    """A network whose weights contain a secret is being written to disk."""


@dataclass(frozen=True)
class Capacity:
    """Rules of thumb for how many patterns ``n`` neurons hold.

    Attributes
    ----------
    n_features : int
        Number of neurons ``n``.
    log_rule : float
        ``n / (2 ln n)``: the limit :meth:`DiscreteHopfieldNetwork.train` checks.
    strict_log_rule : float
        ``n / (4 ln n)``: all patterns recalled without error, with high probability.
    linear_rule : float
        ``0.138 n``: the large-``n`` limit for random patterns.
    """

    n_features: int
    log_rule: float
    strict_log_rule: float
    linear_rule: float

    def exceeded(self, n_patterns: int) -> bool:
        """True when ``n_patterns`` is past the ``n / (2 ln n)`` rule."""
        return n_patterns > self.log_rule

    def describe(self, n_patterns: int | None = None) -> str:
        """One line with the three figures (and the pattern count, when given)."""
        head = "" if n_patterns is None else f"{n_patterns} patterns in "
        return (
            f"{head}{self.n_features} neurons: n/(2 ln n) = {self.log_rule:.2f}, "
            f"n/(4 ln n) = {self.strict_log_rule:.2f}, 0.138 n = {self.linear_rule:.2f}"
        )


def capacity(n_features: int) -> Capacity:
    """The capacity figures of a network with ``n_features`` neurons.

    Parameters
    ----------
    n_features : int
        Number of neurons, at least 2.

    Returns
    -------
    Capacity

    Raises
    ------
    ParameterError
        If ``n_features`` is not an integer >= 2.
    """
    n = check_count(n_features, "n_features", minimum=MIN_FEATURES)
    log_n = math.log(n)
    return Capacity(
        n_features=n,
        log_rule=n / (LOG_RULE_DIVISOR * log_n),
        strict_log_rule=n / (STRICT_LOG_RULE_DIVISOR * log_n),
        linear_rule=LINEAR_CAPACITY * n,
    )


def check_capacity(n_patterns: int, n_features: int, action: str = "warn") -> Capacity:
    """Warn about or refuse ``n_patterns`` stored in ``n_features`` neurons.

    Parameters
    ----------
    n_patterns : int
        Patterns the network would hold.
    n_features : int
        Number of neurons.
    action : {'warn', 'raise', 'ignore'}
        What to do past the ``n / (2 ln n)`` rule.

    Returns
    -------
    Capacity

    Raises
    ------
    CapacityError
        If the rule is exceeded and ``action`` is ``'raise'``.

    Warns
    -----
    CapacityWarning
        If the rule is exceeded and ``action`` is ``'warn'``.
    """
    check_choice(action, "action", CAPACITY_ACTIONS)
    figures = capacity(n_features)
    if figures.exceeded(n_patterns):
        message = (
            f"{n_patterns} patterns exceed the n/(2 ln n) capacity of {figures.n_features} "
            f"neurons ({figures.describe()}); recall will be unreliable"
        )
        if action == "raise":
            raise CapacityError(message)
        if action == "warn":
            warnings.warn(message, CapacityWarning, stacklevel=3)
    return figures


@dataclass(frozen=True, kw_only=True)
class HopfieldSnapshot(Snapshot):
    """A frozen copy of an asynchronous recall in progress.

    Besides the fields of :class:`~engines.core.Snapshot` (``iteration`` = single-neuron
    updates run since :meth:`DiscreteHopfieldNetwork.start`, ``error_history`` = the energy
    before the first update and after each one, ``iteration + 1`` values, read-only; ``done``
    once the state is stable or the budget ``n_times`` is spent, ``stop_reason`` says which):

    Attributes
    ----------
    state : (n,) ndarray of int8
        The current state, in the encoding of the probe (0/1 or -1/1); read-only.
    energy : float
        ``-½ xᵀWx`` of the current state (the last value of ``error_history``).
    stable : bool
        True when no single-neuron update would change the state.
    n_patterns : int
        Patterns stored in the network.
    """

    state: np.ndarray = field(repr=False)
    energy: float
    stable: bool
    n_patterns: int


@dataclass(frozen=True)
class RecallResult:
    """What a recall produced.

    Attributes
    ----------
    state : (n,) or (k, n) ndarray of int8
        Recalled patterns, in the encoding of the probe.
    energy : float or (k,) ndarray
        Energy of each recalled pattern.
    iterations : int or (k,) ndarray
        Synchronous steps computed (``sync``, ``converge``) or single-neuron updates run
        (``async``).
    outcome : str or tuple of str
        ``'single-step'`` (sync), ``'fixed-point'``, ``'two-cycle'``, ``'max-iterations'``
        (converge) or, for async, ``'fixed-point'`` or ``'n-times'`` (budget spent first).
    """

    state: np.ndarray
    energy: float | np.ndarray
    iterations: int | np.ndarray
    outcome: str | tuple[str, ...]


def _check_values(values: Any, name: str, ndims: tuple[int, ...]) -> tuple[np.ndarray, str | None]:
    """Bipolar int8 copy of ``values`` and its encoding (None when all ones).

    The message of every error names the bad value but never echoes the whole array.
    """
    array = np.asarray(values)
    if array.dtype == np.bool_:
        array = array.astype(np.int8)
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be numeric 0/1 or -1/1 values, got dtype {array.dtype}")
    if array.ndim not in ndims:
        shapes = " or ".join(("(n,)", "(k, n)")[d - 1] for d in ndims)
        raise ValueError(f"{name} must have shape {shapes}, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    is_one = array == 1
    is_zero = array == 0
    is_minus = array == -1
    bad = ~(is_one | is_zero | is_minus)
    if bad.any():
        value = array[bad].flat[0].item()
        raise ValueError(
            f"{name} must hold only 0/1 (binary) or -1/1 (bipolar) values, got {value!r}"
        )
    has_zero, has_minus = bool(is_zero.any()), bool(is_minus.any())
    if has_zero and has_minus:
        raise ValueError(f"{name} mixes 0 and -1: use 0/1 (binary) or -1/1 (bipolar), not both")
    encoding = BINARY if has_zero else BIPOLAR if has_minus else None
    return np.where(is_one, ON, OFF).astype(np.int8), encoding


def _generator(seed: Any) -> np.random.Generator:
    """The generator behind ``seed``: a Generator is used as is, None draws fresh entropy."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(None if seed is None else check_seed(seed))


def _activate(field: np.ndarray, current: np.ndarray, tie: str) -> np.ndarray:
    """Bipolar output of neurons with local ``field``; a zero field follows ``tie``."""
    tied = OFF if tie == "off" else current
    return np.where(field > 0, ON, np.where(field < 0, OFF, tied)).astype(np.int8)


def _encode(bipolar: np.ndarray, encoding: str) -> np.ndarray:
    if encoding == BINARY:
        return (bipolar > 0).astype(np.int8)
    return bipolar.astype(np.int8)


class DiscreteHopfieldNetwork:
    """Discrete Hopfield Network: an autoassociative memory of binary patterns.

    Parameters
    ----------
    params : HopfieldParams, optional
        Recall mode, async budget, tie rule and capacity action; defaults if omitted.
    data : (m, n) or (n,) array_like, optional
        Patterns to store right away (0/1 or -1/1), as :meth:`train` does.
    seed : int, numpy.random.Generator or None, keyword-only
        Seed of the generator that picks neurons in asynchronous recall: an integer from 0
        to 2**32 − 1 (else :class:`~engines.errors.ParameterError`), a generator to share,
        or None for fresh entropy from the operating system.

    Examples
    --------
    >>> net = DiscreteHopfieldNetwork(data=[[1, -1, 1, -1]])
    >>> net.weight
    array([[ 0, -1,  1, -1],
           [-1,  0, -1,  1],
           [ 1, -1,  0, -1],
           [-1,  1, -1,  0]])
    >>> net.predict([1, 1, 1, -1]).tolist()
    [1, -1, 1, -1]
    """

    def __init__(
        self,
        params: HopfieldParams | None = None,
        data: Any = None,
        *,
        seed: int | np.random.Generator | None = 0,
    ):
        if params is None:
            params = HopfieldParams()
        if not isinstance(params, HopfieldParams):
            raise TypeError(f"params must be a HopfieldParams, got {type(params).__name__}")
        self.params = params
        self._rng = _generator(seed)
        self._weight: np.ndarray | None = None
        self._n_patterns = 0
        self._encoding = BINARY
        #: True for networks whose weights contain a secret; saving them warns.
        self.holds_secret = False
        #: Free-form facts saved with the network (e.g. the password geometry).
        self.metadata: dict[str, int | str] = {}
        self._reset_recall()
        if data is not None:
            self.train(data)

    # ------------------------------------------------------------------ properties
    @property
    def n_features(self) -> int | None:
        """Number of neurons, or None before the first :meth:`train`."""
        return None if self._weight is None else int(self._weight.shape[0])

    @property
    def n_patterns(self) -> int:
        """Patterns stored so far."""
        return self._n_patterns

    @property
    def weight(self) -> np.ndarray:
        """(n, n) int64 ndarray: a read-only view of ``W = XᵀX - mI``."""
        weight = self._require_weight()
        view = weight.view()
        view.flags.writeable = False
        return view

    @property
    def capacity(self) -> Capacity:
        """Capacity figures of this network's size."""
        return capacity(self._require_weight().shape[0])

    def __repr__(self) -> str:
        return (
            f"DiscreteHopfieldNetwork(n_features={self.n_features}, n_patterns={self.n_patterns}, "
            f"mode={self.params.mode!r})"
        )

    # ------------------------------------------------------------------ training
    def train(self, data: Any) -> DiscreteHopfieldNetwork:
        """Store patterns, adding ``XᵀX - mI`` to the weights.

        Parameters
        ----------
        data : (m, n) or (n,) array_like
            Patterns of 0/1 or -1/1 values.

        Returns
        -------
        DiscreteHopfieldNetwork
            ``self``, for chaining.

        Raises
        ------
        ValueError
            If the values, the shape or the number of features are wrong.
        CapacityError
            If the capacity rule is exceeded and ``params.capacity`` is ``'raise'``; the
            weights are then left as they were.
        """
        patterns, encoding = _check_values(data, "patterns", (1, 2))
        patterns = np.atleast_2d(patterns)
        n_rows, n_features = patterns.shape
        if self._weight is not None and n_features != self._weight.shape[0]:
            raise ValueError(
                f"patterns have {n_features} features but the network has "
                f"{self._weight.shape[0]} neurons"
            )
        if n_features < MIN_FEATURES:
            raise ValueError(f"patterns need at least {MIN_FEATURES} features, got {n_features}")
        check_capacity(self._n_patterns + n_rows, n_features, self.params.capacity)
        bipolar = patterns.astype(np.int64)
        update = bipolar.T @ bipolar
        update[np.diag_indices(n_features)] -= n_rows
        if self._weight is None:
            self._weight = update
            if encoding is not None:
                self._encoding = encoding
        else:
            self._weight += update
        self._n_patterns += n_rows
        self._reset_recall()
        return self

    # ------------------------------------------------------------------ recall
    def energy(self, states: Any) -> float | np.ndarray:
        """Hopfield energy ``E = -½ xᵀWx`` of one state or of each row.

        Parameters
        ----------
        states : (n,) or (k, n) array_like
            States of 0/1 or -1/1 values.

        Returns
        -------
        float or (k,) ndarray of float
        """
        bipolar, _ = self._check_probe(states, "states")
        values = self._energies(np.atleast_2d(bipolar))
        return float(values[0]) if bipolar.ndim == 1 else values

    def recall(self, probe: Any, *, mode: str | None = None) -> RecallResult:
        """Recover stored patterns from (partial) probes.

        Parameters
        ----------
        probe : (n,) or (k, n) array_like
            Probes of 0/1 or -1/1 values; rows are recalled independently.
        mode : {'sync', 'converge', 'async'}, optional
            Overrides ``params.mode``.

        Returns
        -------
        RecallResult
            States in the probe's encoding, with energies, iterations and outcomes.
        """
        mode = self.params.mode if mode is None else check_choice(mode, "mode", MODES)
        bipolar, encoding = self._check_probe(probe, "probe")
        rows = np.atleast_2d(bipolar)
        if mode == "async":
            states, iterations, outcomes = [], [], []
            for row in rows:
                self._start(row, BIPOLAR)
                while not self.done:
                    self.step(self.params.n_times)
                states.append(self._state.copy())
                iterations.append(self._iteration)
                outcomes.append(OUTCOME_FIXED_POINT if self._n_unstable == 0 else OUTCOME_BUDGET)
            self._reset_recall()
            final = np.array(states, dtype=np.int8)
            iters = np.array(iterations)
        elif mode == "sync":
            final = _activate(rows.astype(np.int64) @ self._weight, rows, self.params.tie)
            iters = np.ones(len(rows), dtype=np.int64)
            outcomes = [OUTCOME_STEP] * len(rows)
        else:
            final, iters, outcomes = self._converge(rows)
        energies = self._energies(final)
        out_encoding = encoding or self._encoding
        state = _encode(final, out_encoding)
        if bipolar.ndim == 1:
            return RecallResult(state[0], float(energies[0]), int(iters[0]), outcomes[0])
        return RecallResult(state, energies, iters, tuple(outcomes))

    def predict(self, probe: Any, *, mode: str | None = None) -> np.ndarray:
        """Recalled states only (as NeuPy's ``predict``), in the probe's encoding.

        Parameters
        ----------
        probe : (n,) or (k, n) array_like
        mode : {'sync', 'converge', 'async'}, optional

        Returns
        -------
        (n,) or (k, n) ndarray of int8
        """
        return self.recall(probe, mode=mode).state

    def _converge(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Synchronous steps until each row reaches a fixed point or a 2-cycle."""
        tie = self.params.tie
        current = rows.copy()
        previous = np.zeros_like(current)
        iterations = np.zeros(len(rows), dtype=np.int64)
        outcomes = [OUTCOME_MAX_ITERATIONS] * len(rows)
        active = np.arange(len(rows))
        for step_number in range(1, self.params.max_iterations + 1):
            if active.size == 0:
                break
            now = current[active]
            following = _activate(now.astype(np.int64) @ self._weight, now, tie)
            iterations[active] = step_number
            fixed = np.all(following == now, axis=1)
            cycle = ~fixed & np.all(following == previous[active], axis=1) & (step_number > 1)
            previous[active] = now
            current[active] = following
            for index in active[fixed]:
                outcomes[index] = OUTCOME_FIXED_POINT
            for index in active[cycle]:
                outcomes[index] = OUTCOME_TWO_CYCLE
            active = active[~(fixed | cycle)]
        return current, iterations, outcomes

    # ------------------------------------------------------------------ engine contract
    def start(self, probe: Any) -> HopfieldSnapshot:
        """Begin an asynchronous recall from ``probe``; ``step`` then runs its updates.

        Parameters
        ----------
        probe : (n,) array_like
            One probe of 0/1 or -1/1 values.

        Returns
        -------
        HopfieldSnapshot
            The starting state and its energy (iteration 0).
        """
        bipolar, encoding = self._check_probe(probe, "probe", ndims=(1,))
        self._start(bipolar, encoding or self._encoding)
        return self.snapshot()

    def _start(self, bipolar: np.ndarray, encoding: str) -> None:
        self._state = bipolar.astype(np.int64)
        self._field = self._weight @ self._state
        self._energy = -0.5 * float(self._state @ self._field)
        self._iteration = 0
        self._budget = self.params.n_times
        self._probe_encoding = encoding
        self._trace = np.empty(TRACE_BLOCK, dtype=np.float64)
        self._trace[0] = self._energy
        self._indices = np.empty(0, dtype=np.int64)
        self._cursor = 0
        self._n_unstable = self._count_unstable()

    def _reset_recall(self) -> None:
        self._state: np.ndarray | None = None
        self._field: np.ndarray | None = None
        self._energy = math.nan
        self._iteration = 0
        self._budget = 0
        self._probe_encoding = BINARY
        self._trace = np.empty(0, dtype=np.float64)
        self._indices = np.empty(0, dtype=np.int64)
        self._cursor = 0
        self._n_unstable = 0

    @property
    def done(self) -> bool:
        """True when no recall is running, its budget is spent or its state is stable."""
        return self._state is None or self._iteration >= self._budget or self._n_unstable == 0

    def step(self, n: int = 1) -> StepStats:
        """Run up to ``n`` single-neuron updates of the asynchronous recall.

        Parameters
        ----------
        n : int
            Updates to run; fewer run if the budget ``params.n_times`` is spent or the state
            becomes stable first.

        Returns
        -------
        StepStats
            Updates run, the iteration reached and, as ``error``, the current energy.
        """
        n = check_count(n, "n")
        if self._state is None:
            raise RuntimeError("no recall in progress: call start(probe) first")
        state, field, weight = self._state, self._field, self._weight
        keep = self.params.tie == "keep"
        ran = 0
        while ran < n and not self.done:
            if self._cursor >= self._indices.size:
                self._indices = self._rng.integers(0, state.size, size=INDEX_BLOCK)
                self._cursor = 0
            i = int(self._indices[self._cursor])
            self._cursor += 1
            local = int(field[i])
            old = int(state[i])
            new = ON if local > 0 else OFF if local < 0 else (old if keep else OFF)
            if new != old:
                delta = new - old
                state[i] = new
                field += delta * weight[i]
                self._energy -= delta * local
                self._n_unstable = self._count_unstable()
            self._iteration += 1
            if self._iteration == self._trace.size:
                # a new, larger buffer: snapshots keep their views of the old one
                self._trace = np.concatenate([self._trace, np.empty_like(self._trace)])
            self._trace[self._iteration] = self._energy
            ran += 1
        return StepStats(steps=ran, iteration=self._iteration, error=self._energy)

    @property
    def stop_reason(self) -> str:
        """Why the recall stopped ('' while it goes on or before :meth:`start`)."""
        if self._state is None:
            return ""
        if self._n_unstable == 0:
            return "stable: no single-neuron update changes the state"
        if self._iteration >= self._budget:
            return f"budget of {self._budget} updates spent (params.n_times)"
        return ""

    def snapshot(self) -> HopfieldSnapshot:
        """A frozen copy of the asynchronous recall: state, energy, iteration, stability.

        Cheap however long the recall: the energy trace is a read-only view of the part of
        the engine's buffer that is never written again.
        """
        if self._state is None:
            raise RuntimeError("no recall in progress: call start(probe) first")
        state = _encode(self._state, self._probe_encoding)
        state.flags.writeable = False
        trace = self._trace[: self._iteration + 1].view()
        trace.flags.writeable = False
        return HopfieldSnapshot(
            state=state,
            energy=self._energy,
            stable=self._n_unstable == 0,
            n_patterns=self._n_patterns,
            iteration=self._iteration,
            error_history=trace,
            done=self.done,
            stop_reason=self.stop_reason,
        )

    @property
    def energy_trace(self) -> np.ndarray:
        """(iteration + 1,) ndarray of float: energy before the first and after each update
        (a copy; empty before :meth:`start`)."""
        if self._state is None:
            return np.zeros(0)
        return self._trace[: self._iteration + 1].copy()

    def _count_unstable(self) -> int:
        wanted = _activate(self._field, self._state, self.params.tie)
        return int(np.count_nonzero(wanted != self._state))

    # ------------------------------------------------------------------ files
    def save(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """Write the weights and their facts to an ``.npz`` file, atomically.

        Parameters
        ----------
        path : str or Path
            Target file; written readable by its owner only.
        overwrite : bool
            If False, an existing file is an error.

        Returns
        -------
        Path

        Warns
        -----
        SecretWarning
            If the network stores a password: its weights contain the secret.
        """
        from engines.atomic import atomic_write_bytes

        weight = self._require_weight()
        if self.holds_secret:
            warnings.warn(SECRET_WARNING, SecretWarning, stacklevel=2)
        buffer = io.BytesIO()
        np.savez(
            buffer,
            kind=np.array(FILE_KIND),
            format=np.array(FILE_FORMAT),
            weight=weight.astype(np.int32),
            n_patterns=np.array(self._n_patterns),
            encoding=np.array(self._encoding),
            holds_secret=np.array(self.holds_secret),
            metadata=np.array(json.dumps(self.metadata, sort_keys=True)),
        )
        # Owner-only: the weights of a password network contain the password.
        return atomic_write_bytes(path, buffer.getvalue(), overwrite=overwrite, mode=0o600)

    @classmethod
    def load(
        cls,
        path: str | Path,
        params: HopfieldParams | None = None,
        *,
        seed: int | np.random.Generator | None = 0,
    ) -> DiscreteHopfieldNetwork:
        """Read a network written by :meth:`save` (``params`` and ``seed`` as the constructor).

        Raises
        ------
        InputError
            If the file is missing, unreadable or not a valid network.
        """
        from engines.errors import InputError

        network = cls(params, seed=seed)  # the arguments are checked before the file is read
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as archive:
                contents = {key: archive[key] for key in archive.files}
        except FileNotFoundError:
            raise InputError(path, "no such file") from None
        except (OSError, ValueError) as exc:
            raise InputError(path, f"not a Hopfield network file ({exc})") from None
        required = ("kind", "format", "weight", "n_patterns", "encoding", "holds_secret")
        missing = [key for key in required if key not in contents]
        if missing or str(contents.get("kind")) != FILE_KIND:
            raise InputError(path, f"not a Hopfield network file (missing {', '.join(missing)})")
        if int(contents["format"]) != FILE_FORMAT:
            raise InputError(path, f"unsupported file format {int(contents['format'])}")
        weight = contents["weight"]
        if (
            weight.ndim != 2
            or weight.shape[0] != weight.shape[1]
            or weight.shape[0] < MIN_FEATURES
            or weight.dtype.kind not in "iu"
        ):
            raise InputError(path, f"weights must be a square integer matrix, got {weight.shape}")
        if not np.array_equal(weight, weight.T) or np.any(np.diag(weight) != 0):
            raise InputError(path, "weights must be symmetric with a zero diagonal")
        n_patterns = int(contents["n_patterns"])
        if n_patterns < 1:
            raise InputError(path, f"n_patterns must be >= 1, got {n_patterns}")
        network._weight = weight.astype(np.int64)
        network._n_patterns = n_patterns
        network._encoding = BIPOLAR if str(contents["encoding"]) == BIPOLAR else BINARY
        network.holds_secret = bool(contents["holds_secret"])
        if "metadata" in contents:
            try:
                metadata = json.loads(str(contents["metadata"]))
            except json.JSONDecodeError:
                raise InputError(path, "metadata is not valid JSON") from None
            network.metadata = metadata if isinstance(metadata, dict) else {}
        return network

    # ------------------------------------------------------------------ helpers
    def _require_weight(self) -> np.ndarray:
        if self._weight is None:
            raise RuntimeError("the network holds no patterns yet: call train(patterns) first")
        return self._weight

    def _check_probe(
        self, values: Any, name: str, ndims: tuple[int, ...] = (1, 2)
    ) -> tuple[np.ndarray, str | None]:
        weight = self._require_weight()
        bipolar, encoding = _check_values(values, name, ndims)
        if bipolar.shape[-1] != weight.shape[0]:
            raise ValueError(
                f"{name} has {bipolar.shape[-1]} features but the network has "
                f"{weight.shape[0]} neurons"
            )
        return bipolar, encoding

    def _energies(self, rows: np.ndarray) -> np.ndarray:
        wide = rows.astype(np.int64)
        return -0.5 * np.einsum("kn,kn->k", wide @ self._weight, wide).astype(np.float64)
