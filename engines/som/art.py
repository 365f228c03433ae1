"""Self-Organizing Map art: a grid of units that starts on an image's points and unfolds
over the shape, drawn along its rows and columns. The recipe is :func:`render`; the shared
body is :func:`engines.render.render_art`."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from engines.art import ArtStyle, Drawing
from engines.art.geometry import Layer
from engines.core import Callback, run
from engines.render import image_bounds, render_art
from engines.som.engine import SOFM, SOFMSnapshot


def train(
    points: np.ndarray,
    preset,
    *,
    seed: int,
    epochs: int | None,
    callback: Callback | None,
    pipeline=None,
    snapshots: int | None = None,
) -> tuple[SOFMSnapshot, int, dict[str, Any]]:
    """Train the preset's map on ``points``; epochs default to the preset's, else the
    params'. (A map's size is its grid's: ``pipeline`` changes nothing.)"""
    params = preset.engine_params
    epochs = epochs or preset.epochs or params.epochs
    params = params.model_copy(update={"epochs": epochs})
    som = SOFM(params, data=points, seed=seed)
    # A map steps whole epochs: an animation gets one frame per epoch at most.
    every = 1 if snapshots and callback is not None else None
    return run(som, epochs, callback, every=every), epochs, {}


#: A link between neighbouring units longer than this many median links bridges empty paper
#: (a grid draped over a horse spans the gap between its legs): it is not drawn.
STRETCHED_LINK = 3.0


def grid_links(grid: np.ndarray) -> np.ndarray:
    """Every link between row and column neighbours of a (rows, cols, 2) grid: (L, 2, 2)."""
    rows = np.stack([grid[:, :-1], grid[:, 1:]], axis=2).reshape(-1, 2, 2)
    cols = np.stack([grid[:-1], grid[1:]], axis=2).reshape(-1, 2, 2)
    return np.concatenate([rows, cols])


#: What a map's links offer ``style.width_by`` and ``style.color_by`` (besides the image's
#: colours): a unit's degree in the grid, and a link's angle.
MAP_VALUES = ("degree", "angle")


def mesh(
    snapshot: SOFMSnapshot, style: ArtStyle, *, bounds=None, name: str = "art", pipeline=None
) -> Drawing:
    """The grid as it stands: the links between neighbouring units that lie on the shape
    (links stretched across empty paper, or longer than ``style.cut_long`` median links,
    are left out), styled by degree, angle or the image's colours."""
    import dataclasses

    from engines.art.styling import (
        check_style_values,
        image_colours,
        styled_layers,
        underlay,
    )

    check_style_values(style, MAP_VALUES, "som")
    links = grid_links(np.asarray(snapshot.grid_weights, dtype=np.float64))
    degree = grid_degree(snapshot)
    length = np.hypot(*(links[:, 1] - links[:, 0]).T)
    if length.size:
        cut = STRETCHED_LINK if style.cut_long <= 0 else min(STRETCHED_LINK, style.cut_long)
        keep = length <= cut * max(np.median(length), 1e-12)
        links, degree = links[keep], degree[keep]
    if style.width_by == "none" and style.color_by == "none":
        layers = [Layer(name=name, stroke=style.line_color, stroke_width=style.line_width,
                        segments=links)]  # fmt: skip
    else:
        d = links[:, 1] - links[:, 0]
        values = {"degree": degree, "angle": np.mod(np.arctan2(d[:, 1], d[:, 0]), np.pi)}
        colours = None
        if style.color_by == "image":
            colours = image_colours(links.mean(axis=1), pipeline)
        layers = styled_layers(links, style, values, colours=colours, name=name)
    drawing = Drawing(tuple(layers), background=style.background, bounds=bounds)
    extra = underlay(pipeline, style)
    return dataclasses.replace(drawing, **extra) if extra else drawing


def grid_degree(snapshot: SOFMSnapshot) -> np.ndarray:
    """Each link's mean unit degree in the grid (2 in a corner, 4 inside), in the order of
    :func:`grid_links`."""
    rows, cols = np.asarray(snapshot.grid_weights).shape[:2]
    deg = np.zeros((rows, cols))
    deg[:, :-1] += 1
    deg[:, 1:] += 1
    deg[:-1] += 1
    deg[1:] += 1
    along = ((deg[:, :-1] + deg[:, 1:]) / 2).ravel()
    across = ((deg[:-1] + deg[1:]) / 2).ravel()
    return np.concatenate([along, across])


def draw(snapshot: SOFMSnapshot, style: ArtStyle, pipeline, *, name: str = "art"):
    """The finished drawing, framed on the input image (a grid is always drawn as links)."""
    return mesh(snapshot, style, bounds=image_bounds(pipeline), name=name, pipeline=pipeline), {}


def figures(snapshot: SOFMSnapshot) -> dict[str, Any]:
    return {"units": int(np.prod(snapshot.features_grid))}


def render(source, preset, *, seed=None, epochs=None, callback=None, pipeline=None,
           snapshots=None):  # fmt: skip
    """The SOFM art recipe (see :func:`engines.render.render_input`)."""
    return render_art(sys.modules[__name__], source, preset, seed=seed, epochs=epochs,
                      callback=callback, pipeline=pipeline, snapshots=snapshots)  # fmt: skip
