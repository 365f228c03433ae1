"""Styles beyond one pen: widths and colours that carry the picture, spurs and long edges
left out, the photo faded under the art.

Each edge of a graph gets figures (:func:`edge_values`: its nodes' error, its age, its
nodes' degree, its depth in hops from the network's oldest node, its angle); ``style.
width_by`` maps one onto ``[width_min, width_max]`` and ``style.color_by`` one onto
``style.colors`` colours of a colormap, or colours each edge with the source image under its
midpoint (quantised to ``style.colors`` colours by median cut). Every colour is a layer of
its own: one Inkscape layer and one plotter pen each (:mod:`engines.art.plotter` merges
strokes per layer). With every option off, :func:`styled_graph_drawing` draws exactly what
:func:`engines.art.graph_drawing` draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engines.art.geometry import Drawing, Layer, graph_drawing
from engines.art.style import ArtStyle
from engines.errors import ParameterError

#: Widths are rounded to this many steps between width_min and width_max, so an SVG holds a
#: few paths per layer, not one per edge.
WIDTH_STEPS = 8
#: Figures every graph has (error and age need the engine's snapshot).
GRAPH_VALUES = ("degree", "depth", "angle")
#: The photo under the art is embedded at most this many pixels on its longer side.
UNDERLAY_MAX_SIDE = 1024


# ---------------------------------------------------------------------- graph surgery
def prune_spurs(edges: np.ndarray, n_nodes: int, k: int) -> np.ndarray:
    """Which edges to keep when dangling chains shorter than ``k`` edges are dropped.

    A dangling chain starts at a node of degree 1 and runs through nodes of degree 2 until
    a junction (degree 3 or more); a chain that ends at another free end (a short loose
    piece) counts too. One pass: what becomes dangling after the cut stays.

    Parameters
    ----------
    edges : (E, 2) ndarray of int
    n_nodes : int
    k : int
        0 keeps everything.

    Returns
    -------
    keep : (E,) ndarray of bool
    """
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    keep = np.ones(len(edges), dtype=bool)
    if k <= 0 or len(edges) == 0:
        return keep
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for index, (a, b) in enumerate(edges.tolist()):
        adjacency[a].append((b, index))
        adjacency[b].append((a, index))
    degree = np.array([len(a) for a in adjacency])
    for leaf in np.flatnonzero(degree == 1).tolist():
        chain: list[int] = []
        node, came = leaf, -1
        while len(chain) < k:
            nxt = [(m, e) for m, e in adjacency[node] if e != came]
            if not nxt:
                break
            node, came = nxt[0]
            chain.append(came)
            if degree[node] != 2:
                break
        if len(chain) < k:
            keep[chain] = False
    return keep


def cut_long_edges(nodes: np.ndarray, edges: np.ndarray, q: float) -> np.ndarray:
    """Which edges to keep when those longer than ``q`` times the median edge are cut
    (``q`` 0 keeps everything)."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if q <= 0 or len(edges) == 0:
        return np.ones(len(edges), dtype=bool)
    nodes = np.asarray(nodes, dtype=np.float64)
    length = np.hypot(*(nodes[edges[:, 1]] - nodes[edges[:, 0]]).T)
    return length <= q * float(np.median(length))


# ---------------------------------------------------------------------- figures per edge
def node_depth(edges: np.ndarray, n_nodes: int) -> np.ndarray:
    """Hops from each node to the oldest node (lowest index) of its component."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components, dijkstra

    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if len(edges) == 0:
        return np.zeros(n_nodes)
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), (n_nodes, n_nodes))
    _, labels = connected_components(graph, directed=False)
    roots = np.unique(labels, return_index=True)[1]
    depth = dijkstra(graph.tocsr(), directed=False, indices=roots, unweighted=True,
                     min_only=True)  # fmt: skip
    return np.where(np.isfinite(depth), depth, 0.0)


def edge_values(
    nodes: np.ndarray,
    edges: np.ndarray,
    *,
    errors: np.ndarray | None = None,
    ages: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Figures of each edge a style can follow: ``degree`` (mean of its nodes'), ``depth``
    (mean hops of its nodes from their component's oldest node), ``angle`` (radians in
    [0, pi)), and, when given, ``error`` (mean of its nodes') and ``age``."""
    nodes = np.asarray(nodes, dtype=np.float64).reshape(-1, 2)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    n = len(nodes)
    degree = np.bincount(edges.ravel(), minlength=n).astype(np.float64)
    depth = node_depth(edges, n)
    d = nodes[edges[:, 1]] - nodes[edges[:, 0]]
    values = {
        "degree": degree[edges].mean(axis=1),
        "depth": depth[edges].mean(axis=1),
        "angle": np.mod(np.arctan2(d[:, 1], d[:, 0]), np.pi),
    }
    if errors is not None:
        values["error"] = np.asarray(errors, dtype=np.float64)[edges].mean(axis=1)
    if ages is not None:
        values["age"] = np.asarray(ages, dtype=np.float64).reshape(-1)
    return values


