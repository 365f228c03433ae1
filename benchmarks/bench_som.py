"""SOFM speed: cold compile, warm logo recipe and breast cancer map, against MiniSom.

Run by hand (not a test)::

    .venv/bin/python benchmarks/bench_som.py [--repeats 3] [--minisom-epochs 2]

Measures, on this machine and in this run:

- cold start: every kernel compiled from scratch (a fresh Numba cache in a subprocess),
  then the same with the cache filled;
- the logo recipe: "NeuPy" as about 20,000 points, a (2, 1000) grid on the sine wave,
  30 epochs with the seed's parameters, with the planar winner index and with the full scan;
- breast cancer: 569 x 30 min-max scaled, 20 x 20 grid, radius 4, step 0.5, std 1,
  shuffled, 50 epochs;
- MiniSom 2.3 on the same data, grid and learning rate (its own Gaussian neighbourhood over
  the whole grid, sigma = the radius). MiniSom's logo run is extrapolated from
  ``--minisom-epochs`` epochs to 30 (a full run takes minutes); the breast cancer run is
  measured in full.

Times are the best of ``--repeats`` warm runs. Ratios are MiniSom time / Gasworks time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engines.som import SOFM, SOFMParams  # noqa: E402
from engines.som.logo import sine_weights, text_points  # noqa: E402

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LOGO = SOFMParams(
    features_grid=(2, 1000), step=0.05, learning_radius=10, reduce_radius_after=1,
    reduce_step_after=10, std=1.0, reduce_std_after=100, shuffle_data=False, epochs=30,
)  # fmt: skip
CANCER = SOFMParams(
    features_grid=(20, 20), learning_radius=4, reduce_radius_after=50, step=0.5, std=1.0,
    shuffle_data=True, epochs=50,
)  # fmt: skip
TARGETS = {"logo": 45.0, "breast cancer": 8.0}


def cold_start() -> tuple[float, float]:
    """Seconds to import and run warm_up() with an empty cache, then with a full one."""
    code = "from engines.som import warm_up; warm_up()"
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        times = []
        for _ in range(2):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
            times.append(time.perf_counter() - start)
    return times[0], times[1]


def best_of(repeats: int, make, *args) -> float:
    best = np.inf
    for _ in range(repeats):
        som = make()
        start = time.perf_counter()
        som.train(*args)
        best = min(best, time.perf_counter() - start)
    return best


def logo_data() -> tuple[np.ndarray, np.ndarray]:
    font = DEJAVU if DEJAVU.is_file() else None
    points = text_points("NeuPy", font=font)
    return points, sine_weights(points, LOGO.grid_shape)


def cancer_data() -> np.ndarray:
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import MinMaxScaler

    return MinMaxScaler().fit_transform(load_breast_cancer().data)


def minisom_logo(points, initial, epochs: int) -> float:
    from minisom import MiniSom

    som = MiniSom(2, 1000, 2, sigma=1.0, learning_rate=0.05, random_seed=0)
    som._weights = initial.copy()
    start = time.perf_counter()
    som.train(points, epochs, use_epochs=True)
    return time.perf_counter() - start


def minisom_cancer(data) -> float:
    from minisom import MiniSom

    som = MiniSom(20, 20, 30, sigma=4.0, learning_rate=0.5, random_seed=0)
    start = time.perf_counter()
    som.train(data, 50, random_order=True, use_epochs=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--minisom-epochs", type=int, default=2)
    args = parser.parse_args()

    cold, cached = cold_start()
    print(f"cold start (compile every kernel): {cold:6.2f} s;  with the cache: {cached:5.2f} s")

    points, initial = logo_data()
    print(f"logo: {len(points)} points, grid (2, 1000), 30 epochs")
    data = cancer_data()
    # Warm the kernels once in this process.
    SOFM(LOGO, n_inputs=2, weights=initial).train(points[:100], epochs=1)
    SOFM(LOGO, n_inputs=2, weights=initial, search="full").train(points[:100], epochs=1)
    SOFM(CANCER, n_inputs=30, seed=0).train(data[:20], epochs=1)

    t_logo = best_of(args.repeats, lambda: SOFM(LOGO, n_inputs=2, weights=initial), points, 30)
    t_logo_full = best_of(
        args.repeats, lambda: SOFM(LOGO, n_inputs=2, weights=initial, search="full"), points, 30
    )
    t_cancer = best_of(args.repeats, lambda: SOFM(CANCER, n_inputs=30, seed=0), data, 50)

    part = minisom_logo(points, initial, args.minisom_epochs)
    m_logo = part * 30 / args.minisom_epochs
    m_cancer = minisom_cancer(data)

    rows = [
        ("logo, planar index", t_logo, m_logo, "logo"),
        ("logo, full scan", t_logo_full, m_logo, None),
        ("breast cancer 20x20x50", t_cancer, m_cancer, "breast cancer"),
    ]
    print()
    print(f"{'run':26} {'gasworks':>10} {'MiniSom':>10} {'ratio':>8}  target")
    for name, ours, theirs, target in rows:
        goal = f">= {TARGETS[target]:.0f}x" if target else ""
        ok = "" if not target else ("met" if theirs / ours >= TARGETS[target] else "MISSED")
        print(f"{name:26} {ours:9.3f}s {theirs:9.2f}s {theirs / ours:7.1f}x  {goal} {ok}")
    print(
        f"\nMiniSom's logo time is extrapolated: {part:.2f} s for {args.minisom_epochs} "
        f"epoch(s) x 30 / {args.minisom_epochs}."
    )


if __name__ == "__main__":
    main()
