"""The error curvature (exact and Hutchinson), de-learning's sign, ReLU refused, the
collapse detector and the stabiliser's recovery."""

import numpy as np
import pytest
import torch

from engines.errors import ParameterError
from engines.trainers.datasets import load_dataset
from engines.trainers.eco import curvature, measure
from engines.trainers.eco.engine import EcoTrainer
from engines.trainers.eco.params import EcoParams
from engines.trainers.network import Network, NetworkSpec


def small_network(n_inputs=3, activation="tanh", seed=0):
    torch.manual_seed(seed)
    net = Network(NetworkSpec((n_inputs, 5, 4, 3), activation, "softmax"), torch.float64)
    with torch.no_grad():  # weights large enough for a curvature well above rounding
        for p in net.parameters():
            p.mul_(3.0)
    return net


def rows(n, d, seed=1):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((n, d), generator=g, dtype=torch.float64)
    y = torch.nn.functional.one_hot(torch.randint(0, 3, (n,), generator=g), 3).double()
    return x, y


def finite_difference_laplacian(network, x, y, h=1e-4):
    """Σ_d (E(x + h e_d) − 2E(x) + E(x − h e_d)) / h² for each row."""
    error = curvature.row_error(network, "cross_entropy", "softmax")
    params = dict(network.named_parameters())
    out = []
    with torch.no_grad():
        for xi, yi in zip(x, y, strict=True):
            e0 = float(error(params, xi, yi))
            total = 0.0
            for d in range(xi.numel()):
                step = torch.zeros_like(xi)
                step[d] = h
                total += float(error(params, xi + step, yi)) - 2 * e0
                total += float(error(params, xi - step, yi))
            out.append(total / h**2)
    return np.array(out)


@pytest.mark.parametrize("activation", ["tanh", "softplus", "sigmoid"])
def test_exact_laplacian_matches_finite_differences(activation):
    net = small_network(activation=activation)
    x, y = rows(6, 3)
    exact = curvature.exact_laplacian(net, x, y, loss="cross_entropy", output="softmax")
    reference = finite_difference_laplacian(net, x, y)
    assert np.abs(reference).max() > 1e-3  # a curvature worth comparing
    np.testing.assert_allclose(exact.detach().numpy(), reference, rtol=1e-4, atol=1e-6)


def test_exact_laplacian_has_a_parameter_gradient():
    net = small_network()
    x, y = rows(4, 3)
    curvature.exact_laplacian(net, x, y, loss="cross_entropy", output="softmax").sum().backward()
    assert all(p.grad is not None and float(p.grad.abs().sum()) > 0 for p in net.parameters())


def test_hutchinson_estimate_within_its_standard_error():
    net = small_network(n_inputs=10)
    x, y = rows(3, 10)
    exact = curvature.exact_laplacian(net, x, y, loss="cross_entropy", output="softmax")
    probes = curvature.rademacher((2000, 3, 10), generator=torch.Generator().manual_seed(5))
    samples = curvature.hutchinson_samples(net, x, y, probes, loss="cross_entropy",
                                           output="softmax").detach().numpy()  # fmt: skip
    mean, se = samples.mean(axis=0), samples.std(axis=0, ddof=1) / np.sqrt(samples.shape[0])
    assert np.all(se > 0)  # the estimator has a variance (off-diagonal terms)
    assert np.all(np.abs(mean - exact.detach().numpy()) < 4 * se)
    # laplacian() averages `probes` of them
    estimate = curvature.laplacian(net, x, y, loss="cross_entropy", output="softmax",
                                   method="hutchinson", probes=500)  # fmt: skip
    assert np.all(np.abs(estimate.detach().numpy() - exact.detach().numpy())
                  < 4 * samples.std(axis=0) / np.sqrt(500))  # fmt: skip


def test_relu_is_refused():
    with pytest.raises(ParameterError, match="zero almost everywhere with relu"):
        EcoTrainer(EcoParams(activation="relu", epochs=1), seed=0)
    with pytest.raises(ParameterError, match="zero almost everywhere"):
        curvature.check_smooth("relu")


