"""Plotter-ready drawings: merged strokes in a travel-saving order, fitted to a page in mm.

The bar is what pen-plotter tools (vpype, DrawingBotV3) do: few pen lifts, short pen-up
moves, one layer per pen colour, real units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

import numpy as np

from engines.art import _ordering_kernels as K
from engines.art.geometry import CanvasTransform, Drawing, Layer
from engines.art.strokes import merge_edges
from engines.art.svg import _escape, _num
from engines.errors import display_name

#: Page sizes in millimetres (portrait).
PAGES = {"a4": (210.0, 297.0), "a3": (297.0, 420.0), "a5": (148.0, 210.0),
         "letter": (215.9, 279.4), "legal": (215.9, 355.6)}  # fmt: skip
_CUSTOM_PAGE = re.compile(r"^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)mm$")
_LENGTH = re.compile(r"^(\d+(?:\.\d+)?)(mm|cm|in)?$")
#: How each stroke is written in plotter SVG.
SVG_ELEMENTS = ("path", "polyline")
#: 2-opt passes over the stroke order; each pass is O(strokes²).
TWO_OPT_PASSES = 30


def parse_page(text: str, *, landscape: bool = False) -> tuple[float, float]:
    """Page size in mm from ``a4``, ``a3``, ``letter``... or ``WxHmm``."""
    key = text.strip().lower()
    if key in PAGES:
        w, h = PAGES[key]
    elif m := _CUSTOM_PAGE.match(key):
        w, h = float(m.group(1)), float(m.group(2))
        if w <= 0 or h <= 0:
            raise ValueError(f"page size must be positive, got {text!r}")
    else:
        raise ValueError(f"page must be one of {', '.join(PAGES)} or WxHmm, got {text!r}")
    return (max(w, h), min(w, h)) if landscape else (w, h)


def parse_length_mm(text: str) -> float:
    """``10mm``, ``1cm``, ``0.5in`` or a bare number of mm."""
    m = _LENGTH.match(text.strip().lower())
    if not m:
        raise ValueError(f"length must look like 10mm, 1cm or 0.5in, got {text!r}")
    value = float(m.group(1))
    return value * {"mm": 1.0, "cm": 10.0, "in": 25.4, None: 1.0}[m.group(2)]


@dataclass(frozen=True)
class TravelStats:
    """Pen-up figures of a layer set: how many lifts and how far the pen moves in the air."""

    strokes: int
    pen_up_mm: float
    pen_down_mm: float


def travel(polylines: list[np.ndarray], home: np.ndarray | None = None) -> TravelStats:
    """Pen lifts and travel of drawing ``polylines`` in the given order from ``home``."""
    pos = np.zeros(2) if home is None else np.asarray(home, dtype=np.float64)
    up = down = 0.0
    for line in polylines:
        up += float(np.hypot(*(line[0] - pos)))
        down += float(np.hypot(*np.diff(line, axis=0).T).sum())
        pos = line[-1]
    return TravelStats(len(polylines), up, down)


def order_strokes(
    polylines: list[np.ndarray], home: np.ndarray | None = None, *, passes: int = TWO_OPT_PASSES
) -> list[np.ndarray]:
    """Reorder (and reverse where useful) ``polylines`` to shorten pen-up travel."""
    if len(polylines) < 2:
        return list(polylines)
    home = np.zeros(2) if home is None else np.asarray(home, dtype=np.float64)
    starts = np.array([p[0] for p in polylines], dtype=np.float64)
    ends = np.array([p[-1] for p in polylines], dtype=np.float64)
    order, flipped = K.greedy_order(starts, ends, home)
    seq = [polylines[i][::-1] if flipped[i] else polylines[i] for i in order]
    first = np.array([p[0] for p in seq], dtype=np.float64)
    last = np.array([p[-1] for p in seq], dtype=np.float64)
    perm, flip = K.two_opt(first, last, home, passes)
    return [seq[k][::-1] if f else seq[k] for k, f in zip(perm, flip, strict=True)]


def layer_polylines(layer: Layer) -> list[np.ndarray]:
    """A layer's strokes as polylines, edges sharing an end merged into one stroke."""
    lines = [np.asarray(p, dtype=np.float64) for p in layer.polylines]
    if len(layer.segments):
        points, inverse = np.unique(
            np.round(layer.segments.reshape(-1, 2), 9), axis=0, return_inverse=True
        )
        edges = inverse.reshape(-1, 2)
        lines += [points[path] for path in merge_edges(edges, points)]
    return lines


