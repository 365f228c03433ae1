"""Turn letters into one solid blob per word, from the text's own line and gap structure.

Lines are found from the rows' ink profile; within a line, the empty column runs between
letters fall into two groups — gaps inside words and gaps between words — split by a
two-cluster fit. Letters closer than the split are joined, and each column of a word is
filled from its top to its bottom ink (a "smear" of the word), so the network learns solid
shapes with no thin bridges and no holes, and words stay a full word gap apart.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

#: Rows whose ink is below this share of the busiest row separate two lines.
LINE_VALLEY = 0.02
#: A hyphen: ink no thicker than this many letter heights ...
HYPHEN_THICKNESS = 0.3
#: ... lying within this part of the x-height zone (0 = its top, 1 = the baseline) ...
HYPHEN_ZONE = (0.25, 0.8)
#: ... over at least this many letter heights of columns.
HYPHEN_MIN_LENGTH = 0.4
#: Where the split between letter gaps and word gaps may lie, in letter heights.
SPLIT_RANGE = (0.1, 1.5)
#: The word gaps are at least this share of all gaps.
MIN_WORD_SHARE = 0.05
#: No gap this wide (in letter heights): every line is a single word.
MIN_WORD_GAP = 0.3
#: Bands shorter than this many letter heights are marks (dots, accents), not lines.
MIN_BAND = 0.5
#: Bands taller than this many letter heights hold two touching lines.
TALL_BAND = 2.0


@dataclass(frozen=True)
class WordLayout:
    """Lines, gaps and word spans measured from the letters."""

    bands: list[tuple[int, int]]  # (row0, row1) of each text line
    spans: list[tuple[int, int, int]]  # (band index, col0, col1) of each word, col1 exclusive
    split_gap: float  # empty runs at least this wide separate words
    letter_gap: float
    word_gap: float


def line_bands(letters: np.ndarray, letter_height: float) -> list[tuple[int, int]]:
    """Row ranges of the text lines.

    Rows with (almost) no ink separate lines; a band taller than :data:`TALL_BAND` letter
    heights holds lines whose descenders and ascenders touch, and is cut at its emptiest
    row; a band shorter than :data:`MIN_BAND` letter heights (dots, accents) joins the line
    below it, or above when there is none near.
    """
    profile = letters.sum(axis=1).astype(float)
    if profile.max() == 0:
        return []
    bands = _runs(profile > LINE_VALLEY * profile.max())
    split: list[tuple[int, int]] = []
    while bands:
        a, b = bands.pop(0)
        margin = round(0.7 * letter_height)
        if b - a > TALL_BAND * letter_height and b - a > 2 * margin + 1:
            cut = a + margin + int(np.argmin(profile[a + margin : b - margin]))
            bands[:0] = [(a, cut), (cut, b)]
        else:
            split.append((a, b))
    lines = [list(band) for band in split if band[1] - band[0] >= MIN_BAND * letter_height]
    for a, b in split:
        if b - a >= MIN_BAND * letter_height or not lines:
            continue
        below = [line for line in lines if line[0] >= b]
        above = [line for line in lines if line[1] <= a]
        near = 0.6 * letter_height
        if below and below[0][0] - b <= near:
            below[0][0] = a
        elif above and a - above[-1][1] <= near:
            above[-1][1] = b
    return [(a, b) for a, b in lines]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True values."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def _interior_gaps(occupied: np.ndarray) -> list[tuple[int, int]]:
    """Empty runs between the first and the last occupied column."""
    cols = np.flatnonzero(occupied)
    if cols.size == 0:
        return []
    inner = ~occupied[cols[0] : cols[-1] + 1]
    return [(a + cols[0], b + cols[0]) for a, b in _runs(inner)]


def split_gap(gaps: np.ndarray, letter_height: float) -> tuple[float, float, float]:
    """(split, widest letter gap, narrowest word gap) from empty-run widths.

    Gaps inside words are the narrowest group; the gaps between words come next, with an
    empty stretch of widths between them; wider groups still (a space beside a dropped
    hyphen, a tab) may follow. Among empty stretches whose middle lies between
    :data:`SPLIT_RANGE` letter heights and that leave at least :data:`MIN_WORD_SHARE` of the
    gaps above them, the split is the lowest one at least half as wide as the widest. When
    the widths run on without any empty stretch (small or blurred print), a two-group fit
    (1-D k-means, exact) decides. Without any gap wider than :data:`MIN_WORD_GAP` letter
    heights the lines hold single words: nothing is split.
    """
    values = np.sort(gaps.astype(float))
    if values.size == 0 or values[-1] < MIN_WORD_GAP * letter_height:
        return np.inf, float(values[-1]) if values.size else 0.0, np.inf
    lo, hi = SPLIT_RANGE[0] * letter_height, SPLIT_RANGE[1] * letter_height
    min_above = max(2, int(np.ceil(MIN_WORD_SHARE * values.size)))
    unique = np.concatenate([[0.0], np.unique(values)])
    candidates = [
        (a, b)
        for a, b in itertools.pairwise(unique)
        if lo <= 0.5 * (a + b) <= hi and values.size - np.searchsorted(values, b) >= min_above
    ]
    widest = max((b - a for a, b in candidates), default=0.0)
    if widest >= 2.0:  # widths are whole pixels: a stretch must miss at least one width
        a, b = next((a, b) for a, b in candidates if b - a >= max(2.0, 0.5 * widest))
        return 0.5 * (a + b), float(a), float(b)
    return _two_groups(values)


def _two_groups(values: np.ndarray) -> tuple[float, float, float]:
    """Split sorted widths where the within-group variance is least."""
    best, k_best = np.inf, 1
    for k in range(1, values.size):
        lo, hi = values[:k], values[k:]
        cost = lo.var() * lo.size + hi.var() * hi.size
        if cost < best:
            best, k_best = cost, k
    a, b = float(values[k_best - 1]), float(values[k_best])
    return 0.5 * (a + b), a, b


def hyphen_columns(band: np.ndarray, letter_height: float) -> np.ndarray:
    """Columns of a line that hold only a short bar across the middle of the lowercase
    letters: hyphens and dashes, even where they touch a letter. They count as gaps, so
    a hyphenated pair is two words.

    Parameters
    ----------
    band : (R, C) ndarray of bool
        The ink of one text line.
    """
    profile = band.sum(axis=1)
    core = np.flatnonzero(profile >= 0.5 * profile.max())  # the x-height zone
    if core.size == 0:
        return np.zeros(band.shape[1], dtype=bool)
    top, bottom = core[0], core[-1] + 1
    mid_lo = top + HYPHEN_ZONE[0] * (bottom - top)
    mid_hi = top + HYPHEN_ZONE[1] * (bottom - top)
    inked = band.any(axis=0)
    first = np.where(inked, np.argmax(band, axis=0), 0)
    last = np.where(inked, band.shape[0] - 1 - np.argmax(band[::-1], axis=0), -1)
    thin = inked & (last - first + 1 <= HYPHEN_THICKNESS * letter_height)
    thin &= (first >= mid_lo) & (last <= mid_hi)
    bars = np.zeros(band.shape[1], dtype=bool)
    empty = ~inked
    for a, b in _runs(thin):
        # A hyphen stands free on at least one side; the crossbar of an H runs stem to stem.
        free = empty[max(0, a - 2) : a].any() or empty[b : b + 2].any()
        if b - a >= HYPHEN_MIN_LENGTH * letter_height and free:
            bars[a:b] = True
    return bars


def word_layout(letters: np.ndarray, letter_height: float) -> WordLayout:
    """Find lines and the column span of every word."""
    bands = line_bands(letters, letter_height)
    occupancy = [
        letters[a:b].any(axis=0) & ~hyphen_columns(letters[a:b], letter_height) for a, b in bands
    ]
    widths = [b - a for occ in occupancy for a, b in _interior_gaps(occ)]
    split, letter_gap, word_gap = split_gap(np.array(widths), letter_height)
    spans = []
    for index, occ in enumerate(occupancy):
        cols = np.flatnonzero(occ)
        if cols.size == 0:
            continue
        start = int(cols[0])
        for a, b in _interior_gaps(occ):
            if b - a >= split:
                spans.append((index, start, a))
                start = b
        spans.append((index, start, int(cols[-1]) + 1))
    return WordLayout(bands, spans, split, letter_gap, word_gap)


def smear_words(letters: np.ndarray, layout: WordLayout) -> np.ndarray:
    """Solid word shapes: each column filled between its top and bottom ink (columns of a
    bridged gap across the word's core rows, all but its top and bottom tenth), then each
    row between its first and last ink: no notches or holes for the network to split on."""
    ink = np.zeros(letters.shape, dtype=bool)
    for band, c0, c1 in layout.spans:
        r0, r1 = layout.bands[band]
        block = letters[r0:r1, c0:c1]
        rows = np.flatnonzero(block.any(axis=1))
        if rows.size == 0:
            continue
        core0, core1 = np.percentile(np.nonzero(block)[0], [10, 90]).round().astype(int)
        filled = np.zeros_like(block)
        for j in range(block.shape[1]):
            hits = np.flatnonzero(block[:, j])
            top, bottom = (hits[0], hits[-1]) if hits.size else (core0, core1)
            filled[top : bottom + 1, j] = True
        for i in range(filled.shape[0]):  # and each row between its first and last ink
            hits = np.flatnonzero(filled[i])
            if hits.size:
                filled[i, hits[0] : hits[-1] + 1] = True
        ink[r0:r1, c0:c1] |= filled
    return ink
