"""Pen lifts and pen-up travel of continuous strokes against GNG edges, on an A4 page.

Run by hand (not a test)::

    .venv/bin/python benchmarks/bench_stroke.py             # astronaut, horse, signature
    .venv/bin/python benchmarks/bench_stroke.py --recipes   # and the seed's denser recipes

For each input one GNG is trained (the preset's recipe, its seed), and the same graph is
drawn three ways, each fitted onto a portrait A4 page (10 mm margin) by
:func:`engines.art.plotter.plotter_drawing`, which reports strokes and pen travel in mm:

- edges: every GNG edge a stroke of its own, in the engine's order (the reference);
- merged: the edges merged into Euler strokes and ordered (greedy + 2-opt), as
  ``gasworks render --page`` writes them;
- continuous: the ``stroke = "continuous"`` drawing (:mod:`engines.stroke`), ordered the
  same way.

Ratios are to the edges drawn one by one, measured in the same run. "on ink" is the share
of the continuous line's length within one pixel of the pipeline's ink; "tour s" the time
of building the continuous drawing from the trained graph (warm).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_MM = (210.0, 297.0)
MARGIN_MM = 10.0
PEN_MM = 0.3
CASES = [
    ("astronaut", "sample:astronaut", "single-line"),
    ("horse", "sample:horse", "single-line"),
    ("signature", "sample:signature", "signature"),
]
RECIPES = [
    ("astronaut (seed recipe)", "sample:astronaut", "astronaut"),
    ("horse (seed recipe)", "sample:horse", "horse"),
]


def measure(source: str, preset_name: str) -> dict:
    from engines.art import graph_drawing
    from engines.art.plotter import plotter_drawing
    from engines.presets import load_preset
    from engines.render import image_bounds, render_input
    from engines.stroke import continuous_drawing, ink_map, stroke_stats

    preset = load_preset(preset_name, ['style.stroke="edges"'])
    result = render_input(source, preset)
    snap, bounds = result.snapshot, image_bounds(result.pipeline)
    style = preset.style.model_copy(update={"stroke": "continuous"})
    edges = plotter_drawing(graph_drawing(snap.nodes, snap.edges, style, bounds=bounds),
                            PAGE_MM, MARGIN_MM, PEN_MM)  # fmt: skip
    ink = ink_map(result.pipeline.binary, result.pipeline.params.scale)
    continuous_drawing(snap.nodes, snap.edges, style, ink=ink, bounds=bounds)  # warm
    t0 = time.perf_counter()
    line, _ = continuous_drawing(snap.nodes, snap.edges, style, ink=ink, bounds=bounds)
    seconds = time.perf_counter() - t0
    cont = plotter_drawing(line, PAGE_MM, MARGIN_MM, PEN_MM)
    return {
        "nodes": len(snap.nodes),
        "edges": len(snap.edges),
        "rows": {"edges": edges.before, "merged": edges.after, "continuous": cont.after},
        "on_ink": stroke_stats(line, ink)["on_ink"],
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--recipes", action="store_true",
        help="also the seed's astronaut (2,400 nodes) and horse (1,500 nodes) recipes",
    )  # fmt: skip
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    cases = CASES + (RECIPES if args.recipes else [])
    print(f"page A4 portrait {PAGE_MM[0]:g}x{PAGE_MM[1]:g} mm, margin {MARGIN_MM:g} mm")
    head = (f"{'input':<24} {'preset':<12} {'drawn as':<11} {'strokes':>8} {'x edges':>8} "
            f"{'pen-up mm':>10} {'x edges':>8} {'pen-down mm':>12}")  # fmt: skip
    print(head)
    print("-" * len(head))
    for label, source, preset in cases:
        m = measure(source, preset)
        ref = m["rows"]["edges"]
        for kind, stats in m["rows"].items():
            print(
                f"{label:<24} {preset:<12} {kind:<11} {stats.strokes:>8,} "
                f"{stats.strokes / ref.strokes:>8.3f} {stats.pen_up_mm:>10,.0f} "
                f"{stats.pen_up_mm / ref.pen_up_mm:>8.3f} {stats.pen_down_mm:>12,.0f}"
            )
        print(
            f"{'':<24} {m['nodes']:,} nodes, {m['edges']:,} edges; continuous line "
            f"{m['on_ink']:.1%} on ink, tour {m['seconds']:.2f} s"
        )


if __name__ == "__main__":
    main()
