"""The seed's one-dimensional Bayesian optimisation, one step at a time: a Gaussian process
chooses the number of hidden units to try next.

The seed's example
------------------
Hand-tuning a network's hidden units gave 65 % accuracy at 10 units, 82 % at 100 and 84 %
at 200. Bayesian optimisation automates that: a Gaussian process (GP) fitted to the units
tried so far and their validation errors predicts, for every number of units in
[50, 1000], a mean and a standard deviation; an acquisition function turns them into a score
and the best-scoring number is tried next. The seed starts from two random choices and
stops when the acquisition's best choice was tried already (or, with its rule, when no
improvement is left).

The objective here is a stand-in for the seed's training runs, so that the demo runs in a
blink: :func:`hidden_units_error`, a smooth validation-error curve through the seed's three
hand-tuned points (error = 1 - accuracy) that keeps falling slowly to about 500 units and
then rises (bigger networks overfit the seed's small data), plus Gaussian noise of
``params.noise`` (trained networks are random: the same units give other errors).

Two acquisitions, named for what they are
-----------------------------------------
``ei`` — expected improvement: ``E[max(0, y_min - f(x))]`` under the GP's normal
    prediction, ``(y_min - μ) Φ(z) + σ φ(z)`` with ``z = (y_min - μ) / σ``.
``lcb`` — the seed's rule, which it called expected improvement:
    ``max(0, y_min - (μ - 1.96 σ))``, how far the lower end of the 95 % confidence band
    reaches below the best error so far: a lower-confidence-bound rule.

The GP
------
scikit-learn's ``GaussianProcessRegressor`` with the seed's kernel ``C · RBF`` on the units
scaled to [0, 1] and the errors normalised, and the observation noise ``params.noise`` as the
diagonal term. The kernel is fixed (amplitude 1, length scale 0.12 of the range): fitted to
a dozen noisy points its hyperparameters mostly follow the noise (the seed refitted them
with 100 optimiser restarts each step). Its posterior draws (``params.draws`` functions)
come from the posterior covariance on every 10th candidate.

Random streams: ``default_rng([seed, 0])`` the initial choices, ``[seed, 1]`` the noise,
``[seed, 2]`` the posterior draws.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engines.core import Callback, Snapshot, StepStats
from engines.errors import GasworksError, ParameterError
from engines.explorers.params import GPDemoParams
from engines.validation import check_count, check_seed

#: The seed's range of hidden units.
LOW, HIGH = 50, 1000
#: The seed's hand-tuned points: hidden units → validation accuracy.
SEED_POINTS = {10: 0.65, 100: 0.82, 200: 0.84}
#: The seed's confidence band: mean ± 1.96 standard deviations (95 %).
BAND = 1.96
#: The kernel, fixed: amplitude 1 on the normalised errors and the RBF's length scale on the
#: units scaled to [0, 1] (about 110 units, so the mean does not bend through every noisy
#: point).
AMPLITUDE, LENGTH_SCALE = 1.0, 0.12
#: Posterior draws are taken on every DRAW_STRIDE-th candidate.
DRAW_STRIDE = 10
#: Jitter added to the posterior covariance before its Cholesky factor.
JITTER = 1e-10
STREAM_INITIAL, STREAM_NOISE, STREAM_DRAWS = 0, 1, 2

#: The stand-in curve's shape (see :func:`hidden_units_error`).
_FLOOR, _DROP, _SCALE, _BEND, _CENTRE = 0.1486, 0.232, 34.0, 0.12, 500.0

ACQUISITION_NAMES = {
    "ei": "expected improvement",
    "lcb": "lower confidence bound (the seed's rule)",
}


def hidden_units_error(units) -> np.ndarray:
    """Validation error of the seed's network with ``units`` hidden units (the stand-in).

    ``0.1486 + 0.232 exp(-n / 34) + 0.12 ((n - 500) / 1000)²``: 0.35, 0.18 and 0.16 at
    the seed's 10, 100 and 200 units (65 %, 82 % and 84 % accuracy), lowest near 500.
    """
    n = np.asarray(units, dtype=np.float64)
    return _FLOOR + _DROP * np.exp(-n / _SCALE) + _BEND * ((n - _CENTRE) / 1000.0) ** 2


def expected_improvement(best: float, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``E[max(0, best - f)]`` for ``f ~ N(mean, std²)`` (zero where ``std`` is zero and
    the mean is no better)."""
    from scipy.stats import norm

    mean, std = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    gain = best - mean
    out = np.maximum(gain, 0.0)
    positive = std > 0
    z = gain[positive] / std[positive]
    out[positive] = gain[positive] * norm.cdf(z) + std[positive] * norm.pdf(z)
    return out


