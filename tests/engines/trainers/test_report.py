"""End-of-run reports: per-class figures as scikit-learn computes them, regression figures,
and a run's report agreeing with the engine's own validation metrics."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

from engines.trainers.datasets import load_dataset
from engines.trainers.engine import Trainer
from engines.trainers.params import TrainerParams
from engines.trainers.report import (
    ClassificationReport,
    RegressionReport,
    classification_report,
    regression_report,
    run_report,
)


def test_classification_figures_are_scikit_learns():
    rng = np.random.default_rng(3)
    expected = rng.integers(0, 4, 200)
    predicted = np.where(rng.random(200) < 0.6, expected, rng.integers(0, 4, 200))
    predicted[predicted == 3] = 2  # class 3 is never predicted: precision 0
    report = classification_report(expected, predicted, ("a", "b", "c", "d"))
    p, r, f, s = metrics.precision_recall_fscore_support(expected, predicted, labels=range(4),
                                                         zero_division=0)  # fmt: skip
    np.testing.assert_allclose(report.precision, p)
    np.testing.assert_allclose(report.recall, r)
    np.testing.assert_allclose(report.f1, f)
    np.testing.assert_array_equal(report.support, s)
    np.testing.assert_array_equal(report.confusion, metrics.confusion_matrix(expected, predicted))
    assert report.accuracy == metrics.accuracy_score(expected, predicted)
    lines = report.text().splitlines()
    assert lines[0].split() == ["precision", "recall", "f1-score", "support"]
    assert lines[4].split() == ["d", "0.000", "0.000", "0.000", str(s[3])]
    assert lines[-1].split() == ["accuracy", f"{report.accuracy:.3f}", "200"]


def test_regression_figures():
    expected = np.array([10.0, 20.0, 30.0, 40.0])
    predicted = np.array([12.0, 18.0, 33.0, 40.0])
    report = regression_report(expected, predicted)
    assert report.rmse == pytest.approx(np.sqrt(metrics.mean_squared_error(expected, predicted)))
    assert report.mae == pytest.approx(metrics.mean_absolute_error(expected, predicted))
    assert report.r2 == pytest.approx(metrics.r2_score(expected, predicted))
    assert np.isnan(regression_report(np.ones(3), np.arange(3.0)).r2)
    assert "R²" in report.text() and "rows   4" in report.text()


@pytest.mark.parametrize(("dataset", "params"), [
    ("moons", TrainerParams(method="adam", hidden=(6,), epochs=20, learning_rate=0.01)),
    ("diabetes", TrainerParams(method="lm", hidden=(4,), epochs=4)),
])  # fmt: skip
def test_a_runs_report_agrees_with_the_engines_metrics(dataset, params):
    data = load_dataset(dataset, params.data)
    trainer = Trainer(params, data, seed=2)
    trainer.step(params.epochs)
    snap = trainer.snapshot()
    report = run_report(snap, data)
    if isinstance(report, ClassificationReport):
        assert report.accuracy == pytest.approx(snap.metrics["val_accuracy"], abs=1e-12)
        assert report.confusion.sum() == data.x_val.shape[0]
        assert report.class_names == data.class_names
    else:
        assert isinstance(report, RegressionReport)
        assert report.rmse == pytest.approx(snap.metrics["val_rmse"], rel=1e-9)
        assert report.rmsle == pytest.approx(snap.metrics["val_rmsle"], rel=1e-9)
        assert report.r2 == pytest.approx(snap.metrics["val_r2"], rel=1e-9)
        np.testing.assert_array_equal(report.expected, data.target_val)
