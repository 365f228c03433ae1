"""Speed of the GNG engine on the seed's astronaut recipe, with references measured alongside.

Run by hand (not a test)::

    .venv/bin/python benchmarks/bench_gng.py            # uses the Numba cache as it is
    .venv/bin/python benchmarks/bench_gng.py --cold     # fresh, empty cache: real compile
    .venv/bin/python benchmarks/bench_gng.py --coverage # and the border options' effect

Everything is measured in this process, on this machine:

- cold: the first whole recipe run, compile (or cache load) included; whether the on-disk
  cache of ``engines/gng/_kernels.py`` was warm before it is printed;
- warm: the whole 20-epoch recipe again (best and median of ``--repeats`` runs);
- brute force: a Numba kernel that only finds the nearest two nodes by scanning all of
  them, replaying the same signals (the engine's permutations) against the same node
  counts (sampled every 100 signals), using the final nodes' positions;
- NumPy reference: ``tests/engines/gng/naive.py`` (NeuPy-like plain NumPy) restarted from
  the engine's snapshots at several epochs and run for ``--naive-signals`` signals each;
  the per-signal times, interpolated over the epochs, are scaled up to the whole run. It is
  an estimate from a shortened run, and is printed as such.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIPELINE = dict(crop="30:180,150:300", blur=0.6, threshold="otsu", offset=0.1, scale=0.001)
EPOCHS = 20
NEUPY_NODES, NEUPY_EDGES = 2381, 5962  # the seed's figures for NeuPy (not measured here)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold", action="store_true", help="compile into a fresh, empty cache")
    ap.add_argument("--repeats", type=int, default=7, help="warm runs (default 7)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--naive-signals", type=int, default=400, help="per sampled epoch")
    ap.add_argument(
        "--coverage", action="store_true", help="also measure outline coverage with the "
        "border options off and on (horse and astronaut)"
    )  # fmt: skip
    args = ap.parse_args()
    if args.cold:
        cache = tempfile.mkdtemp(prefix="gng-bench-cache-")
        atexit.register(shutil.rmtree, cache, ignore_errors=True)
        os.environ["NUMBA_CACHE_DIR"] = cache
    sys.path.insert(0, str(ROOT))
    cache_files = _cache_index_files()

    import numba
    import numpy as np

    from engines.gng import GNGParams, GrowingNeuralGas
    from engines.pipeline import PipelineParams, run_pipeline
    from tests.engines.gng.conftest import ASTRONAUT_RECIPE
    from tests.engines.gng.naive import NaiveGNG

    points = run_pipeline("sample:astronaut", PipelineParams(**PIPELINE)).points
    params = GNGParams(**ASTRONAUT_RECIPE)
    n_points = points.shape[0]
    total_signals = EPOCHS * n_points
    print(f"numba {numba.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    print(f"recipe: sample:astronaut {PIPELINE} -> {n_points} points, {EPOCHS} epochs")
    print(f"        {ASTRONAUT_RECIPE}")

    def recipe() -> tuple[float, object]:
        gng = GrowingNeuralGas(params, points, seed=args.seed)
        t0 = time.perf_counter()
        snap = gng.train(epochs=EPOCHS)
        return time.perf_counter() - t0, snap

    cold, snap = recipe()

    # node count every 100 signals, from a run stepped in chunks of 100 (same graph)
    gng = GrowingNeuralGas(params, points, seed=args.seed)
    counts = []
    while gng.snapshot().epoch < EPOCHS:
        counts.append(gng.snapshot().n_nodes)
        gng.step(min(100, total_signals - gng.snapshot().iteration))
    assert np.array_equal(gng.snapshot().nodes, snap.nodes), "stepped run differs"
    per_signal_count = np.repeat(np.array(counts, dtype=np.int64), 100)[:total_signals]
    rng = np.random.default_rng(args.seed)
    rng.choice(n_points, params.n_start_nodes)  # the start nodes' draw
    order = np.concatenate([rng.permutation(n_points) for _ in range(EPOCHS)])
    # float64 copies: the brute-force scan is fastest on them (conversion not timed)
    nodes64 = snap.nodes.astype(np.float64)
    points64 = points.astype(np.float64)
    brute_nearest_two = _make_brute()  # numba is imported late: --cold sets its cache first
    brute_nearest_two(points64, order[:10], nodes64, per_signal_count[:10])  # compile

    # warm runs, interleaved with the brute-force replay so both see the same machine load
    warm_times, brute_times = [], []
    for _ in range(args.repeats):
        t, again = recipe()
        warm_times.append(t)
        assert np.array_equal(again.nodes, snap.nodes), "runs differ: not deterministic"
        t0 = time.perf_counter()
        brute_nearest_two(points64, order, nodes64, per_signal_count)
        brute_times.append(time.perf_counter() - t0)
    warm, brute = min(warm_times), min(brute_times)
    paired = np.array(warm_times) / np.array(brute_times)

    naive_est, naive_rows = _naive_estimate(
        params, points, args.seed, args.naive_signals, GrowingNeuralGas, NaiveGNG, np
    )

    cache_state = (
        "fresh empty cache (--cold): compile included"
        if args.cold
        else (
            f"cache warm ({len(cache_files)} index files existed): load, no compile"
            if cache_files
            else "cache cold (no index file existed): compile included"
        )
    )
    print()
    print(f"final graph: {snap.n_nodes} nodes, {snap.n_edges} edges "
          f"(NeuPy, quoted by the seed: {NEUPY_NODES} nodes, {NEUPY_EDGES} edges; "
          f"{100 * (snap.n_nodes / NEUPY_NODES - 1):+.2f} % nodes, "
          f"{100 * (snap.n_edges / NEUPY_EDGES - 1):+.2f} % edges)")  # fmt: skip
    print(f"signals: {total_signals}, updates: {snap.n_updates}")
    print()
    print(f"{'measurement':58s} {'seconds':>9s}")
    print(f"{'cold first run, whole recipe':58s} {cold:9.3f}")
    print(f"    {cache_state}")
    print(f"{'warm whole recipe, best of ' + str(args.repeats):58s} {warm:9.3f}")
    print(f"{'warm whole recipe, median':58s} {float(np.median(warm_times)):9.3f}")
    print(f"{'brute-force Numba nearest-two only (replay), best':58s} {brute:9.3f}")
    print(f"{'brute-force Numba nearest-two only (replay), median':58s} "
          f"{float(np.median(brute_times)):9.3f}")  # fmt: skip
    print(f"{'NumPy reference, estimated from a shortened run':58s} {naive_est:9.1f}")
    for epoch, n_nodes, per_signal in naive_rows:
        print(f"    epoch {epoch:2d}: {n_nodes:4d} nodes, {1e6 * per_signal:7.1f} µs/signal")
    print()
    print("ratios")
    print(
        f"  warm recipe / brute-force search alone: {warm / brute:6.3f}  best / best "
        "(target <= 0.6)"
    )
    print(f"                                          {float(np.median(paired)):6.3f}  "
          "median of the paired runs")  # fmt: skip
    print(f"  NumPy reference (est.) / warm recipe:   {naive_est / warm:8.0f}x")
    print(f"  cold first run / warm recipe:           {cold / warm:8.1f}x")
    print(f"  warm recipe per signal:                 {1e9 * warm / total_signals:8.0f} ns")
    if args.coverage:
        _coverage_table(args.seed)


def _coverage_table(seed: int) -> None:
    """Outline coverage (tol 2 and 1 px) with the border options off and on."""
    from functools import partial

    from engines.gng import GNGParams, GrowingNeuralGas
    from engines.gng.coverage import outline_coverage, outline_pixels
    from engines.pipeline import PipelineParams, run_pipeline
    from engines.pipeline.points import points_to_pixels
    from tests.engines.gng.conftest import ASTRONAUT_RECIPE

    cases = [
        ("astronaut", "sample:astronaut", PipelineParams(**PIPELINE), {}),
        ("horse", "sample:horse", PipelineParams(threshold="otsu", scale=0.001), {}),
        ("horse, max_nodes=600", "sample:horse", PipelineParams(threshold="otsu", scale=0.001),
         {"max_nodes": 600}),
    ]  # fmt: skip
    options = [("off", {}), ("border_weight=5", {"border_weight": 5}),
               ("border_snap", {"border_snap": True})]  # fmt: skip
    print()
    print(f"outline coverage, {EPOCHS} epochs, seed {seed}, GNG settings of the recipe")
    print(f"{'case':22s} {'option':16s} {'nodes':>6s} {'edges':>6s} {'tol 2':>6s} {'tol 1':>6s}")
    for name, source, pipeline, extra in cases:
        result = run_pipeline(source, pipeline)
        binary = result.binary
        to_pixels = partial(points_to_pixels, scale=pipeline.scale)
        print(f"{name}: {result.points.shape[0]} points, foreground {binary.mean():.1%} of "
              f"the image, corner pixel {'fore' if binary[0, 0] else 'back'}ground, "
              f"{int(outline_pixels(binary).sum())} outline pixels")  # fmt: skip
        for label, option in options:
            params = GNGParams(**{**ASTRONAUT_RECIPE, **extra, **option})
            snap = GrowingNeuralGas(params, result.points, seed=seed).train(epochs=EPOCHS)
            cov = [outline_coverage(binary, snap.nodes, snap.edges, to_pixels, tol=t)
                   for t in (2.0, 1.0)]  # fmt: skip
            print(f"{'':22s} {label:16s} {snap.n_nodes:6d} {snap.n_edges:6d} "
                  f"{cov[0]:6.3f} {cov[1]:6.3f}")  # fmt: skip


def _naive_estimate(params, points, seed, n_signals, engine_cls, naive_cls, np):
    """Seconds the NumPy reference would take for the whole run, from short samples."""
    n_points = points.shape[0]
    sample_epochs = (0, 5, 10, 15, 19)
    gng = engine_cls(params, points, seed=seed)
    rows = []
    for epoch in sample_epochs:
        gng.train(epochs=epoch - gng.snapshot().epoch)
        snap = gng.snapshot()
        ref = naive_cls.from_snapshot(params, snap)
        order = np.random.default_rng(epoch).permutation(n_points)[:n_signals]
        t0 = time.perf_counter()
        for i in order:
            ref.signal(points[i])
        rows.append((epoch, snap.n_nodes, (time.perf_counter() - t0) / n_signals))
    per_epoch = np.interp(np.arange(EPOCHS), sample_epochs, [r[2] for r in rows])
    return float(per_epoch.sum() * n_points), rows


def _cache_index_files() -> list[Path]:
    cache_dir = os.environ.get("NUMBA_CACHE_DIR")
    base = Path(cache_dir) if cache_dir else ROOT / "engines" / "gng" / "__pycache__"
    return sorted(base.rglob("_kernels*.nbi")) if base.exists() else []


def _make_brute():
    """The brute-force kernel (defined after NUMBA_CACHE_DIR is settled)."""
    import numpy as np
    from numba import njit

    @njit(cache=True)
    def brute_nearest_two(points, order, nodes, counts):
        """Nearest two of the first counts[t] nodes to each signal, by full scan."""
        check = 0
        for t in range(order.shape[0]):
            x = points[order[t], 0]
            y = points[order[t], 1]
            d1 = np.inf
            d2 = np.inf
            i1 = -1
            i2 = -1
            for i in range(counts[t]):
                dx = nodes[i, 0] - x
                dy = nodes[i, 1] - y
                dd = dx * dx + dy * dy
                if dd < d2:
                    if dd < d1:
                        i2, d2 = i1, d1
                        i1, d1 = i, dd
                    else:
                        i2, d2 = i, dd
            check += i1 + i2
        return check

    return brute_nearest_two


if __name__ == "__main__":
    main()
