"""A GNG graph drawn as few continuous pen lines: the ``stroke = "continuous"`` style."""

from __future__ import annotations

from typing import Any

import numpy as np

from engines.art.geometry import Drawing, Layer
from engines.art.style import ArtStyle
from engines.stroke.ink import InkMap, ink_share
from engines.stroke.smooth import smooth_path
from engines.stroke.tour import Tour, node_tour


def tour_polylines(nodes: np.ndarray, tour: Tour, smoothing: int = 2) -> list[np.ndarray]:
    """The tour's strokes as smoothed polylines, in a pen-travel-saving order.

    Strokes of a single node (an isolated node the pen would only dot) are left out, as
    the edge drawing leaves out nodes without edges. Closed strokes come back as closed
    polylines (first point repeated at the end).

    Parameters
    ----------
    nodes : (N, 2) ndarray
    tour : Tour
    smoothing : int
        Chaikin passes after one neighbour average (see :func:`engines.stroke.smooth.smooth_path`).

    Returns
    -------
    list of (K, 2) ndarray of float64, K >= 2
    """
    from engines.art.plotter import order_strokes

    nodes = np.asarray(nodes, dtype=np.float64)
    lines = [
        smooth_path(nodes[s], smoothing, closed=c)
        for s, c in zip(tour.strokes, tour.closed, strict=True)
        if len(s) >= 2
    ]
    if not lines:
        return []
    top_left = np.array([nodes[:, 0].min(), nodes[:, 1].max()])
    return order_strokes(lines, top_left)


def continuous_drawing(
    nodes: np.ndarray,
    edges: np.ndarray,
    style: ArtStyle | None = None,
    *,
    ink: InkMap | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    name: str = "line",
    darkness: np.ndarray | None = None,
    scale: float = 1.0,
) -> tuple[Drawing, Tour]:
    """A graph (GNG snapshot) as one layer of continuous polylines through its nodes.

    Parameters
    ----------
    nodes : (N, 2) ndarray
    edges : (E, 2) ndarray of int
    style : ArtStyle, optional
        ``smoothing`` and ``max_jump`` shape the line; colours and widths as for edges.
    ink : InkMap, optional
        Where the ink is, so the line stays on the shape (see :func:`node_tour`).
    bounds : (xmin, ymin, xmax, ymax), optional
        Frame to fit.
    darkness : (M, N) ndarray, optional
        The photo's darkness, ``scale`` point units per pixel: with ``style.squiggle`` above
        1 the line zigzags where it is lighter than the photo (:func:`squiggled`).

    Returns
    -------
    drawing : Drawing
    tour : Tour
        The node path the drawing smooths, for figures and checks.
    """
    style = style or ArtStyle()
    nodes = np.asarray(nodes, dtype=np.float64).reshape(-1, 2)
    tour = node_tour(nodes, edges, ink=ink, max_jump=style.max_jump)
    lines = tour_polylines(nodes, tour, style.smoothing)
    if style.squiggle > 1.0 and lines:
        lines = squiggled(lines, nodes, style, bounds, darkness, scale)
    layer = Layer(
        name=name,
        stroke=style.line_color,
        stroke_width=style.line_width,
        polylines=tuple(lines),
        dots=nodes if style.node_size > 0 else np.zeros((0, 2)),
        dot_radius=style.node_size,
        dot_fill=style.node_color,
    )
    return Drawing(layers=(layer,), background=style.background, bounds=bounds), tour


def squiggled(
    lines, nodes: np.ndarray, style: ArtStyle, bounds=None, darkness=None, scale: float = 1.0
) -> list[np.ndarray]:
    """``lines`` zigzagging across their path (:mod:`engines.stroke.squiggle`), with a
    wavelength of :data:`~engines.stroke.squiggle.WAVELENGTH_PENS` pen widths on the canvas
    ``bounds`` (or the nodes' extent) is fitted to: ``style.squiggle`` times their length,
    or, given the photo's ``darkness`` (an image of ``scale`` point units per pixel), as
    much longer as the darkness around each point asks for, up to ``style.squiggle``."""
    from engines.art.geometry import CanvasTransform
    from engines.stroke.squiggle import WAVELENGTH_PENS, squiggle, tone_factors

    if bounds is None:
        (xmin, ymin), (xmax, ymax) = nodes.min(axis=0), nodes.max(axis=0)
        bounds = (float(xmin), float(ymin), float(xmax), float(ymax))
    fit = CanvasTransform.fit(bounds, style.width, style.height, style.margin)
    pen = style.line_width / fit.scale  # in point units
    if darkness is None:
        factors = [style.squiggle] * len(lines)
    else:
        factors = tone_factors(lines, darkness, scale=scale, pen_px=pen / scale,
                               max_factor=style.squiggle)  # fmt: skip
    wavelength = WAVELENGTH_PENS * pen
    return [squiggle(line, f, wavelength) for line, f in zip(lines, factors, strict=True)]


def stroke_stats(drawing: Drawing, ink: InkMap | None = None) -> dict[str, Any]:
    """Figures of a continuous drawing: strokes, points, and the share of line on ink."""
    lines = [p for layer in drawing.layers for p in layer.polylines]
    stats: dict[str, Any] = {
        "strokes": len(lines),
        "line_points": int(sum(len(p) for p in lines)),
    }
    if ink is not None:
        stats["on_ink"] = round(ink_share(lines, ink), 4)
    return stats
