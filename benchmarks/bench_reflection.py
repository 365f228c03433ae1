"""Error reflection against its fair baselines (run by hand, not a test).

    nice -n 10 .venv/bin/python benchmarks/bench_reflection.py [--seeds 5]
        [--tasks linear,cubic,quartic,piecewise,digits] [--variants paper,stabilised]
        [--json OUT.json]

For each task (the paper's four functions and scikit-learn's digits) and each variant, the
``reflect`` recipe over ``--seeds`` seeds (0, 1, ...), one torch thread: the test loss of the
base network, of the reflection ensemble, of the base trained on for the same samples seen
as base + error networks ("base longer") and of one wide network with the ensemble's
parameter count ("wide"), the change from base to ensemble in percent, the clusters
ISODATA found, the loss with a perfect gate (each test input given its best network) and
the share of test inputs the gate sends to an error network; mean ± sample sd over the
seeds. Digits also prints test accuracies.

Variants (every other parameter at ReflectionParams' defaults):

``paper``       the method as the paper's section 4.1 describes it: the chosen error
                network's output replaces the base's, the gate is a small network;
``stabilised``  each error network learns the base's residual and is added to it, the gate
                is the 5 nearest training inputs.

The paper reports −90 / −92 / −95 / −99 % for linear / cubic / quartic / piecewise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines.trainers.reflection import TASKS, ReflectionParams, reflection_recipe

VARIANTS = {
    "paper": {"combine": "replace", "gate": "network"},
    "stabilised": {"combine": "residual", "gate": "knn"},
}
PAPER = {"linear": -90.0, "cubic": -92.0, "quartic": -95.0, "piecewise": -99.0}


def _cell(row: dict, key: str, fmt: str) -> str:
    value, sd = row.get(key), row.get(f"{key}_sd")
    if value is None:
        return "-"
    return f"{value:{fmt}} ± {sd:{fmt.lstrip('+')}}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--json", type=Path, default=None, help="write every row here")
    args = parser.parse_args(argv)
    tasks = [t for t in args.tasks.split(",") if t]
    variants = [v for v in args.variants.split(",") if v]
    rows = []
    print(f"seeds 0..{args.seeds - 1}, one torch thread; test MSE (digits: cross-entropy)")
    print("| variant | task | base | reflection | change % (paper) | base longer | wide | "
          "clusters | perfect gate | routed | seconds |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for variant in variants:
        for task in tasks:
            params = ReflectionParams(task=task, **VARIANTS[variant])
            start = time.perf_counter()
            result = reflection_recipe(task, params, seed=0, seeds=args.seeds, threads=1)
            seconds = time.perf_counter() - start
            row = {"variant": variant, **result.row(), "seconds": round(seconds, 1)}
            rows.append(row)
            paper = f" ({PAPER[task]:+.0f})" if task in PAPER else ""
            print(f"| {variant} | {task} | {_cell(row, 'base_loss', '.3g')} | "
                  f"{_cell(row, 'reflection_loss', '.3g')} | "
                  f"{_cell(row, 'reduction', '+.1f')}{paper} | "
                  f"{_cell(row, 'base_longer_loss', '.3g')} | {_cell(row, 'wide_loss', '.3g')} | "
                  f"{_cell(row, 'clusters', '.1f')} | {_cell(row, 'oracle_loss', '.3g')} | "
                  f"{_cell(row, 'routed', '.2f')} | {seconds:.0f} |", flush=True)  # fmt: skip
            if "base_accuracy" in row:
                print("|  | accuracy % | " + " | ".join(
                    f"{100 * row[k]:.2f} ± {100 * row[k + '_sd']:.2f}"
                    for k in ("base_accuracy", "reflection_accuracy")
                ) + " |  | " + " | ".join(
                    f"{100 * row[k]:.2f} ± {100 * row[k + '_sd']:.2f}"
                    for k in ("base_longer_accuracy", "wide_accuracy")
                ) + " |  |  |  |  |", flush=True)  # fmt: skip
    if args.json is not None:
        args.json.write_text(json.dumps({"rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
