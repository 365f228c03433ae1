"""ISODATA clustering (Ball and Hall, 1965; the steps as Tou and Gonzalez give them), in
NumPy, for points of any dimension.

scikit-learn has no ISODATA; the error-reflection ensemble
(:mod:`engines.trainers.reflection`) clusters its error cases with this one.

The algorithm
-------------
``K`` is the number of clusters wanted, ``θ_N`` the fewest samples a cluster may keep,
``θ_S`` the spread (a standard deviation along one axis) above which a cluster may split,
``θ_C`` the distance below which two centres merge, ``L`` the most pairs merged at once and
``I`` the iterations.

1. Start from ``initial`` centres: distinct samples drawn without replacement (the run's
   generator, ``np.random.default_rng(seed)``; the one random draw of the algorithm).
2. Assign each sample to its nearest centre (Euclidean; ties to the lower index).
3. **Discard** every cluster with fewer than ``θ_N`` samples (its centre is dropped; its
   samples go to the nearest remaining centre at the next assignment).
4. Move each centre to the mean of its samples; measure each cluster's mean distance to its
   centre ``D_j`` and the overall mean distance ``D`` (weighted by cluster size).
5. On the last iteration go to the merge step with ``θ_C = 0`` (nothing merges; the
   clustering is final). Otherwise **split** when there are at most ``K / 2`` clusters, or
   on odd iterations while there are fewer than ``2K``; else **merge** (step 7).
6. Split: a cluster whose largest per-axis standard deviation ``σ_max`` exceeds ``θ_S``
   and which either is looser than average (``D_j > D``) with more than ``2(θ_N + 1)``
   samples, or exists while there are at most ``K / 2`` clusters, is replaced by two
   centres ``z ± split_factor · σ_max`` along that axis. If any split, go to step 2.
7. Merge: the centre pairs closer than ``θ_C``, up to ``L`` of them, closest first, each
   centre merged at most once, become one centre at their size-weighted mean.
8. Repeat from step 2 until ``I`` iterations are done; then assign once more, discard the
   clusters below ``θ_N`` for good (their samples are labelled −1: left unclustered) and
   renumber the clusters 0, 1, ... in the order of their centres.

Distances are in the units of the points given: scale the features first (the reflection
standardises them) so that ``θ_S`` and ``θ_C`` mean the same on every axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from engines.errors import ParameterError
from engines.validation import check_seed

#: Label of a sample left out of every cluster (its cluster was discarded at the end).
UNCLUSTERED = -1


class IsodataParams(BaseModel):
    """Parameters of :func:`isodata`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clusters: int = Field(4, ge=1, le=100, description="K: the number of clusters wanted")
    initial: int | None = Field(
        None, ge=1, le=100, description="centres to start from (None: the clusters wanted)"
    )
    min_samples: int = Field(
        5, ge=1, le=1_000_000, description="θ_N: a cluster with fewer samples is discarded"
    )
    split_spread: float = Field(
        0.5, gt=0.0, le=1e6,
        description="θ_S: a cluster whose largest per-axis standard deviation exceeds this "
        "may split in two",
    )  # fmt: skip
    merge_distance: float = Field(
        0.5, ge=0.0, le=1e6, description="θ_C: centres closer than this merge"
    )
    max_merges: int = Field(2, ge=0, le=100, description="L: most pairs merged in one iteration")
    iterations: int = Field(20, ge=1, le=10_000, description="I: iterations of the algorithm")
    split_factor: float = Field(
        0.5, gt=0.0, le=2.0,
        description="a split puts the two new centres this many σ_max either side of the old",
    )  # fmt: skip


@dataclass(frozen=True)
class Clustering:
    """What :func:`isodata` found.

    Attributes
    ----------
    centres : (C, D) ndarray of float64
        The clusters' centres (the means of their samples).
    labels : (N,) ndarray of int64
        Each sample's cluster, 0 to C − 1, or −1 (:data:`UNCLUSTERED`) when its cluster had
        fewer than ``min_samples`` samples at the end.
    sizes : (C,) ndarray of int64
        Samples per cluster.
    history : tuple of (str, int) pairs
        What each iteration did: ``("split", n)``, ``("merge", n)``, ``("discard", n)``,
        ``("none", 0)`` per step, in order (for tests and a view).
    """

    centres: np.ndarray
    labels: np.ndarray
    sizes: np.ndarray
    history: tuple[tuple[str, int], ...] = ()

    @property
    def n_clusters(self) -> int:
        return int(self.centres.shape[0])


