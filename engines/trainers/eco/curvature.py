"""The error curvature: the Laplacian of a network's error with respect to its **input**.

For one row ``(x, y)`` with error ``E(x) = loss(net(x), y)`` the curvature is

    C(x) = ∇²ₓ E = tr ∂²E/∂x²  (a sum over the D input dimensions).

:func:`laplacian` computes it for every row of a batch, as a tensor that keeps its graph to
the network's parameters (so ``∇θ C`` is one ``backward`` away):

``exact``
    The trace of the input Hessian, ``torch.func.hessian`` (forward-over-reverse) of the
    per-row error, vmapped over the batch: D Hessian columns per row, for low-dimensional
    inputs (two moons: D = 2).
``hutchinson``
    Hutchinson's estimator ``E_v[vᵀ H v]`` with Rademacher probes ``v`` (±1 entries):
    one Hessian-vector product per probe (``torch.func.jvp`` of the input gradient), the
    estimate the mean over ``probes``. Unbiased; its variance falls as 1/probes. For images
    (digits: D = 64).

The Laplacian of a piecewise-linear network (ReLU) is zero almost everywhere, so only smooth
activations (tanh, softplus, sigmoid) give it a value: :func:`check_smooth` refuses ReLU.
"""

from __future__ import annotations

import torch
from torch.func import functional_call, grad, hessian, jvp, vmap

from engines.errors import ParameterError
from engines.trainers import losses

#: Activations whose second derivative is not zero almost everywhere.
SMOOTH = ("tanh", "softplus", "sigmoid")
#: ``curvature='auto'`` computes the exact Laplacian up to this many inputs.
EXACT_MAX_INPUTS = 8


def check_smooth(activation: str) -> str:
    """``activation`` if the Laplacian of a network using it means something, else a
    :class:`ParameterError`."""
    if activation not in SMOOTH:
        raise ParameterError(
            f"activation {activation!r}: the Laplacian of the error with respect to the input "
            f"is zero almost everywhere with {activation} (a piecewise-linear network has no "
            f"curvature); use one of {', '.join(SMOOTH)}"
        )
    return activation


def resolved_curvature(curvature: str, n_inputs: int) -> str:
    """'exact' or 'hutchinson' for ``curvature`` ('auto', 'exact', 'hutchinson')."""
    if curvature == "auto":
        return "exact" if n_inputs <= EXACT_MAX_INPUTS else "hutchinson"
    return curvature


def row_error(network: torch.nn.Module, loss: str, output: str):
    """``e(params, x, y)``: the error of one row (x: (D,), y: (K,)) as a 0-d tensor."""

    def error(params, x, y):
        logits = functional_call(network, params, (x[None],))
        return losses.loss_value(loss, output, logits, y[None])

    return error


def _params(network: torch.nn.Module) -> dict[str, torch.Tensor]:
    return dict(network.named_parameters())


def exact_laplacian(network, x, y, *, loss: str, output: str) -> torch.Tensor:
    """(N,) trace of each row's input Hessian (differentiable in the parameters)."""
    error = row_error(network, loss, output)
    h = vmap(hessian(error, argnums=1), in_dims=(None, 0, 0))(_params(network), x, y)
    return h.diagonal(dim1=-2, dim2=-1).sum(-1)


def rademacher(shape, *, generator: torch.Generator, dtype=torch.float64) -> torch.Tensor:
    """Entries ±1 with probability ½ each."""
    bits = torch.randint(0, 2, shape, generator=generator)
    return (2 * bits - 1).to(dtype)


def hutchinson_samples(network, x, y, probes: torch.Tensor, *, loss: str, output: str):
    """(P, N) values ``vᵀ H v``, one per probe ``v = probes[p, n]`` (P, N, D) and row."""
    error = row_error(network, loss, output)
    params = _params(network)

    def quadratic(xi, yi, vi):
        gradient = lambda z: grad(error, argnums=1)(params, z, yi)  # noqa: E731
        _, hv = jvp(gradient, (xi,), (vi,))
        return (vi * hv).sum()

    per_row = vmap(quadratic, in_dims=(0, 0, 0))
    return vmap(per_row, in_dims=(None, None, 0))(x, y, probes)


def laplacian(network, x, y, *, loss: str, output: str, method: str = "exact",
              probes: int = 1, generator: torch.Generator | None = None):  # fmt: skip
    """The error curvature C of each row, (N,), by ``method`` ('exact' or 'hutchinson';
    ``probes`` Rademacher probes per row from ``generator``)."""
    if method == "exact":
        return exact_laplacian(network, x, y, loss=loss, output=output)
    if method != "hutchinson":
        raise ParameterError(f"curvature must be 'exact' or 'hutchinson', got {method!r}")
    generator = generator if generator is not None else torch.Generator().manual_seed(0)
    v = rademacher((probes, *x.shape), generator=generator, dtype=x.dtype)
    return hutchinson_samples(network, x, y, v, loss=loss, output=output).mean(0)


def input_gradients(network, x, y, *, loss: str, output: str) -> torch.Tensor:
    """(N, D) gradient of each row's error with respect to its input (double backprop's
    penalty is the mean of their squared norms)."""
    error = row_error(network, loss, output)
    return vmap(grad(error, argnums=1), in_dims=(None, 0, 0))(_params(network), x, y)
