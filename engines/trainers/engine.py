"""``Trainer``: a network trained on a data set, one iteration per step, on the engine
contract (``Trainer(params, data, *, seed)``, ``step(n)``, ``snapshot()``, ``done``).

One :meth:`Trainer.step` is one Levenberg-Marquardt iteration (one Jacobian, one or more
damped solves: :class:`~engines.trainers.lm.LevenbergMarquardt`) or one epoch of a
first-order method (every training row once, in batches of ``batch_size``, through
``torch.optim``). After each step the trainer measures the network on the training and
validation rows and keeps the histories the views draw: training and validation loss, the
validation metric (accuracy, or RMSE in the target's units), μ and the learning rate.

Stopping
--------
A run stops by itself (``done``; ``stop_code`` says why) when:

``epochs``      ``params.epochs`` steps are done;
``validation``  the validation loss has not improved (by more than ``min_delta``) for
                ``max_fail`` (LM, trainlm's rule) or ``patience`` (first-order, Keras'
                ``EarlyStopping``) steps; with ``restore_best`` the weights of the best
                validation loss are put back, as Keras' ``restore_best_weights`` and MATLAB do;
``mu_max``      LM: μ exceeded ``mu_max`` without finding a step that lowers the error;
``min_grad``    LM: the gradient's norm fell to ``min_grad``;
``goal``        the training loss fell to ``goal`` (when ``goal`` > 0);
``diverged``    the training loss became NaN or infinite.

Randomness
----------
The initial weights come from the run's seed (:func:`~engines.trainers.network.initialise`);
the batch order of the first-order methods from a ``torch.Generator`` seeded with it. Same
params, data and seed give the same run, bit for bit, on the same machine and thread count.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import torch

from engines.core import Snapshot, StepStats
from engines.trainers import losses
from engines.trainers.datasets import Dataset, Scaling, load_dataset, rmsle
from engines.trainers.lm import LevenbergMarquardt, SampleResiduals
from engines.trainers.network import (
    DTYPES,
    Network,
    NetworkSpec,
    flat_parameters,
    initialise,
    load_flat_parameters,
    numpy_predict,
)
from engines.trainers.params import TrainerParams
from engines.validation import check_count, check_seed

DEFAULT_DATASET = "spirals"
#: Cells per side of a decision-boundary grid, and the margin around the data.
BOUNDARY_RESOLUTION = 120
BOUNDARY_MARGIN = 0.05
STOP_TEXT = {
    "epochs": "{epochs} {unit}s done (params.epochs)",
    "validation": "validation loss not better for {limit} {unit}s (params.{field}); best weights "
    "{restored}",
    "mu_max": "μ exceeded mu_max ({mu_max:g}) without a step that lowers the error",
    "min_grad": "gradient's norm fell to min_grad ({min_grad:g})",
    "goal": "training loss reached the goal ({goal:g})",
    "diverged": "training loss became NaN or infinite (try a smaller learning_rate)",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class BoundaryGrid:
    """A network's answer over a grid of the plane of 2-D inputs (in the raw units).

    Attributes
    ----------
    xs, ys : (R,) ndarray of float64
        Cell centres along each axis.
    values : (R, R, K) ndarray of float64
        Outputs at each cell (``values[i, j]`` at ``(xs[j], ys[i])``): class probabilities,
        or the regression prediction in the target's units (K = 1).
    classes : (R, R) ndarray of int64 or None
        The predicted class of each cell (classification).
    """

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    classes: np.ndarray | None


@dataclass(frozen=True, kw_only=True)
class TrainerSnapshot(Snapshot):
    """A frozen view of a training run.

    Besides :class:`~engines.core.Snapshot`'s fields (``iteration`` = steps done,
    ``error_history`` = training loss after each step):

    Attributes
    ----------
    method, task, seed : the run's
    val_loss_history : (K,) validation loss after each step
    metric_history : (K,) ``metric_name`` after each step
    metric_name : 'val_accuracy' (share in [0, 1]) or 'val_rmse' (target units)
    mu_history, lr_history : (K,) μ (LM) and learning rate (first-order) used in each step;
        NaN where a method has none
    mu, learning_rate : the values the next step starts with (NaN where none)
    metrics : the current weights' figures: ``train_loss``, ``val_loss`` and
        ``train_accuracy``/``val_accuracy`` or ``val_rmse``/``val_rmsle``/``val_r2``
    best_iteration, best_val_loss : the step with the lowest validation loss so far
    stop_code : '' while running, else one of the engine's stop codes (module docstring)
    seconds : training time so far; ``timings`` splits it (LM: jacobian, normal, solve,
        evaluate; every method: update, measure)
    parameters : (P,) float64 copy of the weights (torch's order); ``spec`` their network
    scaling, bounds : the input scaling and the raw 2-D extent :meth:`boundary` covers
        (None unless the data has 2 inputs)
    run, runs, label : this run's index among the ``runs`` of a job and its variant's
        label (set by the recipes; 0, 1 and '' for a trainer on its own)
    """

    method: str = "lm"
    task: str = "classification"
    seed: int = 0
    val_loss_history: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    metric_history: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    metric_name: str = "val_accuracy"
    mu_history: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    lr_history: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    mu: float = math.nan
    learning_rate: float = math.nan
    metrics: Mapping[str, float] = field(default_factory=dict)
    best_iteration: int = 0
    best_val_loss: float = math.inf
    stop_code: str = ""
    seconds: float = 0.0
    timings: Mapping[str, float] = field(default_factory=dict, repr=False)
    parameters: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    spec: NetworkSpec | None = None
    scaling: Scaling | None = field(default=None, repr=False)
    target_scaling: Scaling | None = field(default=None, repr=False)
    bounds: tuple[float, float, float, float] | None = None
    run: int = 0
    runs: int = 1
    label: str = ""

    @property
    def overall_fraction(self) -> float:
        """Share of a job of ``runs`` runs done, this one ``fraction`` done, in [0, 1]."""
        return min(1.0, (self.run + self.fraction) / max(self.runs, 1))

    @property
    def train_loss_history(self) -> np.ndarray:
        return self.error_history

    def boundary(self, resolution: int = BOUNDARY_RESOLUTION) -> BoundaryGrid | None:
        """The network's outputs over a ``resolution``² grid of the input plane, computed
        now from this snapshot's weights in NumPy (no torch; safe in any thread). None
        unless the data has 2 inputs."""
        if self.bounds is None or self.spec is None:
            return None
        resolution = check_count(resolution, "resolution", minimum=2, maximum=2000)
        x0, x1, y0, y1 = self.bounds
        xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
        gx, gy = np.meshgrid(xs, ys)
        raw = np.column_stack([gx.ravel(), gy.ravel()])
        inputs = self.scaling.apply(raw) if self.scaling is not None else raw
        out = numpy_predict(self.spec, self.parameters, inputs)
        classes = None
        if self.task == "classification":
            classes = _classes(out).reshape(resolution, resolution)
        elif self.target_scaling is not None:
            out = self.target_scaling.invert(out)
        return BoundaryGrid(xs, ys, out.reshape(resolution, resolution, -1), classes)


def _torch_classes(outputs: torch.Tensor) -> torch.Tensor:
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).long()
    return outputs.argmax(dim=1)


def _classes(outputs: np.ndarray) -> np.ndarray:
    """Class of each row: the largest output, or output > 0.5 for one sigmoid output."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(np.int64)
    return np.argmax(outputs, axis=1).astype(np.int64)


class _History:
    """An append-only float64 buffer; :meth:`view` shares it (no copy) read-only."""

    def __init__(self, capacity: int = 256):
        self._data = np.empty(capacity)
        self._n = 0

    def append(self, value: float) -> None:
        if self._n == self._data.size:
            grown = np.empty(2 * self._data.size)
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        self._data[self._n] = value
        self._n += 1

    def view(self) -> np.ndarray:
        out = self._data[: self._n]
        out.flags.writeable = False
        return out


def resolved_output(params: TrainerParams, data: Dataset) -> str:
    if params.output != "auto":
        return params.output
    if data.is_classification:
        return "softmax" if data.n_outputs > 1 else "sigmoid"
    return "linear"


def resolved_loss(params: TrainerParams, data: Dataset) -> str:
    if params.loss != "auto":
        return params.loss
    return "sse" if data.is_classification else "mse"


def network_spec(params: TrainerParams, data: Dataset) -> NetworkSpec:
    return NetworkSpec((data.n_inputs, *params.hidden, data.n_outputs), params.activation,
                       resolved_output(params, data))  # fmt: skip


class Trainer:
    """A network, a data set and a method: one :meth:`step` is one LM iteration or one
    first-order epoch (see the module docstring).

    Parameters
    ----------
    params : TrainerParams, optional
    data : Dataset, optional
        The bundled spirals when omitted.
    seed : int, keyword-only
        Seeds the initial weights and the batch order, 0 to 2**32 − 1 (else
        :class:`~engines.errors.ParameterError`).
    initial : (P,) array_like, optional, keyword-only
        Initial weights (torch's order) instead of drawing them.
    """

    def __init__(
        self,
        params: TrainerParams | None = None,
        data: Dataset | None = None,
        *,
        seed: int = 0,
        initial: np.ndarray | None = None,
    ):
        params = params if params is not None else TrainerParams()
        if not isinstance(params, TrainerParams):
            raise TypeError(f"params must be TrainerParams, got {type(params).__name__}")
        self.seed = check_seed(seed)
        self.params = params
        self.data = data if data is not None else load_dataset(DEFAULT_DATASET, params.data)
        self.spec = network_spec(params, self.data)
        self.loss = resolved_loss(params, self.data)
        losses.check_combination(self.loss, self.spec.output)
        dtype = DTYPES[params.dtype]
        self.network = Network(self.spec, dtype)
        initialise(self.network, params.init, seed=self.seed, init_range=params.init_range)
        if initial is not None:
            load_flat_parameters(self.network, initial)
        as_tensor = lambda a: torch.as_tensor(np.ascontiguousarray(a), dtype=dtype)  # noqa: E731
        self._xt, self._yt = as_tensor(self.data.x_train), as_tensor(self.data.y_train)
        self._xv, self._yv = as_tensor(self.data.x_val), as_tensor(self.data.y_val)
        if self.data.is_classification:
            self._ct = torch.as_tensor(self.data.target_train, dtype=torch.long)
            self._cv = torch.as_tensor(self.data.target_val, dtype=torch.long)
        self.generator = torch.Generator().manual_seed(self.seed)
        # Rows per forward pass when measuring: the activations of a pass stay within
        # chunk_mb (the same bound as a chunk of Jacobian rows).
        width = sum(self.spec.sizes[1:]) * 3 * self._xt.element_size()
        self._rows = max(1, params.chunk_mb * 2**20 // width)
        self.optimizer = self._optimizer()
        self.scheduler = self._scheduler()
        self._closure = None
        if params.is_lm:
            squared = params.residual == "neupy"
            residual = lambda out, y: losses.residuals(  # noqa: E731
                self.loss, self.spec.output, out, y, squared=squared
            )
            self._closure = SampleResiduals(self.network, self._xt, self._yt, residual,
                                            mode=params.jacobian, max_rows=self._rows)  # fmt: skip
        self.iteration = 0
        self.stop_code = ""
        self.seconds = 0.0
        self.timings = {"update": 0.0, "measure": 0.0}
        self._train_loss, self._val_loss, self._metric = _History(), _History(), _History()
        self._mu, self._lr = _History(), _History()
        self.best_iteration, self.best_val_loss = 0, math.inf
        self._best_parameters: np.ndarray | None = None
        self._wait = 0
        self.metrics = self.evaluate()

    # ------------------------------------------------------------------ set-up
    def _optimizer(self) -> torch.optim.Optimizer:
        p, params = self.params, self.network.parameters()
        if p.method == "lm":
            return LevenbergMarquardt(
                params, mu=p.mu, mu_increase=p.mu_increase, mu_decrease=p.mu_decrease,
                mu_min=min(1e-20, p.mu), mu_max=max(p.mu_max, p.mu), rule=p.mu_rule,
                damping=p.damping, min_grad=p.min_grad, chunk_bytes=p.chunk_mb * 2**20,
            )  # fmt: skip
        lr, wd = p.learning_rate, p.weight_decay
        if p.method == "sgd":
            return torch.optim.SGD(params, lr=lr, weight_decay=wd)
        if p.method in ("momentum", "nesterov"):
            return torch.optim.SGD(params, lr=lr, momentum=p.momentum, weight_decay=wd,
                                   nesterov=p.method == "nesterov")  # fmt: skip
        if p.method == "adam":
            return torch.optim.Adam(params, lr=lr, eps=p.eps, weight_decay=wd)
        if p.method == "rmsprop":
            return torch.optim.RMSprop(params, lr=lr, eps=p.eps, weight_decay=wd)
        return torch.optim.Adagrad(params, lr=lr, eps=p.eps, weight_decay=wd)

    def _scheduler(self):
        p, opt = self.params, self.optimizer
        s = torch.optim.lr_scheduler
        if p.is_lm or p.schedule == "constant":
            return None
        if p.schedule == "step":
            return s.StepLR(opt, step_size=p.schedule_step, gamma=p.schedule_gamma)
        if p.schedule == "exponential":
            return s.ExponentialLR(opt, gamma=p.schedule_gamma)
        if p.schedule == "cosine":
            return s.CosineAnnealingLR(opt, T_max=p.epochs)
        return s.ReduceLROnPlateau(opt, mode="min", factor=p.schedule_gamma,
                                   patience=p.schedule_step)  # fmt: skip

    # ------------------------------------------------------------------ measuring
    @torch.no_grad()
    def outputs(self, x: np.ndarray) -> np.ndarray:
        """The network's outputs for scaled inputs ``x`` (N, D), as float64."""
        dtype = DTYPES[self.params.dtype]
        return self.network.predict(torch.as_tensor(x, dtype=dtype)).double().numpy()

    @torch.no_grad()
    def _pass(self, x: torch.Tensor, y: torch.Tensor, *, outputs: bool):
        """(loss, outputs (N, K) or classes (N,)) over row chunks of at most ``_rows``."""
        net, loss, output, rows = self.network, self.loss, self.spec.output, self._rows
        if x.shape[0] <= rows:
            value, out = losses.loss_and_outputs(loss, output, net(x), y)
            return float(value), out if outputs else _torch_classes(out)
        total, weight, parts = 0.0, 0, []
        for s in range(0, x.shape[0], rows):
            yc = y[s : s + rows]
            value, out = losses.loss_and_outputs(loss, output, net(x[s : s + rows]), yc)
            size = losses.reduction_size(loss, output, yc)
            total, weight = total + float(value) * size, weight + size
            parts.append(out if outputs else _torch_classes(out))
        return (total if loss == "sse" else total / weight), torch.cat(parts)

    def evaluate(self, *, full: bool = True) -> dict[str, float]:
        """The current weights' losses and validation metric (``full``: the training
        accuracy and the regression figures besides)."""
        data = self.data
        classes = data.is_classification
        train_loss, out_t = self._pass(self._xt, self._yt, outputs=False)
        val_loss, out_v = self._pass(self._xv, self._yv, outputs=not classes)
        figures = {"train_loss": train_loss, "val_loss": val_loss}
        if classes:
            figures["val_accuracy"] = float((out_v == self._cv).double().mean())
            if full:
                figures["train_accuracy"] = float((out_t == self._ct).double().mean())
            return figures
        predicted = data.inverse_target(out_v.double().numpy())
        expected = data.target_val
        figures["val_rmse"] = float(np.sqrt(np.mean((predicted - expected) ** 2)))
        if full:
            figures["val_rmsle"] = rmsle(expected, np.maximum(predicted, -1.0))
            total = float(np.sum((expected - expected.mean()) ** 2))
            figures["val_r2"] = 1.0 - float(np.sum((expected - predicted) ** 2)) / total \
                if total > 0 else math.nan  # fmt: skip
        return figures

    @property
    def metric_name(self) -> str:
        return "val_accuracy" if self.data.is_classification else "val_rmse"

    # ------------------------------------------------------------------ the contract
    @property
    def done(self) -> bool:
        return bool(self.stop_code)

    @property
    def stop_reason(self) -> str:
        if not self.stop_code:
            return ""
        p = self.params
        unit = "iteration" if p.is_lm else "epoch"
        limit, name = (p.max_fail, "max_fail") if p.is_lm else (p.patience, "patience")
        return STOP_TEXT[self.stop_code].format(
            epochs=p.epochs, unit=unit, limit=limit, field=name, mu_max=p.mu_max,
            min_grad=p.min_grad, goal=p.goal,
            restored="restored" if p.restore_best else "not restored (params.restore_best)",
        )  # fmt: skip

    @property
    def error_history(self) -> np.ndarray:
        return self._train_loss.view()

    def stop(self, code: str = "cancelled") -> None:
        """End the run from outside (a cancelled job)."""
        if code not in STOP_TEXT:
            raise ValueError(f"unknown stop code {code!r}")
        self.stop_code = self.stop_code or code

    def step(self, n: int = 1) -> StepStats:
        """Run ``n`` LM iterations or first-order epochs (fewer if the run stops)."""
        n = check_count(n, "n")
        done = 0
        while done < n and not self.stop_code:
            t0 = time.perf_counter()
            mu, lr = self._update()
            t1 = time.perf_counter()
            self._measure(mu, lr)
            t2 = time.perf_counter()
            self.timings["update"] += t1 - t0
            self.timings["measure"] += t2 - t1
            self.seconds += t2 - t0
            done += 1
        if done:
            self.metrics = self.evaluate()
        error = float(self._train_loss.view()[-1]) if self.iteration else math.nan
        return StepStats(steps=done, iteration=self.iteration, error=error)

    def _update(self) -> tuple[float, float]:
        """One iteration or epoch; returns the μ and learning rate it used."""
        if self.params.is_lm:
            self.optimizer.step(self._closure)
            trials = self.optimizer.trials
            used = trials[-1][0] if trials else self.optimizer.mu
            return float(used), math.nan
        lr = float(self.optimizer.param_groups[0]["lr"])
        p, n_rows = self.params, self._xt.shape[0]
        size = p.batch_size or n_rows
        shuffled = p.shuffle and size < n_rows
        order = torch.randperm(n_rows, generator=self.generator) if shuffled else None
        for start in range(0, n_rows, size):
            if size >= n_rows:
                xb, yb = self._xt, self._yt
            elif order is not None:
                rows = order[start : start + size]
                xb, yb = self._xt[rows], self._yt[rows]
            else:
                xb, yb = self._xt[start : start + size], self._yt[start : start + size]
            self.optimizer.zero_grad(set_to_none=True)
            value = losses.loss_value(self.loss, self.spec.output, self.network(xb), yb)
            value.backward()
            self.optimizer.step()
        return math.nan, lr

    def _measure(self, mu: float, lr: float) -> None:
        p = self.params
        self.iteration += 1
        figures = self.evaluate(full=False)
        train_loss, val_loss = figures["train_loss"], figures["val_loss"]
        self._train_loss.append(train_loss)
        self._val_loss.append(val_loss)
        self._metric.append(figures[self.metric_name])
        self._mu.append(mu)
        self._lr.append(lr)
        if self.scheduler is not None:
            if isinstance(self.scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                self.scheduler.step(val_loss)
            else:
                self.scheduler.step()
        if val_loss < self.best_val_loss - p.min_delta:
            self.best_val_loss, self.best_iteration = val_loss, self.iteration
            self._best_parameters = flat_parameters(self.network)
            self._wait = 0
        else:
            self._wait += 1
        limit = p.max_fail if p.is_lm else p.patience
        if not math.isfinite(train_loss):
            self.stop_code = "diverged"
        elif p.is_lm and self.optimizer.stop:
            self.stop_code = self.optimizer.stop
        elif limit and self._wait >= limit:
            self.stop_code = "validation"
            if p.restore_best and self._best_parameters is not None:
                self.restore(self._best_parameters)
        elif p.goal > 0 and train_loss <= p.goal:
            self.stop_code = "goal"
        elif self.iteration >= p.epochs:
            self.stop_code = "epochs"

    def restore(self, parameters: np.ndarray) -> None:
        """Put weights back (torch's order) and measure them again."""
        load_flat_parameters(self.network, parameters)
        self.metrics = self.evaluate()

    def parameters(self) -> np.ndarray:
        """A float64 copy of the weights, in torch's order."""
        return flat_parameters(self.network)

    def snapshot(self) -> TrainerSnapshot:
        """A frozen view: histories are shared read-only, the weights copied."""
        p, data = self.params, self.data
        bounds = None
        if data.n_inputs == 2:
            raw = np.concatenate([data.raw_train, data.raw_val])
            lo, hi = raw.min(axis=0), raw.max(axis=0)
            pad = BOUNDARY_MARGIN * (hi - lo)
            bounds = (float(lo[0] - pad[0]), float(hi[0] + pad[0]),
                      float(lo[1] - pad[1]), float(hi[1] + pad[1]))  # fmt: skip
        timings = dict(self.timings)
        if p.is_lm:
            timings.update(self.optimizer.timings)
        return TrainerSnapshot(
            iteration=self.iteration, error_history=self._train_loss.view(),
            done=self.done, stop_reason=self.stop_reason, method=p.method,
            task=data.task, seed=self.seed, val_loss_history=self._val_loss.view(),
            metric_history=self._metric.view(), metric_name=self.metric_name,
            mu_history=self._mu.view(), lr_history=self._lr.view(),
            mu=self.optimizer.mu if p.is_lm else math.nan,
            learning_rate=math.nan if p.is_lm else float(self.optimizer.param_groups[0]["lr"]),
            metrics=MappingProxyType(dict(self.metrics)), best_iteration=self.best_iteration,
            best_val_loss=self.best_val_loss, stop_code=self.stop_code, seconds=self.seconds,
            timings=MappingProxyType(timings), parameters=self.parameters(), spec=self.spec,
            scaling=data.scaling, target_scaling=data.target_scaling, bounds=bounds,
        )  # fmt: skip
