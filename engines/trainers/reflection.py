"""Error reflection: a base network, its error cases clustered by ISODATA, one error network
per cluster, and a gate choosing the network for each input (the "error reflection" seed,
section 4.1), measured against fair baselines.

The method (as the paper's section 4.1 and figure 2 describe it)
----------------------------------------------------------------
1. **Base.** A network with one hidden ReLU layer is trained on every training sample
   (Adam, learning rate 1e-4 as in the paper, mini-batches of ``batch_size``).
2. **Error cases.** The training samples whose error is above a threshold: for a function,
   ``|y − f̂(x)|``; for digits, ``1 − p̂(true class)``. The threshold is a quantile of the
   errors (``threshold_rule='quantile'``, default: the worst 25 %) or an absolute value.
3. **Clusters.** The error cases are clustered by ISODATA (:mod:`engines.trainers.isodata`)
   on the input joined with the error (``features='input_error'``; or the input or the
   error alone), each column standardised over the error cases.
4. **Error networks.** One network per cluster, of the base's shape (``error_hidden``
   units), trained on its cluster's cases only (``error_epochs`` epochs). With
   ``combine='replace'`` (the paper: "a classifier will be trained to determine which
   network to use") an error network learns the targets and its output replaces the
   base's; with ``combine='residual'`` it learns the base's residual ``y − f̂(x)`` (logits
   for digits) and its output is added to the base's.
5. **Gate.** A classifier of the input alone (the error is unknown at test time) into
   "base" (the well-fitted cases and the error cases ISODATA left unclustered) or error
   network k: a small network (``gate='network'``), the k nearest neighbours or the
   nearest centroid (scikit-learn).

The ensemble's prediction for an input is the chosen network's output (or the base's plus
the chosen correction).

Fair baselines (not in the paper)
---------------------------------
``base_longer``  the base network trained on for more epochs, from where the base phase
                 stopped (same weights, same Adam state), so that its samples seen (epochs ×
                 samples) equal those of the base and the error networks together;
``wide``         one network with one hidden layer as wide as gives about the ensemble's
                 parameter count (base + error networks + a network gate), trained from its
                 own initial weights for the same samples seen as ``base_longer``.

Losses are measured on held-out test inputs: the mean squared error on an even grid of
``test_samples`` points of [−1, 1) for the functions, the cross-entropy (and accuracy) on
scikit-learn's digits' test split for digits. ``reduction`` is the change of the loss from
the base to the ensemble, in percent (−90 means 90 % lower, the paper's "loss reduce 90 %").

Randomness
----------
Seed ``s`` draws the training inputs of a function (``np.random.default_rng(s)``), and each
network's initial weights and batch order come from torch generators seeded with
``SeedSequence([s, role, k])`` (role: base, error network k, gate, wide). Same params and
seed, same numbers, on the same machine and thread count. Run ``k`` of a job uses seed
``seed + k``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engines.atomic import atomic_write_bytes, atomic_write_text
from engines.core import Callback, Snapshot
from engines.errors import InputError, ParameterError
from engines.options import no_such
from engines.trainers.isodata import UNCLUSTERED, IsodataParams, isodata
from engines.validation import check_count, check_seed

#: The paper's function table: name → (formula as printed, function of x on [−1, 1)).
FUNCTIONS: dict[str, tuple[str, Any]] = {
    "linear": ("f(x) = x", lambda x: x),
    "cubic": ("f(x) = x³ − 0.2x − 0.35", lambda x: x**3 - 0.2 * x - 0.35),
    "quartic": ("f(x) = x⁴ + 0.2x³ − 0.67x²", lambda x: x**4 + 0.2 * x**3 - 0.67 * x**2),
    "piecewise": (
        "f(x) = x⁴ + x³ − 0.6x² on [−1, 0), x⁵ + x⁴ − 0.5x³ on [0, 1)",
        lambda x: np.where(x < 0, x**4 + x**3 - 0.6 * x**2, x**5 + x**4 - 0.5 * x**3),
    ),
}
Task = Literal["linear", "cubic", "quartic", "piecewise", "digits"]
TASKS: tuple[str, ...] = typing.get_args(Task)
#: Roles of the networks in a seed's run (they seed the networks' generators).
ROLES = {"base": 0, "error": 1, "gate": 2, "wide": 3}
#: Most seeds one job may run.
MAX_SEEDS = 100
#: Largest hidden layer the wide baseline may get.
MAX_WIDE = 100_000
#: Export formats.
EXPORT_SUFFIXES = (".json", ".png")
#: Points of the curves a view draws for a function.
CURVE_POINTS = 400


class ReflectionParams(BaseModel):
    """Parameters of :func:`reflection_recipe`: the task, the networks, the error cases,
    ISODATA, the gate and the baselines."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    task: Task = Field(
        "piecewise",
        description="a function of the paper's table (linear, cubic, quartic, piecewise) or "
        "scikit-learn's digits",
    )
    samples: int = Field(
        1000, ge=20, le=1_000_000, description="functions: training inputs drawn on [−1, 1)"
    )
    test_samples: int = Field(
        1000, ge=10, le=1_000_000, description="functions: test inputs, an even grid of [−1, 1)"
    )
    # ---------------------------------------------------------------- networks
    hidden: int = Field(32, ge=1, le=10_000, description="hidden ReLU units of the base network")
    epochs: int = Field(300, ge=1, le=100_000, description="epochs of the base network")
    learning_rate: float = Field(
        1e-4, gt=0.0, le=1.0, description="Adam's learning rate (the paper: 1e-4)"
    )
    batch_size: int = Field(32, ge=1, le=1_000_000, description="samples per Adam step")
    error_hidden: int = Field(
        32, ge=1, le=10_000, description="hidden ReLU units of each error network"
    )
    error_epochs: int = Field(1000, ge=1, le=100_000, description="epochs of each error network")
    combine: Literal["replace", "residual"] = Field(
        "replace",
        description="replace: the chosen error network's output is the prediction (the "
        "paper); residual: it learns the base's residual and is added to it",
    )
    # ---------------------------------------------------------------- error cases
    threshold_rule: Literal["quantile", "absolute"] = Field(
        "quantile",
        description="quantile: error cases are those above this quantile of the training "
        "errors; absolute: those whose error is above the threshold",
    )
    threshold: float = Field(
        0.75, ge=0.0, le=1e6,
        description="the quantile (0 to 1) or the absolute error above which a training "
        "sample is an error case",
    )  # fmt: skip
    features: Literal["input_error", "input", "error"] = Field(
        "input_error",
        description="what ISODATA clusters: the input joined with the error, or either alone "
        "(each column standardised over the error cases)",
    )
    # ---------------------------------------------------------------- ISODATA
    clusters: int = Field(4, ge=1, le=50, description="ISODATA: the number of clusters wanted")
    min_samples: int = Field(
        10, ge=1, le=1_000_000, description="ISODATA: a cluster with fewer cases is discarded"
    )
    split_spread: float = Field(
        0.6, gt=0.0, le=1e6,
        description="ISODATA: a cluster whose largest standard deviation (standardised "
        "units) exceeds this may split",
    )  # fmt: skip
    merge_distance: float = Field(
        0.5, ge=0.0, le=1e6, description="ISODATA: centres closer than this merge"
    )
    isodata_iterations: int = Field(20, ge=1, le=10_000, description="ISODATA: iterations")
    # ---------------------------------------------------------------- gate
    gate: Literal["network", "knn", "centroid"] = Field(
        "network",
        description="the classifier choosing a network for each input: a small network, "
        "the k nearest training inputs, or the nearest cluster centroid",
    )
    gate_hidden: int = Field(32, ge=1, le=10_000, description="gate network: hidden ReLU units")
    gate_epochs: int = Field(200, ge=1, le=100_000, description="gate network: epochs")
    gate_learning_rate: float = Field(1e-3, gt=0.0, le=1.0, description="gate network: Adam's")
    neighbours: int = Field(5, ge=1, le=1000, description="knn gate: neighbours that vote")
    # ---------------------------------------------------------------- baselines
    baselines: bool = Field(
        True,
        description="also train the fair baselines: the base for the same samples seen as "
        "base + error networks, and one wide network with the ensemble's parameters",
    )

    @model_validator(mode="after")
    def _check_threshold(self) -> ReflectionParams:
        if self.threshold_rule == "quantile" and self.threshold > 1.0:
            raise ValueError(
                f"threshold must be a quantile from 0 to 1 with threshold_rule 'quantile', "
                f"got {self.threshold}"
            )
        return self

    def isodata_params(self) -> IsodataParams:
        return IsodataParams(clusters=self.clusters, min_samples=self.min_samples,
                             split_spread=self.split_spread, merge_distance=self.merge_distance,
                             iterations=self.isodata_iterations)  # fmt: skip


