"""Pictures: Hinton diagram, energy trace, pattern grid, Monte Carlo chart, PNG output."""

from __future__ import annotations

import io

import numpy as np
import pytest

plots = pytest.importorskip("engines.hopfield.plots")

from engines.core import run  # noqa: E402
from engines.hopfield import digits  # noqa: E402
from engines.hopfield.engine import DiscreteHopfieldNetwork  # noqa: E402
from engines.hopfield.montecarlo import montecarlo_recipe  # noqa: E402
from engines.hopfield.params import HopfieldParams, MonteCarloParams  # noqa: E402


def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_hinton_draws_one_square_per_nonzero_weight():
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    figure = plots.hinton_figure(net.weight)
    (ax,) = figure.axes
    (squares,) = ax.collections
    assert len(squares.get_paths()) == np.count_nonzero(net.weight)
    colours = squares.get_facecolors()
    whites = int(np.sum(np.all(colours[:, :3] == 1.0, axis=1)))
    assert whites == np.count_nonzero(net.weight > 0)
    # The largest weight fills most of its cell; size grows with |w|.
    extents = [np.ptp(path.vertices[:, 0]) for path in squares.get_paths()]
    assert max(extents) == pytest.approx(plots.HINTON_FILL)
    assert min(extents) < max(extents)


def test_energy_trace_and_pattern_grid():
    net = DiscreteHopfieldNetwork(HopfieldParams(n_times=400), data=digits.DIGITS, seed=1)
    net.start(digits.HALF_TWO_TOP)
    run(net, 400, every=400)
    figure = plots.energy_figure(net.energy_trace)
    (line,) = figure.axes[0].lines
    np.testing.assert_array_equal(line.get_ydata(), net.energy_trace)
    grid = plots.pattern_grid_figure(digits.DIGITS, digits.SHAPE, ["0", "1", "2"])
    assert [ax.get_title() for ax in grid.axes] == ["0", "1", "2"]
    shown = grid.axes[1].images[0].get_array()
    np.testing.assert_array_equal(shown, digits.ONE.reshape(digits.SHAPE))
    with pytest.raises(ValueError, match="titles"):
        plots.pattern_grid_figure(digits.DIGITS, digits.SHAPE, ["0"])
    with pytest.raises(ValueError, match="cannot be shown"):
        plots.pattern_grid_figure(digits.DIGITS, (5, 5))


def test_pngs_are_written_atomically(tmp_path):
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    figure = plots.demo_figure(net.weight, [3.0, 1.0, -2.0], digits.DIGITS, digits.SHAPE,
                               ["0", "1", "2"])  # fmt: skip
    path = plots.write_png(figure, tmp_path / "sub" / "demo.png")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and png_size(data) == (1200, 900)
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    chart = plots.montecarlo_figure(montecarlo_recipe(None, MonteCarloParams(trials=100, seed=1)))
    assert png_size(plots.png_bytes(chart)) == (800, 400)
