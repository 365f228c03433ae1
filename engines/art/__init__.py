"""Art: geometry made from engine snapshots, and the SVG and PNG writers."""

from engines.art.geometry import CanvasTransform, Drawing, Layer, graph_drawing, grid_drawing
from engines.art.png import render_array, render_image, write_png
from engines.art.style import ArtStyle, colour_rgb, parse_colour
from engines.art.svg import svg_text, write_svg

__all__ = [
    "ArtStyle",
    "CanvasTransform",
    "Drawing",
    "Layer",
    "colour_rgb",
    "graph_drawing",
    "grid_drawing",
    "parse_colour",
    "render_array",
    "render_image",
    "svg_text",
    "write_png",
    "write_svg",
]
