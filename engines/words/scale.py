"""Measure a text image's scale: letter height, stroke width and the gap between words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from skimage import measure

#: A component this much shorter than the median letter and this elongated is a rule,
#: dash or hyphen: it is dropped so hyphenated compounds count as separate words.
THIN_HEIGHT_RATIO = 0.35
THIN_ASPECT = 1.8
#: Components smaller than this share of the median letter's area are noise.
SPECK_AREA_RATIO = 0.04


@dataclass(frozen=True)
class TextScale:
    """Sizes in pixels measured from the letters of a binary text image."""

    letter_height: float  # median height of letter-sized components
    stroke_width: float  # median stroke thickness (twice the median distance to background)
    letter_gap: float  # typical horizontal gap between letters of a word
    word_gap: float  # typical horizontal gap between words
    n_components: int

    @property
    def merge_gap(self) -> float:
        """Gaps up to this width are closed when letters are joined into words."""
        return 0.5 * (self.letter_gap + self.word_gap)


def letter_components(binary: np.ndarray) -> list:
    """Region properties of the 8-connected ink components."""
    return measure.regionprops(measure.label(binary, connectivity=2))


def clean_letters(binary: np.ndarray) -> np.ndarray:
    """Drop specks, rules and hyphens, keeping letters, digits and punctuation marks."""
    regions = letter_components(binary)
    if not regions:
        return binary
    heights = np.array([r.bbox[2] - r.bbox[0] for r in regions], dtype=float)
    areas = np.array([r.area for r in regions], dtype=float)
    big = heights >= np.percentile(heights, 50)
    median_h = float(np.median(heights[big]))
    median_area = float(np.median(areas[big]))
    keep = np.zeros(binary.shape, dtype=bool)
    for region, h, area in zip(regions, heights, areas, strict=True):
        w = region.bbox[3] - region.bbox[1]
        thin_bar = h <= THIN_HEIGHT_RATIO * median_h and w >= THIN_ASPECT * h
        speck = area < SPECK_AREA_RATIO * median_area
        if not (thin_bar or speck):
            minr, minc, maxr, maxc = region.bbox
            keep[minr:maxr, minc:maxc] |= region.image
    return keep


def measure_scale(binary: np.ndarray) -> TextScale:
    """Letter height, stroke width and letter/word gaps of a binary text image.

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
    boxes = np.array([r.bbox for r in regions], dtype=float)  # minr, minc, maxr, maxc
    heights = boxes[:, 2] - boxes[:, 0]
    tall = heights >= np.percentile(heights, 50)
    letter_height = float(np.median(heights[tall]))
    distance = ndimage.distance_transform_edt(binary)
    ridge = distance[binary]
    stroke = float(2.0 * np.median(ridge)) if ridge.size else 1.0
    gaps = _right_gaps(boxes)
    letter_gap, word_gap = _two_gap_modes(gaps, letter_height)
    return TextScale(letter_height, stroke, letter_gap, word_gap, len(regions))


def _right_gaps(boxes: np.ndarray) -> np.ndarray:
    """For each component, the gap to the nearest component to its right on the same line."""
    gaps = []
    order = np.argsort(boxes[:, 1])
    b = boxes[order]
    for i in range(len(b)):
        top, _left, bottom, right = b[i]
        height = bottom - top
        best = np.inf
        for j in range(i + 1, len(b)):
            if b[j, 1] - right > 4 * height:
                break
            overlap = min(bottom, b[j, 2]) - max(top, b[j, 0])
            if overlap >= 0.5 * min(height, b[j, 2] - b[j, 0]) and b[j, 1] >= right - 1:
                best = min(best, b[j, 1] - right)
        if np.isfinite(best):
            gaps.append(max(best, 0.0))
    return np.asarray(gaps)


def _two_gap_modes(gaps: np.ndarray, letter_height: float) -> tuple[float, float]:
    """Typical letter and word gaps: a two-cluster split of the gap sizes (1-D k-means)."""
    if gaps.size < 2:
        return 0.1 * letter_height, 0.5 * letter_height
    values = np.sort(gaps)
    best_cost, split = np.inf, 1
    for k in range(1, values.size):  # the split minimising within-cluster variance
        lo, hi = values[:k], values[k:]
        cost = lo.var() * lo.size + hi.var() * hi.size
        if cost < best_cost:
            best_cost, split = cost, k
    letter_gap = float(np.median(values[:split]))
    word_gap = float(np.median(values[split:]))
    if word_gap < letter_gap + 0.15 * letter_height:  # one line of one word: no word gaps
        word_gap = letter_gap + 0.5 * letter_height
    return letter_gap, word_gap
