"""Styles: widths, colours and layers in SVG, PNG and plotter SVG; spurs and long edges."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from pydantic import ValidationError

from engines.art import ArtStyle, graph_drawing, render_array, svg_text
from engines.art.plotter import plotter_drawing, plotter_svg_text
from engines.art.styling import (
    cut_long_edges,
    edge_values,
    node_depth,
    prune_spurs,
    styled_graph_drawing,
)
from engines.errors import ParameterError
from engines.pipeline import PipelineParams, run_pipeline

SVG = "{http://www.w3.org/2000/svg}"
INKSCAPE_LABEL = "{http://www.inkscape.org/namespaces/inkscape}label"

# A 3 x 3 lattice: horizontal and vertical edges only.
NODES = np.array([[x, y] for y in range(3) for x in range(3)], dtype=np.float64)
EDGES = np.array([[0, 1], [1, 2], [3, 4], [4, 5], [6, 7], [7, 8],
                  [0, 3], [3, 6], [1, 4], [4, 7], [2, 5], [5, 8]])  # fmt: skip
BASE = {"width": 200, "margin": 10, "line_color": "black", "background": "white"}


def paths(svg: str):
    root = ET.fromstring(svg)
    return [(g.get(INKSCAPE_LABEL), p) for g in root.iter(f"{SVG}g")
            for p in g.findall(f"{SVG}path")]  # fmt: skip


def test_plain_style_draws_what_graph_drawing_draws():
    style = ArtStyle(**BASE)
    assert svg_text(styled_graph_drawing(NODES, EDGES, style), style) == svg_text(
        graph_drawing(NODES, EDGES, style), style
    )


def test_width_by_degree_writes_one_path_per_width():
    style = ArtStyle(**BASE, width_by="degree", width_min=1.0, width_max=3.0)
    found = paths(svg_text(styled_graph_drawing(NODES, EDGES, style), style))
    widths = sorted(float(p.get("stroke-width")) for _, p in found)
    # Mean degree of an edge's ends: 2.5 (corner-side), 3.5 (side-centre): min and max.
    assert widths == [1.0, 3.0]
    by_width = {float(p.get("stroke-width")): p.get("d").count("M") for _, p in found}
    assert by_width == {1.0: 8, 3.0: 4}  # the 4 edges into the centre are widest


def test_width_by_error_follows_the_nodes_errors_in_png():
    style = ArtStyle(**BASE, height=200, width_by="error", width_min=0.5, width_max=6.0)
    errors = np.zeros(len(NODES))
    errors[[0, 1, 2]] = 1.0  # the bottom row's nodes: its two edges rank highest
    image = render_array(styled_graph_drawing(NODES, EDGES, style, errors=errors), style)
    ink = 255 - image[..., 0].astype(int)
    bottom = ink[185:195, 40:160].sum()  # the bottom row's edges (y = 0, canvas bottom)
    top = ink[5:15, 40:160].sum()
    assert bottom > 3 * top


def test_color_by_angle_gives_one_layer_per_colour_in_svg_and_plotter():
    style = ArtStyle(**BASE, color_by="angle", colormap="viridis", colors=2)
    drawing = styled_graph_drawing(NODES, EDGES, style, name="lattice")
    assert [len(layer.segments) for layer in drawing.layers] == [6, 6]
    horizontal, vertical = drawing.layers
    assert np.all(horizontal.segments[:, 0, 1] == horizontal.segments[:, 1, 1])
    assert horizontal.stroke != vertical.stroke
    found = paths(svg_text(drawing, style))
    assert [label for label, _ in found] == [layer.name for layer in drawing.layers]
    assert {p.get("stroke") for _, p in found} == {horizontal.stroke, vertical.stroke}
    # Plotter SVG: one pen layer per colour, each layer's edges merged into long strokes.
    plot = plotter_drawing(drawing, (100.0, 100.0), 10.0, 0.3)
    assert [layer.stroke for layer in plot.layers] == [horizontal.stroke, vertical.stroke]
    assert [len(layer.polylines) for layer in plot.layers] == [3, 3]  # 3 rows, 3 columns
    text = plotter_svg_text(plot)
    assert text.count('inkscape:groupmode="layer"') == 2


def test_color_by_image_takes_the_colour_under_each_edge():
    image = np.zeros((40, 80, 3))
    image[:, :40] = (0.8, 0.1, 0.1)  # red left half
    image[:, 40:] = (0.1, 0.1, 0.8)  # blue right half
    pipeline = run_pipeline(image, PipelineParams(threshold=0.9, scale=1.0))
    nodes = np.array([[5.0, -20.0], [30.0, -20.0], [50.0, -20.0], [75.0, -20.0]])
    edges = np.array([[0, 1], [2, 3]])
    style = ArtStyle(**BASE, color_by="image", colors=4)
    drawing = styled_graph_drawing(nodes, edges, style, pipeline=pipeline)
    colours = sorted(layer.stroke for layer in drawing.layers)
    assert colours == ["#1a1acc", "#cc1a1a"]
    red = next(layer for layer in drawing.layers if layer.stroke == "#cc1a1a")
    assert red.segments[0, 0, 0] == 5.0


def test_photo_under_the_art_in_png_and_svg():
    grey = np.tile(np.linspace(0.0, 1.0, 60), (30, 1))
    pipeline = run_pipeline(grey, PipelineParams(scale=1.0))
    style = ArtStyle(width=60, margin=0, background="white", photo_under=0.5, line_width=1)
    drawing = styled_graph_drawing(np.array([[0.0, -29.0], [1.0, -29.0]]), np.array([[0, 1]]),
                                   style, pipeline=pipeline, bounds=(0, -29, 59, 0))  # fmt: skip
    pixels = render_array(drawing, style)[..., 0].astype(float)
    # Half way between white paper and the photo: dark on the left, white on the right.
    assert pixels[5, 2] == pytest.approx(255 * 0.5 + 255 * 0.5 * grey[5, 2], abs=6)
    assert pixels[5, 57] > 245
    svg = svg_text(drawing, style)
    (image,) = ET.fromstring(svg).iter(f"{SVG}image")
    assert image.get("opacity") == "0.5" and image.get("href").startswith("data:image/png")


def test_prune_spurs_drops_only_short_dangling_chains():
    # A triangle 0-1-2 with a 2-edge tail 2-3-4 and a 4-edge tail 0-5-6-7-8, and a loose
    # single edge 9-10.
    edges = np.array([[0, 1], [1, 2], [2, 0], [2, 3], [3, 4],
                      [0, 5], [5, 6], [6, 7], [7, 8], [9, 10]])  # fmt: skip
    keep = prune_spurs(edges, 11, 3)
    assert keep.tolist() == [True, True, True, False, False, True, True, True, True, False]
    assert prune_spurs(edges, 11, 0).all()
    assert prune_spurs(edges, 11, 5)[:3].all() and not prune_spurs(edges, 11, 5)[3:].any()


def test_cut_long_edges_and_depth():
    nodes = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [10.0, 0.0]])
    edges = np.array([[0, 1], [1, 2], [2, 3]])
    assert cut_long_edges(nodes, edges, 3.0).tolist() == [True, True, False]
    assert node_depth(edges, 4).tolist() == [0.0, 1.0, 2.0, 3.0]
    values = edge_values(nodes, edges, ages=np.array([5, 1, 9]))
    assert values["age"].tolist() == [5.0, 1.0, 9.0] and np.allclose(values["angle"], 0.0)


def test_styled_drawing_prunes_before_drawing():
    edges = np.array([[0, 1], [1, 2], [2, 0], [2, 3]])
    nodes = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 1.0], [0.5, 2.0]])
    drawing = styled_graph_drawing(nodes, edges, ArtStyle(prune_spurs=2))
    assert len(drawing.layers[0].segments) == 3


def test_continuous_lines_take_no_width_or_colour_rules():
    with pytest.raises(ValidationError, match="width_by and color_by style the edges"):
        ArtStyle(stroke="continuous", color_by="angle")
    with pytest.raises(ValidationError, match="width_min"):
        ArtStyle(width_min=3.0, width_max=1.0)


def test_som_art_names_the_figures_it_has():
    from engines.som.art import mesh

    class Snap:
        grid_weights = np.stack(np.meshgrid(np.arange(3.0), np.arange(3.0)), axis=-1)

    with pytest.raises(ParameterError, match="som art has no such figure"):
        mesh(Snap(), ArtStyle(width_by="error"))
    drawing = mesh(Snap(), ArtStyle(color_by="angle", colors=2))
    assert len(drawing.layers) == 2