@pytest.mark.parametrize("kind", ["noise", "discrimination"])
def test_delearning_raises_the_error_on_its_targets(kind):
    trainer = EcoTrainer(EcoParams(delearn=kind, epochs=1, delearn_rate=0.05), seed=3)
    x, classes = trainer._xt[:32], trainer._ct[:32]
    state = trainer.noise_generator.get_state()
    # draw the inputs and targets the step will draw, then replay the generator
    k = trainer.data.n_outputs
    if kind == "noise":
        inputs, chosen = trainer.noise(32), trainer.random_classes(32)
    else:
        shift = torch.randint(1, k, classes.shape, generator=trainer.noise_generator)
        inputs, chosen = x, (classes + shift) % k
        assert bool((chosen != classes).all())  # wrong classes only
    targets = torch.nn.functional.one_hot(chosen, k).double()
    with torch.no_grad():
        before = float(trainer.error(inputs, targets))
    trainer.noise_generator.set_state(state)
    trainer.delearn_step(x, classes)
    with torch.no_grad():
        after = float(trainer.error(inputs, targets))
    assert after > before + 1e-6


def test_collapse_detector():
    collapsed = np.tile([0.1, 0.8, 0.1], (50, 1))
    collapsed[:3] = [0.9, 0.05, 0.05]  # 47 of 50 rows say class 1: 94 %
    assert measure.is_collapsed(collapsed, 0.9)
    assert measure.majority_share(np.argmax(collapsed, axis=1)) == pytest.approx(0.94)
    assert measure.prediction_entropy(np.argmax(collapsed, axis=1), 3) < 0.3
    healthy = np.eye(3)[np.arange(60) % 3]
    assert not measure.is_collapsed(healthy, 0.9)
    assert measure.prediction_entropy(np.argmax(healthy, axis=1), 3) == pytest.approx(1.0)
    assert measure.is_collapsed(np.full((4, 3), np.nan), 0.9)


def test_stabiliser_undoes_a_collapse():
    """A network driven to one class after a healthy epoch gets its healthy weights back
    and a smaller learning rate; without the stabiliser it stays collapsed."""
    data = load_dataset("moons")
    for stabilise in (True, False):
        trainer = EcoTrainer(EcoParams(epochs=10, stabilise=stabilise, lam=0.0), data, seed=0)
        trainer.step(3)
        assert not trainer.collapsed
        healthy = trainer.parameters()
        lr = trainer.optimizer.param_groups[0]["lr"]
        with torch.no_grad():  # lock the network onto class 0
            trainer.network.layers[-1].bias.copy_(torch.tensor([50.0, -50.0]))
        trainer.step(0)
        trainer._measure(float("nan"), lr)
        if stabilise:
            assert not trainer.collapsed and trainer.recoveries == 1
            np.testing.assert_array_equal(trainer.parameters(), healthy)
            assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.5 * lr)
        else:
            assert trainer.collapsed and trainer.recoveries == 0


def test_measure_figures_on_constructed_scores():
    outputs_in = np.tile([0.95, 0.05], (20, 1))
    noise = np.tile([0.6, 0.4], (20, 1))
    out = measure.figures(outputs_in, np.zeros(20, dtype=int), {"noise": noise},
                          collapse_share=0.9)  # fmt: skip
    assert out["auroc"] == 1.0 and out["fpr95"] == 0.0
    assert out["noise_confidence"] == pytest.approx(0.6)
    assert out["accuracy"] == 1.0 and out["collapsed"] == 1.0


def test_held_out_class_leaves_training():
    data = load_dataset("digits")
    trimmed, held = measure.held_out_split(data, -1)
    assert 9 not in set(trimmed.target_train) and trimmed.n_outputs == 9
    assert held.shape[0] == int(np.sum(data.target_val == 9))
    trimmed3, _ = measure.held_out_split(data, 3)
    assert trimmed3.n_outputs == 9 and trimmed3.target_train.max() == 8


