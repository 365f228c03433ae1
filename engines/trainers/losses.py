"""Losses, and the residuals Levenberg-Marquardt minimises the sum of squares of.

Every loss is written as a sum of squared residuals ``Σ r²`` up to a constant factor, so
Levenberg-Marquardt fits any of them (the square-root trick for cross-entropy):

========================  ===================================  ============================
loss                      residuals r                          loss value
========================  ===================================  ============================
``sse``                   ``ŷ − y`` (one per output)           ``Σ r²``
``mse``                   ``ŷ − y`` (one per output)           ``Σ r² / (N · outputs)``
``cross_entropy`` softmax ``√(−Σₖ yₖ log ŷₖ)`` (one per row)    ``Σ r² / N``
``cross_entropy`` sigmoid ``√(−y log ŷ − (1−y) log(1−ŷ))``     ``Σ r² / (N · outputs)``
========================  ===================================  ============================

The residuals are the *sum* form, so μ's meaning does not depend on the number of rows (as in
MATLAB's trainlm and torch-levenberg-marquardt). ``squared=True`` is NeuPy's LM as coded:
its residuals are ``(y − ŷ)²``, which makes the step Gauss-Newton on ``Σ e⁴``.

All functions take the network's logits (pre-activations of the output layer), so
cross-entropy is computed through ``log_softmax``/``logsigmoid`` without loss of precision.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

LOSSES = ("sse", "mse", "cross_entropy")
#: Smallest per-row cross-entropy whose square root is taken (√ has no slope at 0).
TINY_LOSS = 1e-30


def check_combination(loss: str, output: str) -> None:
    """Cross-entropy needs probabilities: a softmax or sigmoid output."""
    if loss == "cross_entropy" and output not in ("softmax", "sigmoid"):
        raise ValueError(
            f"cross_entropy needs a softmax or sigmoid output, got output {output!r}; "
            "use loss 'sse' or 'mse' for a linear output"
        )


def _cross_entropy_terms(output: str, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(N, 1) for softmax (one term per row) or (N, K) for sigmoid (one per output)."""
    if output == "softmax":
        return -(y * F.log_softmax(logits, dim=-1)).sum(dim=-1, keepdim=True)
    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits))


def _activate(output: str, logits: torch.Tensor) -> torch.Tensor:
    if output == "softmax":
        return torch.softmax(logits, dim=-1)
    if output == "sigmoid":
        return torch.sigmoid(logits)
    return logits


def residuals(
    loss: str, output: str, logits: torch.Tensor, y: torch.Tensor, *, squared: bool = False
) -> torch.Tensor:
    """Residuals (N, R) whose sum of squares is the loss up to its constant factor.

    ``squared`` returns NeuPy's ``r²`` instead of ``r``.
    """
    if loss == "cross_entropy":
        r = torch.sqrt(_cross_entropy_terms(output, logits, y).clamp_min(TINY_LOSS))
    else:
        r = _activate(output, logits) - y
    return r * r if squared else r


def loss_value(loss: str, output: str, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The loss (a 0-d tensor) of ``logits`` against targets ``y`` (N, K)."""
    return loss_and_outputs(loss, output, logits, y)[0]


def loss_and_outputs(
    loss: str, output: str, logits: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The loss and the activated outputs, the activation computed once."""
    if loss == "cross_entropy":
        if output == "softmax":
            log_p = F.log_softmax(logits, dim=-1)
            return -(y * log_p).sum(dim=-1).mean(), log_p.exp()
        terms = -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits))
        return terms.mean(), torch.sigmoid(logits)
    out = _activate(output, logits)
    e = out - y
    return ((e * e).sum() if loss == "sse" else (e * e).mean()), out


def reduction_size(loss: str, output: str, y: torch.Tensor) -> int:
    """How many terms a loss averages over for targets ``y``: 1 for the sum (sse), the rows
    for softmax cross-entropy, the elements otherwise (to combine the loss of chunks)."""
    if loss == "sse":
        return 1
    if loss == "cross_entropy" and output == "softmax":
        return int(y.shape[0])
    return int(y.numel())


def loss_from_residuals(loss: str, output: str, r: torch.Tensor, n_rows: int) -> float:
    """The loss from a flat residual vector made by :func:`residuals` (not squared)."""
    total = float(r.double().square().sum())
    if loss == "sse":
        return total
    if loss == "cross_entropy" and output == "softmax":
        return total / n_rows
    return total / r.numel()
