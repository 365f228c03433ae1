"""Speed, memory and fidelity of the trainers (run by hand, not a test).

    .venv/bin/python benchmarks/bench_trainers.py [--seeds 10] [--threads 1]
                                                  [--skip-speed] [--memory] [--fidelity]

Needs the ``bench`` extra (``pip install -e '.[bench]'``: torch-levenberg-marquardt and the
``boston`` package that ships the Boston house prices CSV); the product needs neither.

Speed (default): the spirals article's 2-25-2 network from the same initial weights
(uniform ±0.1, seeds 1..N) on the raw inputs, trained until the validation accuracy reaches
95 % (at most 2,000 iterations), by

1. Gasworks' Trainer (LevenbergMarquardt optimizer, trainlm's μ rule, no validation stop);
2. a plain torch trainlm loop written here (full per-sample Jacobian with vmap over jacrev,
   JᵀJ, Cholesky, the same μ rule): the reference the others are divided by;
3. torch-levenberg-marquardt's LevenbergMarquardtModule with its defaults (μ 1e-3, ×0.1 and
   ×10, QR solves, JᵀJ scaled by 1/batch);
4. scipy's ``least_squares(method="lm")`` with an analytic NumPy Jacobian and with its
   finite differences (the article's call), stopped through its residual function once the
   validation accuracy of an improving point reaches 95 % (or after ``--scipy-budget``
   seconds).

Each prints seconds per seed, iterations and the ratios; then the per-iteration breakdown
of Gasworks' LM (Jacobian, JᵀJ, solve, trial evaluations, measuring) on the spirals and on
the digits (64-30-10).

``--memory``: peak resident memory of one LM iteration, each in a fresh process: the digits
(1,797 × 64, a 64-30-10 network) and a 100,000-row regression with 4,801 parameters
(10-400-1), whose Jacobian alone would take 3.6 GiB in float64.

``--fidelity``: the article's comparison over the seeds (LM with and without trainlm's
validation stop, LM on the scaled inputs, scipy's finite-difference LM run to the end as in
the article, Adam with the article's early stopping, Adam on the raw and scaled inputs
without it), the Boston tutorial (Boston CSV from the ``boston`` package) and the diabetes
regression with NeuPy's LM as coded and with the correct residual, and the digits with the
MNIST tutorial's Nesterov momentum.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engines.core import run  # noqa: E402
from engines.trainers.datasets import assemble, fit_scaling, load_dataset, rmsle  # noqa: E402
from engines.trainers.engine import Trainer  # noqa: E402
from engines.trainers.network import numpy_predict  # noqa: E402
from engines.trainers.params import DataSettings, TrainerParams  # noqa: E402

SOLVED = 0.95
MAX_ITERATIONS = 2000
TARGET_RATIO = 0.8
SPIRALS_LM = TrainerParams(method="lm", max_fail=0, epochs=MAX_ITERATIONS, loss="sse",
                           output="softmax", data=DataSettings(scaling="none"))  # fmt: skip


# --------------------------------------------------------------------------- the contenders
def gasworks_lm(data, seed):
    """(seconds, iterations, solved) of the Trainer until 95 % validation accuracy."""
    trainer = Trainer(SPIRALS_LM, data, seed=seed)
    t0 = time.perf_counter()
    while not trainer.done:
        trainer.step(1)
        if trainer.metrics["val_accuracy"] >= SOLVED:
            return time.perf_counter() - t0, trainer.iteration, True
    return time.perf_counter() - t0, trainer.iteration, False


def _flat_mlp(trainer):
    """The trainer's network as a function of one flat parameter vector (torch order)."""
    from torch.func import functional_call

    net = trainer.network
    names = [n for n, _ in net.named_parameters()]
    shapes = [p.shape for p in net.parameters()]
    sizes = [p.numel() for p in net.parameters()]
    flat = torch.cat([p.detach().reshape(-1) for p in net.parameters()]).clone()

    def forward(theta, x):
        params = {n: t.view(s) for n, t, s in zip(names, torch.split(theta, sizes), shapes,
                                                  strict=True)}  # fmt: skip
        return functional_call(net, params, (x,))

    return flat, forward


