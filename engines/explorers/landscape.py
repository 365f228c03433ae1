"""Loss-landscape "earthquakes": how the loss surface shakes from one mini-batch to the next.

The seed's experiment (NeuPy's "Earthquakes in the landscape of neural network"): a model
with two weights, so that its loss over every pair of weights is a surface one can look at;
trained with mini-batches, each step sees the surface of its own batch, and the surface
shakes from batch to batch — the smaller the batch, the stronger the quake.

Data
----
Two Gaussian blobs in the plane, ``samples // 2`` points each (class 1 gets the extra one
when ``samples`` is odd): class 1 around :data:`CLASS_1_CENTRE`, class 0 around
:data:`CLASS_0_CENTRE`, both with standard deviation :data:`BLOB_SD` along each axis. A line
through the origin separates them well but not perfectly, so the loss has a finite minimum
(near w = (-3, 3)) at the bottom of a long diagonal valley.

Model and loss
--------------
Logistic regression with two weights and no bias, ``p = σ(x·w)``, and the cross-entropy of
one sample ``l = -y ln p - (1 - y) ln(1 - p) = softplus(x·w) - y x·w``. With
``m = (1 - 2y) x`` this is ``softplus(m·w)``: each sample's landscape is a function of one
direction only (straight contour lines), nearly piecewise linear, as the seed shows. The
landscape of a batch is the mean over its samples; its gradient is
``mean((σ(x·w) - y) x)``.

Vectorised landscape
--------------------
``softplus(u) = u/2 + h(u)`` with the even function ``h(u) = |u|/2 + log1p(exp(-|u|))``, so
the mean over a batch is the plane ``(m̄·w)/2`` plus the mean of ``h(m_i·w)``.
:func:`loss_landscape` evaluates ``h`` for every grid point and every sample at once in
float32 (a few samples per pass, so the work stays in the processor's cache); the plane is
added once. A 200×200 grid for a batch of 100 takes a few milliseconds
(``benchmarks/bench_landscape.py``).

Training and frames
-------------------
Each panel (one per batch size) trains by plain gradient descent from
``(start_w1, start_w2)``: ``w[t+1] = w[t] - step_size · ∇L_B[t](w[t])``. Batches are
consecutive slices of a fresh permutation of the data each epoch (the remainder of an epoch
that does not fill a batch is dropped). One engine step makes one animation frame; frame
``k`` belongs to training step ``t = k // cycle`` (``cycle = hold_frames + blend_frames``):

- its first ``hold_frames`` frames show batch ``t``'s landscape, the path so far and the
  update ``w[t] → w[t+1]`` as an arrow (the seed's "training iteration");
- the next ``blend_frames`` blend it into batch ``t + 1``'s landscape,
  ``(1 - α) L_B[t] + α L_B[t+1]`` with ``α = (phase - hold_frames + 1) / (blend_frames + 1)``
  (the seed's "mini-batch changing"; in reality the change is a jump).

Spread
------
How much the landscape shakes, as one figure per batch size: the mean absolute difference
between consecutive batches' landscapes over the grid, averaged over the first
``spread_pairs`` pairs of the panel's batch stream::

    spread(b) = 1/P Σ_{k<P} mean_grid |L_B[k+1](w) - L_B[k](w)|

A batch's landscape is a mean of ``b`` per-sample landscapes, so its fluctuation shrinks
like ``1/√b``: batch 10 shakes about √10 ≈ 3.2 times as much as batch 100.

Random streams
--------------
All from the one seed, each from its own generator so that one does not shift another:
``default_rng([seed, 0])`` draws the data, ``default_rng([seed, 1])`` the nine samples of
the per-sample view, and ``default_rng([seed, 2, b])`` the permutations of the panel of batch
size ``b`` (so a panel is the same whichever other panels run beside it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engines.core import Callback, Snapshot, StepStats
from engines.errors import GasworksError, ParameterError
from engines.explorers.params import W_RANGE, LandscapeParams
from engines.movie import check_movie_path, write_movie
from engines.validation import check_count, check_seed

CLASS_1_CENTRE = (1.0, 2.0)
CLASS_0_CENTRE = (2.0, 1.0)
BLOB_SD = 0.6
#: Samples per pass of :func:`loss_landscape` (a pass holds samples × grid² float32 values).
CHUNK = 8
#: Panels of the per-sample view (the seed's 3 × 3).
N_SAMPLE_LANDSCAPES = 9
#: Generator streams (see the module docstring).
STREAM_DATA, STREAM_SAMPLES, STREAM_BATCHES = 0, 1, 2


# --------------------------------------------------------------------------- numerics
def make_blobs(samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The two Gaussian blobs.

    Returns
    -------
    x : (samples, 2) ndarray of float64
    y : (samples,) ndarray of float64
        1.0 for the first ``samples - samples // 2`` points (class 1), 0.0 for the rest.
    """
    n0 = samples // 2
    n1 = samples - n0
    ones = rng.normal(CLASS_1_CENTRE, BLOB_SD, size=(n1, 2))
    zeros = rng.normal(CLASS_0_CENTRE, BLOB_SD, size=(n0, 2))
    return np.concatenate([ones, zeros]), np.concatenate([np.ones(n1), np.zeros(n0)])


