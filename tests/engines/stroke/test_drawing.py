"""Continuous drawings: polylines for the writers and the plotter, far fewer pen lifts than
edges, loops drawn closed, and the style's validation."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from engines.art import ArtStyle, graph_drawing, svg_text
from engines.art.plotter import plotter_drawing
from engines.presets import load_preset
from engines.render import render_input
from engines.stroke import continuous_drawing, ink_share, node_tour, stroke_stats
from engines.stroke import tour as T

STYLE = ArtStyle(stroke="continuous", line_color="navy", line_width=2.0)


def circle(n: int, radius: float = 10.0) -> np.ndarray:
    angle = 2 * np.pi * np.arange(n) / n
    return radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def test_drawing_has_one_polyline_per_stroke(u_graph):
    g = u_graph
    drawing, tour = continuous_drawing(g.nodes, g.edges, STYLE, ink=g.ink, bounds=(0, -1, 1, 0))
    (layer,) = drawing.layers
    assert len(layer.segments) == 0 and layer.stroke == "#1f2f5c" and layer.stroke_width == 2
    assert len(layer.polylines) == sum(len(s) >= 2 for s in tour.strokes) == drawing.n_strokes
    assert drawing.bounds == (0, -1, 1, 0)
    svg = svg_text(drawing, STYLE)
    assert svg.count("<path") == 1 and svg.count("M") == len(layer.polylines)


def test_far_fewer_pen_lifts_than_edges(u_graph, ring_graph):
    for g in (u_graph, ring_graph):
        edges = plotter_drawing(graph_drawing(g.nodes, g.edges), (210, 297), 10, 0.3)
        line, _ = continuous_drawing(g.nodes, g.edges, STYLE, ink=g.ink)
        cont = plotter_drawing(line, (210, 297), 10, 0.3)
        assert edges.before.strokes == len(g.edges)
        assert cont.after.strokes == 1 < edges.after.strokes // 5
        assert cont.after.pen_up_mm < edges.after.pen_up_mm
        assert cont.after.pen_down_mm < edges.after.pen_down_mm  # one pass, not a mesh


def test_a_ring_is_one_closed_stroke_and_a_chain_an_open_one():
    nodes = circle(24)
    ring_edges = np.stack([np.arange(24), (np.arange(24) + 1) % 24], axis=1)
    tour = node_tour(nodes, ring_edges)
    assert len(tour.strokes) == 1 and tour.closed == (True,)
    drawing, _ = continuous_drawing(nodes, ring_edges, STYLE)
    (line,) = drawing.layers[0].polylines
    np.testing.assert_allclose(line[0], line[-1])  # no gap where the path started
    radius = np.hypot(*line.T)
    assert radius.min() > 9.0 and radius.max() <= 10.0  # smoothed, not shrunk much
    chain = node_tour(nodes[:12], ring_edges[:11])
    assert chain.closed == (False,)


def test_a_stroke_end_joins_a_loop_by_opening_it():
    # A ring stroke and a tail stroke whose head lies beside ring node 6.
    ring = circle(12)
    tail = ring[6] * np.linspace(1.1, 2.0, 6)[:, None]
    nodes = np.vstack([ring, tail])
    edges = np.array([[i, (i + 1) % 12] for i in range(12)] + [[12 + i, 13 + i] for i in range(5)])
    ctx = T._context(nodes, edges, None, T.median_edge_length(nodes, edges), 12.0)
    strokes = (np.arange(12), np.arange(12, 18))
    joined = T._join_strokes(strokes, ctx)
    assert sorted(joined.tolist()) == list(range(18))
    assert len(T._cut(joined, ctx)) == 1
    where = int(np.flatnonzero(joined == 12)[0])
    neighbours = {int(joined[where - 1]) if where else -1, int(joined[(where + 1) % 18])}
    assert 6 in neighbours  # the tail hangs on the ring node beside it


def test_two_chains_end_to_end_are_joined():
    nodes = np.stack([np.arange(10.0), np.zeros(10)], axis=1)
    edges = np.stack([np.arange(9), np.arange(1, 10)], axis=1)
    ctx = T._context(nodes, edges, None, 1.0, 12.0)
    joined = T._join_strokes((np.arange(5)[::-1], np.arange(5, 10)[::-1]), ctx)
    assert joined.tolist() in (list(range(10)), list(range(10))[::-1])
    assert T._join_strokes((np.arange(10),), ctx) is None


def test_stroke_stats(u_graph):
    g = u_graph
    drawing, _ = continuous_drawing(g.nodes, g.edges, STYLE, ink=g.ink)
    stats = stroke_stats(drawing, g.ink)
    assert stats["strokes"] == 1
    assert stats["line_points"] == len(drawing.layers[0].polylines[0])
    assert stats["on_ink"] == pytest.approx(ink_share(drawing.layers[0].polylines, g.ink), 1e-4)
    assert "on_ink" not in stroke_stats(drawing)


def test_signature_preset_draws_few_strokes_on_the_ink():
    preset = load_preset("signature")
    assert preset.style.stroke == "continuous"
    result = render_input(preset.input, preset)
    stats = result.stats
    assert stats["nodes"] == 500
    assert stats["strokes"] <= 6  # the signature has 3 pen strokes; crossings cost a few more
    assert stats["on_ink"] >= 0.98
    assert set(result.timings) >= {"pipeline", "train", "draw"}
    again = render_input(preset.input, preset)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(result.drawing.layers[0].polylines, again.drawing.layers[0].polylines,
                        strict=True)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("stroke", "zigzag", "'edges' or 'continuous'"),
        ("smoothing", 7, "less than or equal to 6"),
        ("max_jump", 0, "greater than 0"),
    ],
)
def test_style_refuses_bad_values(field, value, match):
    with pytest.raises(ValidationError, match=match):
        ArtStyle(**{field: value})