def plain_torch_lm(data, seed):
    """A plain trainlm loop: full per-sample Jacobian, JᵀJ, Cholesky, μ ×0.1 / ×10."""
    from torch.func import jacrev, vmap

    trainer = Trainer(SPIRALS_LM, data, seed=seed)
    theta, forward = _flat_mlp(trainer)
    x, y = trainer._xt, trainer._yt
    xv, cv = trainer._xv, torch.as_tensor(data.target_val)

    def residual_one(t, xi, yi):
        return torch.softmax(forward(t, xi[None]), -1)[0] - yi

    jac_fn = vmap(jacrev(residual_one), in_dims=(None, 0, 0))
    mu = 1e-3
    t0 = time.perf_counter()
    for it in range(1, MAX_ITERATIONS + 1):
        with torch.no_grad():
            r = (torch.softmax(forward(theta, x), -1) - y).reshape(-1)
        jac = jac_fn(theta, x, y).reshape(r.numel(), -1)
        a, g = jac.T @ jac, jac.T @ r
        loss = float(r @ r)
        while mu <= 1e10:
            damped = a + mu * torch.eye(a.shape[0], dtype=a.dtype)
            step = torch.cholesky_solve(-g[:, None], torch.linalg.cholesky(damped))[:, 0]
            with torch.no_grad():
                r1 = (torch.softmax(forward(theta + step, x), -1) - y).reshape(-1)
            if float(r1 @ r1) < loss:
                theta, mu = theta + step, max(mu * 0.1, 1e-20)
                break
            mu *= 10
        with torch.no_grad():
            acc = float((forward(theta, xv).argmax(1) == cv).double().mean())
        if acc >= SOLVED:
            return time.perf_counter() - t0, it, True
        if mu > 1e10:
            break
    return time.perf_counter() - t0, it, False


def tlm_lm(data, seed):
    """torch-levenberg-marquardt with its defaults, on the same network and weights."""
    import torch_levenberg_marquardt as tlm

    class SoftmaxSSE(tlm.loss.Loss):
        def forward(self, y_true, y_pred):
            return (torch.softmax(y_pred, -1) - y_true).square().sum()

        def residuals(self, y_true, y_pred):
            return torch.softmax(y_pred, -1) - y_true

    trainer = Trainer(SPIRALS_LM, data, seed=seed)
    net = copy.deepcopy(trainer.network)
    module = tlm.training.LevenbergMarquardtModule(model=net, loss_fn=SoftmaxSSE())
    x, y, xv = trainer._xt, trainer._yt, trainer._xv
    cv = torch.as_tensor(data.target_val)
    t0 = time.perf_counter()
    for it in range(1, MAX_ITERATIONS + 1):
        _, _, stop, _ = module.training_step(x, y)
        with torch.no_grad():
            acc = float((net(xv).argmax(1) == cv).double().mean())
        if acc >= SOLVED:
            return time.perf_counter() - t0, it, True
        if stop:
            break
    return time.perf_counter() - t0, it, False


def _numpy_mlp(data):
    x, y = data.x_train, data.y_train

    def unpack(theta):
        w1 = theta[:50].reshape(25, 2)
        b1 = theta[50:75]
        w2 = theta[75:125].reshape(2, 25)
        return w1, b1, w2, theta[125:127]

    def forward(theta, inputs):
        w1, b1, w2, b2 = unpack(theta)
        h = 1 / (1 + np.exp(-(inputs @ w1.T + b1)))
        z = h @ w2.T + b2
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return h, e / e.sum(axis=1, keepdims=True)

    def residual(theta):
        return (forward(theta, x)[1] - y).reshape(-1)

    def jacobian(theta):
        """Analytic ∂(softmax − y)/∂θ, rows (sample, output), columns in torch order."""
        w2 = unpack(theta)[2]
        h, p = forward(theta, x)
        n = x.shape[0]
        s = p[:, :, None] * (np.eye(2)[None] - p[:, None, :])  # ∂p_k/∂z_j (N, K, K)
        a = (s @ w2) * (h * (1 - h))[:, None, :]  # ∂p_k/∂(hidden pre-activation) (N, K, H)
        j_w1 = (a[..., None] * x[:, None, None, :]).reshape(n, 2, 50)
        j_w2 = (s[..., None] * h[:, None, None, :]).reshape(n, 2, 50)
        return np.concatenate([j_w1, a, j_w2, s], axis=2).reshape(2 * n, 127)

    return forward, residual, jacobian


