"""Growing Neural Gas art: the graph learnt from an image's points, drawn as edges or as
continuous pen strokes (``style.stroke``). The recipe is :func:`render`; the shared body is
:func:`engines.render.render_art`."""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from engines.art import ArtStyle, Drawing, graph_drawing
from engines.core import Callback, run
from engines.gng.engine import GNGSnapshot, GrowingNeuralGas
from engines.render import image_bounds, render_art

#: Automatic epoch count: enough signals to grow every node, plus this share.
AUTO_EPOCH_MARGIN = 1.25
AUTO_EPOCHS_RANGE = (5, 200)


def auto_epochs(n_points: int, max_nodes: int, n_iter_before_neuron_added: int) -> int:
    """Epochs that give the network time to grow all its nodes, with a margin."""
    signals = max_nodes * n_iter_before_neuron_added * AUTO_EPOCH_MARGIN
    lo, hi = AUTO_EPOCHS_RANGE
    return int(min(hi, max(lo, math.ceil(signals / max(n_points, 1)))))


def train(
    points: np.ndarray, preset, *, seed: int, epochs: int | None, callback: Callback | None
) -> tuple[GNGSnapshot, int]:
    """Train the preset's GNG on ``points``; epochs default to the preset's, else enough to
    grow every node."""
    params = preset.engine_params
    if epochs is None:
        epochs = preset.epochs or auto_epochs(
            points.shape[0], params.max_nodes, params.n_iter_before_neuron_added
        )
    gng = GrowingNeuralGas(params, data=points, seed=seed)
    return run(gng, epochs * gng.signals_per_epoch, callback), epochs


def mesh(snapshot: GNGSnapshot, style: ArtStyle, *, bounds=None, name: str = "art") -> Drawing:
    """The graph as it stands: one segment per edge (what the live view shows)."""
    return graph_drawing(snapshot.nodes, snapshot.edges, style, bounds=bounds, name=name)


def draw(snapshot: GNGSnapshot, style: ArtStyle, pipeline, *, name: str = "art"):
    """The finished drawing (edges, or continuous strokes that stay on the ink) and its
    figures."""
    bounds = image_bounds(pipeline)
    if style.stroke != "continuous":
        return mesh(snapshot, style, bounds=bounds, name=name), {}
    from engines.stroke import continuous_drawing, ink_map, stroke_stats

    ink = ink_map(pipeline.binary, pipeline.params.scale)
    drawing, _ = continuous_drawing(
        snapshot.nodes, snapshot.edges, style, ink=ink, bounds=bounds, name=name
    )
    return drawing, stroke_stats(drawing, ink)


def figures(snapshot: GNGSnapshot) -> dict[str, Any]:
    return {"nodes": snapshot.n_nodes, "edges": snapshot.n_edges}


def render(source, preset, *, seed=None, epochs=None, callback=None, pipeline=None):
    """The GNG art recipe (see :func:`engines.render.render_input`)."""
    return render_art(sys.modules[__name__], source, preset, seed=seed, epochs=epochs,
                      callback=callback, pipeline=pipeline)  # fmt: skip


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
