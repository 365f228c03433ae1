"""Which fields of a parameter form apply, given the others: a field that does not is
disabled in its form, its tooltip saying why. And the tooltips of the fields whose type
gives no description (:data:`TOOLTIPS`).

Rules are listed per parameter type (by class name): field → a function of the form's
values returning why the field does not apply now, or None when it does. They follow what
the engines do with the values (:mod:`engines.pipeline.run`, :mod:`engines.art.style`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Rule = Callable[[dict[str, Any]], str | None]

LOCAL = ("sauvola", "niblack", "local", "hybrid")
WITH_K = ("sauvola", "niblack", "hybrid")


def _binary(v: dict[str, Any]) -> bool:
    return v.get("points", "binary") in ("binary", "auto")


def _threshold_reason(v: dict[str, Any]) -> str | None:
    if v.get("auto"):
        return "auto is ticked: the threshold is chosen from the image"
    if not _binary(v):
        return f"points = {v.get('points')} uses no threshold"
    return None


def _window_reason(v: dict[str, Any], methods: tuple[str, ...], what: str) -> str | None:
    reason = _threshold_reason(v)
    if reason:
        return reason
    if str(v.get("threshold")) not in methods:
        return f"{what} ({', '.join(methods)}); threshold is {v.get('threshold')}"
    return None


def _blur(v: dict[str, Any]) -> str | None:
    return "auto is ticked: the blur is chosen from the image" if v.get("auto") else None


def _block_size(v: dict[str, Any]) -> str | None:
    return _window_reason(v, LOCAL, "only the local thresholds use a window")


def _k(v: dict[str, Any]) -> str | None:
    return _window_reason(v, WITH_K, "only sauvola, niblack and hybrid use k")


def _blobs(v: dict[str, Any]) -> str | None:
    return None if _binary(v) else f"points = {v.get('points')} keeps no blobs to drop"


def _tone(v: dict[str, Any]) -> str | None:
    return None if v.get("points") in ("tone", "auto") else "used by points = tone only"


def _edges(v: dict[str, Any]) -> str | None:
    return None if v.get("points") in ("edges", "auto") else "used by points = edges only"


PIPELINE: dict[str, Rule] = {
    "blur": _blur,
    "threshold": _threshold_reason,
    "offset": _threshold_reason,
    "block_size": _block_size,
    "k": _k,
    "min_object_size": _blobs,
    "gamma": _tone,
    "density": _tone,
    "stipple": _tone,
    "match_tone": _tone,
    "edge_sigma": _edges,
    "ridges": _edges,
}


def _continuous(v: dict[str, Any]) -> str | None:
    return None if v.get("stroke") == "continuous" else "used by stroke = continuous only"


def _edges_only(v: dict[str, Any]) -> str | None:
    if v.get("stroke") == "continuous":
        return "stroke = continuous draws one line with line_width and line_color"
    return None


def _widths(v: dict[str, Any]) -> str | None:
    if v.get("width_by", "none") == "none":
        return _edges_only(v) or "width_by is none: every line is line_width"
    return _edges_only(v)


def _line_color(v: dict[str, Any]) -> str | None:
    if v.get("color_by", "none") == "none" or v.get("stroke") == "continuous":
        return None
    return f"color_by = {v.get('color_by')} colours the lines"


def _colormap(v: dict[str, Any]) -> str | None:
    if v.get("color_by") in ("error", "depth", "angle"):
        return _edges_only(v)
    return _edges_only(v) or "used by color_by = error, depth or angle"


def _colors(v: dict[str, Any]) -> str | None:
    if v.get("color_by", "none") == "none":
        return _edges_only(v) or "color_by is none: one colour"
    return _edges_only(v)


def _node_color(v: dict[str, Any]) -> str | None:
    if "node_size" in v and not v.get("node_size"):
        return "node size is 0: no dots are drawn"
    return None


STYLE: dict[str, Rule] = {
    "smoothing": _continuous,
    "max_jump": _continuous,
    "width_by": _edges_only,
    "color_by": _edges_only,
    "width_min": _widths,
    "width_max": _widths,
    "line_color": _line_color,
    "colormap": _colormap,
    "colors": _colors,
    "node_color": _node_color,
}


def _functions_only(v: dict[str, Any]) -> str | None:
    return "digits has its own train/test split" if v.get("task") == "digits" else None


def _network_gate(v: dict[str, Any]) -> str | None:
    return None if v.get("gate") == "network" else "used by gate = network only"


def _knn_gate(v: dict[str, Any]) -> str | None:
    return None if v.get("gate") == "knn" else "used by gate = knn only"


#: engines.trainers.reflection.ReflectionParams (each rule reads a field of its own page).
REFLECTION: dict[str, Rule] = {
    "samples": _functions_only,
    "test_samples": _functions_only,
    "gate_hidden": _network_gate,
    "gate_epochs": _network_gate,
    "gate_learning_rate": _network_gate,
    "neighbours": _knn_gate,
}

#: Parameter type name → its rules.
RULES: dict[str, dict[str, Rule]] = {"PipelineParams": PIPELINE, "ArtStyle": STYLE,
                                     "ReflectionParams": REFLECTION}  # fmt: skip


def reasons(model_name: str, values: dict[str, Any]) -> dict[str, str]:
    """Why each field of ``values`` that does not apply now does not (field → reason)."""
    rules = RULES.get(model_name, {})
    out = {}
    for name, rule in rules.items():
        if name in values:
            reason = rule(values)
            if reason:
                out[name] = reason
    return out


#: Tooltips of fields whose parameter type has no description: what they do to the picture.
TOOLTIPS: dict[str, dict[str, str]] = {
    "PipelineParams": {
        "invert": "Take the light pixels as the ink (a white drawing on black)",
        "subsample_seed": "Seed of the points kept when max points thins them out",
    },
    "ArtStyle": {
        "line_width": "Thickness of the lines in canvas pixels: thicker lines make a darker "
        "drawing",
        "line_color": "Colour of the lines (#rgb, #rrggbb or a name: ink, paper, none…)",
        "node_color": "Colour of the dots drawn at the nodes (when node size is above 0)",
        "background": "Colour of the paper; none leaves it transparent",
        "margin": "Blank border around the drawing, in canvas pixels",
        "size_unit": "Units of the SVG's size: pixels, or millimetres for a plotter",
    },
    "WordParams": {
        "epochs": "Training passes over the page's ink: more settle the words' subgraphs, "
        "and take longer",
        "step": "How far the nearest node moves towards each signal: larger learns faster "
        "and rougher",
        "neighbour_step": "How far its neighbours follow: larger keeps a word's nodes "
        "closer together",
        "max_edge_age": "Edges unused for this many signals are cut: smaller splits more "
        "words apart",
    },
}


def tooltip(model_name: str, field: str, description: str | None) -> str:
    """The tooltip of a field: its description, else the line of :data:`TOOLTIPS`."""
    return description or TOOLTIPS.get(model_name, {}).get(field, "")