class _Solved(Exception):
    pass


class _OutOfTime(Exception):
    pass


def scipy_lm(data, seed, *, analytic, budget=None):
    """scipy least_squares(method='lm') until an improving point is 95 % right on the
    validation rows (its residual function raises then), or ``budget`` seconds pass."""
    from scipy.optimize import least_squares

    trainer = Trainer(SPIRALS_LM, data, seed=seed)
    theta0 = trainer.parameters()
    forward, residual, jacobian = _numpy_mlp(data)
    best = [np.inf, 0]

    def fun(theta):
        if budget is not None and time.perf_counter() - t0 > budget:
            raise _OutOfTime
        r = residual(theta)
        best[1] += 1
        value = float(r @ r)
        if value < best[0]:
            best[0] = value
            if np.mean(forward(theta, data.x_val)[1].argmax(1) == data.target_val) >= SOLVED:
                raise _Solved
        return r

    t0 = time.perf_counter()
    try:
        least_squares(fun, theta0, method="lm", jac=jacobian if analytic else "2-point",
                      max_nfev=50_000)  # fmt: skip
        solved = False
    except _Solved:
        solved = True
    except _OutOfTime:
        solved = False
    return time.perf_counter() - t0, best[1], solved


# --------------------------------------------------------------------------- reports
def speed(seeds, threads, scipy_budget):
    data = load_dataset("spirals", SPIRALS_LM.data)
    _, _, jacobian = _numpy_mlp(data)
    trainer = Trainer(SPIRALS_LM, data, seed=1)
    eq = trainer.optimizer.normal_equations(trainer._closure)
    theta = trainer.parameters()
    assert np.allclose(jacobian(theta).T @ jacobian(theta), eq["A"].numpy(), atol=1e-10)
    contenders = [("gasworks LM", gasworks_lm), ("plain torch trainlm", plain_torch_lm)]
    if importlib.util.find_spec("torch_levenberg_marquardt"):
        contenders.append(("torch-levenberg-marquardt", tlm_lm))
    else:
        print("torch-levenberg-marquardt is not installed (pip install -e '.[bench]'): skipped")
    contenders += [
        ("scipy lm, analytic J", lambda d, s: scipy_lm(d, s, analytic=True, budget=scipy_budget)),
        (
            "scipy lm, finite differences",
            lambda d, s: scipy_lm(d, s, analytic=False, budget=scipy_budget),
        ),
    ]
    for _, fn in contenders[:2]:
        fn(data, 1)  # warm: torch.func's first call
    print(f"\nSpirals to >= {SOLVED:.0%} validation accuracy, seeds {seeds[0]}..{seeds[-1]}, "
          f"raw inputs, torch threads {threads} (seconds; iterations, or residual evaluations "
          "for scipy)")  # fmt: skip
    table = {}
    for name, fn in contenders:
        rows = [fn(data, s) for s in seeds]
        table[name] = rows
        cells = " ".join(f"{t:6.2f}{'' if ok else '*'}" for t, _, ok in rows)
        print(f"{name:30s} {cells}   total {sum(t for t, _, _ in rows):7.2f} s, solved "
              f"{sum(ok for *_, ok in rows)}/{len(rows)}, median its "
              f"{statistics.median(i for _, i, _ in rows):.0f}")  # fmt: skip
    print(
        f"(* = not solved within {MAX_ITERATIONS} iterations, or {scipy_budget:g} s for scipy; "
        "its time still counts)"
    )
    reference = sum(t for t, _, _ in table["plain torch trainlm"])
    ours = sum(t for t, _, _ in table["gasworks LM"])
    for name, rows in table.items():
        print(f"  {name:30s} {sum(t for t, _, _ in rows) / reference:5.2f}x the plain torch loop")
    if "torch-levenberg-marquardt" in table:
        theirs = sum(t for t, _, _ in table["torch-levenberg-marquardt"])
        verdict = "meets" if ours <= TARGET_RATIO * theirs else "misses"
        print(f"gasworks LM / torch-levenberg-marquardt = {ours / theirs:.2f} ({verdict} the "
              f"target <= {TARGET_RATIO})")  # fmt: skip
    breakdown(data)


