"""The Trainer engine: the article's initial weights, losses and residuals, early stopping
that restores the best weights (Keras semantics), the stops, schedules, determinism, and
what snapshots give a view."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engines.core import Snapshot, run
from engines.errors import ParameterError
from engines.trainers import losses
from engines.trainers.datasets import load_dataset
from engines.trainers.engine import Trainer
from engines.trainers.network import Network, NetworkSpec, initialise, numpy_predict
from engines.trainers.params import FIRST_ORDER, TrainerParams


@pytest.fixture(scope="module")
def spirals():
    return load_dataset("spirals")


@pytest.fixture(scope="module")
def xor():
    return load_dataset("xor")


def test_uniform_init_is_the_articles_with_its_seed():
    """np.random.seed(1); uniform(-0.1, 0.1, 127) reshaped (nin+1, nhid) in Fortran order
    with the biases in the last row: the article's w_hid, b_hid, w_out, b_out."""
    nin, nhid, nout = 2, 25, 2
    npar_w1 = (nin + 1) * nhid
    np.random.seed(1)  # noqa: NPY002 (the article's code)
    ws_init = np.random.uniform(  # noqa: NPY002
        -0.1, 0.1, ((nin + 1) * nhid) + ((nhid + 1) * nout)
    )
    w_hid = np.reshape(ws_init[0:npar_w1], (nin + 1, nhid), "F")
    w_out = np.reshape(ws_init[npar_w1:], (nhid + 1, nout), "F")
    net = Network(NetworkSpec((2, 25, 2), "sigmoid", "softmax"))
    initialise(net, "uniform", seed=1)
    first, second = net.layers
    np.testing.assert_array_equal(first.weight.detach().numpy(), w_hid[:nin].T)
    np.testing.assert_array_equal(first.bias.detach().numpy(), w_hid[nin])
    np.testing.assert_array_equal(second.weight.detach().numpy(), w_out[:nhid].T)
    np.testing.assert_array_equal(second.bias.detach().numpy(), w_out[nhid])


def test_numpy_forward_is_the_networks(spirals):
    trainer = Trainer(TrainerParams(hidden=(5, 4), activation="tanh"), spirals, seed=2)
    expected = trainer.outputs(spirals.x_val)
    got = numpy_predict(trainer.spec, trainer.parameters(), spirals.x_val)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("loss", "output", "scale"),
    [("sse", "softmax", lambda n, k: 1), ("mse", "linear", lambda n, k: n * k),
     ("cross_entropy", "softmax", lambda n, k: n), ("cross_entropy", "sigmoid",
                                                    lambda n, k: n * k)],
)  # fmt: skip
def test_residuals_square_to_the_loss(loss, output, scale):
    rng = np.random.default_rng(0)
    logits = torch.tensor(rng.normal(size=(7, 3)))
    y = torch.tensor(np.eye(3)[rng.integers(0, 3, 7)])
    r = losses.residuals(loss, output, logits, y)
    value = float(losses.loss_value(loss, output, logits, y))
    assert float(r.square().sum()) / scale(7, 3) == pytest.approx(value, rel=1e-12)
    assert losses.loss_from_residuals(loss, output, r.reshape(-1), 7) == pytest.approx(value)
    squared = losses.residuals(loss, output, logits, y, squared=True)
    np.testing.assert_allclose(squared.numpy(), (r * r).numpy())
    if loss == "cross_entropy" and output == "softmax":
        expected = torch.nn.functional.cross_entropy(logits, y.argmax(1))
        assert value == pytest.approx(float(expected), rel=1e-12)


def test_cross_entropy_needs_probabilities(xor):
    with pytest.raises(ValueError, match="cross_entropy needs a softmax or sigmoid"):
        Trainer(TrainerParams(loss="cross_entropy", output="linear"), xor)


def test_snapshot_holds_the_contract_and_the_view(spirals):
    trainer = Trainer(TrainerParams(epochs=3, max_fail=0), spirals, seed=0)
    before = trainer.snapshot()
    assert isinstance(before, Snapshot) and before.iteration == 0 and not before.done
    snap = run(trainer, 10)
    assert snap.iteration == 3 and snap.done and snap.stop_code == "epochs"
    assert snap.stop_reason == "3 iterations done (params.epochs)"
    for history in (snap.error_history, snap.val_loss_history, snap.metric_history,
                    snap.mu_history, snap.lr_history):  # fmt: skip
        assert history.shape == (3,) and not history.flags.writeable
    assert np.isnan(snap.lr_history).all() and (snap.mu_history > 0).all()
    assert snap.metric_name == "val_accuracy"
    assert set(snap.metrics) == {"train_loss", "val_loss", "train_accuracy", "val_accuracy"}
    assert snap.metrics["train_loss"] == snap.error_history[-1]
    grid = snap.boundary(16)
    assert grid.values.shape == (16, 16, 2) and grid.classes.shape == (16, 16)
    np.testing.assert_allclose(grid.values.sum(axis=2), 1.0)
    # The grid is the network on raw coordinates scaled as in training.
    raw = np.array([[grid.xs[3], grid.ys[5]]])
    expected = trainer.outputs(spirals.transform(raw))[0]
    np.testing.assert_allclose(grid.values[5, 3], expected, rtol=1e-12)
    assert load_dataset("digits") and Trainer(TrainerParams(hidden=(3,)), load_dataset("digits"),
                                               seed=0).snapshot().boundary() is None  # fmt: skip


