"""The LevenbergMarquardt optimizer against NumPy references: steps (primal and dual forms,
Levenberg and Marquardt damping, chunked JᵀJ), trainlm's accept/reject sequence, NeuPy's μ
rule, the stops, state_dict and the solver's fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from engines.trainers.lm import LevenbergMarquardt, SampleResiduals
from tests.engines.trainers import naive

X = np.array([0.0, 0.3, 0.7, 1.1, 1.6, 2.0])
Y = 2.0 * np.exp(-0.8 * X) + 0.5 + np.array([0.01, -0.02, 0.015, 0.0, -0.01, 0.02])


class Exponential(torch.nn.Module):
    """y = a·exp(b·x) + c: three parameters, residuals with a known Jacobian."""

    def __init__(self, a=1.0, b=-0.2, c=0.0):
        super().__init__()
        self.a = torch.nn.Parameter(torch.tensor(a, dtype=torch.float64))
        self.b = torch.nn.Parameter(torch.tensor(b, dtype=torch.float64))
        self.c = torch.nn.Parameter(torch.tensor(c, dtype=torch.float64))

    def forward(self, x):
        return self.a * torch.exp(self.b * x) + self.c


def exponential_residual(theta, x=X, y=Y):
    a, b, c = theta
    return a * np.exp(b * x) + c - y


def exponential_jacobian(theta, x=X):
    a, b, _ = theta
    e = np.exp(b * x)
    return np.column_stack([e, a * x * e, np.ones_like(x)])


def theta_of(model):
    return np.array([float(p.detach()) for p in model.parameters()])


def closure_of(model, x=X, y=Y):
    xt, yt = torch.tensor(x), torch.tensor(y)
    return lambda: model(xt) - yt


@pytest.mark.parametrize("damping", ["levenberg", "marquardt"])
def test_one_step_is_the_numpy_lm_step(damping):
    model = Exponential()
    theta = theta_of(model)
    opt = LevenbergMarquardt(model.parameters(), mu=1e-2, damping=damping)
    opt.step(closure_of(model))
    assert opt.trials[0][2], "the first trial is accepted on this problem"
    jac, r = exponential_jacobian(theta), exponential_residual(theta)
    expected = theta + naive.lm_step(jac, r, 1e-2, marquardt=damping == "marquardt")
    np.testing.assert_allclose(theta_of(model), expected, rtol=1e-12, atol=1e-12)
    assert opt.mu == pytest.approx(1e-3)


@pytest.mark.parametrize("damping", ["levenberg", "marquardt"])
def test_dual_form_when_fewer_residuals_than_parameters(damping):
    """Two residuals, three parameters: δ = −Jᵀ(JJᵀ + μI)⁻¹r (scaled for Marquardt)."""
    x, y = X[:2], Y[:2]
    model = Exponential()
    theta = theta_of(model)
    opt = LevenbergMarquardt(model.parameters(), mu=0.5, damping=damping)
    eq = opt.normal_equations(closure_of(model, x, y))
    assert "J" in eq and "A" not in eq
    opt.step(closure_of(model, x, y))
    jac = exponential_jacobian(theta, x)
    r = exponential_residual(theta, x, y)
    expected = theta + naive.lm_step(jac, r, 0.5, marquardt=damping == "marquardt")
    np.testing.assert_allclose(theta_of(model), expected, rtol=1e-10, atol=1e-12)


def test_per_sample_jacobian_of_an_mlp_matches_central_differences():
    """SampleResiduals (vmap over jacrev) on a 2-3-2 sigmoid/softmax network, SSE."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 2))
    y = np.eye(2)[rng.integers(0, 2, 5)]
    net = torch.nn.Sequential(torch.nn.Linear(2, 3, dtype=torch.float64), torch.nn.Sigmoid(),
                              torch.nn.Linear(3, 2, dtype=torch.float64))  # fmt: skip
    theta = torch.cat([p.detach().reshape(-1) for p in net.parameters()]).numpy().copy()
    residual = lambda out, t: torch.softmax(out, -1) - t  # noqa: E731
    closure = SampleResiduals(net, torch.tensor(x), torch.tensor(y), residual)
    opt = LevenbergMarquardt(net.parameters(), mu=1e-3)
    blocks = list(closure.jacobian_blocks(opt.param_groups[0]["params"], max_rows=4))
    assert len(blocks) == 3  # 2 rows of 2 residuals per chunk, 5 rows
    jac = torch.cat([b for _, b in blocks]).numpy()
    reference = naive.numeric_jacobian(lambda t: naive.mlp_residuals(t, x, y, (2, 3, 2)), theta)
    np.testing.assert_allclose(jac, reference, atol=1e-8)
    r = torch.cat([r for r, _ in blocks]).numpy()
    np.testing.assert_allclose(r, naive.mlp_residuals(theta, x, y, (2, 3, 2)), atol=1e-14)
    opt.step(closure)
    accepted = next(t for t in opt.trials if t[2])[0]
    expected = theta + naive.lm_step(reference, r, accepted)
    got = torch.cat([p.detach().reshape(-1) for p in net.parameters()]).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-7)


