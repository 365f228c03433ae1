"""Measure a text image's scale (letter height, stroke width) and clean its letters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from skimage import measure

#: A component this much shorter than the median letter and this elongated is a rule or a
#: dash lying on its own: it is dropped.
THIN_HEIGHT_RATIO = 0.35
THIN_ASPECT = 1.8
#: Components smaller than this share of a large letter (the 90th percentile of areas) are
#: noise specks: they take no part in measuring and are dropped.
SPECK_AREA_RATIO = 0.1
SPECK_PERCENTILE = 90


@dataclass(frozen=True)
class TextScale:
    """Sizes in pixels measured from the letters of a binary text image."""

    letter_height: float  # median height of the taller half of the letter-like components
    stroke_width: float  # twice the median distance from ink to background
    n_components: int  # letter-like components measured


def letter_components(binary: np.ndarray) -> list:
    """Region properties of the 8-connected ink components."""
    return measure.regionprops(measure.label(binary, connectivity=2))


def _letter_like(areas: np.ndarray) -> np.ndarray:
    """Components big enough to be letters or punctuation, whatever the noise around."""
    return areas >= SPECK_AREA_RATIO * np.percentile(areas, SPECK_PERCENTILE)


def _median_tall_height(heights: np.ndarray) -> float:
    return float(np.median(heights[heights >= np.percentile(heights, 50)]))


def clean_letters(binary: np.ndarray) -> np.ndarray:
    """Drop specks and free-standing rules, keeping letters, digits and punctuation."""
    regions = letter_components(binary)
    if not regions:
        return binary
    heights = np.array([r.bbox[2] - r.bbox[0] for r in regions], dtype=float)
    widths = np.array([r.bbox[3] - r.bbox[1] for r in regions], dtype=float)
    areas = np.array([r.area for r in regions], dtype=float)
    letters = _letter_like(areas)
    median_h = _median_tall_height(heights[letters])
    thin_bar = (heights <= THIN_HEIGHT_RATIO * median_h) & (widths >= THIN_ASPECT * heights)
    keep = np.zeros(binary.shape, dtype=bool)
    for region, keep_it in zip(regions, letters & ~thin_bar, strict=True):
        if keep_it:
            minr, minc, maxr, maxc = region.bbox
            keep[minr:maxr, minc:maxc] |= region.image
    return keep


def measure_scale(binary: np.ndarray) -> TextScale:
    """Letter height and stroke width of a binary text image.

    Parameters
    ----------
    binary : (M, N) ndarray of bool
        Ink is True.

    Raises
    ------
    ValueError
        If there are too few letters to measure (fewer than 3 components).
    """
    regions = letter_components(binary)
    if len(regions) < 3:
        raise ValueError(f"found {len(regions)} ink component(s); need at least 3 letters")
    heights = np.array([r.bbox[2] - r.bbox[0] for r in regions], dtype=float)
    areas = np.array([r.area for r in regions], dtype=float)
    letters = _letter_like(areas)
    ridge = ndimage.distance_transform_edt(binary)[binary]
    stroke = float(2.0 * np.median(ridge)) if ridge.size else 1.0
    return TextScale(_median_tall_height(heights[letters]), stroke, int(letters.sum()))