def breakdown(spirals):
    print("\nPer-iteration breakdown of Gasworks' LM (ms): Jacobian, JᵀJ, solves, trial "
          "evaluations, measuring (losses and metric), total")  # fmt: skip
    digits = load_dataset("digits")
    cases = [("spirals 2-25-2, 400 rows", SPIRALS_LM, spirals, 100),
             ("digits 64-30-10 SSE, 1,540 rows", TrainerParams(hidden=(30,), max_fail=0,
                                                               epochs=10), digits, 10)]  # fmt: skip
    for name, params, data, n in cases:
        trainer = Trainer(params, data, seed=1)
        trainer.step(2)
        before = trainer.snapshot().timings
        t0 = time.perf_counter()
        steps = trainer.step(n).steps
        total = (time.perf_counter() - t0) / steps * 1e3
        after = trainer.snapshot().timings
        part = {k: (after[k] - before.get(k, 0.0)) / steps * 1e3 for k in after}
        print(f"  {name:32s} jacobian {part['jacobian']:6.2f}  JᵀJ {part['normal']:6.2f}  "
              f"solve {part['solve']:6.2f}  evaluate {part['evaluate']:6.2f}  measure "
              f"{part['measure']:6.2f}  total {total:6.2f}")  # fmt: skip


MEMORY_CASE = """
import json, resource, sys, time
import numpy as np, torch
torch.set_num_threads({threads})
from engines.trainers.datasets import assemble, fit_scaling, load_dataset
from engines.trainers.engine import Trainer
from engines.trainers.params import TrainerParams
case = sys.argv[1]
if case == "digits":
    data = load_dataset("digits")
    params = TrainerParams(hidden=(30,), max_fail=0, epochs=2)
else:
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(100_000, 10))
    target = np.sin(raw[:, 0]) + raw[:, 1] * raw[:, 2] + 0.1 * rng.normal(size=100_000)
    rows = np.arange(100_000)
    data = assemble("regression", "regression", raw, target, rows, rows[:1000],
                    fit_scaling("standard", raw), target_scaling=fit_scaling("minmax",
                    target[:, None]))
    params = TrainerParams(hidden=(400,), output="linear", loss="mse", max_fail=0, epochs=2)
trainer = Trainer(params, data, seed=0)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
trainer.step(1)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
n_par = trainer.spec.n_parameters
n_res = trainer._closure.n_residuals()
print(json.dumps({{"case": case, "parameters": n_par, "residuals": n_res,
                  "peak_mib": peak / 1024, "iteration_mib": (peak - base) / 1024,
                  "seconds": seconds, "jacobian_gib": n_res * n_par * 8 / 2**30}}))
"""


def memory(threads):
    print("\nPeak memory of one LM iteration (fresh process each; float64; JᵀJ summed over "
          "32 MiB chunks of rows)")  # fmt: skip
    for case in ("digits", "regression"):
        out = subprocess.run([sys.executable, "-c", MEMORY_CASE.format(threads=threads), case],
                             capture_output=True, text=True, cwd=ROOT, check=True)  # fmt: skip
        m = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {m['case']:10s} {m['residuals']:>9,} residuals x {m['parameters']:>5,} "
              f"parameters: peak {m['peak_mib']:7.0f} MiB (the iteration added "
              f"{m['iteration_mib']:6.0f} MiB; the whole Jacobian would be "
              f"{m['jacobian_gib']:.2f} GiB), {m['seconds']:.2f} s")  # fmt: skip


