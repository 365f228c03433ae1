"""Geometry of a drawing: layers of segments, polylines and dots in data coordinates.

Data coordinates follow the pipeline's convention (x to the right, y upwards); the writers
map them onto the canvas with :class:`CanvasTransform`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engines.art.style import ArtStyle

_EMPTY_SEGMENTS = np.zeros((0, 2, 2), dtype=np.float64)
_EMPTY_POINTS = np.zeros((0, 2), dtype=np.float64)


@dataclass(frozen=True)
class Layer:
    """Strokes and dots of one colour (one pen, for a plotter)."""

    name: str
    stroke: str
    stroke_width: float
    segments: np.ndarray = field(default_factory=lambda: _EMPTY_SEGMENTS)  # (S, 2, 2)
    polylines: tuple[np.ndarray, ...] = ()  # each (K, 2), K >= 2
    dots: np.ndarray = field(default_factory=lambda: _EMPTY_POINTS)  # (D, 2)
    dot_radius: float = 0.0
    dot_fill: str | None = None
    #: Width of each segment (S,), when they differ (``style.width_by``); else
    #: ``stroke_width`` for all.
    widths: np.ndarray | None = None

    def all_points(self) -> np.ndarray:
        parts = [self.segments.reshape(-1, 2), self.dots, *self.polylines]
        return np.concatenate([np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in parts])


@dataclass(frozen=True)
class Drawing:
    """Everything a writer needs: layers, the background, and the data bounds to frame."""

    layers: tuple[Layer, ...]
    background: str = "none"
    bounds: tuple[float, float, float, float] | None = None  # xmin, ymin, xmax, ymax
    #: A picture under the art (``style.photo_under``): (H, W, 3) uint8, spanning
    #: ``underlay_bounds`` in data coordinates, drawn at ``underlay_opacity``.
    underlay: np.ndarray | None = field(default=None, repr=False)
    underlay_bounds: tuple[float, float, float, float] | None = None
    underlay_opacity: float = 0.0

    def data_bounds(self) -> tuple[float, float, float, float]:
        if self.bounds is not None:
            return self.bounds
        pts = [layer.all_points() for layer in self.layers]
        pts = np.concatenate(pts) if pts else _EMPTY_POINTS
        if pts.size == 0:
            return (0.0, 0.0, 1.0, 1.0)
        xmin, ymin = pts.min(axis=0)
        xmax, ymax = pts.max(axis=0)
        return (float(xmin), float(ymin), float(xmax), float(ymax))

    @property
    def n_strokes(self) -> int:
        return sum(len(layer.segments) + len(layer.polylines) for layer in self.layers)


@dataclass(frozen=True)
class CanvasTransform:
    """Maps data coordinates (y up) to canvas pixels (y down), keeping the aspect ratio."""

    width: float
    height: float
    scale: float
    x0: float  # data x at the canvas's left drawing edge
    y1: float  # data y at the canvas's top drawing edge
    left: float
    top: float

    @classmethod
    def fit(
        cls,
        bounds: tuple[float, float, float, float],
        width: float,
        height: float | None,
        margin: float,
    ) -> CanvasTransform:
        """Fit ``bounds`` into the canvas, centred; ``height`` None follows the aspect."""
        xmin, ymin, xmax, ymax = bounds
        span_x = max(xmax - xmin, 1e-12)
        span_y = max(ymax - ymin, 1e-12)
        inner_w = max(width - 2 * margin, 1.0)
        if height is None:
            scale = inner_w / span_x
            height = span_y * scale + 2 * margin
        inner_h = max(height - 2 * margin, 1.0)
        scale = min(inner_w / span_x, inner_h / span_y)
        left = (width - span_x * scale) / 2
        top = (height - span_y * scale) / 2
        return cls(float(width), float(height), float(scale), xmin, ymax, left, top)

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """(..., 2) data coordinates → (..., 2) canvas pixels."""
        points = np.asarray(points, dtype=np.float64)
        out = np.empty_like(points)
        out[..., 0] = self.left + (points[..., 0] - self.x0) * self.scale
        out[..., 1] = self.top + (self.y1 - points[..., 1]) * self.scale
        return out


def transform_for(drawing: Drawing, style: ArtStyle) -> CanvasTransform:
    return CanvasTransform.fit(drawing.data_bounds(), style.width, style.height, style.margin)


def graph_drawing(
    nodes: np.ndarray,
    edges: np.ndarray,
    style: ArtStyle | None = None,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    name: str = "graph",
) -> Drawing:
    """A graph (GNG snapshot) as one layer: each edge a segment, each node a dot.

    Parameters
    ----------
    nodes : (N, 2) ndarray
    edges : (E, 2) ndarray of int, indices into ``nodes``
    style : ArtStyle, optional
    bounds : (xmin, ymin, xmax, ymax), optional
        Frame to fit (e.g. the input's extent, so drawings of one image line up).
    """
    style = style or ArtStyle()
    nodes = np.asarray(nodes, dtype=np.float64).reshape(-1, 2)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if edges.size and (edges.min() < 0 or edges.max() >= len(nodes)):
        raise ValueError(f"edges index nodes 0..{len(nodes) - 1}, got {edges.min()}..{edges.max()}")
    layer = Layer(
        name=name,
        stroke=style.line_color,
        stroke_width=style.line_width,
        segments=nodes[edges] if edges.size else _EMPTY_SEGMENTS,
        dots=nodes if style.node_size > 0 else _EMPTY_POINTS,
        dot_radius=style.node_size,
        dot_fill=style.node_color,
    )
    return Drawing(layers=(layer,), background=style.background, bounds=bounds)


def grid_drawing(
    weights: np.ndarray,
    style: ArtStyle | None = None,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    rows: bool = True,
    columns: bool = True,
    closed_rows: bool = False,
    name: str = "grid",
) -> Drawing:
    """A map's weight grid (H, W, 2) as polylines along its rows and columns.

    A 1-D map of shape (W, 2) is one polyline (a ring when ``closed_rows``).
    """
    style = style or ArtStyle()
    grid = np.asarray(weights, dtype=np.float64)
    if grid.ndim == 2:
        grid = grid[None]
    if grid.ndim != 3 or grid.shape[-1] != 2:
        raise ValueError(f"expected weights shaped (H, W, 2) or (W, 2), got {weights.shape}")
    lines: list[np.ndarray] = []
    if rows and grid.shape[1] >= 2:
        for row in grid:
            lines.append(np.vstack([row, row[:1]]) if closed_rows else row)
    if columns and grid.shape[0] >= 2:
        lines.extend(grid[:, j] for j in range(grid.shape[1]))
    layer = Layer(
        name=name,
        stroke=style.line_color,
        stroke_width=style.line_width,
        polylines=tuple(lines),
        dots=grid.reshape(-1, 2) if style.node_size > 0 else _EMPTY_POINTS,
        dot_radius=style.node_size,
        dot_fill=style.node_color,
    )
    return Drawing(layers=(layer,), background=style.background, bounds=bounds)
