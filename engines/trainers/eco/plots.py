"""Figures of an ``eco`` job: the network's confidence over the input plane (2-D data), and
per method the loss, the error curvature C and the AUROC over the epochs, and the measured
AUROC with its sd.

Like :mod:`engines.trainers.plots`: matplotlib's object API, imported when a figure is made,
no pyplot state (safe from a worker thread).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.trainers.eco import measure
from engines.trainers.network import numpy_predict
from engines.trainers.plots import COLOURS, _figure

#: Cells per side of a confidence map, and the box's margin (a share of the data's size).
GRID_RESOLUTION = 100
GRID_MARGIN = 0.5
CONFIDENCE_CMAP = "viridis"
#: Short names of the methods for titles and bars.
SHORT = {"plain": "plain", "eco": "ECO", "outlier_exposure": "Outlier Exp.",
         "double_backprop": "double backprop"}  # fmt: skip


@dataclass(frozen=True)
class ConfidenceGrid:
    """The largest output probability over a grid of the (scaled) 2-D input plane.

    ``values[i, j]`` is at ``(xs[j], ys[i])``.
    """

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray


def plane_box(x: np.ndarray, margin: float = GRID_MARGIN) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the box of 2-D inputs ``x`` widened by ``margin`` of its size."""
    lo, hi = measure.noise_box(x, margin)
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def confidence_grid(snapshot, box, resolution: int = GRID_RESOLUTION, *,
                    scaling=None) -> ConfidenceGrid:  # fmt: skip
    """The snapshot's network's confidence over ``box`` (NumPy only, any thread). With
    ``scaling`` the box is in raw units and each cell is scaled before the network sees it;
    without, the box is in the network's own (scaled) units."""
    x0, x1, y0, y1 = box
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    cells = np.column_stack([gx.ravel(), gy.ravel()])
    if scaling is not None:
        cells = scaling.apply(cells)
    out = numpy_predict(snapshot.spec, snapshot.parameters, cells)
    return ConfidenceGrid(xs, ys, measure.max_probability(out).reshape(resolution, resolution))


def draw_confidence(ax, grid: ConfidenceGrid, data, *, title: str = ""):
    """The grid as an image (0.5 … 1 for two classes) with the training points on it."""
    image = ax.imshow(grid.values, origin="lower", cmap=CONFIDENCE_CMAP, aspect="auto",
                      extent=(grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[-1]),
                      vmin=1.0 / max(data.n_outputs, 2), vmax=1.0)  # fmt: skip
    for c in range(data.n_outputs):
        rows = data.target_train == c
        ax.scatter(data.x_train[rows, 0], data.x_train[rows, 1], s=3, color=COLOURS[c % 10],
                   edgecolors="none")  # fmt: skip
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return image


def _curves(ax, result, attribute: str, title: str, *, log: bool = False) -> None:
    for m, method in enumerate(result.methods()):
        runs = result.runs_of(method)
        if not runs:
            continue
        values = np.asarray(getattr(runs[0].snapshot, attribute), dtype=np.float64)
        ax.plot(np.arange(1, values.size + 1), values, color=COLOURS[m], lw=1.0,
                label=SHORT[method])  # fmt: skip
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title(title, fontsize=9)


def eco_figure(result):
    """Confidence maps (2-D data, first seed of each method) above the curves of the first
    seed and the AUROC bars (mean ± sd)."""
    methods = result.methods()
    two_d = result.dataset.n_inputs == 2
    rows = 2 if two_d else 1
    columns = max(len(methods), 4)
    fig = _figure(3.0 * columns, 3.0 * rows + 0.6)
    fig.set_layout_engine("constrained")
    grid_spec = fig.add_gridspec(rows, columns)
    if two_d:
        box = plane_box(result.dataset.x_train)
        for m, method in enumerate(methods):
            ax = fig.add_subplot(grid_spec[0, m])
            s = result.summary(method)
            image = draw_confidence(ax, confidence_grid(result.runs_of(method)[0].snapshot, box),
                                    result.dataset,
                                    title=f"{SHORT[method]}: AUROC {s['auroc']:.2f}")  # fmt: skip
        fig.colorbar(image, ax=fig.axes[: len(methods)], shrink=0.8, label="confidence")
    row = rows - 1
    ax = fig.add_subplot(grid_spec[row, 0])
    _curves(ax, result, "error_history", "training loss", log=True)
    ax.legend(fontsize=7)
    _curves(fig.add_subplot(grid_spec[row, 1]), result, "laplacian_history",
            "error curvature C (training rows)")  # fmt: skip
    _curves(fig.add_subplot(grid_spec[row, 2]), result, "auroc_history", "AUROC (per epoch)")
    ax = fig.add_subplot(grid_spec[row, 3])
    means = [result.summary(m)["auroc"] for m in methods]
    sds = [result.summary(m)["sd"]["auroc"] for m in methods]
    ax.bar(range(len(methods)), means, yerr=sds, color=COLOURS[: len(methods)], capsize=3)
    ax.set_xticks(range(len(methods)), [SHORT[m].replace(" ", "\n") for m in methods], fontsize=7)
    ax.set_ylim(0, 1)
    ax.set_title(f"AUROC, {len(result.runs_of(methods[0]))} seeds", fontsize=9)
    fig.suptitle(f"ECO on {result.dataset.name}: objective {result.params.objective}, "
                 f"λ {result.params.lam:g}, de-learning {result.params.delearn}, schedule "
                 f"{result.params.schedule_text}", fontsize=10)  # fmt: skip
    return fig