# --------------------------------------------------------------------------- data
@dataclass(frozen=True)
class TaskData:
    """Training and test data of a task (float32 arrays; ``y`` one-hot for digits)."""

    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int = 0

    @property
    def is_classification(self) -> bool:
        return self.classes > 0


def task_data(task: str, params: ReflectionParams, seed: int) -> TaskData:
    """The data of ``task`` for seed ``seed`` (functions: inputs drawn anew per seed)."""
    if task == "digits":
        from engines.trainers.datasets import load_dataset

        data = load_dataset("digits")
        f32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
        return TaskData(task, f32(data.x_train), f32(data.y_train), f32(data.x_val),
                        f32(data.y_val), len(data.class_names))  # fmt: skip
    function = FUNCTIONS[task][1]
    x = np.random.default_rng(seed).uniform(-1.0, 1.0, params.samples)
    grid = np.linspace(-1.0, 1.0, params.test_samples, endpoint=False)
    col = lambda a: a.astype(np.float32)[:, None]  # noqa: E731
    return TaskData(task, col(x), col(function(x)), col(grid), col(function(grid)))


def check_task(task: Any) -> str:
    if task not in TASKS:
        raise InputError(str(task), no_such("task", str(task), TASKS))
    return task


# --------------------------------------------------------------------------- snapshots
@dataclass(frozen=True)
class Panel:
    """What a view draws of one seed's run (for a function: along x; for digits: the first
    two principal components of the inputs).

    Attributes
    ----------
    case_x : (M, 2) or (M, 1) inputs of the error cases as drawn; ``case_error`` their
        errors; ``case_label`` their ISODATA cluster (−1: unclustered)
    curve_x : (R,) the test inputs (functions) or (R, 2) their projection (digits)
    target, base, ensemble : (R,) the target and the two predictions on them (functions),
        or, for digits, the true class and the two networks' classes
    choice : (R,) the gate's choice for each test input (0: base, k: error network k)
    """

    case_x: np.ndarray
    case_error: np.ndarray
    case_label: np.ndarray
    curve_x: np.ndarray
    target: np.ndarray
    base: np.ndarray
    ensemble: np.ndarray | None = None
    choice: np.ndarray | None = None