def test_a_network_that_deteriorates_has_collapsed():
    """Validation accuracy below collapse_drop of the best so far counts as a collapse, even
    with the classes spread (flipped outputs: right rows become wrong)."""
    data = load_dataset("moons")
    trainer = EcoTrainer(EcoParams(epochs=10, stabilise=False), data, seed=0)
    trainer.step(3)
    assert not trainer.collapsed
    with torch.no_grad():
        last = trainer.network.layers[-1]
        last.weight.copy_(last.weight.flip(0))
        last.bias.copy_(last.bias.flip(0))
    trainer._measure(float("nan"), 0.01)
    outputs = trainer.outputs(data.x_val)
    assert not measure.is_collapsed(outputs, 0.9)  # classes spread...
    assert trainer.collapsed  # ...but the accuracy fell
    assert trainer.measure({"noise": data.x_val})["collapsed"] == 1.0


def test_the_curvature_cap_bounds_the_objective():
    """Stabilised, |λ·C| cannot exceed λ·cap however sharp the network; without, it can."""
    data = load_dataset("moons")
    x, y = torch.as_tensor(data.x_train[:16]), torch.as_tensor(data.y_train[:16])
    values = {}
    for stabilise in (True, False):
        params = EcoParams(lam=1.0, warmup=0, curvature_cap=2.0, stabilise=stabilise)
        trainer = EcoTrainer(params, data, seed=1)
        with torch.no_grad():
            for p in trainer.network.parameters():
                p.mul_(30.0)  # a very sharp network
            c = trainer.curvature_of(x, y)
            e = trainer.error(x, y)
        assert float(c.abs().max()) > 2.0
        values[stabilise] = abs(float(trainer.objective(x, y).detach()) - float(e))
    assert values[True] <= 2.0 + 1e-9
    assert values[False] > 2.0


def test_outlier_exposure_sees_far_inputs_as_well_as_the_box():
    """Half of OE's outliers lie in the widened box, half in the cube of oe_reach data radii
    (most of them outside the box, none beyond the cube); oe_reach 0 keeps them in the box."""
    data = load_dataset("moons")
    x = data.x_train
    lo, hi = measure.noise_box(x, 0.25)
    centre, reach = x.mean(axis=0), measure.data_radius(x)
    assert reach == pytest.approx(np.max(np.linalg.norm(x - centre, axis=1)))
    trainer = EcoTrainer(EcoParams(oe_reach=6.0), data, seed=2, method="outlier_exposure")
    points = trainer.outliers(2000).numpy()
    near, wide = points[:1000], points[1000:]
    assert np.all((near >= lo) & (near <= hi))
    assert np.all(np.abs(wide - centre) <= 6.0 * reach + 1e-12)
    outside = ~np.all((wide >= lo) & (wide <= hi), axis=1)
    assert outside.mean() > 0.8
    assert np.abs(wide - centre).max() > 5.0 * reach  # the cube is filled to its edge
    boxed = EcoTrainer(EcoParams(oe_reach=0.0), data, seed=2, method="outlier_exposure")
    points = boxed.outliers(500).numpy()
    assert np.all((points >= lo) & (points <= hi))


def test_outlier_exposure_lowers_the_confidence_far_from_the_data():
    """A few epochs of OE with its wide outliers leave far-field inputs (drawn apart, as the
    measurement draws them) less confident than OE on the box alone, and than plain training."""
    torch.set_num_threads(1)
    data = load_dataset("moons")
    far = measure.far_field(data.x_train, 3.0, 200, np.random.default_rng(7))
    confidence = {}
    for method, reach in (("plain", 8.0), ("outlier_exposure", 0.0), ("outlier_exposure", 8.0)):
        params = EcoParams(epochs=8, hidden=(8,), oe_reach=reach)
        trainer = EcoTrainer(params, data, seed=1, method=method)
        trainer.step(8)
        confidence[method, reach] = np.mean(measure.max_probability(trainer.outputs(far)))
    assert confidence["outlier_exposure", 8.0] < confidence["outlier_exposure", 0.0] - 0.08
    assert confidence["outlier_exposure", 0.0] < confidence["plain", 8.0]