def test_same_seed_same_run_other_seed_other_run(spirals):
    params = TrainerParams(method="adam", epochs=20, learning_rate=0.01, batch_size=64)
    a = run(Trainer(params, spirals, seed=5), 20)
    b = run(Trainer(params, spirals, seed=5), 20, lambda s: None)
    c = run(Trainer(params, spirals, seed=6), 20)
    np.testing.assert_array_equal(a.error_history, b.error_history)
    np.testing.assert_array_equal(a.parameters, b.parameters)
    assert not np.array_equal(a.parameters, c.parameters)


def _overfitting(patience):
    """Adam on 4 training rows of the spirals with a big step: validation loss soon rises."""
    return TrainerParams(method="adam", learning_rate=0.05, epochs=300, patience=patience,
                         hidden=(30,), data={"validation": 0.99})  # fmt: skip


def test_early_stopping_restores_the_best_weights():
    data = load_dataset("spirals", _overfitting(0).data)
    assert data.x_train.shape[0] == 5
    stopped = Trainer(_overfitting(20), data, seed=0)
    snap = run(stopped, 300)
    assert snap.stop_code == "validation"
    best = snap.best_iteration
    assert 1 <= best < snap.iteration == best + 20  # Keras: stop after `patience` epochs
    assert snap.best_val_loss == pytest.approx(snap.val_loss_history.min())
    assert snap.val_loss_history[best - 1] == snap.val_loss_history.min()
    # The weights are those after epoch `best` of the same run without early stopping.
    reference = Trainer(_overfitting(0), data, seed=0)
    reference.step(best)
    np.testing.assert_array_equal(snap.parameters, reference.parameters())
    assert snap.metrics["val_loss"] == pytest.approx(snap.best_val_loss)
    kept = run(Trainer(_overfitting(20).model_copy(update={"restore_best": False}), data,
                       seed=0), 300)  # fmt: skip
    reference.step(20)
    np.testing.assert_array_equal(kept.parameters, reference.parameters())


def test_lm_validation_stop_after_max_fail(spirals):
    snap = run(Trainer(TrainerParams(max_fail=3, epochs=500), spirals, seed=0), 500)
    assert snap.stop_code == "validation"
    assert snap.iteration == snap.best_iteration + 3
    assert snap.metrics["val_loss"] == pytest.approx(snap.best_val_loss)
    assert "params.max_fail" in snap.stop_reason


def test_lm_solves_xor_and_stops_by_itself(xor):
    snap = run(Trainer(TrainerParams(hidden=(3,), epochs=200, max_fail=0), xor, seed=0), 200)
    assert snap.metrics["val_accuracy"] == 1.0
    assert snap.stop_code in ("min_grad", "mu_max")
    assert snap.error_history[-1] < 1e-6


@pytest.mark.parametrize("method", FIRST_ORDER)
def test_first_order_methods_lower_the_loss(method, xor):
    lr = {"sgd": 0.5, "momentum": 0.2, "nesterov": 0.2, "adam": 0.05, "rmsprop": 0.01,
          "adagrad": 0.3}[method]  # fmt: skip
    params = TrainerParams(method=method, learning_rate=lr, hidden=(4,), epochs=200,
                           activation="tanh", init="torch")  # fmt: skip
    snap = run(Trainer(params, xor, seed=1), 200)
    assert snap.error_history[-1] < 0.02 * snap.error_history[0]
    assert snap.metrics["val_accuracy"] == 1.0
    assert np.all(snap.lr_history == lr) and np.isnan(snap.mu_history).all()


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [("step", [0.1] * 3 + [0.05] * 3 + [0.025] * 2), ("exponential", 0.1 * 0.5 ** np.arange(8))],
)
def test_learning_rate_schedules(schedule, expected, xor):
    params = TrainerParams(method="sgd", learning_rate=0.1, schedule=schedule, schedule_step=3,
                           schedule_gamma=0.5, epochs=8)  # fmt: skip
    snap = run(Trainer(params, xor, seed=0), 8)
    np.testing.assert_allclose(snap.lr_history, expected)


def test_schedules_are_for_first_order_methods():
    with pytest.raises(ValueError, match="schedule 'cosine' is for the first-order methods"):
        TrainerParams(method="lm", schedule="cosine")


def test_bad_seed_and_count_are_parameter_errors(xor):
    with pytest.raises(ParameterError, match="seed"):
        Trainer(TrainerParams(), xor, seed=2**32)
    with pytest.raises(ParameterError, match="n must be"):
        Trainer(TrainerParams(), xor).step(-1)


def test_divergence_stops_the_run(spirals):
    params = TrainerParams(method="sgd", learning_rate=100.0, loss="mse", output="linear",
                           data={"scaling": "none"}, epochs=100)  # fmt: skip
    snap = run(Trainer(params, spirals, seed=0), 100)
    assert snap.stop_code == "diverged" and snap.iteration < 100
