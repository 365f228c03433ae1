"""Throughput of ``gasworks render`` on the same 20 inputs: 1 local process, the local pool of
2 processes, and a Dask ``LocalCluster`` of 2 worker processes; the cluster's per-task cost.

Run by hand (not a test)::

    .venv/bin/python benchmarks/bench_batch.py                 # 3 rounds of each
    .venv/bin/python benchmarks/bench_batch.py --rounds 5 --epochs 60

Everything runs in this process through :class:`app.batch.BatchRun`, as the command does:
the folder lock, the manifest rewritten after each input, SVG and PNG written. The inputs
are 20 generated drawings (flowers of 240 to 430 px, the default preset, fixed epochs).

- Each way is warmed up first (the pool's workers fork from this warm process; the
  cluster's workers are spawned and load the compiled kernels on their first input), then
  timed ``--rounds`` times, interleaved, each into a fresh folder. Inputs per minute are
  given from the best and the median round, and against one local process.
- **Start-up** of the cluster (``LocalCluster`` with two spawned workers) is timed apart:
  a ``--scheduler local:N`` run pays it once.
- **Per-task cost** = (wall time × 2 workers − time inside the per-input function) / 20:
  what a task costs beyond its own work (sending it, the bytes both ways, writing, the
  manifest), for the pool and the cluster alike; and the round trip of an empty task on
  the cluster, one at a time.
- The files of every way are compared byte for byte with the single process's.

The machine has 2 cores shared with other work: the load average is printed with the
figures, and a ratio between ways measured in the same run is what to read.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_INPUTS = 20


def _drawings(folder: Path) -> list[str]:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(N_INPUTS):
        size = 240 + 10 * i
        yy, xx = np.mgrid[:size, :size]
        y, x = yy - size / 2, xx - size / 2
        edge = 0.32 * size * (1 + 0.25 * np.cos((3 + i % 5) * np.arctan2(y, x)))
        r = np.hypot(y, x)
        ink = (r < edge) & (r > 0.4 * edge)
        path = folder / f"flower{i:02d}.png"
        Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(path)
        paths.append(str(path))
    return paths


def _run(items, preset, table, out: Path, epochs: int, *, workers=1, cluster=None):
    """(wall seconds, seconds inside the per-input function, files) of one batch."""
    from app.batch import BatchRun

    start = time.perf_counter()
    with BatchRun(items, preset, table, out, epochs=epochs, workers=workers,
                  cluster=cluster) as batch:  # fmt: skip
        report = batch.run()
    wall = time.perf_counter() - start
    bad = [e for e in report.entries if e["status"] != "done"]
    if bad:
        raise SystemExit(f"a render failed: {bad[0]}")
    inside = sum(e["seconds"] for e in report.entries)
    files = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".svg", ".png")}
    return wall, inside, files


def _empty_task_round_trip(address: str, n: int = 50) -> float:
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        client.submit(int, 0, pure=False).result()
        start = time.perf_counter()
        for i in range(n):
            client.submit(int, i, pure=False).result()
        return (time.perf_counter() - start) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds of each way")
    ap.add_argument("--epochs", type=int, default=40, help="epochs per input (default 40)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))

    from distributed import LocalCluster

    from app.batch import collect_inputs
    from app.cluster import ClusterOptions
    from engines.presets import read_preset_table, validate_preset

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    items, _ = collect_inputs(_drawings(work / "in"))
    table = read_preset_table("default")
    preset = validate_preset(table, origin="default")

    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)  # fmt: skip
    startup = time.perf_counter() - start
    ways = {
        "1 local process": {"workers": 1},
        "local pool, 2 processes": {"workers": 2},
        "LocalCluster, 2 workers": {"cluster": ClusterOptions(cluster.scheduler_address)},
    }
    try:
        for i, kw in enumerate(ways.values()):  # warm-up: kernels loaded, workers started
            _run(items[:4], preset, table, work / f"warm-way{i}", args.epochs, **kw)
        walls: dict[str, list[float]] = {name: [] for name in ways}
        costs: dict[str, list[float]] = {name: [] for name in ways}
        reference = None
        for r in range(args.rounds):
            for i, (name, kw) in enumerate(ways.items()):
                out = work / f"round{r}-way{i}"
                wall, inside, files = _run(items, preset, table, out, args.epochs, **kw)
                walls[name].append(wall)
                n_workers = kw.get("workers", 2)
                costs[name].append((wall * n_workers - inside) / N_INPUTS)
                reference = reference or files
                if files != reference:
                    raise SystemExit(f"{name}: files differ from the single process's")
        round_trip = _empty_task_round_trip(cluster.scheduler_address)
    finally:
        cluster.close()

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{N_INPUTS} inputs (default preset, {args.epochs} epochs, svg+png), "
          f"{args.rounds} rounds; load average {load}; {os.cpu_count()} cores")  # fmt: skip
    base = statistics.median(walls["1 local process"])
    print(f"{'':26}{'best/min':>10}{'median/min':>12}{'× 1 process':>13}{'cost/task':>11}")
    for name in ways:
        best, median = min(walls[name]), statistics.median(walls[name])
        print(f"{name:26}{60 * N_INPUTS / best:10.1f}{60 * N_INPUTS / median:12.1f}"
              f"{base / median:13.2f}{1000 * statistics.median(costs[name]):9.0f} ms")  # fmt: skip
    pool = statistics.median(walls["local pool, 2 processes"])
    dask = statistics.median(walls["LocalCluster, 2 workers"])
    print(f"cluster / local pool (median wall): {dask / pool:.3f}")
    print(f"LocalCluster start-up (2 spawned workers): {startup:.1f} s")
    print(f"empty task round trip on the cluster: {1000 * round_trip:.1f} ms")
    print("files byte-identical across the three ways: yes")


if __name__ == "__main__":
    main()