@dataclass(frozen=True, kw_only=True)
class ReflectionSnapshot(Snapshot):
    """A frozen view of a reflection job.

    Besides :class:`~engines.core.Snapshot`'s fields (``iteration`` = epochs done over the
    whole job, every network counted; ``budget`` = the job's epochs as planned so far;
    ``error_history`` = the training loss of the network being trained, per epoch):

    Attributes
    ----------
    task, stage : the task and what is being trained ('base', 'error 2', 'gate',
        'longer', 'wide', 'done')
    seed, run, runs : this seed and its index among the job's runs
    histories : training loss per epoch of each network trained so far in this run
    panel : the run's :class:`Panel` once the base is trained (None before)
    """

    task: str = ""
    stage: str = ""
    seed: int = 0
    run: int = 0
    runs: int = 1
    histories: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    panel: Panel | None = field(default=None, repr=False)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class SeedRun:
    """One seed's figures: test losses (and accuracies for digits), clusters, sizes."""

    seed: int
    base_loss: float
    reflection_loss: float
    base_longer_loss: float
    wide_loss: float
    clusters: int
    error_cases: int
    parameters: int
    wide_hidden: int
    longer_epochs: int
    oracle_loss: float = math.nan
    routed: float = math.nan
    accuracies: Mapping[str, float] = field(default_factory=dict)
    histories: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    panel: Panel | None = field(default=None, repr=False)

    @property
    def reduction(self) -> float:
        """Change of the test loss from the base to the ensemble, in percent."""
        return 100.0 * (self.reflection_loss - self.base_loss) / self.base_loss


#: The row's figures, in the order the command prints them (mean and "_sd" of each).
ROW_FIGURES = ("base_loss", "reflection_loss", "reduction", "base_longer_loss", "wide_loss",
               "clusters")  # fmt: skip
#: Figures the row adds after them: the loss with a perfect gate (each test input given the
#: network, base or error, that fits it best) and the share of test inputs the gate sends
#: to an error network.
DIAGNOSTICS = ("oracle_loss", "routed")


@dataclass(frozen=True)
class ReflectionResult:
    """The runs of one task over one or more seeds."""

    params: ReflectionParams
    task: str
    runs: tuple[SeedRun, ...]
    cancelled: bool = False

    @property
    def seeds(self) -> tuple[int, ...]:
        return tuple(r.seed for r in self.runs)

    def row(self) -> dict[str, Any]:
        """``{"task", "base_loss", "reflection_loss", "reduction", "base_longer_loss",
        "wide_loss", "clusters"}`` (means over the seeds) with ``"<figure>_sd"`` beside each
        (sample standard deviation; 0 for one seed), then ``"oracle_loss"`` and ``"routed"``
        (:data:`DIAGNOSTICS`), ``"seeds"``, and for digits the test accuracies
        (``"base_accuracy"``...)."""
        row: dict[str, Any] = {"task": self.task}
        if not self.runs:
            return {**row, **{k: None for k in ROW_FIGURES}, "seeds": 0}
        for name in ROW_FIGURES + DIAGNOSTICS:
            values = np.array([getattr(r, name) for r in self.runs], dtype=np.float64)
            row[name] = _number(values.mean())
            row[f"{name}_sd"] = _number(values.std(ddof=1)) if len(values) > 1 else 0.0
        names = list(self.runs[0].accuracies)
        for name in names:
            values = np.array([r.accuracies[name] for r in self.runs])
            row[name] = _number(values.mean())
            row[f"{name}_sd"] = _number(values.std(ddof=1)) if len(values) > 1 else 0.0
        row["seeds"] = len(self.runs)
        return row

    def payload(self) -> dict[str, Any]:
        """``{"rows": [row]}``: what ``gasworks reflect TASK --json`` prints."""
        return {"rows": [self.row()]}


