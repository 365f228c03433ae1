"""Growing Neural Gas art: the graph learnt from an image's points, drawn as edges or as
continuous pen strokes (``style.stroke``). The recipe is :func:`render`; the shared body is
:func:`engines.render.render_art`.

The network's size follows the data: ``max_nodes`` never exceeds the number of points (the
cap is reported in the result's notices), and on tone points (``pipeline.points = "tone"``)
it is a ceiling: nodes are added until the drawing's estimated ink
(:func:`engines.art.tone.mean_line_ink`, at the style's pen width) matches the photo's mean
darkness, then the network settles at that size.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from engines.art import ArtStyle, Drawing
from engines.core import Callback, run
from engines.gng.engine import GNGSnapshot, GrowingNeuralGas
from engines.pipeline.tone import MESH_EDGES_PER_NODE
from engines.render import image_bounds, render_art

#: Automatic epoch count: enough signals to grow every node, plus this share.
AUTO_EPOCH_MARGIN = 1.25
AUTO_EPOCHS_RANGE = (5, 200)
#: Tone art measures the drawing's ink each time the network grew by this share of
#: ``max_nodes`` (and stops adding nodes once it reaches the photo's darkness).
TONE_CHECK_SHARE = 0.01
#: A tone drawing lighter than the photo by more than this gets a notice.
TONE_SHORTFALL = 0.03
#: Once the quick ink estimate comes this close to the photo's darkness, each check draws
#: the mesh (:func:`engines.art.tone.drawn_ink`; the estimate falls short on dense meshes).
TONE_NEAR = 0.08
#: Tone meshes train on at their final size for this share of the signals that grew them
#: (the auto epochs' 0.25 leaves them ragged: on chelsea, SSIM 0.88 with 0.25, 0.89 with
#: 0.5, 0.90 with 1.0, benchmarks/bench_likeness.py).
TONE_SETTLE = 0.5
#: Edges per node of a settled tone mesh (2.7 to 2.85 measured on photos; a triangulation
#: tends to 3). A growing mesh has fewer, so its ink is scaled by this over its own count
#: before it is compared with the photo: the settled mesh will have that much more line.
SETTLED_EDGES_PER_NODE = MESH_EDGES_PER_NODE


def fit_params(params, n_points: int) -> tuple[Any, list[str]]:
    """``params`` with ``max_nodes`` (and ``n_start_nodes``) no larger than the number of
    points, and the notices saying so."""
    if params.max_nodes <= n_points:
        return params, []
    update = {"max_nodes": n_points, "n_start_nodes": min(params.n_start_nodes, n_points)}
    notice = (
        f"max_nodes {params.max_nodes:,} capped at {n_points:,}, the number of points "
        "(a network cannot have more nodes than points to learn)"
    )
    return params.model_copy(update=update), [notice]


def tone_goal(pipeline, style: ArtStyle) -> tuple[float | None, float] | None:
    """For tone points, (the photo's mean darkness, the pen width in image pixels): the
    network grows until its drawing is that dark (darkness None with ``match_tone`` off:
    it grows to ``max_nodes``). None for other points. The darkness counts tones beyond
    the tone curve's darkest as that dark."""
    from engines.art.geometry import CanvasTransform

    if pipeline is None or pipeline.mode != "tone":
        return None
    from engines.pipeline.tone import DARKEST

    grey = np.clip(pipeline.blurred, 0.0, 1.0)
    dark = grey if pipeline.params.invert else 1.0 - grey
    # Tones darker than the tone curve draws (DARKEST) count as that dark.
    darkness = float(np.minimum(dark, DARKEST).mean()) if pipeline.params.match_tone else None
    fit = CanvasTransform.fit(image_bounds(pipeline), style.width, style.height, style.margin)
    pen_px = style.line_width / (fit.scale * pipeline.params.scale)
    return darkness, pen_px


def tree_darkness(pipeline) -> np.ndarray | None:
    """The darkness map tone lines ``tree`` choose edges by (None: every edge is drawn)."""
    if pipeline is None or pipeline.mode != "tone" or pipeline.params.tone_lines != "tree":
        return None
    from engines.art.tone import darkness_map

    return darkness_map(pipeline)


def auto_epochs(n_points: int, max_nodes: int, n_iter_before_neuron_added: int) -> int:
    """Epochs that give the network time to grow all its nodes, with a margin."""
    signals = max_nodes * n_iter_before_neuron_added * AUTO_EPOCH_MARGIN
    lo, hi = AUTO_EPOCHS_RANGE
    return int(min(hi, max(lo, math.ceil(signals / max(n_points, 1)))))


def train(
    points: np.ndarray,
    preset,
    *,
    seed: int,
    epochs: int | None,
    callback: Callback | None,
    pipeline=None,
    snapshots: int | None = None,
) -> tuple[GNGSnapshot, int, dict[str, Any]]:
    """Train the preset's GNG on ``points``; epochs default to the preset's, else enough to
    grow every node. On tone points the network stops growing once its drawing is as dark
    as the photo (see the module's docstring).

    Returns the snapshot, the epochs run and figures for the result's stats (``notices``,
    and ``tone`` for tone-sized networks). ``snapshots``: call ``callback`` at least that
    many times, evenly spaced (see :func:`engines.render.render_art`).
    """
    params, notices = fit_params(preset.engine_params, points.shape[0])
    figures: dict[str, Any] = {"notices": notices} if notices else {}
    goal = tone_goal(pipeline, preset.style or ArtStyle())
    gng = GrowingNeuralGas(params, data=points, seed=seed)
    if goal is None:
        if epochs is None:
            epochs = preset.epochs or auto_epochs(
                points.shape[0], params.max_nodes, params.n_iter_before_neuron_added
            )
        budget = epochs * gng.signals_per_epoch
        every = _every(budget, snapshots) if callback is not None else None
        return run(gng, budget, callback, every=every), epochs, figures
    snapshot, epochs, tone = _train_to_tone(
        gng, pipeline, preset, goal, epochs, callback, snapshots
    )
    short = tone["darkness"] is not None and tone["ink"] < tone["darkness"] - TONE_SHORTFALL
    if short and snapshot.n_nodes >= params.max_nodes:
        notices.append(
            f"the drawing's ink ({tone['ink']:.2f}) stays below the photo's darkness "
            f"({tone['darkness']:.2f}) at max_nodes {params.max_nodes:,}: raise max_nodes or "
            "style.line_width for the full tone"
        )
        figures["notices"] = notices
    return snapshot, epochs, {**figures, "tone": tone}


def _every(budget: int, snapshots: int | None) -> int | None:
    """Signals per chunk giving ``snapshots`` callbacks over ``budget`` (None: adaptive)."""
    return None if not snapshots else max(1, math.ceil(budget / snapshots))


def _train_to_tone(gng, pipeline, preset, goal, epochs, callback, snapshots=None):
    """Grow until the estimated ink reaches the photo's darkness (or ``max_nodes``), then
    settle for the auto epochs' margin (or until the given epochs are spent)."""
    from engines.art.tone import drawn_ink, mean_line_ink

    darkness, pen_px = goal
    params = gng.params
    per_epoch = gng.signals_per_epoch
    line_share = 1.0
    if (preset.style or ArtStyle()).stroke == "continuous":
        line_share = 0.0  # set from the mesh below: a path uses about one edge per node
    shape, scale = pipeline.image_size, pipeline.params.scale
    tree = tree_darkness(pipeline)
    state = {"next": 0, "ink": 0.0, "stopped": False, "cancelled": False}
    step_nodes = max(1, round(TONE_CHECK_SHARE * params.max_nodes))

    def ink_of(snap, drawn: bool, settled: bool = True) -> float:
        """The drawing's ink (estimated or drawn); ``settled`` scales a growing mesh's ink
        to what it will be once its edges formed (see SETTLED_EDGES_PER_NODE)."""
        if not len(snap.edges):
            return 0.0
        share = line_share or min(1.0, snap.n_nodes / snap.n_edges)
        how = drawn_ink if drawn else mean_line_ink
        edges, growth = snap.edges, SETTLED_EDGES_PER_NODE * snap.n_nodes / snap.n_edges
        if tree is not None and line_share == 1.0:
            from engines.art.tone import tree_edges

            keep, in_tree = tree_edges(snap.nodes, edges, tree, scale=scale)
            edges = edges[keep]
            # The tree is whole as the network grows; the other edges are still forming.
            n_tree, n_other = int(in_tree.sum()), int(keep.sum() - in_tree.sum())
            others = (SETTLED_EDGES_PER_NODE - 1.0) * snap.n_nodes / max(1, snap.n_edges - n_tree)
            growth = (n_tree + n_other * others) / max(1, n_tree + n_other)
        ink = how(snap.nodes[edges], shape, scale=scale, pen_px=pen_px * share)
        if settled and growth > 1.0 and line_share == 1.0:
            ink = 1.0 - (1.0 - min(ink, 0.999)) ** growth  # more line of the same spread
        return ink

    def due(iteration: int, n_nodes: int) -> bool:
        """Whether the ink is checked here: on the checks' signals (the same however the
        run is chunked), each time the network grew by another step."""
        checking = darkness is not None and not state["stopped"]
        return checking and iteration % checks == 0 and n_nodes >= state["next"]

    def check(snap) -> None:
        state["next"] = snap.n_nodes + step_nodes
        state["ink"] = ink_of(snap, drawn=False)
        if state["ink"] >= darkness - TONE_NEAR:
            state["ink"] = ink_of(snap, drawn=True)
        if state["ink"] >= darkness:
            gng.stop_growing()
            state["stopped"] = True

    def watch(snap) -> bool:
        """Checks the ink as the network grows; True when the run should end here (the
        caller cancelled, or growth stopped and the settling budget is set anew)."""
        if due(snap.iteration, snap.n_nodes):
            check(snap)
        if callback is not None and callback(snap):
            state["cancelled"] = True
        return state["cancelled"] or (growing and state["stopped"])

    def train_for(signals: int):
        """``run`` with ``watch`` when there is a callback; without one, the same chunks
        with a snapshot only where the ink is checked (a snapshot of 20,000 nodes costs
        as much as thousands of signals)."""
        if callback is not None:
            return run(gng, signals, watch, every=every)
        done = 0
        while done < signals and not gng.done:
            stats = gng.step(min(every, signals - done))
            done += stats.steps
            if due(stats.iteration, gng.n_nodes):
                check(gng.snapshot())
            if (growing and state["stopped"]) or stats.steps == 0:
                break
        return gng.snapshot()

    fixed = epochs or preset.epochs
    growing = not fixed
    if fixed:
        budget = fixed * per_epoch
    else:
        # Tone points are many (dozens per node): no minimum of whole epochs.
        grow_signals = params.max_nodes * params.n_iter_before_neuron_added
        budget = math.ceil(grow_signals * (1.0 + TONE_SETTLE))
    # Fixed chunks, callback or not: the ink checks (and so the network's size) fall on the
    # same signals in the studio as on the command line.
    checks = every = step_nodes * params.n_iter_before_neuron_added
    if snapshots and callback is not None:
        # An animation's frames: more callbacks, in chunks that divide the checks' so the
        # ink is still checked on the same signals (the same network as without frames).
        grown = params.max_nodes * params.n_iter_before_neuron_added
        every = checks // max(1, math.ceil(checks / _every(grown, snapshots)))
        every = next(d for d in range(every, 0, -1) if checks % d == 0)
    snap = train_for(budget)
    if growing and state["stopped"] and not state["cancelled"] and not snap.done:
        # Settle at the size reached: the margin the auto epochs give a fully grown network.
        growing = False
        settle = math.ceil(gng.n_nodes * params.n_iter_before_neuron_added
                           * TONE_SETTLE)  # fmt: skip
        snap = train_for(settle)
    ink = ink_of(snap, drawn=True, settled=False)
    figures = {"darkness": None if darkness is None else round(darkness, 3), "ink": round(ink, 3),
               "pen_px": round(pen_px, 3), "grown_to": snap.n_nodes,
               "max_nodes": params.max_nodes}  # fmt: skip
    return snap, math.ceil(snap.iteration / per_epoch), figures


def mesh(
    snapshot: GNGSnapshot, style: ArtStyle, *, bounds=None, name: str = "art", pipeline=None
) -> Drawing:
    """The graph as it stands: one segment per edge, styled (widths, colours, spurs and
    long edges left out; ``pipeline`` gives the image for image colours and the photo
    under the art). What the live view shows."""
    from engines.art.styling import styled_graph_drawing

    edges, ages = snapshot.edges, snapshot.ages
    darkness = tree_darkness(pipeline)
    if darkness is not None and len(edges):
        from engines.art.tone import tree_edges

        keep, _ = tree_edges(snapshot.nodes, edges, darkness, scale=pipeline.params.scale)
        edges = edges[keep]
        ages = None if ages is None else ages[keep]
    return styled_graph_drawing(
        snapshot.nodes, edges, style, errors=snapshot.errors, ages=ages,
        pipeline=pipeline, bounds=bounds, name=name,
    )  # fmt: skip


def draw(snapshot: GNGSnapshot, style: ArtStyle, pipeline, *, name: str = "art"):
    """The finished drawing (edges, or continuous strokes that stay on the ink) and its
    figures."""
    bounds = image_bounds(pipeline)
    if style.stroke != "continuous":
        return mesh(snapshot, style, bounds=bounds, name=name, pipeline=pipeline), {}
    import dataclasses

    from engines.art.styling import cut_long_edges, prune_spurs, underlay
    from engines.stroke import continuous_drawing, ink_map, stroke_stats

    edges = snapshot.edges
    keep = prune_spurs(edges, snapshot.n_nodes, style.prune_spurs)
    keep &= cut_long_edges(snapshot.nodes, edges, style.cut_long)
    ink = ink_map(pipeline.binary, pipeline.params.scale)
    darkness = None
    if style.squiggle > 1.0:
        from engines.art.tone import darkness_map

        darkness = darkness_map(pipeline)
    drawing, _ = continuous_drawing(
        snapshot.nodes, edges[keep], style, ink=ink, bounds=bounds, name=name,
        darkness=darkness, scale=pipeline.params.scale,
    )  # fmt: skip
    stats = stroke_stats(drawing, ink)
    extra = underlay(pipeline, style)
    return (dataclasses.replace(drawing, **extra) if extra else drawing), stats


def figures(snapshot: GNGSnapshot) -> dict[str, Any]:
    return {"nodes": snapshot.n_nodes, "edges": snapshot.n_edges}


def render(source, preset, *, seed=None, epochs=None, callback=None, pipeline=None,
           snapshots=None):  # fmt: skip
    """The GNG art recipe (see :func:`engines.render.render_input`)."""
    return render_art(sys.modules[__name__], source, preset, seed=seed, epochs=epochs,
                      callback=callback, pipeline=pipeline, snapshots=snapshots)  # fmt: skip


def warm_up() -> None:
    """Compile (or load from Numba's cache) every kernel GNG art uses: the GNG's, and those
    of continuous strokes and plotter ordering, by drawing a tiny text end to end."""
    from engines.art.plotter import plotter_drawing
    from engines.gng.engine import warm_up as warm_up_gng
    from engines.presets import validate_preset

    warm_up_gng()
    preset = validate_preset({
        "name": "warm-up", "engine": "gng", "epochs": 2,
        "text": {"size": 24, "padding": 2},
        "engine_params": {"max_nodes": 12, "n_iter_before_neuron_added": 5},
        "style": {"stroke": "continuous"},
    })  # fmt: skip
    result = render("text:Go", preset)
    plotter_drawing(result.drawing, (210.0, 297.0), 10.0, 0.3)
