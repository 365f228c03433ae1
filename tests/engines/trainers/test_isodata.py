"""ISODATA on constructed data: it splits an elongated cluster, merges two close ones,
discards tiny ones, and gives the same answer for the same seed."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from engines.errors import ParameterError
from engines.trainers.isodata import UNCLUSTERED, IsodataParams, isodata


def _blobs(*specs, seed=0):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(centre, spread, (n, 2)) for centre, spread, n in specs])


def test_an_elongated_cluster_splits_along_its_long_axis():
    points = _blobs(([-3.0, 0.0], 0.3, 100), ([3.0, 0.0], 0.3, 100))
    params = IsodataParams(clusters=2, initial=1, split_spread=1.0, merge_distance=0.5)
    found = isodata(points, params, seed=0)
    assert found.history[0] == ("split", 1)
    assert found.n_clusters == 2
    assert sorted(found.sizes.tolist()) == [100, 100]
    xs = np.sort(found.centres[:, 0])
    np.testing.assert_allclose(xs, [-3.0, 3.0], atol=0.1)
    # each blob is one cluster
    assert len(set(found.labels[:100])) == 1 and len(set(found.labels[100:])) == 1


def test_a_tight_cluster_does_not_split():
    points = _blobs(([0.0, 0.0], 0.3, 200))
    found = isodata(points, IsodataParams(clusters=2, initial=1, split_spread=1.0), seed=0)
    assert found.n_clusters == 1
    assert all(kind != "split" for kind, _ in found.history)


def test_close_clusters_merge_into_one():
    points = _blobs(([0.0, 0.0], 0.2, 100), ([0.4, 0.0], 0.2, 100))
    params = IsodataParams(clusters=1, initial=4, split_spread=5.0, merge_distance=1.0,
                           max_merges=3)  # fmt: skip
    found = isodata(points, params, seed=0)
    assert ("merge", 2) in found.history
    assert found.n_clusters == 1 and found.sizes.tolist() == [200]
    np.testing.assert_allclose(found.centres[0], points.mean(axis=0), atol=1e-12)


def test_far_clusters_do_not_merge():
    points = _blobs(([0.0, 0.0], 0.2, 100), ([5.0, 0.0], 0.2, 100))
    params = IsodataParams(clusters=2, initial=2, split_spread=5.0, merge_distance=1.0)
    assert isodata(points, params, seed=0).n_clusters == 2


def test_a_tiny_cluster_is_discarded():
    points = _blobs(([0.0, 0.0], 0.2, 100), ([10.0, 10.0], 0.1, 3))
    params = IsodataParams(clusters=2, initial=2, min_samples=5, split_spread=5.0,
                           merge_distance=0.1)  # fmt: skip
    found = isodata(points, params, seed=1)
    assert ("discard", 1) in found.history
    assert found.n_clusters == 1
    # discarded during the run: its samples join the remaining cluster
    assert found.sizes.tolist() == [103]
    # discarded at the end (a single iteration): its samples are left unclustered
    once = isodata(points, params.model_copy(update={"iterations": 1}), seed=1)
    assert once.n_clusters == 1 and once.sizes.tolist() == [100]
    assert (once.labels[100:] == UNCLUSTERED).all() and (once.labels[:100] == 0).all()


def test_same_seed_same_clustering_and_n_dimensions():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(300, 5)) + np.repeat(np.eye(5) * 4, 60, axis=0)
    params = IsodataParams(clusters=5, initial=3, split_spread=1.5, merge_distance=1.0)
    a, b = isodata(points, params, seed=7), isodata(points, params, seed=7)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centres, b.centres)
    assert a.centres.shape[1] == 5
    assert a.n_clusters == 5 and sorted(a.sizes.tolist())[0] >= 55  # the five blobs


def test_bad_inputs_are_refused():
    with pytest.raises(ParameterError, match="finite"):
        isodata(np.array([[0.0], [np.nan]]))
    with pytest.raises(ParameterError, match="seed"):
        isodata(np.zeros((3, 2)), seed=-1)
    with pytest.raises(ValidationError):
        IsodataParams(clusters=0)
