"""Pictures of a Hopfield memory: Hinton diagram, energy trace, pattern grid, Monte Carlo.

Figures are built on matplotlib's object API with the Agg canvas (no pyplot, no global
backend switch, so it is safe beside Qt); matplotlib is imported only when a figure is made.
Each ``draw_*`` function draws into an existing ``Axes`` (the GUI's Memory tab reuses them);
each ``*_figure`` function returns a new ``Figure``; :func:`write_png` writes one atomically.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from engines.hopfield.montecarlo import MonteCarloResult

#: Colours: the seed's convention (white positive, black negative on grey).
POSITIVE_COLOUR = "white"
NEGATIVE_COLOUR = "black"
BACKGROUND_COLOUR = "0.5"
INK_COLOUR = "0.1"
FAIL_COLOUR = "tab:red"
REFERENCE_COLOUR = "tab:blue"
#: Largest square side as a fraction of its cell.
HINTON_FILL = 0.95
DPI = 100
FIGURE_INCH = 4.0
#: Rates shown on the Monte Carlo chart's logit axis lie in [floor, 1 - floor].
LOGIT_FLOOR = 1e-5


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def draw_hinton(ax: Axes, weight: Any, *, title: str | None = "Hinton diagram of W") -> None:
    """Draw a Hinton diagram: one square per weight, area ∝ |w|, white > 0, black < 0.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    weight : (n, n) array_like
    title : str, optional
    """
    from matplotlib.collections import PolyCollection

    matrix = np.asarray(weight, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"weight must be a 2-D matrix, got shape {matrix.shape}")
    largest = float(np.max(np.abs(matrix))) if matrix.size else 0.0
    rows, cols = np.nonzero(matrix)
    values = matrix[rows, cols]
    half = HINTON_FILL * np.sqrt(np.abs(values) / largest) / 2 if largest else values
    corners = np.stack(
        [
            np.stack([cols - half, rows - half], axis=1),
            np.stack([cols + half, rows - half], axis=1),
            np.stack([cols + half, rows + half], axis=1),
            np.stack([cols - half, rows + half], axis=1),
        ],
        axis=1,
    )
    colours = np.where(values > 0, POSITIVE_COLOUR, NEGATIVE_COLOUR)
    ax.add_collection(PolyCollection(corners, facecolors=colours, edgecolors="none"))
    ax.set_facecolor(BACKGROUND_COLOUR)
    ax.set_xlim(-0.5, matrix.shape[1] - 0.5)
    ax.set_ylim(matrix.shape[0] - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)


def draw_energy(
    ax: Axes, energies: Any, *, title: str | None = "Energy of an async recall"
) -> None:
    """Draw an energy trace: energy before the first update and after each one.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    energies : (k,) array_like
    title : str, optional
    """
    trace = np.asarray(energies, dtype=np.float64)
    if trace.ndim != 1 or trace.size == 0:
        raise ValueError(f"energies must be a non-empty 1-D sequence, got shape {trace.shape}")
    ax.step(np.arange(trace.size), trace, where="post", color=INK_COLOUR)
    ax.set_xlabel("update")
    ax.set_ylabel("energy  −½ xᵀWx")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)


def draw_pattern(ax: Axes, pattern: Any, shape: tuple[int, int], title: str | None = None) -> None:
    """Draw one pattern as an image: on (1) dark, off (0 or -1) light.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    pattern : (rows * cols,) array_like
    shape : (int, int)
    title : str, optional
    """
    values = np.asarray(pattern)
    if values.size != shape[0] * shape[1]:
        raise ValueError(f"a pattern of {values.size} values cannot be shown as {shape}")
    ax.imshow((values.reshape(shape) > 0).astype(float), cmap="gray_r", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize="small")


def hinton_figure(weight: Any, *, title: str | None = "Hinton diagram of W") -> Figure:
    """A figure with the Hinton diagram of ``weight`` ((n, n) array_like)."""
    figure = _figure(FIGURE_INCH * 1.5, FIGURE_INCH * 1.5)
    draw_hinton(figure.add_subplot(), weight, title=title)
    return figure


def energy_figure(energies: Any, *, title: str | None = "Energy of an async recall") -> Figure:
    """A figure with the energy trace ``energies`` ((k,) array_like)."""
    figure = _figure(FIGURE_INCH * 1.5, FIGURE_INCH)
    draw_energy(figure.add_subplot(), energies, title=title)
    return figure


def pattern_grid_figure(
    patterns: Any,
    shape: tuple[int, int],
    titles: Sequence[str] | None = None,
    *,
    n_columns: int | None = None,
) -> Figure:
    """A grid of patterns.

    Parameters
    ----------
    patterns : (k, rows * cols) array_like
    shape : (int, int)
        Rows and columns of one pattern.
    titles : sequence of str, optional
        One per pattern.
    n_columns : int, optional
        Patterns per row of the grid (all in one row by default, at most 8).
    """
    rows = np.atleast_2d(np.asarray(patterns))
    count = rows.shape[0]
    if titles is not None and len(titles) != count:
        raise ValueError(f"got {len(titles)} titles for {count} patterns")
    columns = n_columns or min(count, 8)
    grid_rows = math.ceil(count / columns)
    figure = _figure(1.3 * columns, 1.6 * grid_rows)
    axes = figure.subplots(grid_rows, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index < count:
            draw_pattern(ax, rows[index], shape, None if titles is None else titles[index])
        else:
            ax.set_axis_off()
    return figure


def demo_figure(
    weight: Any,
    energies: Any,
    patterns: Any,
    shape: tuple[int, int],
    titles: Sequence[str],
) -> Figure:
    """Patterns on top, the Hinton diagram and an async energy trace below.

    Parameters
    ----------
    weight : (n, n) array_like
    energies : (k,) array_like
    patterns : (p, n) array_like
    shape : (int, int)
    titles : sequence of str
        One per pattern.
    """
    rows = np.atleast_2d(np.asarray(patterns))
    figure = _figure(12.0, 9.0)
    top, bottom = figure.subfigures(2, 1, height_ratios=(1, 2.2))
    axes = top.subplots(1, rows.shape[0], squeeze=False)[0]
    for ax, row, title in zip(axes, rows, titles, strict=True):
        draw_pattern(ax, row, shape, title)
    left, right = bottom.subplots(1, 2, width_ratios=(1, 1.3))
    draw_hinton(left, weight)
    draw_energy(right, energies)
    return figure


def montecarlo_figure(result: MonteCarloResult, *, confidence: float = 0.95) -> Figure:
    """Failure rate per case with its interval, beside the seed's table (and reference).

    Parameters
    ----------
    result : MonteCarloResult
    confidence : float
    """
    from engines.hopfield.montecarlo import (
        CASE_NAMES,
        PER_10K,
        REFERENCE_RATES_PER_10K,
        SEED_TABLES,
        SEED_TRIALS,
    )

    figure = _figure(FIGURE_INCH * 2, FIGURE_INCH)
    ax = figure.add_subplot()
    x = np.arange(len(CASE_NAMES))
    rates = np.array([result.rate(case) for case in CASE_NAMES])
    bounds = np.array([result.interval(case, confidence) for case in CASE_NAMES])
    errors = np.abs(bounds.T - rates)
    ax.plot(x, rates, "s", color=FAIL_COLOUR, label=f"this run ({result.trials} trials)")
    ax.errorbar(x, rates, yerr=errors, fmt="none", ecolor=INK_COLOUR, capsize=4,
                label=f"{confidence:.0%} interval")  # fmt: skip
    seed_rates = [SEED_TABLES[result.params.cut][case] / SEED_TRIALS for case in CASE_NAMES]
    ax.plot(x, seed_rates, "k_", markersize=20, mew=2, label="seed's table")
    if result.is_reference_setting:
        reference = [REFERENCE_RATES_PER_10K[case] / PER_10K for case in CASE_NAMES]
        ax.plot(x, reference, "o", color=REFERENCE_COLOUR, label="reference rate")
    ax.set_xticks(x, CASE_NAMES, rotation=15)
    ax.set_ylabel("fraction of trials failed (logit scale)")
    ax.set_yscale("logit", nonpositive="clip")
    ax.set_ylim(LOGIT_FLOOR, 1 - LOGIT_FLOOR)
    ax.grid(alpha=0.3, axis="y")
    ax.set_title(f"Password recovery fails (cut: {result.params.cut}, "
                 f"recall: {result.params.recall})")  # fmt: skip
    ax.legend(loc="upper left", fontsize="small")
    return figure


def png_bytes(figure: Figure) -> bytes:
    """Encode ``figure`` as PNG bytes (no timestamp in the metadata)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def write_png(figure: Figure, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write ``figure`` to ``path`` as PNG, atomically.

    Returns
    -------
    Path
    """
    from engines.atomic import atomic_write_bytes

    return atomic_write_bytes(path, png_bytes(figure), overwrite=overwrite)
