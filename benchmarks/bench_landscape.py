"""Speed of the loss landscapes and of the landscape animation (run by hand, not a test).

    .venv/bin/python benchmarks/bench_landscape.py [--grid 200] [--batch 100] [--repeat 20]

Measures, in one run:

1. :func:`engines.explorers.landscape.loss_landscape`: all grid points at once, float32;
   the best of ``--repeat`` runs (the target is ≤ 20 ms for a 200×200 grid and a batch of
   100);
2. the reference: a plain loop over the grid points, each point's loss a NumPy mean over
   the batch in float64 (timed on every 10th row of the grid and scaled to the whole
   grid), and the largest difference between the two;
3. the animation's frames: the engine's time per frame (training, landscapes, blends) over
   a whole default run, and the time to draw one frame (contour view and surface view)
   with :class:`engines.explorers.plots.FrameRenderer`, as the GIF/MP4 export draws them.

Prints each time and the ratio of the loop to the vectorised landscape.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engines.explorers.landscape import (  # noqa: E402
    LandscapeEngine,
    landscape_recipe,
    loss_landscape,
    make_blobs,
    weight_axis,
)
from engines.explorers.params import LandscapeParams  # noqa: E402

TARGET_MS = 20.0
#: Every LOOP_STRIDE-th row of the grid is timed by the per-point loop.
LOOP_STRIDE = 10


def best_of(function, repeat: int) -> float:
    function()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def per_point(x: np.ndarray, y: np.ndarray, axis: np.ndarray, rows) -> np.ndarray:
    """The plain reference: one grid point at a time."""
    out = np.empty((len(rows), len(axis)))
    for r, i in enumerate(rows):
        for j, w1 in enumerate(axis):
            z = x @ np.array([w1, axis[i]])
            out[r, j] = np.mean(np.logaddexp(0.0, z) - y * z)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    x, y = make_blobs(1000, np.random.default_rng(0))
    xb, yb = x[: args.batch], y[: args.batch]
    axis = weight_axis(args.grid)
    fast = best_of(lambda: loss_landscape(xb, yb, axis), args.repeat)
    rows = range(0, args.grid, LOOP_STRIDE)
    start = time.perf_counter()
    reference = per_point(xb, yb, axis, rows)
    loop = (time.perf_counter() - start) * args.grid / len(rows)
    error = np.abs(loss_landscape(xb, yb, axis)[list(rows)] - reference).max()
    verdict = "within" if fast * 1e3 <= TARGET_MS else "OVER"
    print(
        f"landscape {args.grid}×{args.grid}, batch {args.batch}: vectorised "
        f"{fast * 1e3:.1f} ms ({verdict} the {TARGET_MS:.0f} ms target); per-point loop "
        f"{loop * 1e3:.0f} ms; ratio {loop / fast:.0f}×; largest difference {error:.1e}"
    )

    params = LandscapeParams()
    engine = LandscapeEngine(params, seed=0)
    start = time.perf_counter()
    engine.step(params.frames)
    per_frame = (time.perf_counter() - start) / params.frames
    print(
        f"engine: {per_frame * 1e3:.2f} ms per frame over {params.frames} frames "
        f"(batches {', '.join(map(str, params.batch_sizes))}, grid {params.grid})"
    )

    from engines.explorers.plots import FrameRenderer

    for view in ("contour", "surface"):
        result = landscape_recipe(None, params.model_copy(update={"view": view, "frames": 16}))
        renderer = FrameRenderer.for_result(result)
        renderer.render(result.frame(0))
        times = []
        for k in range(1, result.frames):
            start = time.perf_counter()
            renderer.render(result.frame(k))
            times.append(time.perf_counter() - start)
        width, height = renderer.size
        print(
            f"drawing a {view} frame ({width}×{height} px): {np.median(times) * 1e3:.0f} ms "
            "(median)"
        )


if __name__ == "__main__":
    main()
