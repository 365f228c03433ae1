"""What a training run achieved on its validation rows, from its final weights: a
classification report (each class's precision, recall, F1 and support, the accuracy and the
confusion matrix) or a regression's figures (RMSE, RMSLE, MAE, R² and the predictions).

Computed in NumPy from a run's snapshot (:func:`~engines.trainers.network.numpy_predict`),
so any thread may make one; the studio's Trainers tab shows them when a job ends. The
accuracy and RMSE equal the snapshot's ``metrics`` (the engine measures the same rows).

A class never predicted has precision 0, a class absent from the rows recall 0 (and then
F1 0), as scikit-learn reports them with ``zero_division=0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engines.trainers.datasets import Dataset, rmsle
from engines.trainers.network import numpy_predict


@dataclass(frozen=True)
class ClassificationReport:
    """Per-class figures on the validation rows.

    Attributes
    ----------
    class_names : tuple of str
    precision, recall, f1 : (K,) ndarray of float64
    support : (K,) ndarray of int64, validation rows of each class
    accuracy : float, share of rows classified right
    confusion : (K, K) ndarray of int64, rows the true class, columns the predicted one
    """

    class_names: tuple[str, ...]
    precision: np.ndarray = field(repr=False)
    recall: np.ndarray = field(repr=False)
    f1: np.ndarray = field(repr=False)
    support: np.ndarray = field(repr=False)
    accuracy: float
    confusion: np.ndarray = field(repr=False)

    def text(self) -> str:
        """A table in the layout of scikit-learn's ``classification_report``."""
        width = max([len("accuracy"), *(len(n) for n in self.class_names)])
        lines = [f"{'':<{width}}  precision  recall  f1-score  support"]
        for k, name in enumerate(self.class_names):
            lines.append(f"{name:<{width}}  {self.precision[k]:9.3f}  {self.recall[k]:6.3f}  "
                         f"{self.f1[k]:8.3f}  {self.support[k]:7d}")  # fmt: skip
        total = int(self.support.sum())
        lines.append(f"{'accuracy':<{width}}  {'':9}  {'':6}  {self.accuracy:8.3f}  {total:7d}")
        return "\n".join(lines)


@dataclass(frozen=True)
class RegressionReport:
    """A regression's validation figures, in the target's units.

    Attributes
    ----------
    rmse, rmsle, mae, r2 : float
        Root mean squared error, the Boston tutorial's RMSLE (predictions below −1 clipped,
        as the engine does), mean absolute error and the coefficient of determination (NaN
        for a constant target).
    expected, predicted : (N,) ndarray of float64
    """

    rmse: float
    rmsle: float
    mae: float
    r2: float
    expected: np.ndarray = field(repr=False)
    predicted: np.ndarray = field(repr=False)

    def text(self) -> str:
        return (f"RMSE   {self.rmse:.4g}\nRMSLE  {self.rmsle:.4f}\nMAE    {self.mae:.4g}\n"
                f"R²     {self.r2:.4f}\nrows   {self.expected.size}")  # fmt: skip


Report = ClassificationReport | RegressionReport


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    """Class of each row: the largest output, or output > 0.5 for one sigmoid output."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(np.int64)
    return np.argmax(outputs, axis=1).astype(np.int64)


def classification_report(expected: np.ndarray, predicted: np.ndarray,
                          class_names: tuple[str, ...]) -> ClassificationReport:  # fmt: skip
    """Figures of predicted class indices against expected ones, 0 to K − 1."""
    k = len(class_names)
    expected = np.asarray(expected, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (expected, predicted), 1)
    hits = np.diag(confusion).astype(np.float64)
    called, support = confusion.sum(axis=0), confusion.sum(axis=1)
    precision = np.divide(hits, called, out=np.zeros(k), where=called > 0)
    recall = np.divide(hits, support, out=np.zeros(k), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros(k), where=both > 0)
    accuracy = float(hits.sum() / expected.size) if expected.size else math.nan
    return ClassificationReport(tuple(class_names), precision, recall, f1, support, accuracy,
                                confusion)  # fmt: skip


def regression_report(expected: np.ndarray, predicted: np.ndarray) -> RegressionReport:
    expected = np.asarray(expected, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    error = predicted - expected
    total = float(np.sum((expected - expected.mean()) ** 2))
    r2 = 1.0 - float(np.sum(error**2)) / total if total > 0 else math.nan
    return RegressionReport(
        rmse=float(np.sqrt(np.mean(error**2))), rmsle=rmsle(expected, np.maximum(predicted, -1.0)),
        mae=float(np.mean(np.abs(error))), r2=r2, expected=expected, predicted=predicted,
    )  # fmt: skip


def run_report(snapshot, dataset: Dataset) -> Report:
    """The report of a run's weights (a :class:`~engines.trainers.engine.TrainerSnapshot`)
    on ``dataset``'s validation rows."""
    outputs = numpy_predict(snapshot.spec, snapshot.parameters, dataset.x_val)
    if dataset.is_classification:
        return classification_report(dataset.target_val, predicted_classes(outputs),
                                     dataset.class_names)  # fmt: skip
    return regression_report(dataset.target_val, dataset.inverse_target(outputs))
