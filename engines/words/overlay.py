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
#: Word colours: well apart from each other and dark enough to read on the faded page.
PALETTE: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180), (214, 39, 40), (44, 140, 44), (148, 103, 189), (220, 100, 0),
    (0, 140, 150), (140, 86, 75), (210, 60, 160), (110, 110, 20), (70, 70, 70),
)  # fmt: skip
#: Size of the word numbers in pixels of the overlay: at least the smaller, at most the
#: larger, else this share of the zoomed letter height; drawn on a white halo.
NUMBER_PX = (12, 26)
NUMBER_SHARE = 0.45
#: Words whose boxes are nearer than this many letter heights are neighbours (they get
#: different colours).
NEIGHBOUR_GAP = 1.0


def label_colour(label: int) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb((label * _GOLDEN) % 1.0, 0.85, 0.8)
    return round(r * 255), round(g * 255), round(b * 255)


def neighbours(boxes, gap: float) -> list[set[int]]:
    """For each box (row0, col0, row1, col1), the boxes within ``gap`` pixels of it."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    rows = np.maximum(b[:, None, 0] - b[None, :, 2], b[None, :, 0] - b[:, None, 2])
    cols = np.maximum(b[:, None, 1] - b[None, :, 3], b[None, :, 1] - b[:, None, 3])
    near = (rows <= gap) & (cols <= gap)
    np.fill_diagonal(near, False)
    return [set(np.flatnonzero(row).tolist()) for row in near]


def word_colours(result: WordCount) -> list[tuple[int, int, int]]:
    """A colour per word from :data:`PALETTE`, chosen greedily in reading order so that no
    two neighbouring words (:data:`NEIGHBOUR_GAP`) share one while the palette lasts."""
    boxes = result.word_boxes()
    near = neighbours(boxes, NEIGHBOUR_GAP * float(result.scale.letter_height))
    chosen: list[int] = []
    for label, others in enumerate(near):
        taken = [chosen[o] for o in others if o < label]
        free = [k for k in range(len(PALETTE)) if k not in taken]
        chosen.append(free[label % len(free)] if free
                      else min(range(len(PALETTE)), key=taken.count))  # fmt: skip
    return [PALETTE[k] for k in chosen]


def number_size(result: WordCount, zoom: int = OVERLAY_ZOOM) -> int:
    """Pixel size of the word numbers on the overlay."""
    size = NUMBER_SHARE * float(result.scale.letter_height) * zoom
    return int(np.clip(round(size), *NUMBER_PX))


def _number_font(size: int):
    from PIL import ImageFont

    from engines.pipeline.text import FONT_DIR

    try:
        return ImageFont.truetype(str(FONT_DIR / "LiberationSans-Bold.ttf"), size)
    except OSError:
        return ImageFont.load_default(size)


def overlay_image(result: WordCount, *, zoom: int = OVERLAY_ZOOM) -> Image.Image:
    """The analysed page, faded, with every word's edges and nodes in the word's colour
    (neighbouring words in different colours) and its number above it, at least 12 px high
    on a white halo."""
    page = (0.55 + 0.45 * np.clip(result.grey, 0, 1)) * 255
    base = Image.fromarray(page.astype(np.uint8)).convert("RGB")
    base = base.resize((base.width * zoom, base.height * zoom), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(base)
    colours = word_colours(result)
    xy = np.column_stack([result.nodes[:, 0], -result.nodes[:, 1]]) * zoom + zoom / 2
    for a, b in result.edges:
        if result.labels[a] >= 0:
            colour = colours[int(result.labels[a])]
            draw.line((*xy[a], *xy[b]), fill=colour, width=max(1, zoom // 2 + 1))
    r = zoom * 0.6
    for i, (x, y) in enumerate(xy):
        if result.labels[i] >= 0:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colours[int(result.labels[i])])
    size = number_size(result, zoom)
    font = _number_font(size)
    halo = max(2, size // 6)
    for label, (r0, c0, _, _) in enumerate(result.word_boxes()):
        top = max(0, r0 * zoom - size - halo)
        draw.text((c0 * zoom, top), str(label + 1), fill=colours[label], font=font,
                  stroke_width=halo, stroke_fill=(255, 255, 255))  # fmt: skip
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