def _number(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- training
class _Cancelled(Exception):
    pass


def _seed_of(seed: int, role: str, k: int = 0) -> int:
    return int(np.random.SeedSequence([seed, ROLES[role], k]).generate_state(1)[0])


def _network(n_in: int, hidden: int, n_out: int, seed: int):
    import torch

    from engines.trainers.network import Network, NetworkSpec, initialise

    net = Network(NetworkSpec((n_in, hidden, n_out), "relu", "linear"), torch.float32)
    initialise(net, "torch", seed=seed)
    return net


def _loss_fn(kind: str):
    import torch

    if kind == "mse":
        return lambda out, y: torch.mean((out - y) ** 2)
    if kind == "class":  # y: class indices
        return lambda out, y: torch.nn.functional.cross_entropy(out, y)
    return lambda out, y: -torch.mean(torch.sum(y * torch.log_softmax(out, dim=1), dim=1))


class _Job:
    """One job's bookkeeping: epochs done, the plan, the callback."""

    def __init__(self, task, params, callback, runs):
        self.task, self.params, self.callback, self.runs = task, params, callback, runs
        self.done_epochs = 0
        self.planned: list[int] = [self.plan_estimate()] * runs
        self.run, self.seed, self.stage = 0, 0, ""
        self.histories: dict[str, np.ndarray] = {}
        self.panel: Panel | None = None

    def plan_estimate(self, clusters: int | None = None, longer: int | None = None) -> int:
        p = self.params
        c = p.clusters if clusters is None else clusters
        extra = 0
        if p.baselines:
            longer = longer if longer is not None else p.epochs + c * p.error_epochs // 4
            extra = 2 * longer - p.epochs
        gate = p.gate_epochs if p.gate == "network" else 0
        return p.epochs + c * p.error_epochs + gate + extra

    @property
    def budget(self) -> int:
        return int(sum(self.planned))

    def report(self, history: list[float], *, force: bool = False) -> None:
        if self.callback is None:
            return
        snap = ReflectionSnapshot(
            iteration=self.done_epochs, budget=max(self.budget, self.done_epochs),
            error_history=np.array(history, dtype=np.float64), task=self.task,
            stage=self.stage, seed=self.seed, run=self.run, runs=self.runs,
            histories=dict(self.histories), panel=self.panel,
        )  # fmt: skip
        if self.callback(snap):
            raise _Cancelled

    def fit(self, name, net, x, y, loss, epochs, lr, seed, *, optimizer=None) -> Any:
        """Train ``net`` for ``epochs`` epochs of Adam; returns the optimizer (for more)."""
        import torch

        self.stage = name
        loss_fn = _loss_fn(loss)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        if optimizer is None:
            optimizer = torch.optim.Adam(net.parameters(), lr=lr)
        generator = torch.Generator().manual_seed(seed)
        n, batch = xt.shape[0], min(self.params.batch_size, max(1, xt.shape[0]))
        history = list(self.histories.get(name, ()))
        for _ in range(epochs):
            order = torch.randperm(n, generator=generator)
            total = 0.0
            for start in range(0, n, batch):
                rows = order[start : start + batch]
                optimizer.zero_grad()
                value = loss_fn(net(xt[rows]), yt[rows])
                value.backward()
                optimizer.step()
                total += float(value.detach()) * rows.numel()
            history.append(total / n)
            self.done_epochs += 1
            self.histories[name] = np.array(history)
            self.report(history)
        return optimizer


def _predict(net, x: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        return net(torch.from_numpy(x)).numpy().astype(np.float64)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _input_losses(out: np.ndarray, data: TaskData) -> np.ndarray:
    """Each test input's squared error (functions) or cross-entropy of logits (digits)."""
    if data.is_classification:
        log_p = out - out.max(axis=1, keepdims=True)
        log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
        return -np.sum(data.y_test * log_p, axis=1)
    return np.mean((out - data.y_test) ** 2, axis=1)


def _test_loss(out: np.ndarray, data: TaskData) -> float:
    """MSE (functions) or cross-entropy of logits (digits) on the test data."""
    return float(np.mean(_input_losses(out, data)))


def oracle_loss(base_out: np.ndarray, error_outs: list[np.ndarray], data: TaskData,
                combine: str) -> float:  # fmt: skip
    """The test loss with a perfect gate: each input's lowest loss over the base and the
    error networks (combined as the ensemble combines them)."""
    rows = base_out.shape[0]
    candidates = [base_out] + [
        ensemble_output(base_out, error_outs, np.full(rows, k), combine)
        for k in range(1, len(error_outs) + 1)
    ]
    return float(np.mean(np.min([_input_losses(c, data) for c in candidates], axis=0)))


def _accuracy(out: np.ndarray, data: TaskData) -> float:
    return float(np.mean(out.argmax(axis=1) == data.y_test.argmax(axis=1)))


def errors_of(out: np.ndarray, y: np.ndarray, classification: bool) -> np.ndarray:
    """Each sample's error: ``|y − ŷ|`` (functions) or ``1 − p̂(true class)`` (digits)."""
    if classification:
        return 1.0 - np.sum(_softmax(out) * y, axis=1)
    return np.abs(out - y)[:, 0]


def error_cases(errors: np.ndarray, params: ReflectionParams) -> np.ndarray:
    """Indices of the samples whose error is above the threshold (in ascending order)."""
    if params.threshold_rule == "quantile":
        cut = float(np.quantile(errors, params.threshold))
    else:
        cut = params.threshold
    return np.flatnonzero(errors > cut)


def cluster_features(x: np.ndarray, residual: np.ndarray, kind: str) -> np.ndarray:
    """The features ISODATA clusters (input ⊕ error, input or error), each column
    standardised (a constant column is only centred)."""
    parts = {"input_error": (x, residual), "input": (x,), "error": (residual,)}[kind]
    f = np.hstack([np.asarray(p, dtype=np.float64) for p in parts])
    sd = f.std(axis=0)
    return (f - f.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


class Gate:
    """A classifier of inputs into 0 (the base network) or k (error network k)."""

    def __init__(self, kind: str, choices: int, *, net=None, model=None):
        self.kind, self.choices, self.net, self.model = kind, choices, net, model

    def choose(self, x: np.ndarray) -> np.ndarray:
        if self.choices == 1:
            return np.zeros(x.shape[0], dtype=np.int64)
        if self.net is not None:
            return _predict(self.net, x).argmax(axis=1).astype(np.int64)
        return self.model.predict(x).astype(np.int64)

    @property
    def parameters(self) -> int:
        return 0 if self.net is None else self.net.spec.n_parameters


def train_gate(job: _Job | None, x: np.ndarray, labels: np.ndarray, params: ReflectionParams,
               seed: int) -> Gate:  # fmt: skip
    """A :class:`Gate` fitted to route each training input to ``labels`` (0 = base)."""
    choices = int(labels.max()) + 1 if labels.size else 1
    if choices == 1:
        return Gate(params.gate, 1)
    if params.gate == "knn":
        from sklearn.neighbors import KNeighborsClassifier

        model = KNeighborsClassifier(n_neighbors=min(params.neighbours, x.shape[0]))
        return Gate("knn", choices, model=model.fit(x, labels))
    if params.gate == "centroid":
        from sklearn.neighbors import NearestCentroid

        return Gate("centroid", choices, model=NearestCentroid().fit(x, labels))
    net = _network(x.shape[1], params.gate_hidden, choices, _seed_of(seed, "gate"))
    job = job if job is not None else _Job("", params, None, 1)
    job.fit("gate", net, x, labels.astype(np.int64), "class", params.gate_epochs,
            params.gate_learning_rate, _seed_of(seed, "gate"))  # fmt: skip
    return Gate("network", choices, net=net)


def ensemble_output(base_out: np.ndarray, error_outs: list[np.ndarray], choice: np.ndarray,
                    combine: str) -> np.ndarray:  # fmt: skip
    """The ensemble's output: per input, the base's (choice 0) or error network k's output
    (``replace``) or the base's plus it (``residual``)."""
    out = base_out.copy()
    for k, other in enumerate(error_outs, start=1):
        rows = choice == k
        out[rows] = other[rows] + (base_out[rows] if combine == "residual" else 0.0)
    return out


def wide_hidden(n_in: int, n_out: int, parameters: int) -> int:
    """Hidden units of one-hidden-layer network with about ``parameters`` parameters."""
    return int(min(MAX_WIDE, max(1, round((parameters - n_out) / (n_in + 1 + n_out)))))


def _project(x: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The first two principal components of ``x`` (fitted on ``reference``)."""
    mean = reference.mean(axis=0)
    _, _, vt = np.linalg.svd(reference - mean, full_matrices=False)
    return (x - mean) @ vt[:2].T


def _run_seed(job: _Job, data: TaskData, seed: int) -> SeedRun:
    p = job.params
    job.seed, job.histories, job.panel = seed, {}, None
    classification = data.is_classification
    loss = "soft" if classification else "mse"
    n_in, n_out = data.x_train.shape[1], data.y_train.shape[1]
    n = data.x_train.shape[0]
    # 1. base
    base = _network(n_in, p.hidden, n_out, _seed_of(seed, "base"))
    base_opt = job.fit("base", base, data.x_train, data.y_train, loss, p.epochs,
                       p.learning_rate, _seed_of(seed, "base"))  # fmt: skip
    base_train = _predict(base, data.x_train)
    base_test = _predict(base, data.x_test)
    # 2. error cases, 3. clusters
    errors = errors_of(base_train, data.y_train, classification)
    cases = error_cases(errors, p)
    residual = (data.y_train - (_softmax(base_train) if classification else base_train))[cases]
    labels = np.full(n, 0, dtype=np.int64)
    clusters = 0
    case_label = np.zeros(0, dtype=np.int64)
    if cases.size:
        features = cluster_features(data.x_train[cases], residual, p.features)
        found = isodata(features, p.isodata_params(), seed=seed)
        clusters, case_label = found.n_clusters, found.labels
        labels[cases] = np.where(case_label == UNCLUSTERED, 0, case_label + 1)
    job.panel = _panel(data, cases, errors, base_train, case_label, base_test)
    longer_passes = p.epochs * n
    job.planned[job.run] = job.plan_estimate(clusters)
    # 4. error networks
    error_nets = []
    for k in range(clusters):
        rows = cases[case_label == k]
        x_k = data.x_train[rows]
        if p.combine == "residual":
            y_k = (data.y_train[rows] - base_train[rows]).astype(np.float32)
            if classification:  # logits to add: fit the one-hot target through the base's
                y_k = data.y_train[rows]
        else:
            y_k = data.y_train[rows]
        net = _network(n_in, p.error_hidden, n_out, _seed_of(seed, "error", k))
        if p.combine == "residual" and classification:
            _fit_residual_logits(job, f"error {k + 1}", net, x_k, y_k, base_train[rows],
                                 p.error_epochs, p.learning_rate,
                                 _seed_of(seed, "error", k))  # fmt: skip
        else:
            job.fit(f"error {k + 1}", net, x_k, np.ascontiguousarray(y_k), loss,
                    p.error_epochs, p.learning_rate, _seed_of(seed, "error", k))  # fmt: skip
        longer_passes += p.error_epochs * rows.size
        error_nets.append(net)
    # 5. gate
    gate = train_gate(job, data.x_train, labels, p, seed) if clusters else Gate(p.gate, 1)
    choice = gate.choose(data.x_test)
    error_test = [_predict(net, data.x_test) for net in error_nets]
    ensemble = ensemble_output(base_test, error_test, choice, p.combine)
    parameters = (base.spec.n_parameters + sum(net.spec.n_parameters for net in error_nets)
                  + gate.parameters)  # fmt: skip
    job.panel = dataclasses.replace(job.panel, ensemble=_panel_values(ensemble, data),
                                    choice=choice)  # fmt: skip
    # baselines
    longer_epochs = max(p.epochs, math.ceil(longer_passes / n))
    width = wide_hidden(n_in, n_out, parameters)
    longer_loss = wide_loss = math.nan
    accuracies: dict[str, float] = {}
    if classification:
        accuracies = {"base_accuracy": _accuracy(base_test, data),
                      "reflection_accuracy": _accuracy(ensemble, data)}  # fmt: skip
    if p.baselines:
        job.planned[job.run] = job.plan_estimate(clusters, longer_epochs)
        job.fit("longer", base, data.x_train, data.y_train, loss, longer_epochs - p.epochs,
                p.learning_rate, _seed_of(seed, "base", 1), optimizer=base_opt)  # fmt: skip
        longer_test = _predict(base, data.x_test)
        wide = _network(n_in, width, n_out, _seed_of(seed, "wide"))
        job.fit("wide", wide, data.x_train, data.y_train, loss, longer_epochs, p.learning_rate,
                _seed_of(seed, "wide"))  # fmt: skip
        wide_test = _predict(wide, data.x_test)
        longer_loss, wide_loss = _test_loss(longer_test, data), _test_loss(wide_test, data)
        if classification:
            accuracies["base_longer_accuracy"] = _accuracy(longer_test, data)
            accuracies["wide_accuracy"] = _accuracy(wide_test, data)
    job.stage = "done"
    return SeedRun(
        seed=seed, base_loss=_test_loss(base_test, data),
        reflection_loss=_test_loss(ensemble, data), base_longer_loss=longer_loss,
        wide_loss=wide_loss, clusters=clusters, error_cases=int(cases.size),
        parameters=int(parameters), wide_hidden=width, longer_epochs=int(longer_epochs),
        oracle_loss=oracle_loss(base_test, error_test, data, p.combine),
        routed=float(np.mean(choice > 0)),
        accuracies=accuracies, histories=dict(job.histories), panel=job.panel,
    )  # fmt: skip


def _fit_residual_logits(job, name, net, x, y, base_logits, epochs, lr, seed) -> None:
    """Train ``net`` so that base logits + its output fit the one-hot ``y``."""
    import torch

    offset = torch.from_numpy(base_logits.astype(np.float32))
    wrapped = _Offset(net, offset)
    index = np.arange(x.shape[0], dtype=np.float32)[:, None]
    xi = np.hstack([x, index]).astype(np.float32)
    job.fit(name, wrapped, xi, np.ascontiguousarray(y), "soft", epochs, lr, seed,
            optimizer=torch.optim.Adam(net.parameters(), lr=lr))  # fmt: skip


class _Offset:
    """``net(x) + offset[row]``, the row's index riding in the last input column."""

    def __init__(self, net, offset):
        self.net, self.offset = net, offset

    def __call__(self, xi):
        rows = xi[:, -1].long()
        return self.net(xi[:, :-1]) + self.offset[rows]


def _panel_values(out: np.ndarray, data: TaskData) -> np.ndarray:
    if data.is_classification:
        return out.argmax(axis=1).astype(np.float64)
    return out[:, 0]


def _panel(data, cases, errors, base_train, case_label, base_test) -> Panel:
    if data.is_classification:
        xy = _project(data.x_train[cases], data.x_train)
        curve = _project(data.x_test, data.x_train)
        target = data.y_test.argmax(axis=1).astype(np.float64)
        return Panel(xy, errors[cases], case_label, curve, target,
                     _panel_values(base_test, data))  # fmt: skip
    signed = (data.y_train - base_train)[:, 0]
    return Panel(data.x_train[cases, 0].astype(np.float64), signed[cases], case_label,
                 data.x_test[:, 0].astype(np.float64), data.y_test[:, 0].astype(np.float64),
                 base_test[:, 0])  # fmt: skip


@contextlib.contextmanager
def torch_threads(threads: int | None):
    """Run with ``threads`` torch threads (None: leave them), restoring the count after."""
    import torch

    if threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def reflection_recipe(
    source: str | None,
    params: ReflectionParams | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    seeds: int = 1,
    threads: int | None = 1,
) -> ReflectionResult:
    """Error reflection on one task over ``seeds`` seeds, with its fair baselines: what
    ``gasworks reflect`` and the studio's Reflection tab run.

    Parameters
    ----------
    source : str or None
        The task (linear, cubic, quartic, piecewise, digits); None: ``params.task``.
    params : ReflectionParams, optional
    seed : int, optional
        The first run's seed (default 0); run k uses ``seed + k``.
    callback : callable, optional
        Receives :class:`ReflectionSnapshot` after every epoch of every network; True
        cancels (the runs finished so far are kept, ``cancelled`` is set).
    seeds : int
        Runs, 1 to :data:`MAX_SEEDS`.
    threads : int or None
        Torch threads during the job (1 by default, as the benchmarks and tests run;
        None: leave torch's setting).

    Raises
    ------
    InputError
        An unknown task.
    ParameterError
        A bad seed or count.
    """
    params = params if params is not None else ReflectionParams()
    if not isinstance(params, ReflectionParams):
        raise ParameterError(f"params must be ReflectionParams, got {type(params).__name__}")
    first = check_seed(0 if seed is None else seed)
    seeds = check_count(seeds, "seeds", minimum=1, maximum=MAX_SEEDS)
    if first + seeds - 1 > 2**32 - 1:
        raise ParameterError(f"seeds run from {first} to {first + seeds - 1}, past 2**32 - 1")
    if threads is not None:
        threads = check_count(threads, "threads", minimum=1, maximum=1024)
    task = check_task(params.task if source is None else str(source))
    if task != params.task:
        params = params.model_copy(update={"task": task})
    job = _Job(task, params, callback, seeds)
    runs: list[SeedRun] = []
    cancelled = False
    with torch_threads(threads):
        for k in range(seeds):
            job.run = k
            data = task_data(task, params, first + k)
            try:
                runs.append(_run_seed(job, data, first + k))
            except _Cancelled:
                cancelled = True
                break
            job.planned[k] = job.done_epochs - sum(job.planned[:k])
            job.report(list(job.histories.get("wide", job.histories.get("gate", ()))))
    return ReflectionResult(params, task, tuple(runs), cancelled)


# --------------------------------------------------------------------------- exports
def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ValueError(f"{path}: the output must end in {', '.join(EXPORT_SUFFIXES)}, got "
                         f"{suffix or 'no suffix'!r}")  # fmt: skip
    return suffix


def export_reflection(result: ReflectionResult, path: str | Path, *, overwrite: bool = True,
                      dpi: int = 110) -> Path:  # fmt: skip
    """Write ``result``: ``.json`` (:meth:`ReflectionResult.payload`, what ``gasworks
    reflect --json`` prints) or ``.png`` (the first run's losses, error clusters and fits)."""
    path = Path(path)
    if _suffix(path) == ".json":
        return atomic_write_text(path, json.dumps(result.payload(), indent=2) + "\n",
                                 overwrite=overwrite)  # fmt: skip
    from engines.trainers import plots

    figure = reflection_figure(result)
    return atomic_write_bytes(path, plots.png_bytes(figure, dpi=dpi), overwrite=overwrite)


def reflection_figure(result: ReflectionResult):
    """Loss curves of every network of the first run, its error cases coloured by cluster,
    and the base and ensemble against the target (Matplotlib's object API)."""
    from engines.trainers.plots import COLOURS, _figure, _positive

    fig = _figure(13.0, 4.2)
    axes = fig.subplots(1, 3)
    row = result.row()
    title = f"{result.task}: " + (
        f"base {row['base_loss']:.3g}, reflection {row['reflection_loss']:.3g} "
        f"({row['reduction']:+.1f} %), longer {row['base_longer_loss']:.3g}, "
        f"wide {row['wide_loss']:.3g} · {len(result.runs)} seed(s)"
        if result.runs and row["base_loss"] is not None and row["wide_loss"] is not None
        else "no finished run" if not result.runs else
        f"base {row['base_loss']:.3g}, reflection {row['reflection_loss']:.3g}"
    )  # fmt: skip
    fig.suptitle(title, fontsize=10)
    if not result.runs:
        return fig
    first = result.runs[0]
    ax = axes[0]
    for name, values in first.histories.items():
        ax.plot(np.arange(1, len(values) + 1), _positive(values), label=name,
                **_loss_style(name, COLOURS))  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)
    panel = first.panel
    ax = axes[1]
    classification = result.task == "digits"
    if panel is not None:
        for k in range(-1, int(panel.case_label.max(initial=-1)) + 1):
            rows = panel.case_label == k
            colour = "#bbbbbb" if k < 0 else COLOURS[(k + 1) % len(COLOURS)]
            name = "unclustered" if k < 0 else f"cluster {k + 1}"
            if not rows.any():
                continue
            if classification:
                ax.scatter(panel.case_x[rows, 0], panel.case_x[rows, 1], s=8, color=colour,
                           label=name)  # fmt: skip
            else:
                ax.scatter(panel.case_x[rows], panel.case_error[rows], s=8, color=colour,
                           label=name)  # fmt: skip
        ax.set_title("error cases by ISODATA cluster", fontsize=9)
        ax.set_xlabel("first principal component" if classification else "x")
        ax.set_ylabel("second principal component" if classification else "y − base(x)")
        ax.legend(fontsize=7)
    ax = axes[2]
    if panel is not None and not classification:
        ax.plot(panel.curve_x, panel.target, color="#444444", lw=2.0, label="target")
        ax.plot(panel.curve_x, panel.base, color=COLOURS[0], lw=1.0, label="base")
        if panel.ensemble is not None:
            ax.plot(panel.curve_x, panel.ensemble, color=COLOURS[3], lw=1.0, ls="--",
                    label="reflection")  # fmt: skip
        if panel.choice is not None:
            low = float(np.min(panel.target))
            span = float(np.ptp(panel.target)) or 1.0
            for k in range(int(panel.choice.max(initial=0)) + 1):
                rows = panel.choice == k
                ax.scatter(
                    panel.curve_x[rows],
                    np.full(rows.sum(), low - 0.08 * span),
                    s=4,
                    marker="|",
                    color="#999999" if k == 0 else COLOURS[k % len(COLOURS)],
                )
        ax.set_title("fits (ticks below: the gate's choice; grey = base)", fontsize=9)
        ax.set_xlabel("x")
        ax.legend(fontsize=7)
    elif panel is not None:
        names = ["base", "reflection", "longer", "wide"]
        keys = ["base_accuracy", "reflection_accuracy", "base_longer_accuracy", "wide_accuracy"]
        values = [100 * row.get(k) if row.get(k) is not None else 0.0 for k in keys]
        ax.bar(names, values, color=[COLOURS[0], COLOURS[3], COLOURS[1], COLOURS[2]])
        ax.set_ylim(min(values) - 2 if values else 0, 100)
        ax.set_ylabel("test accuracy (%)")
        ax.set_title("test accuracy, mean over seeds", fontsize=9)
    fig.tight_layout()
    return fig


def _loss_style(name: str, colours) -> dict[str, Any]:
    """How a network's loss curve is drawn: error network k in its cluster's colour, the
    base dark, the gate dotted, the baselines dashed."""
    styles = {"base": {"color": "#444444", "lw": 1.6}, "gate": {"color": "#9a9a9a", "ls": ":"},
              "longer": {"color": "#444444", "ls": "--"},
              "wide": {"color": colours[9], "ls": "--"}}  # fmt: skip
    if name in styles:
        return {"lw": 1.0, **styles[name]}
    return {"lw": 1.0, "color": colours[int(name.split()[-1]) % len(colours)]}


def warm_up() -> None:
    """Import torch and train a tiny network for one epoch."""
    reflection_recipe("linear", ReflectionParams(samples=20, test_samples=10, epochs=1,
                                                 error_epochs=1, gate_epochs=1, hidden=2,
                                                 baselines=False))  # fmt: skip