def unit_scale(values: np.ndarray, what: str) -> np.ndarray:
    """``values`` mapped onto [0, 1]: angles by their half turn, error and age by rank (both
    are heavily skewed), degree and depth linearly between their extremes."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return v
    if what == "angle":
        return np.clip(v / np.pi, 0.0, 1.0)
    if what in ("error", "age"):
        ranks = np.empty(v.size)
        ranks[np.argsort(v, kind="stable")] = np.arange(v.size)
        return ranks / max(v.size - 1, 1)
    lo, hi = float(v.min()), float(v.max())
    return (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)


# ---------------------------------------------------------------------- colours
def image_colours(points: np.ndarray, pipeline) -> np.ndarray:
    """The source image's colour under each point: (P, 3) uint8 (grey images give grey).

    ``points`` are in the pipeline's point coordinates; the source image may be larger than
    the image the points came from (``max_side``), so positions are scaled to it.
    """
    image = np.asarray(pipeline.source_image, dtype=np.float64)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    h, w = pipeline.image_size
    sh, sw = image.shape[:2]
    scale = pipeline.params.scale
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    rows = np.clip(np.rint(-pts[:, 1] / scale * sh / h), 0, sh - 1).astype(np.int64)
    cols = np.clip(np.rint(pts[:, 0] / scale * sw / w), 0, sw - 1).astype(np.int64)
    return np.rint(np.clip(image[rows, cols], 0.0, 1.0) * 255.0).astype(np.uint8)


def quantise_colours(rgb: np.ndarray, n: int) -> tuple[np.ndarray, list[str]]:
    """Median-cut ``rgb`` (P, 3) uint8 to at most ``n`` colours: (index per row, '#rrggbb'
    per colour, darkest first). Deterministic."""
    from PIL import Image

    rgb = np.asarray(rgb, dtype=np.uint8).reshape(-1, 3)
    if len(rgb) == 0:
        return np.zeros(0, dtype=np.int64), []
    strip = Image.fromarray(rgb[None, :, :], "RGB")
    quantised = strip.quantize(colors=max(1, n), method=Image.Quantize.MEDIANCUT, dither=0)
    index = np.asarray(quantised, dtype=np.int64)[0]
    palette = np.asarray(quantised.getpalette()[: 3 * (int(index.max()) + 1)]).reshape(-1, 3)
    used = np.unique(index)
    order = used[np.argsort(palette[used].sum(axis=1), kind="stable")]
    remap = np.zeros(int(index.max()) + 1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    colours = ["#{:02x}{:02x}{:02x}".format(*palette[i]) for i in order]
    return remap[index], colours


def colormap_colours(unit: np.ndarray, name: str, n: int) -> tuple[np.ndarray, list[str]]:
    """``unit`` values in [0, 1] binned into ``n`` colours of the matplotlib colormap
    ``name``: (index per value, '#rrggbb' per bin)."""
    import matplotlib

    cmap = matplotlib.colormaps[name]
    index = np.minimum((np.asarray(unit) * n).astype(np.int64), n - 1)
    colours = []
    for level in range(n):
        r, g, b, _ = cmap((level + 0.5) / n)
        colours.append("#{:02x}{:02x}{:02x}".format(*(round(255 * c) for c in (r, g, b))))
    return index, colours


# ---------------------------------------------------------------------- the drawing
def check_style_values(style: ArtStyle, available: tuple[str, ...], engine: str) -> None:
    """ParameterError when the style follows a figure this engine's drawing lacks."""
    for field, value in (("width_by", style.width_by), ("color_by", style.color_by)):
        if value not in ("none", "image") and value not in available:
            allowed = ", ".join(("none", *available) + (("image",) if field == "color_by" else ()))
            raise ParameterError(
                f"style.{field} = {value!r}: {engine} art has no such figure; use {allowed}"
            )


