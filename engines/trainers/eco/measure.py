"""How well a network tells its data from what is not: out-of-distribution sets and figures.

Every figure is computed in the network's (scaled) input space.

Out-of-distribution sets
------------------------
``noise``
    Uniform noise in the box of the training inputs, widened by ``noise_margin`` of its size
    on each side (so on two moons part of it falls on the data: no method can reach AUROC 1).
``far``
    Far-field points: the training inputs' centre plus a random direction times a radius
    drawn uniformly from ``far_radius`` to ``2 · far_radius`` data radii (the largest
    distance of a training input from the centre).
``held_out``
    With three or more classes, the validation rows of the class ``held_out`` left out of
    training (by default the last: digits' nines).

Figures
-------
The score of an input is the network's largest output probability (maximum softmax
probability). In-distribution inputs are the validation rows of the trained classes;
``auroc`` is :func:`sklearn.metrics.roc_auc_score` of in (1) against every out set pooled
(0), ``fpr95`` the share of out inputs scored at least as high as the threshold that keeps
95 % of the in inputs, ``noise_confidence`` the mean score on the ``noise`` set.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from engines.trainers.datasets import Dataset, one_hot

#: True-positive rate at which the false-positive rate is read.
TPR = 0.95


def noise_box(x: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) per column: the box of ``x`` widened by ``margin`` of its size."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    return lo - margin * span, hi + margin * span


def uniform_noise(box, n: int, rng: np.random.Generator) -> np.ndarray:
    lo, hi = box
    return rng.uniform(lo, hi, size=(n, lo.size))


def data_radius(x: np.ndarray) -> float:
    """The largest distance of a row of ``x`` from their mean (1 when every row is there)."""
    return float(np.max(np.linalg.norm(x - x.mean(axis=0), axis=1))) or 1.0


def far_field(x: np.ndarray, radius: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points ``radius`` to ``2·radius`` data radii from the centre of ``x``."""
    centre = x.mean(axis=0)
    reach = data_radius(x)
    direction = rng.standard_normal((n, x.shape[1]))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    distance = rng.uniform(radius, 2 * radius, size=(n, 1)) * reach
    return centre + direction * distance


def held_out_split(data: Dataset, cls: int | None) -> tuple[Dataset, np.ndarray | None]:
    """The data without class ``cls`` (−1: the last; classes above it renumbered) and the
    left-out validation inputs; the data as it is (and None) with fewer than three classes
    or no ``cls``."""
    k = len(data.class_names)
    if cls is None or k < 3 or not data.is_classification:
        return data, None
    cls = k - 1 if cls == -1 else cls
    if cls >= k:
        raise ValueError(f"held_out must be a class from 0 to {k - 1}, got {cls}")
    keep_t, keep_v = data.target_train != cls, data.target_val != cls

    def renumber(t):
        return np.where(t > cls, t - 1, t).astype(np.int64)

    target_train, target_val = (
        renumber(data.target_train[keep_t]),
        renumber(data.target_val[keep_v]),
    )
    names = tuple(n for i, n in enumerate(data.class_names) if i != cls)
    trimmed = dataclasses.replace(
        data, x_train=data.x_train[keep_t], x_val=data.x_val[keep_v],
        y_train=one_hot(target_train, k - 1), y_val=one_hot(target_val, k - 1),
        raw_train=data.raw_train[keep_t], raw_val=data.raw_val[keep_v],
        target_train=target_train, target_val=target_val,
        train_index=data.train_index[keep_t], val_index=data.val_index[keep_v],
        class_names=names, description=f"{data.description} without class {data.class_names[cls]}",
    )  # fmt: skip
    return trimmed, data.x_val[~keep_v]


def ood_sets(data: Dataset, held: np.ndarray | None, *, rows: int, margin: float,
             radius: float, seed: int) -> dict[str, np.ndarray]:  # fmt: skip
    """The out-of-distribution sets (module docstring), drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    sets = {
        "noise": uniform_noise(noise_box(data.x_train, margin), rows, rng),
        "far": far_field(data.x_train, radius, rows, rng),
    }
    if held is not None and len(held):
        sets["held_out"] = held
    return sets


def max_probability(outputs: np.ndarray) -> np.ndarray:
    """The score of each row: its largest output (NaN outputs score 1, the worst case)."""
    scores = np.max(outputs, axis=1)
    return np.where(np.isfinite(scores), scores, 1.0)


def auroc_fpr(scores_in: np.ndarray, scores_out: np.ndarray) -> tuple[float, float]:
    """(AUROC, FPR at 95 % TPR) of in (positive) against out (negative) scores."""
    from sklearn.metrics import roc_auc_score

    labels = np.r_[np.ones(scores_in.size), np.zeros(scores_out.size)]
    auroc = float(roc_auc_score(labels, np.r_[scores_in, scores_out]))
    threshold = np.quantile(scores_in, 1 - TPR, method="lower")
    return auroc, float(np.mean(scores_out >= threshold))


def majority_share(classes: np.ndarray) -> float:
    """Share of the rows given the most frequent class."""
    if classes.size == 0:
        return math.nan
    return float(np.bincount(classes).max() / classes.size)


def prediction_entropy(classes: np.ndarray, n_classes: int) -> float:
    """Entropy of the predicted classes' histogram over log(n_classes): 1 when every class is
    predicted equally often, 0 when one class takes every row."""
    counts = np.bincount(classes, minlength=n_classes).astype(np.float64)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum() / math.log(n_classes)) if n_classes > 1 else 0.0


def is_collapsed(outputs: np.ndarray, share: float) -> bool:
    """True when the outputs are not finite or at least ``share`` of the rows get one class."""
    if not np.all(np.isfinite(outputs)):
        return True
    return majority_share(np.argmax(outputs, axis=1)) >= share


def figures(outputs_in: np.ndarray, targets_in: np.ndarray, outputs_out: dict[str, np.ndarray],
            *, collapse_share: float) -> dict[str, float]:  # fmt: skip
    """accuracy, auroc, fpr95, noise_confidence, collapsed (0 or 1), and the AUROC of each
    out set (``auroc_noise``...), from the network's outputs on in and out inputs."""
    scores_in = max_probability(outputs_in)
    pooled = np.concatenate([max_probability(o) for o in outputs_out.values()])
    auroc, fpr = auroc_fpr(scores_in, pooled)
    out = {
        "accuracy": float(np.mean(np.argmax(outputs_in, axis=1) == targets_in)),
        "auroc": auroc,
        "fpr95": fpr,
        "noise_confidence": float(np.mean(max_probability(outputs_out["noise"]))),
        "collapsed": float(is_collapsed(outputs_in, collapse_share)),
    }
    for name, o in outputs_out.items():
        out[f"auroc_{name}"] = auroc_fpr(scores_in, max_probability(o))[0]
    return out