# --------------------------------------------------------------------------- fidelity
def _solved(rows):
    return sum(r.metrics["val_accuracy"] >= SOLVED for r in rows)


#: The article's ``max_nfev=50000`` counted the finite-difference calls (scipy's lmdif); since
#: scipy 1.16 ``lm`` counts only the other calls, so the same budget is 50000 / (n + 1).
ARTICLE_NFEV = 50_000


def fidelity(seeds, parts, scipy_iterations=None):
    if "spirals" in parts:
        spirals(seeds)
    if "scipy" in parts:
        scipy_to_the_end(seeds, scipy_iterations)
    if "regression" in parts:
        regression(seeds)
    if "digits" in parts:
        digits(seeds)


def spirals(seeds):
    from engines.trainers.recipe import ARTICLE_VARIANTS, compare_recipe

    print(f"\nSpirals, seeds {seeds[0]}..{seeds[-1]}: solved = validation accuracy >= 95 %")
    base = TrainerParams(hidden=(25,), loss="sse", output="softmax", init="uniform")
    extra = (("LM (trainlm μ rule), scaled inputs", {"method": "lm", "max_fail": 0,
                                                      "data": {"scaling": "article"}}),
             ("LM (trainlm), raw inputs, validation stop (max_fail 6)",
              {"method": "lm", "max_fail": 6, "data": {"scaling": "none"}}),
             ("Adam 1e-3, scaled inputs, no early stopping",
              {"method": "adam", "learning_rate": 1e-3, "patience": 0, "epochs": 10_000,
               "data": {"scaling": "article"}}))  # fmt: skip
    t0 = time.perf_counter()
    comparison = compare_recipe("spirals", base, seed=seeds[0], seeds=len(seeds),
                                variants=ARTICLE_VARIANTS + extra)  # fmt: skip
    for result in comparison.results:
        s = result.summary()
        accs = " ".join(f"{100 * r.metrics['val_accuracy']:5.1f}" for r in result.runs)
        print(f"  {result.label:58s} solved {s['solved']:2d}/{s['runs']}  median its "
              f"{s['median_iterations']:6.0f}  mean {s['mean_seconds']:6.2f} s  "
              f"[{accs}]")  # fmt: skip
    print(f"  ({time.perf_counter() - t0:.0f} s in all)")


def scipy_to_the_end(seeds, iterations=None):
    """The article's call: least_squares(method='lm') with finite differences and its
    budget of 50,000 function calls (or ``iterations`` Jacobians), run to its end."""
    from scipy.optimize import least_squares

    t0 = time.perf_counter()
    data = load_dataset("spirals", DataSettings(scaling="none"))
    forward, residual, _ = _numpy_mlp(data)
    accs, times = [], []
    for seed in seeds:
        theta0 = Trainer(SPIRALS_LM, data, seed=seed).parameters()
        t1 = time.perf_counter()
        budget = iterations or ARTICLE_NFEV // (theta0.size + 1)
        sol = least_squares(residual, theta0, method="lm", max_nfev=budget)
        times.append(time.perf_counter() - t1)
        accs.append(np.mean(forward(sol.x, data.x_val)[1].argmax(1) == data.target_val))
    name = f"scipy lm, finite differences, max_nfev {budget} (n + 1 calls each)"
    print(f"\n  {name:58s} solved "
          f"{sum(a >= SOLVED for a in accs):2d}/{len(accs)}  mean {np.mean(times):6.2f} s  "
          f"[{' '.join(f'{100 * a:5.1f}' for a in accs)}]")  # fmt: skip
    print(f"  ({time.perf_counter() - t0:.0f} s in all)")