def assign(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each point (ties: the lower index)."""
    d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return np.argmin(d2, axis=1).astype(np.int64)


def _means(points: np.ndarray, labels: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.bincount(labels, minlength=n).astype(np.int64)
    sums = np.zeros((n, points.shape[1]))
    np.add.at(sums, labels, points)
    return sums / np.maximum(sizes, 1)[:, None], sizes


def isodata(points, params: IsodataParams | None = None, *, seed: int = 0) -> Clustering:
    """Cluster ``points`` by ISODATA (see the module docstring).

    Parameters
    ----------
    points : (N, D) array_like of float
        The samples, N ≥ 1, finite.
    params : IsodataParams, optional
    seed : int
        Seeds the choice of the initial centres (0 to 2**32 − 1).

    Returns
    -------
    Clustering
        Same points, params and seed give the same clustering.
    """
    params = params if params is not None else IsodataParams()
    seed = check_seed(seed)
    x = np.asarray(points, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] < 1:
        raise ParameterError(f"points must be an (N, D) array with N ≥ 1, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ParameterError("points must be finite (no NaN or infinity)")
    n = x.shape[0]
    k = params.clusters
    theta_n = params.min_samples
    rng = np.random.default_rng(seed)
    start = min(params.initial or k, n)
    centres = x[np.sort(rng.choice(n, size=start, replace=False))].copy()
    history: list[tuple[str, int]] = []
    last = params.iterations
    for it in range(1, last + 1):
        labels = assign(x, centres)
        centres, sizes = _means(x, labels, centres.shape[0])
        keep = sizes >= theta_n
        if not keep.all() and keep.any():
            history.append(("discard", int((~keep).sum())))
            centres = centres[keep]
            labels = assign(x, centres)
            centres, sizes = _means(x, labels, centres.shape[0])
        if it == last:
            break
        c = centres.shape[0]
        distance = np.sqrt(((x - centres[labels]) ** 2).sum(axis=1))
        mean_d = np.bincount(labels, weights=distance, minlength=c) / np.maximum(sizes, 1)
        overall = float(distance.mean())
        if c <= k / 2 or (it % 2 == 1 and c < 2 * k):
            split = _split(x, labels, centres, sizes, mean_d, overall, params)
            if split is not None:
                history.append(("split", split.shape[0] - c))
                centres = split
                continue
        merged = _merge(centres, sizes, params.merge_distance, params.max_merges)
        history.append(("merge", c - merged.shape[0]) if merged.shape[0] < c else ("none", 0))
        centres = merged
    labels = assign(x, centres)
    centres, sizes = _means(x, labels, centres.shape[0])
    keep = sizes >= theta_n
    if not keep.all():
        history.append(("discard", int((~keep).sum())))
    renumber = np.full(centres.shape[0], UNCLUSTERED, dtype=np.int64)
    renumber[keep] = np.arange(int(keep.sum()))
    return Clustering(centres[keep], renumber[labels], sizes[keep], tuple(history))


def _split(x, labels, centres, sizes, mean_d, overall, params) -> np.ndarray | None:
    """The centres after step 6, or None when no cluster splits."""
    k, theta_n = params.clusters, params.min_samples
    c = centres.shape[0]
    out = []
    did = False
    for j in range(c):
        members = x[labels == j]
        if members.shape[0] < 2:
            out.append(centres[j])
            continue
        sigma = members.std(axis=0)
        axis = int(np.argmax(sigma))
        s_max = float(sigma[axis])
        loose = mean_d[j] > overall and sizes[j] > 2 * (theta_n + 1)
        if s_max > params.split_spread and (loose or c <= k / 2):
            step = np.zeros(x.shape[1])
            step[axis] = params.split_factor * s_max
            out += [centres[j] + step, centres[j] - step]
            did = True
        else:
            out.append(centres[j])
    return np.array(out) if did else None


def _merge(centres, sizes, distance, most) -> np.ndarray:
    """The centres after step 7."""
    c = centres.shape[0]
    if c < 2 or most == 0 or distance <= 0:
        return centres
    i, j = np.triu_indices(c, k=1)
    d = np.sqrt(((centres[i] - centres[j]) ** 2).sum(axis=1))
    order = np.argsort(d, kind="stable")
    used = np.zeros(c, dtype=bool)
    merged = []
    for p in order:
        if d[p] >= distance or len(merged) >= most:
            break
        a, b = i[p], j[p]
        if used[a] or used[b]:
            continue
        used[a] = used[b] = True
        w = sizes[a] + sizes[b]
        merged.append((sizes[a] * centres[a] + sizes[b] * centres[b]) / max(w, 1))
    if not merged:
        return centres
    return np.vstack([centres[~used], np.array(merged)])
