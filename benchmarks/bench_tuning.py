"""Best-so-far curves of optuna's samplers on the digits searches (run by hand, not a test).

    .venv/bin/python benchmarks/bench_tuning.py [--seeds 5] [--trials 20] [--epochs 3]
                                                [--plot best-so-far.png]

For each space (``units``: one layer's hidden units; ``tree``: layers, units, activation,
batch and step size) and each sampler (GP, TPE, random search, the baseline), runs
``--seeds`` studies of ``--trials`` trials (seeds 0, 1, ...) with ``gasworks tune``'s
recipe, in memory, and prints the best validation cross-entropy so far after trials 5, 10,
... as mean ± sd over the seeds, the mean seconds per trial, and each sampler's mean best
relative to random search's at the last trial (the reference of the same run). ``--plot``
draws the curves with ±1 sd bands. On the tree space the GP sampler can model only the
parameters every trial has; optuna samples the second layer's units independently.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLERS = ("gp", "tpe", "random")
SPACES = ("units", "tree")


def curves(space: str, sampler: str, seeds: int, trials: int, epochs: int):
    from engines.explorers.params import TuneParams
    from engines.explorers.tuning import tune_recipe

    rows, seconds = [], []
    for seed in range(seeds):
        params = TuneParams(sampler=sampler, space=space, trials=trials, epochs=epochs,
                            seed=seed)  # fmt: skip
        start = time.perf_counter()
        result = tune_recipe("digits", params, study=f"{space}-{sampler}-{seed}")
        seconds.append((time.perf_counter() - start) / trials)
        rows.append([np.nan if v is None else v for v in result.history])
    return np.array(rows, dtype=float), float(np.mean(seconds))


def main() -> None:
    import optuna
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--plot", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    import warnings

    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    marks = [k for k in range(5, args.trials + 1, 5)] or [args.trials]
    found: dict[tuple[str, str], np.ndarray] = {}
    print(f"digits, {args.seeds} seeds × {args.trials} trials × {args.epochs} epochs; "
          "best validation cross-entropy so far, mean ± sd over the seeds")  # fmt: skip
    header = f"{'space':<6} {'sampler':<7} " + " ".join(f"{'trial ' + str(k):>15}" for k in marks)
    print(header + f" {'s/trial':>8} {'vs random':>10}")
    for space in SPACES:
        last_random = None
        rows = []
        for sampler in reversed(SAMPLERS):  # random first: the reference
            table, per_trial = curves(space, sampler, args.seeds, args.trials, args.epochs)
            found[(space, sampler)] = table
            mean, sd = np.nanmean(table, axis=0), np.nanstd(table, axis=0)
            if sampler == "random":
                last_random = mean[-1]
            cells = " ".join(f"{mean[k - 1]:>7.4f} ± {sd[k - 1]:<5.4f}" for k in marks)
            rows.append(f"{space:<6} {sampler:<7} {cells} {per_trial:>8.2f} "
                        f"{mean[-1] / last_random:>9.2f}×")  # fmt: skip
        for row in reversed(rows):
            print(row, flush=True)
    if args.plot is not None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(11, 4.2), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        colours = {"gp": "#2ca02c", "tpe": "#1f77b4", "random": "#7f7f7f"}
        for i, space in enumerate(SPACES):
            ax = figure.add_subplot(1, 2, i + 1)
            x = np.arange(1, args.trials + 1)
            for sampler in SAMPLERS:
                table = found[(space, sampler)]
                mean, sd = np.nanmean(table, axis=0), np.nanstd(table, axis=0)
                ax.plot(x, mean, color=colours[sampler], lw=2, label=sampler)
                ax.fill_between(x, mean - sd, mean + sd, color=colours[sampler], alpha=0.15)
            ax.set_title(f"space {space}: best so far, mean ± sd of {args.seeds} seeds")
            ax.set_xlabel("trial")
            ax.set_ylabel("validation cross-entropy")
            ax.legend()
        figure.savefig(args.plot)
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
