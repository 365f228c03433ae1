"""``EcoTrainer``: a :class:`~engines.trainers.engine.Trainer` whose epoch minimises the error
curvature objective (or one of the baselines), with de-learning, the seed's schedules and
the stabilisers against collapse.

One :meth:`step` is one epoch: the training rows in shuffled batches of ``batch_size``; for
each batch one Adam update of the method's objective (``E`` is the cross-entropy of the
softmax outputs, ``C`` the mean error curvature of the batch's rows,
:mod:`engines.trainers.eco.curvature`):

==================  =========================================================================
method              minimised
==================  =========================================================================
``plain``           ``E``
``eco`` / fit       ``E − λ·w·C`` (``w`` rises from 0 to 1 over ``warmup`` epochs when
                    stabilised, else 1; stabilised, C is capped row by row)
``eco`` / seed      ``C`` — the seed's ``θ −= γ∇θC`` as written (no fitting term)
``outlier_exposure``  ``E + oe_weight · CE(uniform, p(outliers))`` on ``delearn_rows``
                    auxiliary outliers (Hendrycks et al.): half uniform noise in the widened
                    box, half uniform in the cube of half-width ``oe_reach`` data radii
                    around the data's centre (so far-field inputs are seen too)
``double_backprop``   ``E + db_weight · mean ‖∇ₓE‖²`` (Drucker & Le Cun)
==================  =========================================================================

For ``eco`` only: the schedule repeats a batch's update (``repeat``: ``repeats`` times;
``until``: until every row of the batch is classified right, at most ``until_max`` times),
and after each update de-learning takes a plain gradient-*ascent* step
``θ += delearn_rate · ∇θE`` on noise inputs with random classes (``noise``) or on the batch's
inputs with random wrong classes (``discrimination``).

Collapse and stabilisers
------------------------
After each epoch the validation rows are classified: the network has *collapsed* when at
least ``collapse_share`` of them get one class or its outputs are not finite (the seed's
"locked on one output value"), or when its validation accuracy fell below ``collapse_drop``
of the best it reached (the seed's "learning quickly deteriorates": with E − λ·C the
curvature runs away, C grows without bound by sharpening the weights, and the network
degrades on its way to one output). For ECO with ``stabilise`` (and only then: the
baselines train without them) each row's C enters the objective as ``cap·tanh(C/cap)``
(``curvature_cap``), updates are clipped to a gradient norm of ``clip``, λ warms up over
``warmup`` epochs, and a collapse after a healthy epoch puts the last healthy weights back,
multiplies the learning rate by ``lr_factor`` and clears Adam's moments (``recoveries``
counts these).

Randomness: the weights and batch order come from the run's seed as in the Trainer; noise
inputs, Outlier Exposure's outliers, random classes and Hutchinson's probes from a second
generator seeded with it (never the measurement's out sets, which are drawn apart).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from engines.errors import ParameterError
from engines.trainers import losses
from engines.trainers.datasets import Dataset, load_dataset
from engines.trainers.eco import curvature, measure
from engines.trainers.eco.params import METHODS, EcoParams
from engines.trainers.engine import Trainer, TrainerSnapshot
from engines.trainers.network import DTYPES, flat_parameters, load_flat_parameters
from engines.validation import check_choice

DEFAULT_DATASET = "moons"
#: Training rows the per-epoch curvature is measured on, and rows of each per-epoch out set.
CURVATURE_ROWS = 128
WATCH_ROWS = 200
#: Offset between the run's seed and the seed of its noise, probes and random classes.
NOISE_SEED_OFFSET = 2**32


@dataclass(frozen=True, kw_only=True)
class EcoSnapshot(TrainerSnapshot):
    """A :class:`TrainerSnapshot` with the curvature run's own histories.

    Attributes
    ----------
    kind : one of :data:`~engines.trainers.eco.params.METHODS`
    laplacian_history : (K,) mean error curvature C of up to 128 training rows per epoch
    auroc_history : (K,) AUROC of the validation rows against a small out set per epoch
    majority_history : (K,) share of the validation rows given the most frequent class
    collapsed : the current weights' network has collapsed
    recoveries : collapses undone by the stabiliser
    """

    kind: str = "eco"
    laplacian_history: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    auroc_history: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    majority_history: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    collapsed: bool = False
    recoveries: int = 0


class EcoTrainer(Trainer):
    """One network trained by ``method`` (module docstring).

    Parameters
    ----------
    params : EcoParams, optional
    data : Dataset, optional
        Two moons when omitted.
    seed : int, keyword-only
    method : {'plain', 'eco', 'outlier_exposure', 'double_backprop'}, keyword-only
    watch : dict of name → (M, D) ndarray, optional, keyword-only
        Out-of-distribution inputs the per-epoch AUROC is measured on (by default 200 noise
        and 200 far-field points drawn from the seed).

    Raises
    ------
    ParameterError
        A ReLU network (its Laplacian is zero almost everywhere), an unknown method.
    """

    def __init__(self, params: EcoParams | None = None, data: Dataset | None = None, *,
                 seed: int = 0, method: str = "eco",
                 watch: dict[str, np.ndarray] | None = None):  # fmt: skip
        params = params if params is not None else EcoParams()
        if not isinstance(params, EcoParams):
            raise TypeError(f"params must be EcoParams, got {type(params).__name__}")
        curvature.check_smooth(params.activation)
        self.kind = check_choice(method, "method", METHODS)
        self.eco = params
        data = data if data is not None else load_dataset(DEFAULT_DATASET, params.data)
        if not data.is_classification:
            raise ParameterError(f"{data.name} is a regression; ECO measures classifiers")
        super().__init__(params.trainer(), data, seed=seed)
        self.curvature_method = curvature.resolved_curvature(params.curvature, data.n_inputs)
        self.noise_generator = torch.Generator().manual_seed(self.seed + NOISE_SEED_OFFSET)
        lo, hi = measure.noise_box(data.x_train, params.noise_margin)
        dtype = DTYPES[params.dtype]
        self._lo, self._span = (
            torch.as_tensor(lo, dtype=dtype),
            torch.as_tensor(hi - lo, dtype=dtype),
        )
        centre = data.x_train.mean(axis=0)
        self._centre = torch.as_tensor(centre, dtype=dtype)
        self._reach = measure.data_radius(data.x_train)
        if watch is None:
            watch = measure.ood_sets(data, None, rows=WATCH_ROWS, margin=params.noise_margin,
                                     radius=params.far_radius, seed=self.seed)  # fmt: skip
        self._watch = {k: np.ascontiguousarray(v) for k, v in watch.items()}
        self._laplacian, self._auroc, self._majority = [], [], []
        self.collapsed = False
        self.recoveries = 0
        self._healthy: np.ndarray | None = None
        self._best_accuracy = 0.0

    # ------------------------------------------------------------------ pieces
    @property
    def stabilised(self) -> bool:
        """The stabilisers are on: ECO with ``stabilise``."""
        return self.eco.stabilise and self.kind == "eco"

    @property
    def lam_weight(self) -> float:
        """The warm-up factor w of λ for the coming epoch."""
        p = self.eco
        if not self.stabilised or p.warmup == 0:
            return 1.0
        return min(1.0, (self.iteration + 1) / p.warmup)

    def noise(self, n: int) -> torch.Tensor:
        """``n`` uniform noise inputs in the widened box of the training inputs."""
        u = torch.rand((n, self._lo.numel()), generator=self.noise_generator, dtype=self._lo.dtype)
        return self._lo + u * self._span

    def outliers(self, n: int) -> torch.Tensor:
        """Outlier Exposure's ``n`` auxiliary outliers (module docstring): half uniform noise
        in the widened box, half uniform in the cube of half-width ``oe_reach`` data radii
        around the data's centre (all in the box when ``oe_reach`` is 0)."""
        wide = n // 2 if self.eco.oe_reach > 0 else 0
        near = self.noise(n - wide)
        if wide == 0:
            return near
        u = torch.rand((wide, self._lo.numel()), generator=self.noise_generator,
                       dtype=self._lo.dtype)  # fmt: skip
        return torch.cat([near, self._centre + (2 * u - 1) * (self.eco.oe_reach * self._reach)])

    def curvature_of(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """(N,) error curvature C of rows ``x`` with one-hot targets ``y``."""
        return curvature.laplacian(self.network, x, y, loss=self.loss, output=self.spec.output,
                                   method=self.curvature_method, probes=self.eco.probes,
                                   generator=self.noise_generator)  # fmt: skip

    def error(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return losses.loss_value(self.loss, self.spec.output, self.network(x), y)

    def objective(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The method's objective on a batch (module docstring)."""
        p, kind = self.eco, self.kind
        if kind == "eco":
            c = self.curvature_of(x, y)
            if p.objective == "seed":
                return c.mean()
            if self.stabilised and p.curvature_cap > 0:
                c = p.curvature_cap * torch.tanh(c / p.curvature_cap)
            return self.error(x, y) - p.lam * self.lam_weight * c.mean()
        e = self.error(x, y)
        if kind == "outlier_exposure":
            log_p = F.log_softmax(self.network(self.outliers(p.delearn_rows)), dim=-1)
            return e - p.oe_weight * log_p.mean()
        if kind == "double_backprop":
            g = curvature.input_gradients(self.network, x, y, loss=self.loss,
                                          output=self.spec.output)  # fmt: skip
            return e + p.db_weight * g.square().sum(dim=1).mean()
        return e

    def random_classes(self, n: int) -> torch.Tensor:
        return torch.randint(0, self.data.n_outputs, (n,), generator=self.noise_generator)

    def delearn_step(self, x: torch.Tensor, classes: torch.Tensor) -> None:
        """θ += delearn_rate · ∇θE on ``x`` with its ``delearn`` targets (module docstring):
        noise inputs with random classes, or ``x`` with random wrong classes."""
        p, k = self.eco, self.data.n_outputs
        if p.delearn == "noise":
            inputs, chosen = self.noise(p.delearn_rows), self.random_classes(p.delearn_rows)
        else:
            shift = torch.randint(1, k, classes.shape, generator=self.noise_generator)
            inputs, chosen = x, (classes + shift) % k
        targets = F.one_hot(chosen, k).to(inputs.dtype)
        parameters = list(self.network.parameters())
        grads = torch.autograd.grad(self.error(inputs, targets), parameters)
        if self.stabilised and p.clip > 0:
            norm = torch.sqrt(sum(g.square().sum() for g in grads))
            scale = min(1.0, p.clip / (float(norm) + 1e-12))
            grads = [g * scale for g in grads]
        with torch.no_grad():
            for theta, g in zip(parameters, grads, strict=True):
                theta.add_(g, alpha=p.delearn_rate)

    def _batch_right(self, x: torch.Tensor, classes: torch.Tensor) -> bool:
        with torch.no_grad():
            return bool((self.network(x).argmax(dim=1) == classes).all())

    # ------------------------------------------------------------------ the epoch
    def _update(self) -> tuple[float, float]:
        p = self.eco
        lr = float(self.optimizer.param_groups[0]["lr"])
        n_rows = self._xt.shape[0]
        size = min(p.batch_size, n_rows)
        order = torch.randperm(n_rows, generator=self.generator)
        eco = self.kind == "eco"
        most = {"usual": 1, "repeat": p.repeats, "until": p.until_max}[p.schedule] if eco else 1
        for start in range(0, n_rows, size):
            rows = order[start : start + size]
            xb, yb, cb = self._xt[rows], self._yt[rows], self._ct[rows]
            for _ in range(most):
                self.optimizer.zero_grad(set_to_none=True)
                self.objective(xb, yb).backward()
                if self.stabilised and p.clip > 0:
                    torch.nn.utils.clip_grad_norm_(self.network.parameters(), p.clip)
                self.optimizer.step()
                if eco and p.delearn != "none":
                    self.delearn_step(xb, cb)
                if eco and p.schedule == "until" and self._batch_right(xb, cb):
                    break
        return math.nan, lr

    def _measure(self, mu: float, lr: float) -> None:
        super()._measure(mu, lr)
        p = self.eco
        outputs = self.outputs(self.data.x_val)
        collapsed = self._collapsed(outputs)
        if collapsed and self.stabilised and p.lr_factor < 1 and self._healthy is not None:
            self._recover()
            outputs = self.outputs(self.data.x_val)
            collapsed = self._collapsed(outputs)
        elif not collapsed:
            self._healthy = flat_parameters(self.network)
        self.collapsed = collapsed
        finite = np.all(np.isfinite(outputs))
        classes = np.argmax(outputs, axis=1) if finite else np.zeros(0, dtype=np.int64)
        self._majority.append(measure.majority_share(classes) if finite else 1.0)
        self._laplacian.append(self._mean_curvature())
        self._auroc.append(self._watch_auroc(outputs) if finite else math.nan)

    def _collapsed(self, outputs: np.ndarray) -> bool:
        """One class for ``collapse_share`` of the validation rows, outputs not finite, or the
        validation accuracy below ``collapse_drop`` of the best so far (module docstring)."""
        p = self.eco
        if measure.is_collapsed(outputs, p.collapse_share):
            return True
        accuracy = float(np.mean(np.argmax(outputs, axis=1) == self.data.target_val))
        self._best_accuracy = max(self._best_accuracy, accuracy)
        return accuracy < p.collapse_drop * self._best_accuracy

    def _recover(self) -> None:
        """Undo a collapse: last healthy weights, a smaller learning rate, fresh moments."""
        load_flat_parameters(self.network, self._healthy)
        for group in self.optimizer.param_groups:
            group["lr"] *= self.eco.lr_factor
        self.optimizer.state.clear()
        self.recoveries += 1
        self.metrics = self.evaluate()
        if self.stop_code == "diverged":
            self.stop_code = "epochs" if self.iteration >= self.params.epochs else ""

    def _mean_curvature(self) -> float:
        rows = min(CURVATURE_ROWS, self._xt.shape[0])
        c = self.curvature_of(self._xt[:rows], self._yt[:rows])
        return float(c.detach().mean())

    def _watch_auroc(self, outputs_in: np.ndarray) -> float:
        scores_in = measure.max_probability(outputs_in)
        out = np.concatenate([measure.max_probability(self.outputs(v))
                              for v in self._watch.values()])  # fmt: skip
        return measure.auroc_fpr(scores_in, out)[0]

    # ------------------------------------------------------------------ results
    def measure(self, ood: dict[str, np.ndarray]) -> dict[str, float]:
        """The current network's figures against the out sets ``ood``
        (:func:`engines.trainers.eco.measure.figures`)."""
        outputs_out = {k: self.outputs(v) for k, v in ood.items()}
        out = measure.figures(self.outputs(self.data.x_val), self.data.target_val, outputs_out,
                              collapse_share=self.eco.collapse_share)  # fmt: skip
        out["collapsed"] = float(out["collapsed"] or self.collapsed)
        return out

    def snapshot(self) -> EcoSnapshot:
        base = super().snapshot()
        values = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        return EcoSnapshot(
            **values, kind=self.kind, laplacian_history=np.array(self._laplacian),
            auroc_history=np.array(self._auroc), majority_history=np.array(self._majority),
            collapsed=self.collapsed, recoveries=self.recoveries,
        )  # fmt: skip