def weight_axis(grid: int) -> np.ndarray:
    """The ``grid`` weight values along each axis, from ``-W_RANGE`` to ``W_RANGE``."""
    return np.linspace(-W_RANGE, W_RANGE, grid)


def loss_landscape(x: np.ndarray, y: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Mean cross-entropy of the samples ``(x, y)`` at every point of the weight grid.

    Parameters
    ----------
    x : (n, 2) array_like
    y : (n,) array_like of 0/1
    axis : (G,) array_like
        Weight values along each axis (:func:`weight_axis`).

    Returns
    -------
    (G, G) ndarray of float32
        ``landscape[i, j]`` is the loss at ``w = (axis[j], axis[i])``: rows follow W2,
        columns W1 (an image with W1 across and W2 up).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2 or y.shape != (len(x),) or len(x) == 0:
        raise ParameterError(f"need x of shape (n, 2) and y of shape (n,), n ≥ 1; got "
                             f"{x.shape} and {y.shape}")  # fmt: skip
    m = x * (1.0 - 2.0 * y)[:, None]
    w = np.asarray(axis, dtype=np.float32)
    g = w.size
    m32 = m.astype(np.float32)
    total = np.zeros((g, g), dtype=np.float32)
    chunk = min(CHUNK, len(m))
    u = np.empty((chunk, g, g), dtype=np.float32)
    t = np.empty_like(u)
    for start in range(0, len(m32), chunk):
        part = m32[start : start + chunk]
        k = len(part)
        uk, tk = u[:k], t[:k]
        np.multiply(part[:, 0, None, None], w[None, None, :], out=uk)
        np.add(uk, part[:, 1, None, None] * w[None, :, None], out=uk)
        np.abs(uk, out=uk)
        np.negative(uk, out=tk)
        np.exp(tk, out=tk)
        np.log1p(tk, out=tk)
        uk *= np.float32(0.5)
        uk += tk
        total += uk.sum(axis=0)
    mean_m = m.mean(axis=0)
    plane = 0.5 * (mean_m[0] * axis[None, :] + mean_m[1] * np.asarray(axis)[:, None])
    return (total / np.float32(len(m)) + plane.astype(np.float32)).astype(np.float32)


def loss_at(x: np.ndarray, y: np.ndarray, w: Sequence[float]) -> float:
    """Mean cross-entropy of ``(x, y)`` at one weight vector, in float64."""
    z = np.asarray(x, dtype=np.float64) @ np.asarray(w, dtype=np.float64)
    return float(np.mean(np.logaddexp(0.0, z) - np.asarray(y) * z))


def gradient(x: np.ndarray, y: np.ndarray, w: Sequence[float]) -> np.ndarray:
    """Gradient of the mean cross-entropy at ``w``: ``mean((σ(x·w) - y) x)``, shape (2,)."""
    from scipy.special import expit

    x = np.asarray(x, dtype=np.float64)
    residual = expit(x @ np.asarray(w, dtype=np.float64)) - np.asarray(y)
    return (residual[:, None] * x).mean(axis=0)


def landscape_spread(landscapes: Sequence[np.ndarray]) -> float:
    """Mean absolute difference between consecutive landscapes, over the grid and the pairs.

    Raises
    ------
    ParameterError
        With fewer than two landscapes.
    """
    if len(landscapes) < 2:
        raise ParameterError(f"the spread needs at least two landscapes, got {len(landscapes)}")
    diffs = [
        float(np.mean(np.abs(landscapes[k + 1].astype(np.float64) - landscapes[k])))
        for k in range(len(landscapes) - 1)
    ]
    return float(np.mean(diffs))


class BatchStream:
    """Mini-batches of ``batch_size`` indices: consecutive slices of a fresh permutation of
    the ``samples`` indices each epoch (a remainder too small for a batch is dropped).
    ``batch(k)`` is the same whatever order batches are asked for."""

    def __init__(self, samples: int, batch_size: int, rng: np.random.Generator):
        self.samples = check_count(samples, "samples", minimum=1)
        self.batch_size = check_count(batch_size, "batch_size", minimum=1, maximum=samples)
        self.per_epoch = samples // batch_size
        self._rng = rng
        self._epochs: list[np.ndarray] = []

    def batch(self, k: int) -> np.ndarray:
        epoch, slot = divmod(k, self.per_epoch)
        while len(self._epochs) <= epoch:
            self._epochs.append(self._rng.permutation(self.samples))
        start = slot * self.batch_size
        return self._epochs[epoch][start : start + self.batch_size]


def batch_rng(seed: int, batch_size: int) -> np.random.Generator:
    return np.random.default_rng([seed, STREAM_BATCHES, batch_size])


# --------------------------------------------------------------------------- frames
@dataclass(frozen=True)
class PanelFrame:
    """One panel of a frame: a batch size's landscape, path and update arrow.

    Attributes
    ----------
    batch_size : int
    landscape : (G, G) ndarray of float32
        What the panel shows (rows W2, columns W1): a batch's landscape or a blend of two.
    path : (k, 2) ndarray of float64
        Weights from the start to the newest update.
    arrow : (2, 2) ndarray or None
        The update of the step shown (from, to), while it is held; None while blending.
    step : int
        Training step shown (0-based).
    alpha : float
        Blend weight of the next batch's landscape (0 while held).
    batch_loss : float
        The batch's loss at the weights before the update.
    """

    batch_size: int
    landscape: np.ndarray = field(repr=False)
    path: np.ndarray = field(repr=False)
    arrow: np.ndarray | None = field(repr=False)
    step: int
    alpha: float
    batch_loss: float


@dataclass(frozen=True, kw_only=True)
class LandscapeFrame(Snapshot):
    """One frame of the animation (``iteration`` frames made so far; this is frame
    ``index``).

    Attributes
    ----------
    index : int
        The frame's number, from 0.
    axis : (G,) ndarray
        Weight values along each axis.
    panels : tuple of PanelFrame
        One per batch size, in the order asked for.
    scale : (float, float)
        Loss range the colours span (that of the whole data's landscape), fixed for a run.
    view : {'contour', 'surface'}
    """

    index: int = 0
    axis: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    panels: tuple[PanelFrame, ...] = ()
    scale: tuple[float, float] = (0.0, 1.0)
    view: str = "contour"


def _panel_frame(
    params: LandscapeParams, batch_size: int, weights, landscapes, losses, k: int
) -> PanelFrame:
    """Frame ``k`` of one panel from its weights and batch landscapes (lists or arrays)."""
    step, phase = divmod(k, params.cycle)
    path = np.asarray(weights[: step + 2], dtype=np.float64)
    if phase < params.hold_frames:
        landscape = landscapes[step]
        arrow, alpha = path[-2:].copy(), 0.0
    else:
        alpha = (phase - params.hold_frames + 1) / (params.blend_frames + 1)
        a, b = landscapes[step], landscapes[step + 1]
        landscape = ((1.0 - alpha) * a + alpha * b).astype(np.float32)
        arrow = None
    return PanelFrame(batch_size, landscape, path, arrow, step, alpha, float(losses[step]))


class _Panel:
    """The training of one batch size: weights, batch landscapes and losses so far."""

    def __init__(self, x, y, axis, params: LandscapeParams, batch_size: int, seed: int):
        self.x, self.y, self.axis = x, y, axis
        self.batch_size = batch_size
        self.stream = BatchStream(len(x), batch_size, batch_rng(seed, batch_size))
        self.step_size = params.step_size
        self.weights = [np.array([params.start_w1, params.start_w2], dtype=np.float64)]
        self.landscapes: list[np.ndarray] = []
        self.losses: list[float] = []
        self.full_losses = [loss_at(x, y, self.weights[0])]

    def landscape(self, k: int) -> np.ndarray:
        while len(self.landscapes) <= k:
            idx = self.stream.batch(len(self.landscapes))
            self.landscapes.append(loss_landscape(self.x[idx], self.y[idx], self.axis))
        return self.landscapes[k]

    def train_to(self, step: int) -> None:
        """Make the updates of steps up to ``step`` (weights up to ``w[step + 1]``)."""
        while len(self.weights) <= step + 1:
            t = len(self.weights) - 1
            idx = self.stream.batch(t)
            xb, yb, w = self.x[idx], self.y[idx], self.weights[t]
            self.losses.append(loss_at(xb, yb, w))
            new = w - self.step_size * gradient(xb, yb, w)
            self.weights.append(new)
            self.full_losses.append(loss_at(self.x, self.y, new))

    def spread(self, pairs: int, checkpoint=None) -> float:
        """:func:`landscape_spread` over the first ``pairs + 1`` batches of the stream."""
        total = 0.0
        previous = self.landscape(0).astype(np.float64)
        for k in range(1, pairs + 1):
            if checkpoint is not None:
                checkpoint()
            if k < len(self.landscapes):
                current = self.landscapes[k].astype(np.float64)
            else:
                idx = self.stream.batch(k)
                current = loss_landscape(self.x[idx], self.y[idx], self.axis).astype(np.float64)
            total += float(np.mean(np.abs(current - previous)))
            previous = current
        return total / pairs


class LandscapeEngine:
    """The animation of mini-batch training over the loss landscape, one frame per step.

    Parameters
    ----------
    params : LandscapeParams, optional
    data : (x, y), optional
        ``x`` (n, 2) and ``y`` (n,) of 0/1; by default the two blobs drawn from the seed.
    seed : int
    """

    def __init__(
        self,
        params: LandscapeParams | None = None,
        data: tuple[np.ndarray, np.ndarray] | None = None,
        *,
        seed: int = 0,
    ):
        self.params = params if params is not None else LandscapeParams()
        self.seed = check_seed(seed)
        if data is None:
            x, y = make_blobs(self.params.samples, np.random.default_rng([seed, STREAM_DATA]))
        else:
            x = np.asarray(data[0], dtype=np.float64)
            y = np.asarray(data[1], dtype=np.float64)
            if x.ndim != 2 or x.shape[1] != 2 or y.shape != (len(x),):
                raise ParameterError(f"data must be x of shape (n, 2) and y of shape (n,); got "
                                     f"{x.shape} and {y.shape}")  # fmt: skip
            if not np.isin(y, (0.0, 1.0)).all():
                raise ParameterError("data: y must hold the classes 0 and 1 only")
            too_big = [b for b in self.params.batch_sizes if b > len(x)]
            if too_big:
                raise ParameterError(f"batch sizes {too_big} exceed the {len(x)} samples")
        self.x, self.y = x, y
        self.axis = weight_axis(self.params.grid)
        self.full = loss_landscape(x, y, self.axis)
        self.scale = (float(self.full.min()), float(self.full.max()))
        self.panels = [_Panel(x, y, self.axis, self.params, b, self.seed)
                       for b in self.params.batch_sizes]  # fmt: skip
        self.iteration = 0

    @property
    def done(self) -> bool:
        return self.iteration >= self.params.frames

    def step(self, n: int = 1) -> StepStats:
        """Make the next ``n`` frames (fewer at the end of the animation)."""
        n = check_count(n, "n")
        made = 0
        while made < n and not self.done:
            self._prepare(self.iteration)
            self.iteration += 1
            made += 1
        return StepStats(made, self.iteration, self._error())

    def _prepare(self, k: int) -> None:
        step, phase = divmod(k, self.params.cycle)
        for panel in self.panels:
            panel.train_to(step)
            panel.landscape(step)
            if phase >= self.params.hold_frames:
                panel.landscape(step + 1)

    def _error(self) -> float:
        return float(self.panels[0].full_losses[-1])

    def frame(self, k: int) -> LandscapeFrame:
        """Frame ``k`` (made already, or made now)."""
        k = check_count(k, "frame", maximum=self.params.frames - 1)
        self._prepare(k)
        panels = tuple(
            _panel_frame(self.params, p.batch_size, p.weights, p.landscapes, p.losses, k)
            for p in self.panels
        )
        return LandscapeFrame(
            iteration=self.iteration, budget=self.params.frames,
            error_history=np.asarray(self.panels[0].full_losses[1:]), done=self.done,
            stop_reason="all frames made" if self.done else "", index=k, axis=self.axis,
            panels=panels, scale=self.scale, view=self.params.view,
        )  # fmt: skip

    def snapshot(self) -> LandscapeFrame:
        """The newest frame (frame 0 before the first step)."""
        return self.frame(max(self.iteration - 1, 0))


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class PanelRun:
    """One batch size's training, as the frames show it.

    Attributes
    ----------
    batch_size : int
    weights : (S + 1, 2) ndarray
        ``w[0]`` (the start) to ``w[S]``.
    landscapes : (S', G, G) ndarray of float32
        The landscapes of batches 0, 1, ... the frames use (S' is S or S + 1).
    batch_losses : (S,) ndarray
        Each batch's loss at the weights it updated.
    full_losses : (S + 1,) ndarray
        The whole data's loss at each of ``weights``.
    """

    batch_size: int
    weights: np.ndarray = field(repr=False)
    landscapes: np.ndarray = field(repr=False)
    batch_losses: np.ndarray = field(repr=False)
    full_losses: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class SampleLandscapes:
    """The seed's 3 × 3 view: nine random samples' own landscapes and their average.

    Attributes
    ----------
    indices : (9,) ndarray of int
    x : (9, 2) ndarray
    y : (9,) ndarray
    landscapes : (9, G, G) ndarray of float32
    average : (G, G) ndarray of float32
    """

    indices: np.ndarray
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    landscapes: np.ndarray = field(repr=False)
    average: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class LandscapeResult:
    """A finished (or cancelled) landscape run: everything the frames and views need.

    Attributes
    ----------
    params : LandscapeParams
        What was run (its ``seed`` the one used).
    seed : int
    axis : (G,) ndarray
    x, y : ndarray
        The data.
    full : (G, G) ndarray of float32
        The whole data's landscape.
    scale : (float, float)
        Loss range of ``full``: the colour scale of every frame.
    panels : tuple of PanelRun
    samples : SampleLandscapes
    spread : dict of int to float
        Batch size → spread (see the module docstring); empty when cancelled.
    frames : int
        Frames made (``params.frames`` unless cancelled).
    cancelled : bool
    seconds : float
        Wall time (not compared).
    """

    params: LandscapeParams
    seed: int
    axis: np.ndarray = field(repr=False)
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    full: np.ndarray = field(repr=False)
    scale: tuple[float, float]
    panels: tuple[PanelRun, ...]
    samples: SampleLandscapes = field(repr=False)
    spread: dict[int, float]
    frames: int
    cancelled: bool = False
    seconds: float = field(default=float("nan"), compare=False)

    def frame(self, k: int) -> LandscapeFrame:
        """Frame ``k`` of the animation, ``0 <= k < frames``."""
        k = check_count(k, "frame", maximum=max(self.frames - 1, 0))
        panels = tuple(
            _panel_frame(self.params, p.batch_size, p.weights, p.landscapes, p.batch_losses, k)
            for p in self.panels
        )
        return LandscapeFrame(
            iteration=self.frames, budget=self.params.frames,
            error_history=self.panels[0].full_losses[1:], done=not self.cancelled,
            stop_reason="cancelled" if self.cancelled else "all frames made", index=k,
            axis=self.axis, panels=panels, scale=self.scale, view=self.params.view,
        )  # fmt: skip

    def payload(self, output: str | Path | None = None) -> dict[str, Any]:
        """What ``gasworks landscape --json`` prints: ``{"spread": {"10": …, "100": …},
        "frames": N, "output": …}``."""
        return {
            "spread": {str(b): value for b, value in self.spread.items()},
            "frames": self.frames,
            "output": None if output is None else str(output),
        }


def sample_landscapes(x, y, axis, seed: int) -> SampleLandscapes:
    """Nine samples drawn without replacement (stream ``[seed, 1]``), their landscapes
    and the landscapes' average."""
    rng = np.random.default_rng([seed, STREAM_SAMPLES])
    indices = np.sort(rng.choice(len(x), size=min(N_SAMPLE_LANDSCAPES, len(x)), replace=False))
    stack = np.stack([loss_landscape(x[i : i + 1], y[i : i + 1], axis) for i in indices])
    return SampleLandscapes(indices, x[indices], y[indices], stack, stack.mean(axis=0))


def landscape_recipe(
    source: None = None,
    params: LandscapeParams | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    data: tuple[np.ndarray, np.ndarray] | None = None,
) -> LandscapeResult:
    """Run the landscape animation: the recipe of the ``landscape`` job.

    Makes ``params.frames`` frames (the callback gets a :class:`LandscapeFrame` after each
    chunk; returning True cancels), then the spread of each batch size and the per-sample
    view.

    Parameters
    ----------
    source : None
        The job draws its own data (``data`` gives other data).
    params : LandscapeParams, optional
    seed : int, optional
        Overrides ``params.seed``.
    callback : callable, optional
    data : (x, y), optional

    Returns
    -------
    LandscapeResult
    """
    from engines.core import run

    started = time.perf_counter()
    if source is not None:
        raise ParameterError(
            f"the landscape job draws its own data: source must be None, got {source!r}"
        )
    params = LandscapeParams() if params is None else params
    if not isinstance(params, LandscapeParams):
        raise TypeError(f"params must be a LandscapeParams, got {type(params).__name__}")
    seed = check_seed(params.seed if seed is None else seed)
    params = params.model_copy(update={"seed": seed})
    engine = LandscapeEngine(params, data, seed=seed)
    snap = run(engine, params.frames, callback)
    cancelled = snap.iteration < params.frames
    panels = tuple(
        PanelRun(p.batch_size, np.asarray(p.weights), np.stack(p.landscapes),
                 np.asarray(p.losses), np.asarray(p.full_losses))
        for p in engine.panels
    )  # fmt: skip
    spread: dict[int, float] = {}
    for panel in engine.panels:
        if cancelled or (callback is not None and callback(snap)):
            cancelled, spread = True, {}
            break
        spread[panel.batch_size] = panel.spread(params.spread_pairs)
    return LandscapeResult(
        params=params, seed=seed, axis=engine.axis, x=engine.x, y=engine.y, full=engine.full,
        scale=engine.scale, panels=panels,
        samples=sample_landscapes(engine.x, engine.y, engine.axis, seed), spread=spread,
        frames=engine.iteration, cancelled=cancelled, seconds=time.perf_counter() - started,
    )  # fmt: skip


# --------------------------------------------------------------------------- export
#: Suffixes :func:`export_landscape` writes.
FORMATS = (".gif", ".mp4", ".png")


def check_format(path: str | Path) -> str:
    """The suffix of ``path`` if :func:`export_landscape` writes it (MP4 only when the
    ``video`` extra is installed), else a :class:`GasworksError` naming what to do."""
    return check_movie_path(path, FORMATS)


def export_landscape(
    result: LandscapeResult,
    path: str | Path,
    *,
    overwrite: bool = True,
    frame: int | None = None,
    figure: str = "frames",
    progress=None,
) -> Path:
    """Write the animation (``.gif``, ``.mp4``) or one picture (``.png``).

    Every frame is drawn by :class:`engines.explorers.plots.FrameRenderer` at
    ``params.panel_px`` per panel, with its number in a corner, and shown for
    ``1 / params.fps`` s.

    Parameters
    ----------
    result : LandscapeResult
    path : str or Path
        Its suffix picks the format. ``.mp4`` needs the ``video`` extra (imageio-ffmpeg).
    overwrite : bool
        If False, an existing file is an error (``FileExistsError``).
    frame : int, optional
        The frame a PNG shows (default: the last).
    figure : {'frames', 'samples'}
        What a PNG shows: a frame of the animation, or the per-sample view (nine samples'
        landscapes and their average).
    progress : callable, optional
        ``progress(done, total)`` after each frame rendered; returning True stops the
        export (nothing is written) and raises :class:`ExportCancelled`.

    Returns
    -------
    Path
    """
    from engines.atomic import atomic_write_bytes
    from engines.explorers import plots

    path = Path(path)
    suffix = check_format(path)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path}: already exists (use --force to overwrite)")
    if result.frames == 0:
        raise GasworksError("the run made no frame to export")
    if suffix == ".png":
        if figure == "samples":
            image = plots.samples_image(result)
        elif figure == "frames":
            k = result.frames - 1 if frame is None else frame
            image = plots.FrameRenderer.for_result(result).render(result.frame(k))
        else:
            raise ParameterError(f"figure must be 'frames' or 'samples', got {figure!r}")
        from engines.atomic import png_bytes

        return atomic_write_bytes(path, png_bytes(image), overwrite=overwrite)
    return write_movie(_rendered(result, progress), path, result.params.fps, overwrite=overwrite)


class ExportCancelled(Exception):
    """The export's progress callback asked to stop; nothing was written."""


def _rendered(result: LandscapeResult, progress) -> list[np.ndarray]:
    from engines.explorers.plots import FrameRenderer

    renderer = FrameRenderer.for_result(result)
    frames = []
    for k in range(result.frames):
        frames.append(renderer.render(result.frame(k)))
        if progress is not None and progress(k + 1, result.frames):
            raise ExportCancelled
    return frames
