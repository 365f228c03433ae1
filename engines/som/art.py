"""Self-Organizing Map art: a grid of units that starts on an image's points and unfolds
over the shape, drawn along its rows and columns. The recipe is :func:`render`; the shared
body is :func:`engines.render.render_art`."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from engines.art import ArtStyle, Drawing, grid_drawing
from engines.core import Callback, run
from engines.render import image_bounds, render_art
from engines.som.engine import SOFM, SOFMSnapshot


def train(
    points: np.ndarray, preset, *, seed: int, epochs: int | None, callback: Callback | None
) -> tuple[SOFMSnapshot, int]:
    """Train the preset's map on ``points``; epochs default to the preset's, else the
    params'."""
    params = preset.engine_params
    epochs = epochs or preset.epochs or params.epochs
    params = params.model_copy(update={"epochs": epochs})
    som = SOFM(params, data=points, seed=seed)
    return run(som, epochs, callback), epochs


def mesh(snapshot: SOFMSnapshot, style: ArtStyle, *, bounds=None, name: str = "art") -> Drawing:
    """The grid as it stands, rows and columns as polylines."""
    return grid_drawing(snapshot.grid_weights, style, bounds=bounds, name=name)


def draw(snapshot: SOFMSnapshot, style: ArtStyle, pipeline, *, name: str = "art"):
    """The finished drawing, framed on the input image (a grid is always drawn as lines)."""
    return mesh(snapshot, style, bounds=image_bounds(pipeline), name=name), {}


def figures(snapshot: SOFMSnapshot) -> dict[str, Any]:
    return {"units": int(np.prod(snapshot.features_grid))}


def render(source, preset, *, seed=None, epochs=None, callback=None, pipeline=None):
    """The SOFM art recipe (see :func:`engines.render.render_input`)."""
    return render_art(sys.modules[__name__], source, preset, seed=seed, epochs=epochs,
                      callback=callback, pipeline=pipeline)  # fmt: skip
