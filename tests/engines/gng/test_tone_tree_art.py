"""Tone art with ``tone_lines = "tree"``: light tones drawn with the network's spanning tree,
still as dark as the photo."""

from __future__ import annotations

import numpy as np
import pytest

from engines.art import render_array
from engines.render import render_input
from tests.engines.gng.test_art_size import image_source, preset

STYLE = {"width": 90, "margin": 0, "line_width": 1.0, "background": "white",
         "line_color": "black"}  # fmt: skip


def tone_preset(lines: str):
    return preset({"points": "tone", "density": 256.0, "tone_lines": lines},
                  {"max_nodes": 4000, "error_decay_rate": 0.99999,
                   "min_distance_for_update": 0.0}, STYLE)  # fmt: skip


def drawn_darkness(result) -> float:
    return 1.0 - render_array(result.drawing, result.style)[..., 0].mean() / 255.0


def test_a_light_tone_is_a_tree_of_closer_nodes_as_dark_as_the_mesh():
    source = image_source(np.full((60, 90), 0.8))  # darkness 0.2: below TREE_LIGHT
    mesh = render_input(source, tone_preset("mesh"))
    tree = render_input(source, tone_preset("tree"))
    # Both as dark as the photo. (The PNG writer lays a little more ink than the estimate
    # on a tree's many short lines: 0.25 where the estimate says 0.22, here.)
    assert abs(tree.stats["tone"]["ink"] - 0.2) <= 0.03
    assert abs(drawn_darkness(tree) - 0.2) <= 0.06
    assert abs(drawn_darkness(mesh) - 0.2) <= 0.03
    # The tree's drawing has one edge per node (n - 1 for a connected tree) ...
    segments = sum(len(layer.segments) for layer in tree.drawing.layers)
    nodes = tree.stats["nodes"]
    assert segments == pytest.approx(nodes - 1, abs=nodes * 0.02)
    mesh_segments = sum(len(layer.segments) for layer in mesh.drawing.layers)
    assert mesh_segments > 2.3 * mesh.stats["nodes"]
    # ... so the same ink takes more, closer nodes: a finer line.
    assert nodes > 5 * mesh.stats["nodes"]  # 442 and 42