def styled_layers(
    segments: np.ndarray,
    style: ArtStyle,
    values: dict[str, np.ndarray],
    *,
    colours: np.ndarray | None = None,
    name: str = "graph",
) -> list[Layer]:
    """``segments`` (S, 2, 2) as one layer per colour, with widths when ``width_by`` asks.

    ``values`` holds each figure per segment (:func:`edge_values`); ``colours`` (S, 3)
    uint8 the image's colour under each segment, for ``color_by = "image"``.
    """
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2, 2)
    widths = None
    if style.width_by != "none" and len(segments):
        unit = np.rint(unit_scale(values[style.width_by], style.width_by) * WIDTH_STEPS)
        widths = style.width_min + unit / WIDTH_STEPS * (style.width_max - style.width_min)
    plain = style.color_by == "none" or (style.color_by == "image" and colours is None)
    if plain or len(segments) == 0:
        # (Image colours need the source image: a live frame without it is drawn plain.)
        index, palette = np.zeros(len(segments), dtype=np.int64), [style.line_color]
    elif style.color_by == "image":
        index, palette = quantise_colours(colours, style.colors)
    else:
        unit = unit_scale(values[style.color_by], style.color_by)
        index, palette = colormap_colours(unit, style.colormap, style.colors)
    layers = []
    for i, colour in enumerate(palette):
        mine = index == i
        if len(palette) > 1 and not mine.any():
            continue
        label = name if len(palette) == 1 else f"{name} {colour}"
        layers.append(Layer(label, colour, style.line_width, segments=segments[mine],
                            widths=None if widths is None else widths[mine]))  # fmt: skip
    return layers


def underlay(pipeline, style: ArtStyle) -> dict[str, Any]:
    """Drawing fields putting the source photo under the art at ``style.photo_under``."""
    if style.photo_under <= 0 or pipeline is None:
        return {}
    from PIL import Image

    image = np.asarray(pipeline.source_image, dtype=np.float64)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    picture = Image.fromarray(np.rint(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8))
    picture.thumbnail((UNDERLAY_MAX_SIDE, UNDERLAY_MAX_SIDE), Image.Resampling.LANCZOS)
    h, w = pipeline.image_size
    s = pipeline.params.scale
    return {
        "underlay": np.asarray(picture),
        "underlay_bounds": (-0.5 * s, -(h - 0.5) * s, (w - 0.5) * s, 0.5 * s),
        "underlay_opacity": float(style.photo_under),
    }


def styled_graph_drawing(
    nodes: np.ndarray,
    edges: np.ndarray,
    style: ArtStyle | None = None,
    *,
    errors: np.ndarray | None = None,
    ages: np.ndarray | None = None,
    pipeline=None,
    bounds: tuple[float, float, float, float] | None = None,
    name: str = "graph",
) -> Drawing:
    """A graph drawn with every style option (see the module's docstring).

    ``errors`` (N,) and ``ages`` (E,) come from the engine's snapshot; ``pipeline`` gives
    the source image for ``color_by = "image"`` and ``photo_under``.
    """
    style = style or ArtStyle()
    nodes = np.asarray(nodes, dtype=np.float64).reshape(-1, 2)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    keep = prune_spurs(edges, len(nodes), style.prune_spurs)
    keep &= cut_long_edges(nodes, edges, style.cut_long)
    if ages is not None:
        ages = np.asarray(ages).reshape(-1)[keep]
    edges = edges[keep]
    plain = style.width_by == "none" and style.color_by == "none"
    if plain:
        drawing = graph_drawing(nodes, edges, style, bounds=bounds, name=name)
    else:
        values = edge_values(nodes, edges, errors=errors, ages=ages)
        segments = nodes[edges] if len(edges) else np.zeros((0, 2, 2))
        colours = None
        if style.color_by == "image":
            colours = image_colours(segments.mean(axis=1), pipeline)
        layers = styled_layers(segments, style, values, colours=colours, name=name)
        if style.node_size > 0 and layers:
            first = layers[0]
            layers[0] = Layer(first.name, first.stroke, first.stroke_width, first.segments,
                              dots=nodes, dot_radius=style.node_size, dot_fill=style.node_color,
                              widths=first.widths)  # fmt: skip
        drawing = Drawing(tuple(layers), background=style.background, bounds=bounds)
    extra = underlay(pipeline, style)
    if extra:
        import dataclasses

        drawing = dataclasses.replace(drawing, **extra)
    return drawing
