"""Figures of training jobs: loss curves on a log axis, μ or learning-rate traces, decision
boundaries over 2-D data, predictions against targets, confusion matrices.

Matplotlib is used through its object API (``Figure`` and the Agg canvas), imported only
when a figure is made: no pyplot state, safe from a worker thread. PNG output carries no
software tag, so the same result gives the same bytes.
"""

from __future__ import annotations

import io

import numpy as np

from engines.trainers.network import numpy_predict

#: One colour per run (matplotlib's tab10) and per class.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
BOUNDARY_CMAP = "RdBu"
CLASSES_CMAP = "tab10"
BOUNDARY_RESOLUTION = 150


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def png_bytes(figure, *, dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: non-positive ones hidden (NaN)."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[~(out > 0)] = np.nan
    return out


def draw_losses(ax, runs, *, title: str = "", validation: bool = True) -> None:
    """Training (solid) and validation (dashed) loss of each run, log axis."""
    for k, run in enumerate(runs):
        s, colour = run.snapshot, COLOURS[k % len(COLOURS)]
        steps = np.arange(1, s.iteration + 1)
        if s.iteration:
            ax.plot(steps, _positive(s.error_history), color=colour, lw=1.0,
                    label=f"seed {run.seed}" if len(runs) <= 10 else None)  # fmt: skip
            if validation:
                ax.plot(steps, _positive(s.val_loss_history), color=colour, lw=0.8, ls="--")
            if s.stop_code == "validation":  # the weights kept are those of this iteration
                ax.axvline(s.best_iteration, color=colour, lw=0.8, ls=":")
    ax.set_yscale("log")
    ax.set_xlabel("iteration" if runs and runs[0].snapshot.method == "lm" else "epoch")
    ax.set_ylabel("loss (solid: training, dashed: validation)")
    if title:
        ax.set_title(title, fontsize=10)
    if runs and len(runs) <= 10:
        ax.legend(fontsize=7, loc="upper right")
    ax.grid(True, which="major", alpha=0.3)


def draw_metric(ax, runs) -> None:
    for k, run in enumerate(runs):
        s = run.snapshot
        values = s.metric_history * (100.0 if s.metric_name == "val_accuracy" else 1.0)
        ax.plot(np.arange(1, s.iteration + 1), values, color=COLOURS[k % len(COLOURS)], lw=1.0)
    name = runs[0].snapshot.metric_name if runs else "val_accuracy"
    ax.set_ylabel("validation accuracy (%)" if name == "val_accuracy" else "validation RMSE")
    ax.set_xlabel("iteration" if runs and runs[0].snapshot.method == "lm" else "epoch")
    ax.grid(True, alpha=0.3)


def draw_rates(ax, runs) -> None:
    """μ (LM) or the learning rate (first-order) of each iteration, log axis."""
    lm = bool(runs) and runs[0].snapshot.method == "lm"
    for k, run in enumerate(runs):
        s = run.snapshot
        values = s.mu_history if lm else s.lr_history
        ax.plot(np.arange(1, s.iteration + 1), _positive(values), color=COLOURS[k % len(COLOURS)],
                lw=1.0)  # fmt: skip
    ax.set_yscale("log")
    ax.set_ylabel("μ" if lm else "learning rate")
    ax.set_xlabel("iteration" if lm else "epoch")
    ax.grid(True, alpha=0.3)


def draw_boundary(ax, snapshot, dataset, *, title: str = "", resolution: int = BOUNDARY_RESOLUTION):
    """The decision boundary (or regression surface) of a 2-D data set, with the training
    (circles) and validation (triangles) points."""
    grid = snapshot.boundary(resolution)
    if grid is None:
        return False
    extent = (grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[-1])
    if grid.classes is not None and grid.values.shape[2] == 2:
        ax.imshow(grid.values[:, :, 1], origin="lower", extent=extent, cmap=BOUNDARY_CMAP,
                  vmin=0, vmax=1, alpha=0.55, aspect="auto")  # fmt: skip
        ax.contour(grid.xs, grid.ys, grid.values[:, :, 1], levels=[0.5], colors="k",
                   linewidths=0.8)  # fmt: skip
    elif grid.classes is not None:
        ax.imshow(grid.classes, origin="lower", extent=extent, cmap=CLASSES_CMAP, vmin=0,
                  vmax=9, alpha=0.45, aspect="auto", interpolation="nearest")  # fmt: skip
    else:
        ax.imshow(grid.values[:, :, 0], origin="lower", extent=extent, cmap="viridis",
                  alpha=0.7, aspect="auto")  # fmt: skip
    if dataset.is_classification:
        two = len(dataset.class_names) == 2
        for raw, target, marker in ((dataset.raw_train, dataset.target_train, "o"),
                                    (dataset.raw_val, dataset.target_val, "^")):  # fmt: skip
            colours = np.where(target == 1, "#b2182b", "#2166ac") if two else \
                [COLOURS[int(t) % len(COLOURS)] for t in target]  # fmt: skip
            ax.scatter(raw[:, 0], raw[:, 1], c=colours, s=9, marker=marker, linewidths=0.3,
                       edgecolors="white")  # fmt: skip
    else:
        ax.scatter(dataset.raw_train[:, 0], dataset.raw_train[:, 1], c="k", s=4)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    if title:
        ax.set_title(title, fontsize=10)
    return True


def draw_predictions(ax, snapshot, dataset) -> None:
    """Validation predictions against targets (regression) or the confusion matrix."""
    out = numpy_predict(snapshot.spec, snapshot.parameters, dataset.x_val)
    if dataset.is_classification:
        from engines.trainers.engine import _classes

        k = len(dataset.class_names)
        matrix = np.zeros((k, k), dtype=np.int64)
        np.add.at(matrix, (dataset.target_val, _classes(out)), 1)
        ax.imshow(matrix, cmap="Blues")
        for (i, j), count in np.ndenumerate(matrix):
            if count:
                ax.text(j, i, str(count), ha="center", va="center", fontsize=7)
        ax.set_xticks(range(k), dataset.class_names, fontsize=7)
        ax.set_yticks(range(k), dataset.class_names, fontsize=7)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title("validation confusion matrix", fontsize=10)
        return
    predicted = dataset.inverse_target(out)
    expected = dataset.target_val
    ax.scatter(expected, predicted, s=10, color=COLOURS[0])
    lo, hi = float(min(expected.min(), predicted.min())), float(max(expected.max(),
                                                                      predicted.max()))  # fmt: skip
    ax.plot([lo, hi], [lo, hi], color="k", lw=0.8)
    ax.set_xlabel("target")
    ax.set_ylabel("prediction")
    ax.set_title("validation predictions", fontsize=10)


def training_figure(result, *, run: int = 0):
    """Loss curves, the validation metric, μ or the learning rate, and the boundary (2-D
    data), the confusion matrix or the predictions of run ``run``."""
    fig = _figure(11.0, 8.0)
    axes = fig.subplots(2, 2)
    runs = result.runs
    method = result.method
    title = f"{result.dataset.name}: {method}, {len(runs)} run(s)"
    draw_losses(axes[0, 0], runs, title=title)
    draw_metric(axes[0, 1], runs)
    draw_rates(axes[1, 0], runs)
    if runs:
        chosen = runs[min(run, len(runs) - 1)]
        name = f"seed {chosen.seed}: {_metric_text(chosen)}"
        if not draw_boundary(axes[1, 1], chosen.snapshot, result.dataset, title=name):
            draw_predictions(axes[1, 1], chosen.snapshot, result.dataset)
    fig.tight_layout()
    return fig


def _metric_text(run) -> str:
    m = run.snapshot.metrics
    if "val_accuracy" in m:
        return f"validation accuracy {100 * m['val_accuracy']:.1f} %"
    return f"validation RMSE {m['val_rmse']:.4g}"


def comparison_figure(comparison):
    """One column per variant: every seed's loss curves, then the first seed's boundary."""
    results = comparison.results
    columns = max(len(results), 1)
    two_d = comparison.dataset.n_inputs == 2
    fig = _figure(5.0 * columns, 9.0 if two_d else 4.5)
    axes = np.atleast_2d(fig.subplots(2 if two_d else 1, columns, squeeze=False))
    for c, result in enumerate(results):
        summary = result.summary()
        solved = summary.get("solved")
        head = result.label
        if solved is not None:
            head += f"\nsolved {solved}/{len(result.runs)}"
        draw_losses(axes[0, c], result.runs, title=head, validation=False)
        if two_d and result.runs:
            first = result.runs[0]
            draw_boundary(axes[1, c], first.snapshot, result.dataset,
                          title=f"seed {first.seed}: {_metric_text(first)}")  # fmt: skip
    fig.tight_layout()
    return fig
