"""Stroke merging, stroke ordering and page fitting for plotter-ready SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.art import ArtStyle, graph_drawing
from engines.art.plotter import (
    order_strokes,
    parse_length_mm,
    parse_page,
    plotter_drawing,
    plotter_svg_text,
    travel,
)
from engines.art.strokes import merge_edges

SVG_NS = "{http://www.w3.org/2000/svg}"


def edge_multiset(strokes):
    pairs = []
    for path in strokes:
        pairs += [tuple(sorted(p)) for p in zip(path[:-1].tolist(), path[1:].tolist(), strict=True)]
    return sorted(pairs)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=120))
def test_every_edge_exactly_once_with_fewest_strokes(pairs):
    edges = np.array(pairs)
    strokes = merge_edges(edges)
    unique = sorted({tuple(sorted(p)) for p in pairs if p[0] != p[1]})
    assert edge_multiset(strokes) == unique  # none lost, none doubled, no self-loops
    if not unique:
        assert strokes == []
        return
    # Euler: each component needs max(1, odd/2) strokes, and no more are used.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    u = np.array(unique)
    n = int(u.max()) + 1
    deg = np.bincount(u.ravel(), minlength=n)
    _, labels = connected_components(coo_matrix((np.ones(len(u)), (u[:, 0], u[:, 1])), (n, n)))
    expected = 0
    for label in np.unique(labels[deg > 0]):
        odd = int(((deg % 2 == 1) & (labels == label)).sum())
        expected += max(1, odd // 2)
    assert len(strokes) == expected


def test_merge_with_positions_pairs_near_odd_nodes():
    # A ladder: every rung end is odd; strokes must still cover all edges once.
    n = 20
    rails = [(i, i + 1) for i in range(n - 1)] + [(n + i, n + i + 1) for i in range(n - 1)]
    rungs = [(i, n + i) for i in range(0, n, 3)]
    edges = np.array(rails + rungs)
    pos = np.array([[i, 0.0] for i in range(n)] + [[i, 1.0] for i in range(n)])
    strokes = merge_edges(edges, pos)
    assert edge_multiset(strokes) == sorted(tuple(sorted(e)) for e in edges.tolist())


def test_ordering_cuts_travel_and_keeps_strokes():
    rng = np.random.default_rng(0)
    lines = [rng.random((3, 2)) * 100 for _ in range(200)]
    ordered = order_strokes(lines)
    before, after = travel(lines), travel(ordered)
    assert after.strokes == before.strokes == 200
    assert after.pen_down_mm == pytest.approx(before.pen_down_mm)
    assert after.pen_up_mm < 0.25 * before.pen_up_mm

    # The same strokes, some reversed.
    def key(a):
        return tuple(np.round(a if tuple(a[0]) <= tuple(a[-1]) else a[::-1], 9).ravel())

    assert sorted(map(key, lines)) == sorted(map(key, ordered))


def test_two_opt_never_worse_than_greedy():
    from engines.art import _ordering_kernels as K

    rng = np.random.default_rng(1)
    starts, ends = rng.random((150, 2)), rng.random((150, 2))
    home = np.zeros(2)
    order, flipped = K.greedy_order(starts, ends, home)
    seq = [np.array([ends[i], starts[i]]) if f else np.array([starts[i], ends[i]])
           for i, f in zip(order, flipped[order], strict=True)]  # fmt: skip
    greedy = travel(seq).pen_up_mm
    assert travel(order_strokes(seq)).pen_up_mm <= greedy + 1e-9


@pytest.mark.parametrize(
    ("text", "landscape", "size"),
    [("a4", False, (210, 297)), ("a4", True, (297, 210)), ("letter", False, (215.9, 279.4)),
     ("120x80mm", False, (120, 80)), ("A3", False, (297, 420))],
)  # fmt: skip
def test_pages(text, landscape, size):
    assert parse_page(text, landscape=landscape) == pytest.approx(size)


def test_bad_page_and_lengths():
    with pytest.raises(ValueError, match="page must be one of"):
        parse_page("b5")
    assert parse_length_mm("1cm") == 10 and parse_length_mm("0.5in") == pytest.approx(12.7)
    with pytest.raises(ValueError, match="length must look like"):
        parse_length_mm("ten")


def test_page_fit_keeps_aspect_and_margins():
    # A 2:1 rectangle outline on an A4 portrait page with 10 mm margins.
    nodes = np.array([[0, 0], [2, 0], [2, 1], [0, 1]], dtype=float)
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 0]])
    result = plotter_drawing(graph_drawing(nodes, edges, ArtStyle()), (210, 297), 10, 0.3)
    pts = np.concatenate([p for layer in result.layers for p in layer.polylines])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    assert (x0, x1) == pytest.approx((10, 200))  # width-limited: full width inside margins
    assert (x1 - x0) / (y1 - y0) == pytest.approx(2.0)
    assert (y0 + y1) / 2 == pytest.approx(297 / 2)  # centred vertically
    assert result.after.strokes == 1  # a closed loop is one stroke
    with pytest.raises(ValueError, match="leaves no room"):
        plotter_drawing(graph_drawing(nodes, edges), (50, 50), 25, 0.3)


@pytest.mark.parametrize("element", ["path", "polyline"])
def test_plotter_svg_is_valid_mm_document(element):
    rng = np.random.default_rng(2)
    nodes = rng.random((40, 2))
    edges = np.array([(i, (i + 1) % 40) for i in range(40)] + [(0, 20), (5, 25)])
    result = plotter_drawing(graph_drawing(nodes, edges), (210, 297), 10, 0.35)
    root = ET.fromstring(plotter_svg_text(result, element=element))
    assert root.get("width") == "210mm" and root.get("viewBox") == "0 0 210 297"
    (layer,) = root.findall(f"{SVG_NS}g")
    assert layer.get("{http://www.inkscape.org/namespaces/inkscape}groupmode") == "layer"
    assert layer.get("stroke-width") == "0.35"
    strokes = layer.findall(f"{SVG_NS}{element}")
    assert len(strokes) == result.after.strokes == 2  # 4 odd nodes → 2 strokes