def _boston():
    spec = importlib.util.find_spec("boston")
    if spec is None:
        return None
    path = Path(spec.submodule_search_locations[0]) / "resources" / "boston_house_prices.csv"
    rows = np.loadtxt(path, delimiter=",", skiprows=1)
    from sklearn.model_selection import train_test_split

    raw, target = rows[:, :13], rows[:, 13]
    trn, val = train_test_split(np.arange(len(rows)), test_size=0.15, random_state=0)
    return assemble("boston", "regression", raw, target, trn, val, fit_scaling("minmax", raw),
                    target_scaling=fit_scaling("minmax", target[:, None]))  # fmt: skip


def regression(seeds):
    neupy = dict(mu=0.01, mu_rule="neupy", mu_increase=1.2, mu_decrease=1 / 1.2, max_fail=0)
    variants = (
        ("NeuPy's LM as coded (squared residual)", {**neupy, "residual": "neupy"}),
        ("NeuPy's μ rule, correct residual", neupy),
        ("trainlm, correct residual, no validation stop", {"max_fail": 0}),
        ("trainlm, correct residual, max_fail 6 (train-diabetes)", {}),
    )
    sets = [("diabetes", load_dataset("diabetes"))]
    boston = _boston()
    if boston is None:
        print("the boston package is not installed (pip install -e '.[bench]'): Boston skipped")
    else:
        sets.insert(0, ("Boston", boston))
    print("\nThe Boston tutorial's pipeline: min-max scaling, 85/15 split, 50 sigmoid units, "
          "MSE, 30 LM epochs; RMSLE of the predictions rounded to 0.1 on the scaled axis, as "
          "the tutorial (the article: ~0.18), and unrounded; mean over the seeds")  # fmt: skip
    for set_name, data in sets:
        for name, changes in variants:
            params = TrainerParams(method="lm", hidden=(50,), output="sigmoid", loss="mse",
                                   init="he_normal", epochs=30, **changes)  # fmt: skip
            rounded, plain, rmse = [], [], []
            for seed in seeds:
                snap = run(Trainer(params, data, seed=seed), 30)
                out = numpy_predict(snap.spec, snap.parameters, data.x_val).round(1)
                rounded.append(rmsle(data.target_val, data.inverse_target(out)))
                plain.append(snap.metrics["val_rmsle"])
                rmse.append(snap.metrics["val_rmse"])
            print(f"  {set_name:8s} {name:56s} RMSLE {np.mean(rounded):.3f} (median "
                  f"{np.median(rounded):.3f}; unrounded {np.mean(plain):.3f}), RMSE "
                  f"{np.mean(rmse):.2f}")  # fmt: skip


def digits(seeds):
    from engines.presets import load_preset
    from engines.trainers.recipe import train_recipe

    t0 = time.perf_counter()
    result = train_recipe("digits", load_preset("train-digits"), seed=seeds[0],
                          seeds=len(seeds))  # fmt: skip
    accs = [r.metrics["val_accuracy"] for r in result.runs]
    print(f"\nDigits, preset train-digits (the MNIST tutorial's Nesterov momentum, 30 epochs): "
          f"test accuracy mean {100 * np.mean(accs):.2f} %, min {100 * min(accs):.2f} %, max "
          f"{100 * max(accs):.2f} % over {len(accs)} seeds ({time.perf_counter() - t0:.0f} s; "
          "the article: 98.37 % on full MNIST)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--scipy-budget",
        type=float,
        default=60.0,
        help="seconds one scipy run may take in the speed table",
    )
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--fidelity", action="store_true")
    parser.add_argument(
        "--parts", default="spirals,scipy,regression,digits", help="fidelity parts, comma-separated"
    )
    parser.add_argument(
        "--scipy-iterations",
        type=int,
        default=None,
        help="max_nfev of scipy's run to the end (default: the article's 50,000 calls, finite "
        "differences included)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    if not args.skip_speed:
        speed(seeds, args.threads, args.scipy_budget)
    if args.memory:
        memory(args.threads)
    if args.fidelity:
        fidelity(seeds, set(args.parts.split(",")), args.scipy_iterations)


if __name__ == "__main__":
    main()
