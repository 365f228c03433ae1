"""Art geometry and writers: canvas fitting, SVG bytes, PNG pixels."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from engines.art import (
    ArtStyle,
    CanvasTransform,
    graph_drawing,
    grid_drawing,
    parse_colour,
    render_array,
    svg_text,
    write_png,
    write_svg,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
SVG_NS = "{http://www.w3.org/2000/svg}"

# A small square with a diagonal: 4 nodes, 5 edges, in data coordinates (y up).
NODES = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
EDGES = np.array([[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]])
STYLE = ArtStyle(width=120, height=120, margin=10, line_width=2, line_color="black",
                 background="white", node_size=3, node_color="red")  # fmt: skip


def test_fit_keeps_aspect_and_centres():
    t = CanvasTransform.fit((0.0, 0.0, 2.0, 1.0), width=220, height=220, margin=10)
    corners = t(np.array([[0.0, 0.0], [2.0, 1.0]]))
    np.testing.assert_allclose(corners, [[10.0, 160.0], [210.0, 60.0]])  # y flipped, centred


def test_fit_without_height_follows_aspect():
    t = CanvasTransform.fit((0.0, 0.0, 4.0, 1.0), width=420, height=None, margin=10)
    assert t.height == pytest.approx(120.0)


def test_svg_matches_snapshot():
    text = svg_text(graph_drawing(NODES, EDGES, STYLE), STYLE, title="square")
    snapshot = SNAPSHOTS / "square.svg"
    assert text == snapshot.read_text(encoding="utf-8")


def test_svg_is_valid_xml_with_one_layer_and_all_edges():
    root = ET.fromstring(svg_text(graph_drawing(NODES, EDGES, STYLE), STYLE))
    assert root.get("viewBox") == "0 0 120 120"
    layers = root.findall(f"{SVG_NS}g")
    assert len(layers) == 1
    path = layers[0].find(f"{SVG_NS}path")
    assert path.get("d").count("M") == len(EDGES)
    assert len(layers[0].findall(f".//{SVG_NS}circle")) == len(NODES)


def test_svg_size_in_mm():
    style = STYLE.model_copy(update={"size_unit": "mm", "px_per_mm": 4.0})
    root = ET.fromstring(svg_text(graph_drawing(NODES, EDGES, style), style))
    assert root.get("width") == "30mm" and root.get("height") == "30mm"


def test_png_pixels_follow_the_drawing():
    style = STYLE.model_copy(update={"node_size": 0.0})
    image = render_array(graph_drawing(NODES, EDGES, style), style)
    assert image.shape == (120, 120, 3)
    assert tuple(image[5, 5]) == (255, 255, 255)  # margin stays background
    assert image[60, 60].max() < 60  # the diagonal crosses the centre
    assert image[110, 60].max() < 60  # bottom edge: data y=0 maps to canvas y=110
    assert image[30, 80].min() == 255  # inside the upper triangle, 10 px off the diagonal
    # Anti-aliased: an off-axis line leaves intermediate grey levels.
    greys = image[..., 0]
    assert ((greys > 20) & (greys < 235)).sum() > 50


def test_png_and_svg_written_atomically(tmp_path):
    drawing = graph_drawing(NODES, EDGES, STYLE)
    png = write_png(drawing, tmp_path / "a.png", STYLE)
    svg = write_svg(drawing, tmp_path / "a.svg", STYLE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "a.svg"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(FileExistsError, match="a.svg"):
        write_svg(drawing, svg, STYLE, overwrite=False)


def test_transparent_background_gives_rgba():
    style = STYLE.model_copy(update={"background": "none"})
    image = render_array(graph_drawing(NODES, EDGES, style), style)
    assert image.shape[2] == 4 and image[5, 5, 3] == 0 and image[60, 60, 3] > 200


def test_grid_drawing_rows_and_columns():
    weights = np.stack(np.meshgrid(np.arange(4.0), np.arange(3.0)), axis=-1)  # (3, 4, 2)
    drawing = grid_drawing(weights)
    assert len(drawing.layers[0].polylines) == 3 + 4
    ring = grid_drawing(weights[0], closed_rows=True)
    assert len(ring.layers[0].polylines) == 1 and len(ring.layers[0].polylines[0]) == 5


def test_bad_edges_and_colours():
    with pytest.raises(ValueError, match="edges index nodes 0..3"):
        graph_drawing(NODES, np.array([[0, 9]]))
    with pytest.raises(ValueError, match="colour must be"):
        parse_colour("bluish")
    assert parse_colour("#ABC") == "#aabbcc"


def test_outputs_get_ordinary_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        path = write_png(graph_drawing(NODES, EDGES, STYLE), tmp_path / "p.png", STYLE)
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
