"""Error reflection: error cases by threshold, the gate's routing on a constructed case, the
ensemble's combination, and the recipe's figures (small networks, few epochs)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from engines.errors import InputError, ParameterError
from engines.trainers.reflection import (
    FUNCTIONS,
    ReflectionParams,
    TaskData,
    cluster_features,
    ensemble_output,
    error_cases,
    errors_of,
    oracle_loss,
    reflection_recipe,
    task_data,
    train_gate,
    wide_hidden,
)

TINY = dict(samples=120, test_samples=50, hidden=8, epochs=4, error_hidden=4, error_epochs=3,
            gate_epochs=3, clusters=2, min_samples=3)  # fmt: skip


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _regions(x: np.ndarray) -> np.ndarray:
    """0 left of −0.2 (the base's), 1 on [−0.2, 0.4), 2 from 0.4 on."""
    return np.where(x < -0.2, 0, np.where(x < 0.4, 1, 2))


@pytest.mark.parametrize("kind", ["network", "knn", "centroid"])
def test_the_gate_routes_each_input_to_its_network(kind):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (400, 1)).astype(np.float32)
    labels = _regions(x[:, 0])
    params = ReflectionParams(gate=kind, gate_epochs=150, gate_learning_rate=1e-2)
    gate = train_gate(None, x, labels, params, seed=0)
    assert gate.choices == 3
    probe = np.array([[-0.9], [-0.6], [-0.1], [0.1], [0.3], [0.6], [0.9]], dtype=np.float32)
    if kind == "centroid":  # centroids -0.6, 0.1, 0.7: boundaries at -0.25 and 0.4
        assert gate.choose(probe).tolist() == [0, 0, 1, 1, 1, 2, 2]
    else:
        assert gate.choose(probe).tolist() == _regions(probe[:, 0]).tolist()
    grid = np.linspace(-1, 1, 201, dtype=np.float32)[:, None]
    agree = np.mean(gate.choose(grid) == _regions(grid[:, 0]))
    assert agree > 0.93
    assert gate.parameters == ((1 + 1) * 32 + (32 + 1) * 3 if kind == "network" else 0)


def test_the_ensemble_takes_the_chosen_networks_output():
    base = np.array([[1.0], [2.0], [3.0], [4.0]])
    first, second = np.full((4, 1), 10.0), np.full((4, 1), 20.0)
    choice = np.array([0, 1, 2, 1])
    replaced = ensemble_output(base, [first, second], choice, "replace")
    assert replaced[:, 0].tolist() == [1.0, 10.0, 20.0, 10.0]
    corrected = ensemble_output(base, [first, second], choice, "residual")
    assert corrected[:, 0].tolist() == [1.0, 12.0, 23.0, 14.0]


def test_the_oracle_takes_each_inputs_best_network():
    y = np.array([[0.0], [1.0], [2.0]], dtype=np.float32)
    data = TaskData("t", y, y, y, y)
    base = np.array([[0.0], [0.0], [0.0]])  # errors 0, 1, 4
    error = np.array([[1.0], [1.0], [1.0]])  # errors 1, 0, 1
    assert oracle_loss(base, [error], data, "replace") == pytest.approx((0 + 0 + 1) / 3)
    # residual: the error network's output is added to the base's (the same outputs here)
    assert oracle_loss(base, [error], data, "residual") == pytest.approx((0 + 0 + 1) / 3)


def test_error_cases_by_quantile_and_by_absolute_threshold():
    errors = np.arange(10, dtype=np.float64) / 10
    worst = error_cases(errors, ReflectionParams(threshold=0.75))
    assert worst.tolist() == [7, 8, 9]  # above the 0.75 quantile (0.675)
    absolute = error_cases(errors, ReflectionParams(threshold_rule="absolute", threshold=0.45))
    assert absolute.tolist() == [5, 6, 7, 8, 9]
    out, y = np.array([[0.0], [1.0]]), np.array([[0.5], [0.0]])
    assert errors_of(out, y, False).tolist() == [0.5, 1.0]
    logits = np.array([[0.0, 0.0], [10.0, -10.0]])
    classes = np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(errors_of(logits, classes, True), [0.5, 1.0], atol=1e-8)


