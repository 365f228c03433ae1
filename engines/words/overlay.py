"""Draw each word's subgraph in its own colour over the page; export a count."""

from __future__ import annotations

import colorsys
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from engines.errors import ParameterError
from engines.words.count import WordCount

#: The page is enlarged this much so thin edges stay visible.
OVERLAY_ZOOM = 3
#: Golden-ratio hue steps give neighbouring labels clearly different colours.
_GOLDEN = 0.618033988749895


def label_colour(label: int) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb((label * _GOLDEN) % 1.0, 0.85, 0.8)
    return round(r * 255), round(g * 255), round(b * 255)


def overlay_image(result: WordCount, *, zoom: int = OVERLAY_ZOOM) -> Image.Image:
    """The analysed page, faded, with every word's edges and nodes in the word's colour
    and its number beside it."""
    page = (0.55 + 0.45 * np.clip(result.grey, 0, 1)) * 255
    base = Image.fromarray(page.astype(np.uint8)).convert("RGB")
    base = base.resize((base.width * zoom, base.height * zoom), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(base)
    xy = np.column_stack([result.nodes[:, 0], -result.nodes[:, 1]]) * zoom + zoom / 2
    for a, b in result.edges:
        if result.labels[a] >= 0:
            colour = label_colour(int(result.labels[a]))
            draw.line((*xy[a], *xy[b]), fill=colour, width=max(1, zoom // 2 + 1))
    r = zoom * 0.6
    for i, (x, y) in enumerate(xy):
        if result.labels[i] >= 0:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=label_colour(int(result.labels[i])))
    for label, (r0, c0, _, _) in enumerate(result.word_boxes()):
        draw.text((c0 * zoom, max(0, r0 * zoom - 11)), str(label + 1), fill=label_colour(label))
    return base


def export_overlay(result: WordCount, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write a count: the overlay (``.png``) or the count's figures (``.json``).

    Parameters
    ----------
    result : WordCount
    path : str or Path
        ``.png`` writes :func:`overlay_image`; ``.json`` writes
        :meth:`WordCount.to_dict`, the object ``gasworks words --json`` prints for the file.
    overwrite : bool
        If False, an existing file is an error (``FileExistsError``).

    Returns
    -------
    Path
    """
    from engines.atomic import atomic_write_bytes, atomic_write_text, png_bytes

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        return atomic_write_bytes(path, png_bytes(overlay_image(result)), overwrite=overwrite)
    if suffix == ".json":
        text = json.dumps(result.to_dict(), indent=2) + "\n"
        return atomic_write_text(path, text, overwrite=overwrite)
    raise ParameterError(f"{path}: a word count is exported as .png or .json, not {suffix!r}")
