"""Shapes, trained graphs and ink maps shared by the continuous-stroke tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from engines.core import run
from engines.gng import GNGParams, GrowingNeuralGas
from engines.pipeline import binary_to_points
from engines.stroke import InkMap, ink_map

SCALE = 0.01


@dataclass(frozen=True)
class Graph:
    nodes: np.ndarray
    edges: np.ndarray
    ink: InkMap
    binary: np.ndarray


def train(binary: np.ndarray, max_nodes: int, *, epochs: int = 6, seed: int = 0) -> Graph:
    """A GNG trained on the foreground of ``binary``, as the render command trains it."""
    points = binary_to_points(binary, scale=SCALE)
    params = GNGParams(
        max_nodes=max_nodes, n_iter_before_neuron_added=50, step=0.2, neighbour_step=0.005,
        max_edge_age=50, min_distance_for_update=0.01 * SCALE / 0.001,
    )  # fmt: skip
    gng = GrowingNeuralGas(params, data=points, seed=seed)
    snap = run(gng, epochs * gng.signals_per_epoch)
    return Graph(snap.nodes, snap.edges, ink_map(binary, SCALE), binary)


def u_shape() -> np.ndarray:
    """A U: two 8 px arms, 4 px of paper between them, joined at the bottom."""
    img = np.zeros((80, 40), dtype=bool)
    img[10:70, 8:16] = True
    img[10:70, 20:28] = True
    img[62:70, 8:28] = True
    return img


def two_discs() -> np.ndarray:
    """Two discs of radius 10 px, 40 px of paper apart."""
    rows, cols = np.mgrid[0:40, 0:100]
    return (np.hypot(rows - 20, cols - 15) < 10) | (np.hypot(rows - 20, cols - 75) < 10)


def ring() -> np.ndarray:
    """An annulus, radii 14 and 24 px."""
    rows, cols = np.mgrid[0:60, 0:60]
    r = np.hypot(rows - 29.5, cols - 29.5)
    return (r >= 14) & (r <= 24)


@pytest.fixture(scope="module")
def u_graph() -> Graph:
    return train(u_shape(), 120)


@pytest.fixture(scope="module")
def discs_graph() -> Graph:
    return train(two_discs(), 80)


@pytest.fixture(scope="module")
def ring_graph() -> Graph:
    return train(ring(), 150)
