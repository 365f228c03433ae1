"""Plain NumPy references for the trainer tests: Levenberg-Marquardt steps from a Jacobian
found by central differences, and MATLAB trainlm's μ rule written out."""

from __future__ import annotations

import itertools

import numpy as np


def numeric_jacobian(residual, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂r/∂θ by central differences (float64)."""
    r0 = residual(theta)
    jac = np.empty((r0.size, theta.size))
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = h
        jac[:, j] = (residual(theta + step) - residual(theta - step)) / (2 * h)
    return jac


def lm_step(jac: np.ndarray, r: np.ndarray, mu: float, *, marquardt: bool = False) -> np.ndarray:
    """δ = −(JᵀJ + μD)⁻¹ Jᵀr with D = I or diag(JᵀJ)."""
    a = jac.T @ jac
    d = np.diag(np.diag(a)) if marquardt else np.eye(a.shape[0])
    return -np.linalg.solve(a + mu * d, jac.T @ r)


def trainlm_iteration(residual, theta, mu, *, jacobian=None, inc=10.0, dec=0.1, mu_max=1e10):
    """One trainlm iteration: (new θ, new μ, [(μ, Σr² after, accepted), ...])."""
    r = residual(theta)
    jac = numeric_jacobian(residual, theta) if jacobian is None else jacobian(theta)
    loss0 = float(r @ r)
    trials = []
    while mu <= mu_max:
        candidate = theta + lm_step(jac, r, mu)
        r1 = residual(candidate)
        loss1 = float(r1 @ r1)
        if loss1 < loss0:
            trials.append((mu, loss1, True))
            return candidate, max(mu * dec, 1e-20), trials
        trials.append((mu, loss1, False))
        mu *= inc
    return theta, mu, trials


def mlp_residuals(theta, x, y, sizes, activation="sigmoid", output="softmax"):
    """SSE residuals (softmax(z) − y) of an MLP whose flat θ follows torch's order."""
    h = x
    at = 0
    layers = list(itertools.pairwise(sizes))
    for i, (a, b) in enumerate(layers):
        w = theta[at : at + a * b].reshape(b, a)
        at += a * b
        c = theta[at : at + b]
        at += b
        z = h @ w.T + c
        if i < len(layers) - 1:
            h = 1 / (1 + np.exp(-z)) if activation == "sigmoid" else np.tanh(z)
        elif output == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            h = e / e.sum(axis=1, keepdims=True)
        else:
            h = z
    return (h - y).reshape(-1)