def test_features_are_standardised_columns():
    x = np.array([[0.0], [1.0], [2.0]])
    e = np.array([[5.0], [5.0], [5.0]])
    f = cluster_features(x, e, "input_error")
    assert f.shape == (3, 2)
    np.testing.assert_allclose(f[:, 0], [-1.2247449, 0.0, 1.2247449], atol=1e-6)
    assert (f[:, 1] == 0).all()  # a constant column is only centred
    assert cluster_features(x, e, "error").shape == (3, 1)


def test_wide_network_matches_the_parameter_count():
    # 1-h-1 has 3h + 1 parameters; 64-h-10 has 75h + 10
    assert wide_hidden(1, 1, 3 * 100 + 1) == 100
    assert wide_hidden(64, 10, 75 * 40 + 10) == 40


def test_task_data_follows_the_papers_table():
    params = ReflectionParams(samples=30, test_samples=20)
    data = task_data("piecewise", params, seed=1)
    assert data.x_train.shape == (30, 1) and data.x_test.shape == (20, 1)
    assert data.x_train.min() >= -1 and data.x_train.max() < 1
    x = data.x_test[:, 0].astype(np.float64)
    expected = np.where(x < 0, x**4 + x**3 - 0.6 * x**2, x**5 + x**4 - 0.5 * x**3)
    np.testing.assert_allclose(data.y_test[:, 0], expected, rtol=1e-5, atol=1e-6)
    assert set(FUNCTIONS) == {"linear", "cubic", "quartic", "piecewise"}


def test_the_recipe_reports_every_figure_and_repeats_itself():
    params = ReflectionParams(**TINY)
    first = reflection_recipe("cubic", params, seed=4, seeds=2)
    again = reflection_recipe("cubic", params, seed=4, seeds=2)
    row = first.row()
    assert row == again.row()
    assert first.seeds == (4, 5) and row["task"] == "cubic" and row["seeds"] == 2
    for key in ("base_loss", "reflection_loss", "base_longer_loss", "wide_loss"):
        assert row[key] > 0 and row[f"{key}_sd"] >= 0
    for run in first.runs:
        assert run.reduction == pytest.approx(
            100 * (run.reflection_loss - run.base_loss) / run.base_loss
        )
        assert run.clusters >= 1 and run.error_cases == 30  # the worst 25 % of 120
        # equal samples seen: base + error networks = base longer
        seen = params.epochs * 120 + params.error_epochs * int(sum(run.panel.case_label >= 0))
        assert run.longer_epochs == -(-seen // 120)
        assert run.panel.choice.shape == (50,)
        assert run.oracle_loss <= min(run.base_loss, run.reflection_loss) + 1e-12
        assert run.routed == pytest.approx(np.mean(run.panel.choice > 0))
    assert np.mean([r.reduction for r in first.runs]) == pytest.approx(row["reduction"])


def test_digits_reports_accuracies():
    params = ReflectionParams(hidden=8, epochs=1, error_hidden=4, error_epochs=1, gate_epochs=1,
                              clusters=2, batch_size=256)  # fmt: skip
    row = reflection_recipe("digits", params, seed=0).row()
    for key in ("base_accuracy", "reflection_accuracy", "base_longer_accuracy", "wide_accuracy"):
        assert 0.0 <= row[key] <= 1.0
    assert row["base_loss"] > 0


def test_bad_inputs_are_refused():
    with pytest.raises(InputError, match="no such task"):
        reflection_recipe("sine", ReflectionParams(**TINY))
    with pytest.raises(ValidationError, match="quantile from 0 to 1"):
        ReflectionParams(**TINY, threshold=2.0)
    assert ReflectionParams(threshold_rule="absolute", threshold=2.0).threshold == 2.0
    with pytest.raises(ParameterError, match="seeds"):
        reflection_recipe("linear", ReflectionParams(**TINY), seeds=0)
