"""The seed's astronaut recipe: NeuPy ends with about 2,381 nodes and 5,962 edges."""

from __future__ import annotations

import pytest

from engines.gng import GNGParams, GrowingNeuralGas
from engines.pipeline import PipelineParams, run_pipeline
from tests.engines.gng.conftest import ASTRONAUT_RECIPE

NEUPY_NODES = 2381
NEUPY_EDGES = 5962


@pytest.fixture(scope="module")
def astronaut_points():
    result = run_pipeline(
        "sample:astronaut",
        PipelineParams(crop="30:180,150:300", blur=0.6, threshold="otsu", offset=0.1, scale=0.001),
    )
    return result.points


def test_pipeline_gives_the_seeds_point_count(astronaut_points):
    assert astronaut_points.shape == (11931, 2)


@pytest.mark.parametrize("seed", [0, 1])
def test_node_and_edge_counts_match_neupy(astronaut_points, seed):
    gng = GrowingNeuralGas(GNGParams(**ASTRONAUT_RECIPE), astronaut_points, seed=seed)
    snap = gng.train(epochs=20)
    assert snap.epoch == 20 and snap.n_signals == 20 * 11931
    assert abs(snap.n_nodes - NEUPY_NODES) <= 0.03 * NEUPY_NODES
    assert abs(snap.n_edges - NEUPY_EDGES) <= 0.03 * NEUPY_EDGES
    # about 119 insertions per epoch, as NeuPy: one per 100 updates, few signals skipped
    assert 0.99 * snap.n_signals <= snap.n_updates <= snap.n_signals
    per_epoch = snap.error_history
    assert per_epoch[-1] < 0.2 * per_epoch[0]  # the mean winner distance keeps falling
