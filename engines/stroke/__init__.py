"""Continuous strokes: a GNG graph drawn as one (or a few) long pen lines.

The seed notes that GNG fails at signatures: the result is a mesh, not one continuous line.
:func:`node_tour` finds an open path through every node that stays on the ink and lifts
the pen only where joining two parts would cross wide paper; :func:`continuous_drawing`
smooths it into polylines (Chaikin) for the SVG, PNG and plotter writers.

>>> import numpy as np
>>> from engines.stroke import node_tour
>>> nodes = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0]])
>>> node_tour(nodes, np.array([[0, 2], [2, 1]])).strokes[0].tolist()
[0, 2, 1]
"""

from engines.stroke.drawing import continuous_drawing, stroke_stats, tour_polylines
from engines.stroke.ink import InkMap, ink_map, ink_share, paper_length
from engines.stroke.smooth import chaikin, relax, smooth_path
from engines.stroke.tour import DEFAULT_MAX_JUMP, Tour, median_edge_length, node_tour

__all__ = [
    "DEFAULT_MAX_JUMP",
    "InkMap",
    "Tour",
    "chaikin",
    "continuous_drawing",
    "ink_map",
    "ink_share",
    "median_edge_length",
    "node_tour",
    "paper_length",
    "relax",
    "smooth_path",
    "stroke_stats",
    "tour_polylines",
]
