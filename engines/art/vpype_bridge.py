"""Optional hand-off of plotter SVG to vpype (the ``plotter`` extra).

vpype re-reads the document, merges lines that nearly touch, sorts them again and writes
it back on the same page, so its own optimisations add to ours.
"""

from __future__ import annotations

import importlib.util
import io


def vpype_available() -> bool:
    return importlib.util.find_spec("vpype") is not None


def through_vpype(svg: str, page_mm: tuple[float, float]) -> str:
    """Run ``svg`` through vpype's linemerge and linesort; return the SVG it writes."""
    import vpype

    mm = 96.0 / 25.4  # vpype works in CSS pixels
    document = vpype.read_multilayer_svg(io.StringIO(svg), quantization=0.1 * mm)
    for layer in document.layers.values():
        layer.merge(tolerance=0.05 * mm, flip=True)
    document.page_size = (page_mm[0] * mm, page_mm[1] * mm)
    out = io.StringIO()
    vpype.write_svg(out, document, page_size=document.page_size, center=False)
    return out.getvalue()
