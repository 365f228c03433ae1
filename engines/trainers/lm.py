"""Levenberg-Marquardt as a ``torch.optim.Optimizer``.

Like :class:`torch.optim.LBFGS`, :meth:`LevenbergMarquardt.step` takes a closure; here the
closure returns the **residual vector** ``r`` (any shape, flattened), and one call is one LM
iteration minimising ``Σ r²``:

1. The Jacobian ``J = ∂r/∂θ`` is built in chunks of rows, at most ``chunk_bytes`` each.
   A :class:`SampleResiduals` closure computes each chunk per sample with ``torch.func``
   (``vmap`` over ``jacrev`` or ``jacfwd`` of one row's residuals); any other closure gets
   rows by batched back-propagation through its graph (``autograd.grad`` with
   ``is_grads_batched``), which costs a backward pass over the whole batch per chunk.
2. With at least as many residuals as parameters, ``A = JᵀJ`` and ``g = Jᵀr`` are summed
   chunk by chunk, so memory is bounded by ``A`` (P × P) and one chunk, never J whole. With
   fewer residuals than parameters the dual form is used: ``δ = −Jᵀ(JJᵀ + μI)⁻¹ r`` with J
   whole (N × P, smaller than P × P).
3. The damped system ``(A + μD) δ = −g``, ``D = I`` (Levenberg) or ``diag(A)`` (Marquardt),
   is solved by Cholesky; when the factorisation fails (or gives a non-finite step) a
   least-squares solve (SVD based) takes over and ``state['fallbacks']`` counts it.
4. The μ rule:

   ``trainlm`` (MATLAB's, the default)
       Try ``θ + δ``; if ``Σ r²`` went down, keep it and multiply μ by ``mu_decrease``
       (not below ``mu_min``); otherwise undo it, multiply μ by ``mu_increase`` and solve
       again, until a step is kept or μ exceeds ``mu_max`` (then ``state['stop']`` is
       ``'mu_max'`` and θ is unchanged).
   ``neupy`` (NeuPy's)
       Before the step, μ×``mu_increase`` if ``Σ r²`` rose since the previous iteration,
       else μ×``mu_decrease`` (also on the first iteration); the step is always taken.

   A gradient ``‖2Jᵀr‖`` at most ``min_grad`` takes no step (``state['stop'] = 'min_grad'``).

``state_dict()``/``load_state_dict()`` carry μ and the counters, so a run resumes where it
stopped. ``state['trials']`` lists ``(μ, Σr² after the trial, accepted)`` for the last
iteration; ``state['timings']`` sums the seconds spent in the Jacobian, in forming JᵀJ, in
the solves and in trial evaluations.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import torch
from torch.func import functional_call, jacfwd, jacrev, vmap

RULES = ("trainlm", "neupy")
DAMPINGS = ("levenberg", "marquardt")
#: Default memory for one chunk of Jacobian rows.
CHUNK_BYTES = 32 * 2**20
#: Smallest diagonal entry of Marquardt's D (a parameter no residual depends on).
MIN_DIAGONAL = 1e-12
TIMING_KEYS = ("jacobian", "normal", "solve", "evaluate")

Blocks = Iterator[tuple[torch.Tensor, torch.Tensor]]


class SampleResiduals:
    """A closure for :meth:`LevenbergMarquardt.step` with per-sample Jacobians.

    Calling it returns the residual vector of ``model`` on ``(x, y)``: row ``i`` gives
    ``residual(model(x[i:i+1]), y[i:i+1])`` flattened, and the rows follow each other.
    :meth:`jacobian_blocks` gives the same residuals with their Jacobian rows, computed with
    ``vmap`` over ``jacrev`` (or ``jacfwd``) of one row's residuals.

    Parameters
    ----------
    model : torch.nn.Module
    x, y : tensors whose first dimension is the row
    residual : callable
        ``residual(model_output, y) -> (rows, R)`` residuals of a batch of rows.
    mode : {'rev', 'fwd'}
        Reverse mode suits few residuals per row (the usual case), forward mode few
        parameters.
    max_rows : int, optional
        Rows per forward pass when the closure is called (bounds the activations' memory);
        all at once by default.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        x: torch.Tensor,
        y: torch.Tensor,
        residual: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        *,
        mode: str = "rev",
        max_rows: int | None = None,
    ):
        if mode not in ("rev", "fwd"):
            raise ValueError(f"mode must be 'rev' or 'fwd', got {mode!r}")
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"x has {x.shape[0]} rows but y {y.shape[0]}")
        self.model, self.x, self.y, self.residual, self.mode = model, x, y, residual, mode
        self._names = {id(p): name for name, p in model.named_parameters()}
        self._per_row: int | None = None
        self.max_rows = max_rows

    def __call__(self) -> torch.Tensor:
        n, rows = self.x.shape[0], self.max_rows
        if rows is None or rows >= n:
            return self.residual(self.model(self.x), self.y).reshape(-1)
        parts = [self.residual(self.model(self.x[s : s + rows]), self.y[s : s + rows])
                 for s in range(0, n, rows)]  # fmt: skip
        return torch.cat([p.reshape(-1) for p in parts])

    def per_row(self) -> int:
        """Residuals each row gives."""
        if self._per_row is None:
            with torch.no_grad():
                self._per_row = self.residual(self.model(self.x[:1]), self.y[:1]).numel()
        return self._per_row

    def n_residuals(self) -> int:
        return self.x.shape[0] * self.per_row()

    def jacobian_blocks(self, params: list[torch.Tensor], max_rows: int) -> Blocks:
        """``(r_chunk, J_chunk)`` pairs covering every residual in order; ``J_chunk`` has a
        column per element of ``params`` (in their order) and at most ``max_rows`` rows
        (at least one sample's)."""
        try:
            names = [self._names[id(p)] for p in params]
        except KeyError:
            raise ValueError("the optimizer holds a parameter the model does not have") from None
        own = dict(zip(names, params, strict=True))
        fixed = {n: p for n, p in self.model.named_parameters() if n not in own}
        fixed.update(dict(self.model.named_buffers()))
        model, residual = self.model, self.residual

        def one_row(theta: dict[str, torch.Tensor], xi: torch.Tensor, yi: torch.Tensor):
            out = functional_call(model, {**fixed, **theta}, (xi.unsqueeze(0),))
            r = residual(out, yi.unsqueeze(0)).reshape(-1)
            return r, r

        transform = jacrev if self.mode == "rev" else jacfwd
        per_row = vmap(transform(one_row, has_aux=True), in_dims=(None, 0, 0))
        theta = {n: p.detach() for n, p in own.items()}
        step = max(1, max_rows // max(self.per_row(), 1))
        for start in range(0, self.x.shape[0], step):
            jac, r = per_row(theta, self.x[start : start + step], self.y[start : start + step])
            rows = r.numel()
            block = torch.cat([jac[n].reshape(rows, -1) for n in names], dim=1)
            yield r.reshape(-1), block


def _autograd_blocks(r: torch.Tensor, params: list[torch.Tensor], max_rows: int) -> Blocks:
    """Jacobian rows of residuals ``r`` (flat, with their graph) by batched
    back-propagation through the graph."""
    if not r.requires_grad:
        raise ValueError("the closure's residuals do not depend on the parameters")
    n = r.numel()
    for start in range(0, n, max_rows):
        stop = min(n, start + max_rows)
        seeds = torch.zeros(stop - start, n, dtype=r.dtype)
        seeds[torch.arange(stop - start), torch.arange(start, stop)] = 1
        grads = torch.autograd.grad(r, params, grad_outputs=seeds, is_grads_batched=True,
                                    retain_graph=stop < n, allow_unused=True)  # fmt: skip
        cols = [
            torch.zeros(stop - start, p.numel(), dtype=r.dtype) if g is None
            else g.reshape(stop - start, -1)
            for g, p in zip(grads, params, strict=True)
        ]  # fmt: skip
        yield r[start:stop].detach(), torch.cat(cols, dim=1)


class LevenbergMarquardt(torch.optim.Optimizer):
    """Levenberg-Marquardt over a closure returning the residual vector (see the module
    docstring for the algorithm).

    Parameters
    ----------
    params : iterable of tensors
        One parameter group (as LBFGS).
    mu : float
        Damping to start with (trainlm: 1e-3; NeuPy: 0.01).
    mu_increase, mu_decrease : float
        μ factors after a failed and a successful step (trainlm: 10 and 0.1; NeuPy: 1.2
        and 1/1.2).
    mu_min, mu_max : float
        μ never goes below ``mu_min``; above ``mu_max`` the optimisation stops.
    rule : {'trainlm', 'neupy'}
    damping : {'levenberg', 'marquardt'}
    min_grad : float
        No step when ``‖2Jᵀr‖`` is at most this.
    chunk_bytes : int
        Memory for one chunk of Jacobian rows.

    Examples
    --------
    >>> opt = LevenbergMarquardt(model.parameters())
    >>> closure = SampleResiduals(model, x, y, lambda out, t: out - t)
    >>> for _ in range(50):
    ...     opt.step(closure)
    """

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        mu: float = 1e-3,
        *,
        mu_increase: float = 10.0,
        mu_decrease: float = 0.1,
        mu_min: float = 1e-20,
        mu_max: float = 1e10,
        rule: str = "trainlm",
        damping: str = "levenberg",
        min_grad: float = 0.0,
        chunk_bytes: int = CHUNK_BYTES,
    ):
        if not (mu > 0 and math.isfinite(mu)):
            raise ValueError(f"Invalid mu: {mu}")
        if not mu_increase > 1:
            raise ValueError(f"Invalid mu_increase: {mu_increase} (must be > 1)")
        if not 0 < mu_decrease < 1:
            raise ValueError(f"Invalid mu_decrease: {mu_decrease} (must be in (0, 1))")
        if not 0 < mu_min <= mu <= mu_max:
            raise ValueError(f"Invalid mu limits: need 0 < mu_min <= mu <= mu_max, got "
                             f"{mu_min}, {mu}, {mu_max}")  # fmt: skip
        if rule not in RULES:
            raise ValueError(f"Invalid rule: {rule!r} (choose from {', '.join(RULES)})")
        if damping not in DAMPINGS:
            raise ValueError(f"Invalid damping: {damping!r} (choose from {', '.join(DAMPINGS)})")
        if min_grad < 0:
            raise ValueError(f"Invalid min_grad: {min_grad}")
        if chunk_bytes < 1:
            raise ValueError(f"Invalid chunk_bytes: {chunk_bytes}")
        defaults = dict(mu=mu, mu_increase=mu_increase, mu_decrease=mu_decrease, mu_min=mu_min,
                        mu_max=mu_max, rule=rule, damping=damping, min_grad=min_grad,
                        chunk_bytes=chunk_bytes)  # fmt: skip
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LevenbergMarquardt doesn't support per-parameter options "
                             "(parameter groups)")  # fmt: skip
        self._params: list[torch.Tensor] = self.param_groups[0]["params"]

    # ------------------------------------------------------------------ state
    @property
    def _state(self) -> dict[str, Any]:
        state = self.state[self._params[0]]
        if "mu" not in state:
            state.update(mu=float(self.param_groups[0]["mu"]), n_iter=0, evaluations=0,
                         fallbacks=0, stop="", loss=math.nan, last_loss=math.nan,
                         grad_norm=math.nan, trials=[],
                         timings=dict.fromkeys(TIMING_KEYS, 0.0))  # fmt: skip
        return state

    @property
    def mu(self) -> float:
        """The damping μ the next iteration starts with."""
        return float(self._state["mu"])

    @property
    def stop(self) -> str:
        """'' while the optimisation can go on; 'mu_max' or 'min_grad' once it cannot."""
        return str(self._state["stop"])

    @property
    def trials(self) -> list[tuple[float, float, bool]]:
        """``(μ, Σr² after the trial, accepted)`` of each solve in the last iteration."""
        return list(self._state["trials"])

    @property
    def timings(self) -> dict[str, float]:
        """Seconds spent so far in the Jacobian, JᵀJ, the solves and trial evaluations."""
        return dict(self._state["timings"])

    def _n_parameters(self) -> int:
        return sum(p.numel() for p in self._params)

    # ------------------------------------------------------------------ linear algebra
    def normal_equations(self, closure: Callable[[], torch.Tensor]) -> dict[str, torch.Tensor]:
        """The residuals and, per the problem's shape, ``A = JᵀJ`` and ``g = Jᵀr`` (primal)
        or ``J`` (dual, fewer residuals than parameters)."""
        state, group = self._state, self.param_groups[0]
        timings = state["timings"]
        n_params = self._n_parameters()
        itemsize = self._params[0].element_size()
        max_rows = max(1, int(group["chunk_bytes"]) // (n_params * itemsize))
        if hasattr(closure, "jacobian_blocks"):
            n_residuals = closure.n_residuals()
            blocks = closure.jacobian_blocks(self._params, max_rows)
        else:
            with torch.enable_grad():
                graph = closure().reshape(-1)
            n_residuals = graph.numel()
            blocks = _autograd_blocks(graph, self._params, max_rows)
        dual = n_residuals < n_params
        dtype = self._params[0].dtype
        residual_parts: list[torch.Tensor] = []
        jacobian_parts: list[torch.Tensor] = []
        if not dual:
            a = torch.zeros(n_params, n_params, dtype=dtype)
            g = torch.zeros(n_params, dtype=dtype)
        t0 = time.perf_counter()
        for r_chunk, j_chunk in blocks:
            t1 = time.perf_counter()
            timings["jacobian"] += t1 - t0
            residual_parts.append(r_chunk)
            if dual:
                jacobian_parts.append(j_chunk)
            else:
                a.addmm_(j_chunk.T, j_chunk)
                g.addmv_(j_chunk.T, r_chunk)
            t0 = time.perf_counter()
            timings["normal"] += t0 - t1
        r = torch.cat(residual_parts)
        if dual:
            j = torch.cat(jacobian_parts)
            return {"r": r, "J": j, "g": j.T @ r}
        return {"r": r, "A": a, "g": g}

    def _solve(self, eq: dict[str, torch.Tensor], mu: float) -> torch.Tensor:
        """The step δ solving ``(JᵀJ + μD) δ = −Jᵀr``."""
        state, marquardt = self._state, self.param_groups[0]["damping"] == "marquardt"
        t0 = time.perf_counter()
        try:
            if "A" in eq:
                a = eq["A"]
                d = a.diagonal().clamp_min(MIN_DIAGONAL) if marquardt else None
                if "work" not in eq:  # one P × P buffer for every trial of the iteration
                    eq["work"] = torch.empty_like(a)
                work = eq["work"]

                def damped() -> torch.Tensor:
                    work.copy_(a)
                    work.diagonal().add_(mu * d if d is not None else mu)
                    return work

                return self._cholesky_or_lstsq(damped, -eq["g"])
            j, r = eq["J"], eq["r"]
            if marquardt:
                d = j.square().sum(dim=0).clamp_min(MIN_DIAGONAL)
                scale = d.rsqrt()
                js = j * scale
            else:
                scale, js = None, j
            kernel = js @ js.T

            def damped() -> torch.Tensor:
                k = kernel.clone()
                k.diagonal().add_(mu)
                return k

            z = self._cholesky_or_lstsq(damped, r)
            step = -(js.T @ z)
            return step * scale if scale is not None else step
        finally:
            state["timings"]["solve"] += time.perf_counter() - t0

    def _cholesky_or_lstsq(self, damped: Callable[[], torch.Tensor],
                           rhs: torch.Tensor) -> torch.Tensor:  # fmt: skip
        """Solve ``damped() x = rhs`` by Cholesky, factoring the matrix in place (LAPACK
        through scipy: no second P × P copy); if that fails, by least squares on a fresh
        ``damped()``."""
        from scipy.linalg import LinAlgError, cho_factor, cho_solve

        matrix = damped()
        # The matrix is symmetric: its transpose is the same matrix in Fortran order, which
        # LAPACK factors where it lies.
        values = matrix.numpy().T
        try:
            factor = cho_factor(values, lower=True, overwrite_a=True, check_finite=False)
            x = torch.from_numpy(cho_solve(factor, rhs.numpy(), check_finite=False))
            if bool(torch.isfinite(x).all()):
                return x
        except (LinAlgError, ValueError):
            pass
        self._state["fallbacks"] += 1
        matrix = damped()
        return torch.linalg.lstsq(matrix, rhs.unsqueeze(1), driver="gelsd").solution.squeeze(1)

    # ------------------------------------------------------------------ parameters
    def _add(self, step: torch.Tensor) -> None:
        at = 0
        for p in self._params:
            n = p.numel()
            p.add_(step[at : at + n].view_as(p))
            at += n

    def _evaluate(self, closure: Callable[[], torch.Tensor]) -> float:
        t0 = time.perf_counter()
        r = closure()
        self._state["evaluations"] += 1
        self._state["timings"]["evaluate"] += time.perf_counter() - t0
        value = float(r.double().square().sum())
        return value if math.isfinite(value) else math.inf

    # ------------------------------------------------------------------ the iteration
    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor]) -> torch.Tensor:  # type: ignore[override]
        """One LM iteration. ``closure()`` returns the residual vector at the current
        parameters (it is called several times). Returns ``Σ r²`` before the iteration;
        ``Σ r²`` after it is ``state['loss']`` (NaN under the NeuPy rule, which does not
        evaluate it)."""
        if closure is None:
            raise ValueError("LevenbergMarquardt needs a closure returning the residual vector")
        state, group = self._state, self.param_groups[0]
        state["trials"] = []
        eq = self.normal_equations(closure)
        loss0 = float(eq["r"].double().square().sum())
        state["evaluations"] += 1
        state["grad_norm"] = grad_norm = 2.0 * float(eq["g"].double().norm())
        state["n_iter"] += 1
        if not math.isfinite(loss0):
            raise FloatingPointError("the residuals are not finite (NaN or infinite)")
        if grad_norm <= group["min_grad"]:
            state["stop"], state["loss"] = "min_grad", loss0
            return torch.tensor(loss0)
        mu = float(state["mu"])
        if group["rule"] == "neupy":
            rose = state["last_loss"] < loss0  # False on the first iteration (NaN)
            mu *= group["mu_increase"] if rose else group["mu_decrease"]
            step = self._solve(eq, mu)
            if bool(torch.isfinite(step).all()):
                self._add(step)
            state.update(mu=mu, last_loss=loss0, loss=math.nan)
            state["trials"].append((mu, math.nan, True))
            return torch.tensor(loss0)
        saved = [p.clone() for p in self._params]
        loss1 = loss0
        accepted = False
        while mu <= group["mu_max"]:
            step = self._solve(eq, mu)
            if bool(torch.isfinite(step).all()):
                self._add(step)
                loss1 = self._evaluate(closure)
                if loss1 < loss0:
                    accepted = True
                    state["trials"].append((mu, loss1, True))
                    mu = max(mu * group["mu_decrease"], group["mu_min"])
                    break
                for p, p0 in zip(self._params, saved, strict=True):
                    p.copy_(p0)
                state["trials"].append((mu, loss1, False))
            else:
                state["trials"].append((mu, math.inf, False))
            mu *= group["mu_increase"]
        state["mu"] = mu
        state["loss"] = loss1 if accepted else loss0
        if not accepted:
            state["stop"] = "mu_max"
        return torch.tensor(loss0)
