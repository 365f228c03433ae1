"""Preset + input → trained engine → drawing: what ``gasworks render`` does for one input.

Front ends (the batch runner, the GUI) call :func:`render_input`; it knows nothing of files
or progress bars beyond an optional callback.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engines.art import ArtStyle, Drawing, graph_drawing
from engines.core import run
from engines.errors import GasworksError, InputError
from engines.pipeline import PipelineResult, render_text, run_pipeline
from engines.presets import Preset

TEXT_PREFIX = "text:"
#: Snapshots reported per epoch to a progress callback.
REPORTS_PER_EPOCH = 10
#: Automatic epoch count: enough signals to grow every node, plus this share.
AUTO_EPOCH_MARGIN = 1.25
AUTO_EPOCHS_RANGE = (5, 200)


@dataclass(frozen=True)
class RenderResult:
    """A finished render: the drawing, its style, and figures for the manifest."""

    drawing: Drawing
    style: ArtStyle
    pipeline: PipelineResult = field(repr=False)
    snapshot: Any = field(repr=False)
    epochs: int
    seed: int
    timings: dict[str, float]
    #: Figures of the drawing itself (continuous strokes: strokes, share of line on ink).
    drawing_stats: dict[str, Any] = field(default_factory=dict)

    @property
    def stats(self) -> dict[str, Any]:
        snap = self.snapshot
        return {
            "points": int(self.pipeline.points.shape[0]),
            "nodes": len(snap.nodes),
            "edges": len(snap.edges),
            "epochs": self.epochs,
            "error": float(snap.error),
            **self.drawing_stats,
        }


def is_text_source(source: str | Path) -> bool:
    return isinstance(source, str) and source.startswith(TEXT_PREFIX)


def run_input_pipeline(source: str | Path, preset: Preset) -> PipelineResult:
    """Run the preset's pipeline on a file, ``sample:NAME`` or ``text:...`` input."""
    if is_text_source(source):
        text = str(source)[len(TEXT_PREFIX) :].replace("\\n", "\n")
        t = preset.text
        image = render_text(text, font=t.font, size=t.size, padding=t.padding, align=t.align)
        return run_pipeline(image, preset.pipeline)
    return run_pipeline(source, preset.pipeline)


def auto_epochs(n_points: int, max_nodes: int, n_iter_before_neuron_added: int) -> int:
    """Epochs that give the network time to grow all its nodes, with a margin."""
    signals = max_nodes * n_iter_before_neuron_added * AUTO_EPOCH_MARGIN
    lo, hi = AUTO_EPOCHS_RANGE
    return int(min(hi, max(lo, math.ceil(signals / max(n_points, 1)))))


def image_bounds(result: PipelineResult) -> tuple[float, float, float, float]:
    """The input image's extent in point coordinates, so art keeps the picture's frame."""
    h, w = result.image_size
    s = result.params.scale
    return (0.0, -(h - 1) * s, (w - 1) * s, 0.0)


def render_input(
    source: str | Path,
    preset: Preset,
    *,
    seed: int | None = None,
    epochs: int | None = None,
    callback: Callable[[Any], bool | None] | None = None,
) -> RenderResult:
    """Render one input with a GNG preset.

    Parameters
    ----------
    source : str or Path
        A file, ``sample:NAME`` or ``text:WORDS``.
    preset : Preset
        Must name ``engine = "gng"``.
    seed, epochs : int, optional
        Override the preset's (epochs default to the preset's, else chosen automatically).
    callback : callable, optional
        Receives engine snapshots during training; returning True cancels (the drawing is
        made from the graph reached so far).

    Raises
    ------
    InputError
        The input cannot be read, or yields no foreground points.
    """
    from engines.gng import GrowingNeuralGas

    if preset.engine != "gng":
        raise GasworksError(f"preset {preset.name!r} uses engine {preset.engine!r}, not 'gng'")
    t0 = time.perf_counter()
    result = run_input_pipeline(source, preset)
    n_points = int(result.points.shape[0])
    if n_points < 2:
        raise InputError(
            source,
            f"the pipeline found {n_points} foreground pixel(s); the image may be blank or "
            "lighter than its threshold everywhere (try pipeline.invert or a higher offset)",
        )
    t1 = time.perf_counter()
    params = preset.engine_params
    seed = preset.seed if seed is None else seed
    if epochs is None:
        epochs = preset.epochs or auto_epochs(
            n_points, params.max_nodes, params.n_iter_before_neuron_added
        )
    gng = GrowingNeuralGas(params, data=result.points, seed=seed)
    per_epoch = gng.signals_per_epoch
    every = max(1, per_epoch // REPORTS_PER_EPOCH) if callback else per_epoch
    snapshot = run(gng, epochs * per_epoch, callback, every=every)
    t2 = time.perf_counter()
    style = preset.style or ArtStyle()
    drawing_stats: dict[str, Any] = {}
    if style.stroke == "continuous":
        from engines.stroke import continuous_drawing, ink_map, stroke_stats

        ink = ink_map(result.binary, result.params.scale)
        drawing, _ = continuous_drawing(
            snapshot.nodes, snapshot.edges, style, ink=ink, bounds=image_bounds(result),
            name=preset.name,
        )  # fmt: skip
        drawing_stats = stroke_stats(drawing, ink)
    else:
        drawing = graph_drawing(
            snapshot.nodes, snapshot.edges, style, bounds=image_bounds(result), name=preset.name
        )
    timings = {"pipeline": t1 - t0, "train": t2 - t1, "draw": time.perf_counter() - t2}
    return RenderResult(drawing, style, result, snapshot, epochs, seed, timings, drawing_stats)


def source_stem(source: str | Path) -> str:
    """File-name stem for an input: the file's stem, the sample's name, or the text."""
    text = str(source)
    if text.startswith("sample:"):
        return text[len("sample:") :]
    if is_text_source(text):
        words = "".join(c if c.isalnum() else "-" for c in text[len(TEXT_PREFIX) :])
        return ("text-" + "-".join(filter(None, words.split("-"))))[:60].rstrip("-")
    return Path(text).stem


def points_bounds(points: np.ndarray) -> tuple[float, float, float, float]:
    xmin, ymin = points.min(axis=0)
    xmax, ymax = points.max(axis=0)
    return (float(xmin), float(ymin), float(xmax), float(ymax))