def lower_confidence_bound(best: float, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """The seed's rule: ``max(0, best - (mean - 1.96 std))``."""
    return np.maximum(0.0, best - (np.asarray(mean) - BAND * np.asarray(std)))


ACQUISITIONS: dict[str, Callable[[float, np.ndarray, np.ndarray], np.ndarray]] = {
    "ei": expected_improvement,
    "lcb": lower_confidence_bound,
}


def _scaled(units: np.ndarray) -> np.ndarray:
    return ((np.asarray(units, dtype=np.float64) - LOW) / (HIGH - LOW)).reshape(-1, 1)


@dataclass(frozen=True, kw_only=True)
class GPStep(Snapshot):
    """The GP after ``iteration`` evaluations, and the choice it makes next.

    Attributes
    ----------
    units : (K,) ndarray of int
        The candidates, ``LOW`` to ``HIGH``.
    mean, std : (K,) ndarray
        The GP's prediction (empty before two evaluations).
    acquisition : (K,) ndarray
        The acquisition's score of each candidate (empty before two evaluations).
    tried : (m,) ndarray of int
        Units evaluated, in order.
    errors : (m,) ndarray
        Their observed validation errors.
    proposal : int or None
        The units the acquisition picks next (None before the GP or once stopped).
    draws_units : (D,) ndarray of int
    draws : (n_draws, D) ndarray
        Functions drawn from the GP's posterior on ``draws_units``.
    truth : (K,) ndarray
        The stand-in objective without noise (NaN for an objective given by the caller).
    acquisition_name : str
    """

    units: np.ndarray = field(default_factory=lambda: np.zeros(0, int), repr=False)
    mean: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    std: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    acquisition: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    tried: np.ndarray = field(default_factory=lambda: np.zeros(0, int), repr=False)
    errors: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    proposal: int | None = None
    draws_units: np.ndarray = field(default_factory=lambda: np.zeros(0, int), repr=False)
    draws: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    truth: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    acquisition_name: str = "ei"

    @property
    def best(self) -> tuple[int, float] | None:
        """(units, error) of the lowest error observed so far."""
        if not len(self.errors):
            return None
        i = int(np.argmin(self.errors))
        return int(self.tried[i]), float(self.errors[i])


class GPDemo:
    """Bayesian optimisation of one integer, one evaluation per step.

    Parameters
    ----------
    params : GPDemoParams, optional
    data : callable, optional
        The objective, units → error (vectorised); :func:`hidden_units_error` by default.
        Noise of ``params.noise`` is added to what it returns.
    seed : int
    """

    def __init__(
        self,
        params: GPDemoParams | None = None,
        data: Callable[[np.ndarray], np.ndarray] | None = None,
        *,
        seed: int = 0,
    ):
        self.params = params if params is not None else GPDemoParams()
        self.seed = check_seed(seed)
        self.objective = data if data is not None else hidden_units_error
        self.units = np.arange(LOW, HIGH + 1)
        self.truth = (
            hidden_units_error(self.units) if data is None else np.full(self.units.size, np.nan)
        )
        self._initial = np.random.default_rng([self.seed, STREAM_INITIAL])
        self._noise = np.random.default_rng([self.seed, STREAM_NOISE])
        self._draws = np.random.default_rng([self.seed, STREAM_DRAWS])
        self.tried: list[int] = []
        self.errors: list[float] = []
        self.stop_reason = ""
        self._posterior: tuple[np.ndarray, ...] | None = None
        self._proposal: int | None = None

    @property
    def budget(self) -> int:
        return self.params.initial + self.params.steps

    @property
    def done(self) -> bool:
        return bool(self.stop_reason) or len(self.tried) >= self.budget

    def step(self, n: int = 1) -> StepStats:
        """Make the next ``n`` evaluations (fewer once stopped), refitting after each."""
        n = check_count(n, "n")
        made = 0
        while made < n and not self.done:
            if len(self.tried) < self.params.initial:
                units = int(self._initial.integers(LOW, HIGH + 1))
            else:
                units = self._proposal
            self._evaluate(units)
            made += 1
        best = min(self.errors) if self.errors else math.nan
        return StepStats(made, len(self.tried), best)

    def _evaluate(self, units: int) -> None:
        value = float(np.asarray(self.objective(np.array([units])), dtype=np.float64).ravel()[0])
        value += self.params.noise * float(self._noise.standard_normal())
        self.tried.append(units)
        self.errors.append(value)
        self._fit()

    def _fit(self) -> None:
        """Fit the GP to the evaluations, score the candidates and pick the next one."""
        if len(self.tried) < 2:
            return
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import RBF
        from sklearn.gaussian_process.kernels import ConstantKernel as C

        y = np.asarray(self.errors)
        spread = float(np.std(y)) or 1.0
        kernel = C(AMPLITUDE, "fixed") * RBF(LENGTH_SCALE, "fixed")
        gp = GaussianProcessRegressor(
            kernel, alpha=max((self.params.noise / spread) ** 2, JITTER), normalize_y=True,
            optimizer=None,
        )  # fmt: skip
        gp.fit(_scaled(np.asarray(self.tried)), y)
        mean, std = gp.predict(_scaled(self.units), return_std=True)
        score = ACQUISITIONS[self.params.acquisition](float(y.min()), mean, std)
        draws_units = self.units[::DRAW_STRIDE]
        draws = np.zeros((0, draws_units.size))
        if self.params.draws:
            centre, cov = gp.predict(_scaled(draws_units), return_cov=True)
            factor = np.linalg.cholesky(cov + (JITTER + 1e-9 * np.trace(cov)) * np.eye(len(cov)))
            z = self._draws.standard_normal((draws_units.size, self.params.draws))
            draws = (centre[:, None] + factor @ z).T
        self._posterior = (mean, std, score, draws_units, draws)
        self._proposal = int(self.units[int(np.argmax(score))])
        if score.max() <= 0.0:
            self.stop_reason = "no improvement left: the acquisition is zero everywhere"
        elif self._proposal in self.tried:
            self.stop_reason = f"the acquisition's best choice, {self._proposal} units, was tried"

    def snapshot(self) -> GPStep:
        empty = np.zeros(0)
        mean, std, score, draws_units, draws = self._posterior or (
            empty, empty, empty, np.zeros(0, int), np.zeros((0, 0)))  # fmt: skip
        proposal = None if self.done or self._posterior is None else self._proposal
        history = np.minimum.accumulate(self.errors) if self.errors else empty
        return GPStep(
            iteration=len(self.tried), budget=self.budget, error_history=history,
            done=self.done, stop_reason=self.stop_reason or (
                "all steps made" if self.done else ""),
            units=self.units, mean=mean, std=std, acquisition=score,
            tried=np.asarray(self.tried, dtype=int), errors=np.asarray(self.errors),
            proposal=proposal, draws_units=draws_units, draws=draws, truth=self.truth,
            acquisition_name=self.params.acquisition,
        )  # fmt: skip


@dataclass(frozen=True)
class GPDemoResult:
    """Every step of a GP demo run.

    Attributes
    ----------
    params : GPDemoParams
        What was run (its ``seed`` the one used).
    seed : int
    steps : tuple of GPStep
        The state after each evaluation (the first ``initial - 1`` have no GP yet).
    cancelled : bool
    seconds : float
    """

    params: GPDemoParams
    seed: int
    steps: tuple[GPStep, ...] = field(repr=False)
    cancelled: bool = False
    seconds: float = field(default=float("nan"), compare=False)

    @property
    def last(self) -> GPStep:
        return self.steps[-1]

    def payload(self) -> dict[str, Any]:
        """A JSON-ready summary: settings, the units tried, their errors, the best."""
        last = self.last
        best = last.best
        return {
            "acquisition": self.params.acquisition,
            "acquisition_name": ACQUISITION_NAMES[self.params.acquisition],
            "seed": self.seed,
            "noise": self.params.noise,
            "tried": last.tried.tolist(),
            "errors": last.errors.tolist(),
            "best": None if best is None else {"units": best[0], "error": best[1]},
            "stop_reason": last.stop_reason,
            "cancelled": self.cancelled,
        }


def gp_demo_recipe(
    source: None = None,
    params: GPDemoParams | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    objective: Callable[[np.ndarray], np.ndarray] | None = None,
) -> GPDemoResult:
    """Run the GP demo: the recipe of the ``gp-demo`` job.

    The callback gets a :class:`GPStep` after every evaluation; returning True cancels.
    ``objective`` replaces the stand-in curve (units → error).
    """
    started = time.perf_counter()
    if source is not None:
        raise ParameterError(f"the GP demo has no input: source must be None, got {source!r}")
    params = GPDemoParams() if params is None else params
    if not isinstance(params, GPDemoParams):
        raise TypeError(f"params must be a GPDemoParams, got {type(params).__name__}")
    seed = check_seed(params.seed if seed is None else seed)
    params = params.model_copy(update={"seed": seed})
    demo = GPDemo(params, objective, seed=seed)
    steps = []
    cancelled = False
    while not demo.done:
        demo.step(1)
        snap = demo.snapshot()
        steps.append(snap)
        if callback is not None and callback(snap):
            cancelled = not demo.done
            break
    return GPDemoResult(params, seed, tuple(steps), cancelled, time.perf_counter() - started)


def export_gp_demo(
    result: GPDemoResult, path: str | Path, *, overwrite: bool = True, step: int | None = None
) -> Path:
    """Write the demo: ``.png`` one step (default: the last), ``.gif`` every step from the
    first GP on (one frame each, 1 s apiece), ``.json`` :meth:`GPDemoResult.payload`."""
    from engines.atomic import atomic_write_bytes, atomic_write_text, png_bytes

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = json.dumps(result.payload(), indent=2) + "\n"
        return atomic_write_text(path, text, overwrite=overwrite)
    if suffix not in (".png", ".gif"):
        raise GasworksError(f"{path}: the file name must end in .png, .gif or .json")
    if not overwrite and path.exists():
        raise FileExistsError(f"{path}: already exists (use --force to overwrite)")
    from engines.explorers.plots import gp_step_image

    if suffix == ".png":
        k = len(result.steps) - 1 if step is None else step
        if not 0 <= k < len(result.steps):
            raise ParameterError(f"step must be from 0 to {len(result.steps) - 1}, got {k}")
        return atomic_write_bytes(path, png_bytes(gp_step_image(result.steps[k])),
                                  overwrite=overwrite)  # fmt: skip
    from engines.movie import write_movie

    frames = [gp_step_image(s) for s in result.steps if len(s.mean)]
    if not frames:
        raise GasworksError("the run stopped before the first Gaussian process")
    return write_movie(frames, path, fps=1, overwrite=overwrite)  # one step a second
