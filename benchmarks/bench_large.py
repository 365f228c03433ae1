"""Tone art of large photos: a 12-megapixel photo end to end, and how time grows with points
and nodes (run by hand, not a test).

    .venv/bin/python benchmarks/bench_large.py
    .venv/bin/python benchmarks/bench_large.py --megapixels 12 --nodes 20000 --repeats 3

1. A 12-megapixel photo (scikit-image's astronaut scaled up to 4,000 x 3,000, saved as a
   PNG) rendered with the ``photo`` preset at exactly ``--nodes`` nodes (``match_tone``
   off, so the size does not depend on the tone): seconds of each stage (reading and
   decoding, grey and resize, tone sampling, training, drawing, writing the PNG and SVG);
   target: the whole render in <= 5 s at 20,000 nodes.
2. How the training grows with the points (1k to 1M, 2,000 nodes) and with the nodes (1k to
   20k, 1M points), the photo preset on the 512 px astronaut: the recipe's training time,
   and, as the reference measured alongside, the engine alone (``GrowingNeuralGas.step``)
   presenting the same signals to the same points.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 5.0


def big_photo(folder: Path, megapixels: float) -> Path:
    """The astronaut scaled up to ``megapixels`` (4:3), as a PNG."""
    from PIL import Image
    from skimage import data

    w = round((megapixels * 1e6 * 4 / 3) ** 0.5)
    h = round(w * 3 / 4)
    image = Image.fromarray(data.astronaut()).resize((w, h), Image.Resampling.BICUBIC)
    path = folder / f"astronaut-{w}x{h}.png"
    image.save(path, compress_level=1)
    return path


def photo_preset(nodes: int, **pipeline):
    from engines.presets import apply_overrides, read_preset_table, validate_preset

    overrides = [f"engine_params.max_nodes={nodes}", "pipeline.match_tone=false"]
    overrides += [f"pipeline.{k}={v!r}".replace("'", '"') for k, v in pipeline.items()]
    return validate_preset(apply_overrides(read_preset_table("photo"), overrides), origin="photo")


def end_to_end(path: Path, nodes: int, out: Path) -> dict[str, float]:
    """Seconds of each stage of rendering ``path`` with the photo preset at ``nodes``."""
    from engines.pipeline.loading import load_image
    from engines.render import export_render, render_input

    preset = photo_preset(nodes)
    t0 = time.perf_counter()
    image = load_image(path)
    t1 = time.perf_counter()
    del image
    result = render_input(str(path), preset)
    t2 = time.perf_counter()
    export_render(result, out / "big.png")
    t3 = time.perf_counter()
    export_render(result, out / "big.svg")
    t4 = time.perf_counter()
    return {"read": t1 - t0, "render": t2 - t1, "pipeline (read included)":
            result.timings["pipeline"], "train": result.timings["train"],
            "draw": result.timings["draw"], "png": t3 - t2, "svg": t4 - t3,
            "nodes": result.stats["nodes"], "points": result.stats["points"]}  # fmt: skip


def scaling(points_list, nodes_list, fixed_nodes, fixed_points) -> list[tuple]:
    """(points, nodes, signals, recipe training s, engine-alone s) over the two sweeps: the
    photo preset on the astronaut (512 px) with ``max_points`` points and ``max_nodes``
    nodes (``match_tone`` off)."""
    from skimage import data

    from engines.gng import GrowingNeuralGas
    from engines.pipeline.steps import to_grey
    from engines.render import render_input

    grey = to_grey(data.astronaut() / 255.0)
    rows = []
    cases = [(p, fixed_nodes) for p in points_list] + [(fixed_points, n) for n in nodes_list]
    for n_points, n_nodes in cases:
        preset = photo_preset(n_nodes, max_points=n_points)
        result = render_input(grey, preset)
        gng = GrowingNeuralGas(preset.engine_params, data=result.pipeline.points, seed=0)
        start = time.perf_counter()
        gng.step(result.snapshot.iteration)
        alone = time.perf_counter() - start
        rows.append((result.stats["points"], result.stats["nodes"], result.snapshot.iteration,
                     result.timings["train"], alone))  # fmt: skip
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--megapixels", type=float, default=12.0)
    ap.add_argument("--nodes", type=int, default=20000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--no-scaling", action="store_true")
    args = ap.parse_args()

    from engines.gng.art import warm_up

    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = big_photo(folder, args.megapixels)
        runs = [end_to_end(path, args.nodes, folder) for _ in range(args.repeats)]
    best = min(runs, key=lambda r: r["render"])
    total = best["render"]
    print(f"{path.name}: {best['points']:,} tone points, {best['nodes']:,} nodes "
          f"(best of {args.repeats})")  # fmt: skip
    for key in ("read", "pipeline (read included)", "train", "draw", "png", "svg"):
        print(f"  {key:<26} {best[key]:7.2f} s")
    ok = "ok" if total <= TARGET_SECONDS else "MISSED"
    median = statistics.median(r["render"] for r in runs)
    print(f"  {'render (read to drawing)':<26} {total:7.2f} s   target <= {TARGET_SECONDS:.0f} s "
          f"{ok} (median of runs {median:.2f} s)")  # fmt: skip
    if args.no_scaling:
        return
    print("\ntraining time as points and nodes grow (engine alone = reference)")
    head = ("points", "nodes", "signals", "recipe s", "engine s", "ratio")
    print("".join(f"{h:>{w}}" for h, w in zip(head, (9, 8, 12, 10, 10, 7), strict=True)))
    rows = scaling((1_000, 10_000, 100_000, 1_000_000), (1_000, 5_000, 10_000, 20_000),
                   2_000, 1_000_000)  # fmt: skip
    for n_points, n_nodes, signals, recipe, alone in rows:
        print(f"{n_points:>9,} {n_nodes:>7,} {signals:>11,} {recipe:>9.2f} {alone:>9.2f} "
              f"{recipe / alone:>6.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