@dataclass(frozen=True)
class PlotterResult:
    """Layers of ordered polylines in page millimetres (y down), and the travel saved."""

    layers: tuple[Layer, ...]
    page_mm: tuple[float, float]
    pen_mm: float
    before: TravelStats  # edges drawn one by one, in the engine's order
    after: TravelStats  # merged and ordered


def plotter_drawing(
    drawing: Drawing, page_mm: tuple[float, float], margin_mm: float, pen_mm: float
) -> PlotterResult:
    """Fit ``drawing`` onto a page, merge and order its strokes, one layer per colour."""
    w, h = page_mm
    if 2 * margin_mm >= min(w, h):
        raise ValueError(f"margin {margin_mm} mm leaves no room on a {w}x{h} mm page")
    fit = CanvasTransform.fit(drawing.data_bounds(), w, h, margin_mm)
    by_colour: dict[str, list[np.ndarray]] = {}
    naive: list[np.ndarray] = []
    for layer in drawing.layers:
        page_layer = Layer(
            layer.name, layer.stroke, pen_mm,
            segments=fit(layer.segments) if len(layer.segments) else layer.segments,
            polylines=tuple(fit(p) for p in layer.polylines),
        )  # fmt: skip
        naive += [s for s in page_layer.segments] + list(page_layer.polylines)
        by_colour.setdefault(layer.stroke, []).extend(layer_polylines(page_layer))
    layers = []
    ordered_all: list[np.ndarray] = []
    for index, (colour, lines) in enumerate(by_colour.items(), start=1):
        ordered = order_strokes(lines)
        ordered_all += ordered
        layers.append(Layer(f"{index}-pen {colour}", colour, pen_mm, polylines=tuple(ordered)))
    return PlotterResult(tuple(layers), (w, h), pen_mm, travel(naive), travel(ordered_all))


def plotter_svg_text(result: PlotterResult, *, element: str = "path", title: str = "") -> str:
    """SVG in millimetres: one Inkscape layer per pen, one ``<path>`` or ``<polyline>``
    per stroke, in drawing order. Deterministic bytes."""
    if element not in SVG_ELEMENTS:
        raise ValueError(f"element must be one of {', '.join(SVG_ELEMENTS)}, got {element!r}")
    w, h = result.page_mm
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg"'
        ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
        f' version="1.1" width="{_num(w)}mm" height="{_num(h)}mm"'
        f' viewBox="0 0 {_num(w)} {_num(h)}">',
    ]
    if title:
        out.append(f"<title>{_escape(title)}</title>")
    for index, layer in enumerate(result.layers, start=1):
        label = quoteattr(display_name(layer.name))
        out.append(
            f'<g inkscape:groupmode="layer" id="layer{index}" inkscape:label={label}'
            f' fill="none" stroke="{layer.stroke}" stroke-width="{_num(result.pen_mm)}"'
            ' stroke-linecap="round" stroke-linejoin="round">'
        )
        for line in layer.polylines:
            coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in line)
            if element == "path":
                head, _, tail = coords.partition(" ")
                out.append(f'<path d="M{head}L{tail}"/>' if tail else f'<path d="M{head}"/>')
            else:
                out.append(f'<polyline points="{coords}"/>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class PlotterOptions:
    """Page layout for plotter-ready SVG (``--page`` and friends, the studio's export)."""

    page_mm: tuple[float, float]
    margin_mm: float = 10.0
    pen_mm: float = 0.3
    element: str = "path"
    vpype: bool = False


def write_plotter_svg(
    drawing: Drawing, path, options: PlotterOptions, title: str, *, overwrite: bool = True
) -> dict:
    """Write the plotter SVG (through vpype when asked); return its pen-travel figures."""
    from engines.atomic import atomic_write_text

    result = plotter_drawing(drawing, options.page_mm, options.margin_mm, options.pen_mm)
    text = plotter_svg_text(result, element=options.element, title=title)
    if options.vpype:
        from engines.art.vpype_bridge import through_vpype

        text = through_vpype(text, options.page_mm)
    atomic_write_text(path, text, overwrite=overwrite)
    b, a = result.before, result.after
    return {
        "pen_lifts_before": b.strokes, "pen_lifts_after": a.strokes,
        "pen_up_mm_before": round(b.pen_up_mm, 1), "pen_up_mm_after": round(a.pen_up_mm, 1),
        "pen_down_mm": round(a.pen_down_mm, 1),
    }  # fmt: skip
