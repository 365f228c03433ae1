"""SVG writer: the vector master. Same drawing and style → the same bytes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

from engines.art.geometry import CanvasTransform, Drawing, Layer, transform_for
from engines.art.style import ArtStyle
from engines.atomic import atomic_write_text
from engines.errors import display_name

#: Decimal places of coordinates: 0.01 px is far below any pen or screen.
PRECISION = 2


def _num(value: float) -> str:
    text = f"{value:.{PRECISION}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _path_data(segments: np.ndarray, polylines: tuple[np.ndarray, ...]) -> str:
    parts = []
    for (x0, y0), (x1, y1) in segments:
        parts.append(f"M{_num(x0)} {_num(y0)}L{_num(x1)} {_num(y1)}")
    for line in polylines:
        coords = " ".join(f"{_num(x)} {_num(y)}" for x, y in line[1:])
        parts.append(f"M{_num(line[0, 0])} {_num(line[0, 1])}L{coords}")
    return "".join(parts)


def _layer_svg(index: int, layer: Layer, to_canvas: CanvasTransform) -> list[str]:
    label = quoteattr(display_name(layer.name))
    out = [f'<g inkscape:groupmode="layer" id="layer{index}" inkscape:label={label}>']
    if layer.widths is not None and len(layer.segments):
        # One path per width (``style.width_by``), thinnest first.
        segments = to_canvas(layer.segments)
        for width in np.unique(layer.widths):
            data = _path_data(segments[layer.widths == width], ())
            out.append(
                f'<path fill="none" stroke="{layer.stroke}" stroke-width="{_num(width)}"'
                f' stroke-linecap="round" stroke-linejoin="round" d="{data}"/>'
            )
        layer = dataclasses.replace(layer, segments=layer.segments[:0], widths=None)
    if len(layer.segments) or layer.polylines:
        data = _path_data(
            to_canvas(layer.segments) if len(layer.segments) else layer.segments,
            tuple(to_canvas(p) for p in layer.polylines),
        )
        out.append(
            f'<path fill="none" stroke="{layer.stroke}" stroke-width="{_num(layer.stroke_width)}"'
            f' stroke-linecap="round" stroke-linejoin="round" d="{data}"/>'
        )
    if len(layer.dots) and layer.dot_radius > 0:
        fill = layer.dot_fill or layer.stroke
        out.append(f'<g fill="{fill}" stroke="none">')
        r = _num(layer.dot_radius)
        out.extend(
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{r}"/>' for x, y in to_canvas(layer.dots)
        )
        out.append("</g>")
    out.append("</g>")
    return out


def svg_text(drawing: Drawing, style: ArtStyle | None = None, *, title: str | None = None) -> str:
    """The SVG document of ``drawing`` as text (no timestamps: output is deterministic)."""
    style = style or ArtStyle()
    to_canvas = transform_for(drawing, style)
    w, h = to_canvas.width, to_canvas.height
    if style.size_unit == "mm":
        size = f'width="{_num(w / style.px_per_mm)}mm" height="{_num(h / style.px_per_mm)}mm"'
    else:
        size = f'width="{_num(w)}" height="{_num(h)}"'
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg"'
        ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
        f' version="1.1" {size} viewBox="0 0 {_num(w)} {_num(h)}">',
    ]
    if title:
        lines.append(f"<title>{_escape(title)}</title>")
    if drawing.background != "none":
        lines.append(f'<rect width="{_num(w)}" height="{_num(h)}" fill="{drawing.background}"/>')
    if drawing.underlay is not None and drawing.underlay_opacity > 0:
        lines.append(_underlay_svg(drawing, to_canvas))
    for index, layer in enumerate(drawing.layers, start=1):
        lines.extend(_layer_svg(index, layer, to_canvas))
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _underlay_svg(drawing: Drawing, to_canvas: CanvasTransform) -> str:
    """The photo under the art, embedded as a PNG (``style.photo_under``)."""
    import base64

    from engines.atomic import png_bytes

    xmin, ymin, xmax, ymax = drawing.underlay_bounds
    (x0, y0), (x1, y1) = to_canvas(np.array([[xmin, ymax], [xmax, ymin]]))
    data = base64.b64encode(png_bytes(drawing.underlay)).decode("ascii")
    return (
        f'<image x="{_num(x0)}" y="{_num(y0)}" width="{_num(x1 - x0)}" height="{_num(y1 - y0)}"'
        f' preserveAspectRatio="none" opacity="{_num(drawing.underlay_opacity)}"'
        f' href="data:image/png;base64,{data}"/>'
    )


def _escape(text: str) -> str:
    """XML text of ``text``; bytes that are not UTF-8 (a file name's) as ``\\xff`` escapes."""
    text = display_name(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_svg(
    drawing: Drawing,
    path: str | Path,
    style: ArtStyle | None = None,
    *,
    title: str | None = None,
    overwrite: bool = True,
) -> Path:
    """Write ``drawing`` as SVG to ``path`` atomically."""
    return atomic_write_text(path, svg_text(drawing, style, title=title), overwrite=overwrite)