def test_chunks_any_closure_and_per_sample_give_the_same_equations():
    """JᵀJ summed over chunks of any size, from SampleResiduals or from a plain closure
    (batched back-propagation), equals JᵀJ of the whole Jacobian."""
    rng = np.random.default_rng(1)
    x, y = torch.tensor(rng.normal(size=(40, 3))), torch.tensor(rng.normal(size=(40, 2)))
    net = torch.nn.Sequential(torch.nn.Linear(3, 4, dtype=torch.float64), torch.nn.Tanh(),
                              torch.nn.Linear(4, 2, dtype=torch.float64))  # fmt: skip
    residual = lambda out, t: out - t  # noqa: E731
    results = []
    for chunk_bytes, closure in [
        (10**9, SampleResiduals(net, x, y, residual)),
        (8 * 26 * 7, SampleResiduals(net, x, y, residual)),  # 7 rows of 26 parameters
        (8 * 26 * 5, lambda: residual(net(x), y).reshape(-1)),
        (10**9, SampleResiduals(net, x, y, residual, mode="fwd")),
    ]:
        opt = LevenbergMarquardt(net.parameters(), chunk_bytes=chunk_bytes)
        eq = opt.normal_equations(closure)
        results.append((eq["A"].numpy(), eq["g"].numpy(), eq["r"].numpy()))
    for a, g, r in results[1:]:
        np.testing.assert_allclose(a, results[0][0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(g, results[0][1], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(r, results[0][2], rtol=1e-13, atol=1e-15)


class Rosenbrock(torch.nn.Module):
    """Residuals (10(y − x²), 1 − x): from (−1.2, 1) small μ overshoots, so trainlm must
    reject steps and raise μ."""

    def __init__(self):
        super().__init__()
        self.x = torch.nn.Parameter(torch.tensor(-1.2, dtype=torch.float64))
        self.y = torch.nn.Parameter(torch.tensor(1.0, dtype=torch.float64))

    def forward(self):
        return torch.stack([10 * (self.y - self.x**2), 1 - self.x])


def rosenbrock(theta):
    return np.array([10 * (theta[1] - theta[0] ** 2), 1 - theta[0]])


def rosenbrock_jacobian(theta):
    return np.array([[-20 * theta[0], 10.0], [-1.0, 0.0]])


def test_trainlm_accept_reject_sequence_matches_the_reference():
    model = Rosenbrock()
    opt = LevenbergMarquardt(model.parameters(), mu=1e-3)
    theta, mu = np.array([-1.2, 1.0]), 1e-3
    rejected = 0
    for _ in range(12):
        opt.step(model)
        theta, mu, trials = naive.trainlm_iteration(rosenbrock, theta, mu,
                                                    jacobian=rosenbrock_jacobian)  # fmt: skip
        assert [a for _, _, a in opt.trials] == [a for _, _, a in trials]
        np.testing.assert_allclose([m for m, _, _ in opt.trials], [m for m, _, _ in trials])
        np.testing.assert_allclose([t[1] for t in opt.trials], [t[1] for t in trials], rtol=1e-9)
        np.testing.assert_allclose(theta_of(model), theta, rtol=1e-9, atol=1e-12)
        assert opt.mu == pytest.approx(mu)
        rejected += sum(not a for _, _, a in trials)
    assert rejected >= 2, "the sequence must include rejected steps to test anything"
    # Each rejection multiplies μ by 10, each acceptance by 0.1.
    assert opt.state[model.x]["n_iter"] == 12


def test_mu_above_mu_max_stops_and_leaves_the_parameters():
    model = Rosenbrock()
    opt = LevenbergMarquardt(model.parameters(), mu=1e-3, mu_max=1e-2)
    opt.step(model)
    assert [a for _, _, a in opt.trials] == [False, False]
    assert opt.stop == "mu_max"
    assert opt.mu == pytest.approx(1e-1)
    np.testing.assert_array_equal(theta_of(model), [-1.2, 1.0])


def test_min_grad_stops_at_a_minimum():
    """A linear least-squares problem is solved in one step; the next finds no gradient."""
    x = torch.tensor(X)
    line = torch.nn.Linear(1, 1, dtype=torch.float64)
    closure = lambda: line(x[:, None])[:, 0] - torch.tensor(Y)  # noqa: E731
    opt = LevenbergMarquardt(line.parameters(), mu=1e-12, min_grad=1e-9)
    opt.step(closure)
    assert opt.stop == ""
    opt.step(closure)
    assert opt.stop == "min_grad" and opt.trials == []
    coef = np.polyfit(X, Y, 1)
    np.testing.assert_allclose([float(line.weight), float(line.bias)], coef, rtol=1e-9)


def test_neupy_rule_divides_first_then_follows_the_error():
    model = Exponential()
    opt = LevenbergMarquardt(model.parameters(), mu=0.01, mu_increase=1.2, mu_decrease=1 / 1.2,
                             rule="neupy")  # fmt: skip
    closure = closure_of(model)
    mu, last = 0.01, math.nan
    for _ in range(6):
        theta = theta_of(model)
        r = exponential_residual(theta)
        loss = float(r @ r)
        mu = mu * 1.2 if last < loss else mu / 1.2
        opt.step(closure)
        assert opt.mu == pytest.approx(mu)
        expected = theta + naive.lm_step(exponential_jacobian(theta), r, mu)
        np.testing.assert_allclose(theta_of(model), expected, rtol=1e-10, atol=1e-12)
        last = loss


def test_state_dict_resumes_the_same_run():
    a, b = Rosenbrock(), Rosenbrock()
    opt_a = LevenbergMarquardt(a.parameters(), mu=1e-3)
    for _ in range(4):
        opt_a.step(a)
    b.load_state_dict(a.state_dict())
    opt_b = LevenbergMarquardt(b.parameters(), mu=123.0)
    opt_b.load_state_dict(opt_a.state_dict())
    assert opt_b.mu == opt_a.mu and opt_b.state[b.x]["n_iter"] == 4
    opt_a.step(a)
    opt_b.step(b)
    np.testing.assert_array_equal(theta_of(a), theta_of(b))


def test_a_failed_cholesky_falls_back_to_least_squares():
    opt = LevenbergMarquardt([torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))])
    indefinite = torch.tensor([[1.0, 2.0], [2.0, 1.0]], dtype=torch.float64)
    rhs = torch.tensor([1.0, 0.0], dtype=torch.float64)
    x = opt._cholesky_or_lstsq(indefinite.clone, rhs)
    np.testing.assert_allclose(indefinite.numpy() @ x.numpy(), rhs.numpy(), atol=1e-12)
    assert opt.state[opt.param_groups[0]["params"][0]]["fallbacks"] == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"mu": 0.0}, "Invalid mu"), ({"mu_increase": 1.0}, "Invalid mu_increase"),
     ({"rule": "fast"}, "Invalid rule"), ({"damping": "none"}, "Invalid damping")],
)  # fmt: skip
def test_bad_arguments_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LevenbergMarquardt([torch.nn.Parameter(torch.zeros(1))], **kwargs)
