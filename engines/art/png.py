"""Anti-aliased PNG writer with the same look as the SVG (supersampled Pillow drawing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from engines.art.geometry import Drawing, transform_for
from engines.art.style import ArtStyle, colour_rgb
from engines.atomic import atomic_write_bytes, png_bytes

#: Drawn at this many times the size, then box-filtered down: 16 coverage levels per pixel.
SUPERSAMPLE = 4


def render_image(drawing: Drawing, style: ArtStyle | None = None) -> Image.Image:
    """Rasterise ``drawing``: RGB on the background colour, RGBA when it is 'none'."""
    style = style or ArtStyle()
    to_canvas = transform_for(drawing, style)
    w, h = round(to_canvas.width), round(to_canvas.height)
    ss = SUPERSAMPLE
    if drawing.background == "none":
        canvas = Image.new("RGBA", (w * ss, h * ss), (0, 0, 0, 0))
    else:
        canvas = Image.new("RGB", (w * ss, h * ss), colour_rgb(drawing.background))
    if drawing.underlay is not None and drawing.underlay_opacity > 0:
        _paste_underlay(canvas, drawing, to_canvas, ss)
    draw = ImageDraw.Draw(canvas)
    alpha = (255,) if canvas.mode == "RGBA" else ()
    for layer in drawing.layers:
        colour = colour_rgb(layer.stroke) + alpha
        width = max(1, round(layer.stroke_width * ss))
        cap = width / 2.0
        if layer.widths is not None and len(layer.segments):
            segs = to_canvas(layer.segments) * ss
            for ((x0, y0), (x1, y1)), w in zip(segs, layer.widths, strict=True):
                px = max(1, round(w * ss))
                draw.line((x0, y0, x1, y1), fill=colour, width=px)
                if px >= 3:
                    r = px / 2.0
                    for x, y in ((x0, y0), (x1, y1)):
                        _disc(draw, x, y, r, colour)
        elif len(layer.segments):
            segs = to_canvas(layer.segments) * ss
            for (x0, y0), (x1, y1) in segs:
                draw.line((x0, y0, x1, y1), fill=colour, width=width)
            if width >= 3:  # round caps, as in the SVG
                for x, y in segs.reshape(-1, 2):
                    _disc(draw, x, y, cap, colour)
        for line in layer.polylines:
            pts = to_canvas(line) * ss
            draw.line([tuple(p) for p in pts], fill=colour, width=width, joint="curve")
            if width >= 3:
                for x, y in (pts[0], pts[-1]):
                    _disc(draw, x, y, cap, colour)
        if len(layer.dots) and layer.dot_radius > 0:
            fill = colour_rgb(layer.dot_fill or layer.stroke) + alpha
            r = layer.dot_radius * ss
            for x, y in to_canvas(layer.dots) * ss:
                _disc(draw, x, y, r, fill)
    return canvas.reduce(ss)


def _disc(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float, fill) -> None:
    """A disc of diameter ``2 * radius`` pixels centred on (x, y), as wide as a line of that
    width. Pillow's ellipse covers its box's first and last pixel both (diameter = box
    width + 1), so the box is drawn half a pixel in from each side; and Pillow centres a line
    of even width half a pixel down and right of its coordinates, so such discs move too (a
    chain of short segments would otherwise grow a fringe on one side)."""
    inset = radius - 0.5
    if round(2 * radius) % 2 == 0:
        x, y = x + 0.5, y + 0.5
    draw.ellipse((x - inset, y - inset, x + inset, y + inset), fill=fill)


def _paste_underlay(canvas: Image.Image, drawing: Drawing, to_canvas, ss: int) -> None:
    """Blend the photo under the art (``style.photo_under``) into ``canvas``."""
    xmin, ymin, xmax, ymax = drawing.underlay_bounds
    (x0, y0), (x1, y1) = to_canvas(np.array([[xmin, ymax], [xmax, ymin]])) * ss
    box = (round(x0), round(y0), round(x1), round(y1))
    size = (max(1, box[2] - box[0]), max(1, box[3] - box[1]))
    photo = Image.fromarray(drawing.underlay, "RGB").resize(size, Image.Resampling.BILINEAR)
    opacity = round(255 * drawing.underlay_opacity)
    if canvas.mode == "RGBA":
        photo = photo.convert("RGBA")
        photo.putalpha(opacity)
        canvas.alpha_composite(photo, dest=box[:2])
        return
    region = canvas.crop(box)
    canvas.paste(Image.blend(region, photo, opacity / 255.0), box[:2])


def render_array(drawing: Drawing, style: ArtStyle | None = None) -> np.ndarray:
    """:func:`render_image` as an (H, W, 3|4) uint8 array."""
    return np.asarray(render_image(drawing, style))


def write_png(
    drawing: Drawing, path: str | Path, style: ArtStyle | None = None, *, overwrite: bool = True
) -> Path:
    """Write ``drawing`` as an anti-aliased PNG to ``path`` atomically."""
    return atomic_write_bytes(path, png_bytes(render_image(drawing, style)), overwrite=overwrite)
