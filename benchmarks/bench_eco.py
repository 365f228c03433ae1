"""Error Curvature Optimization against plain training, Outlier Exposure and double
backprop, measured over several seeds (run by hand, not a test).

    nice -n 10 .venv/bin/python benchmarks/bench_eco.py [--datasets moons,digits] [--seeds 5]
                                                        [--epochs 60] [--variants all]
                                                        [--methods all]

For each data set, runs ``gasworks eco``'s recipe: the four methods (or ``--methods``) with
the default ECO (objective fit, λ 0.01, stabilised) and Outlier Exposure (its outliers half in
the noise box, half in a cube of 8 data radii: ``oe_reach``), then ECO variants alone:
without the stabilisers, the seed's objective, noise and discrimination de-learning (γ_de
0.001 and, for noise, 0.01), a larger λ with and without stabilisers, the repeat:3 and until
schedules. The last column is relative to plain training (to the first method without it).
Each row is the mean ± sd over ``--seeds`` seeds of: validation accuracy, AUROC and FPR at
95 % TPR of the validation rows against noise, far-field points (and the held-out nines on
digits), the AUROC of each out set, mean confidence on noise, collapse rate (share of the
seeds whose final network gives one class to 90 % of the rows or is not finite),
recoveries (collapses the stabiliser undid) and seconds per run; the last column is the
seconds per run relative to plain training of the same data set in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: label → changes to EcoParams; the ECO variants run the eco method alone.
VARIANTS = {
    "eco-no-stabilisers": {"stabilise": False},
    "eco-seed-objective": {"objective": "seed"},
    "eco-noise-delearning": {"delearn": "noise"},
    "eco-discrimination": {"delearn": "discrimination"},
    "eco-lambda-0.1": {"lam": 0.1},
    "eco-lambda-0.1-no-stabilisers": {"lam": 0.1, "stabilise": False},
    "eco-repeat-3": {"schedule": "repeat", "repeats": 3},
    "eco-until": {"schedule": "until"},
    "eco-noise-delearning-0.01": {"delearn": "noise", "delearn_rate": 0.01},
}


def table_rows(result, label_of=lambda m: m):
    for row in result.table():
        yield label_of(row["method"]), row


def line(label: str, row: dict, reference: float) -> str:
    sd = row["sd"]

    def cell(k):
        return f"{row[k]:.3f}±{sd[k]:.3f}"

    per_set = " ".join(f"{k[6:]}={row[k]:.2f}" for k in row if k.startswith("auroc_"))
    return (f"{label:<34} {cell('accuracy'):>12} {cell('auroc'):>12} {cell('fpr95'):>12} "
            f"{cell('noise_confidence'):>12} {row['collapse_rate']:>5.2f} {row['recoveries']:>4} "
            f"{row['seconds']:>6.2f} {row['seconds'] / reference:>5.2f}x  {per_set}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="moons,digits")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--methods", default="all",
                        help="comma-separated methods of the main table (plain, eco, "
                             "outlier_exposure, double_backprop) or 'all'")  # fmt: skip
    parser.add_argument("--variants", default="all",
                        help="comma-separated labels of VARIANTS, 'all' or 'none'")  # fmt: skip
    args = parser.parse_args()

    import torch

    from engines.trainers.eco.params import METHODS, EcoParams
    from engines.trainers.eco.recipe import eco_recipe, warm_up

    torch.set_num_threads(1)
    methods = METHODS if args.methods == "all" else tuple(args.methods.split(","))
    warm_up()
    chosen = (list(VARIANTS) if args.variants == "all" else []
              if args.variants == "none" else args.variants.split(","))  # fmt: skip
    header = (f"{'method':<34} {'accuracy':>12} {'AUROC':>12} {'FPR@95':>12} {'noise conf':>12} "
              f"{'coll.':>5} {'rec.':>4} {'s/run':>6} {'ratio':>6}  AUROC per out set")  # fmt: skip
    for dataset in args.datasets.split(","):
        base = EcoParams(seeds=args.seeds, epochs=args.epochs)
        start = time.perf_counter()
        result = eco_recipe(dataset, base, seed=0, methods=methods)
        print(
            f"\n{dataset}: {result.dataset.description}; {args.seeds} seeds, {args.epochs} "
            f"epochs, network {base.hidden} {base.activation}, Adam lr {base.learning_rate}"
        )
        print(header)
        rows = list(table_rows(result))
        reference = next((r["seconds"] for label, r in rows if label == "plain"),
                         rows[0][1]["seconds"])  # fmt: skip
        for label, row in rows:
            print(line(label, row, reference), flush=True)
        for label in chosen:
            params = base.model_copy(update=VARIANTS[label])
            params = EcoParams(**params.model_dump())  # validated
            variant = eco_recipe(dataset, params, seed=0, methods=("eco",))
            for _, row in table_rows(variant):
                print(line(label, row, reference), flush=True)
        print(f"{dataset}: {time.perf_counter() - start:.0f} s in all")


if __name__ == "__main__":
    main()
