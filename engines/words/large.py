"""Large pages, strip by strip: the grey image the word counter would analyse, made without
float copies of the whole page.

The counter measures the letters on the page at full size (a local threshold, then the
components' heights), then shrinks the page to the letter height it needs
(:func:`engines.words.count.page_ink`). On an 81-megapixel page those two steps held
several float64 copies of the page and took 5.2 GB. Here the page stays decoded once, 8-bit
as it came, and both steps run over strips of rows with margins wide enough that every row
kept is computed from the same neighbourhood as on the whole page:

1. the first threshold pass (Sauvola or Niblack: local means over a window) writes the ink
   of each strip into one boolean image, whose 8-connected components give the letter
   height exactly as :func:`engines.words.scale.measure_scale` would;
2. the page is shrunk to the target letter height as ``skimage.transform.rescale`` does it
   (a Gaussian of sigma (factor - 1) / 2, then linear interpolation on pixel centres),
   strip by strip.

So the counter sees the same image and the same measured height, and counts the same,
with memory near the 8-bit page's. Pages it cannot treat this way (a global threshold
method, 32-bit images whose grey depends on the whole page, letters not larger than the
target) go the ordinary way.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
from scipy import ndimage

from engines.pipeline import PipelineParams, steps
from engines.pipeline.loading import _pil_to_float, decode_image, image_size
from engines.words.params import WordParams
from engines.words.scale import _letter_like, _median_tall_height

#: Pages over this many pixels are handled strip by strip.
LARGE_PAGE_PIXELS = 4_000_000
#: Rows handled at a time (plus margins).
STRIP_ROWS = 512
#: Local threshold methods that work in strips (a window's mean and deviation).
STRIP_METHODS = ("sauvola", "niblack")
#: Pillow modes whose grey value of a pixel depends on that pixel alone.
_PIXELWISE_MODES = frozenset(
    ("1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB",
     "HSV", "I;16", "I;16B", "I;16L", "I;16N")
)  # fmt: skip


def large_page(
    source: str | Path, params: WordParams, pipeline: PipelineParams
) -> tuple[np.ndarray, float, float] | None:
    """The grey image of a large page file as the counter analyses it, or None when
    ``source`` is not a large page this module treats (the caller loads it as usual).

    Returns
    -------
    grey : (M, N) ndarray of float64
        The page (cropped, grey), shrunk when its letters are larger than the target.
    factor : float
        The size of ``grey`` over the cropped page's (1.0 when not shrunk).
    measured : float
        The letter height measured at full size, in ``grey``'s pixels.
    """
    from engines.words.count import FIRST_PASS_WINDOW, RESCALE_BAND, _odd

    size = image_size(source)
    if size is None or size[0] * size[1] <= LARGE_PAGE_PIXELS:
        return None
    if params.threshold not in STRIP_METHODS:
        return None
    page = decode_image(source, _loaded)
    if page.mode not in _PIXELWISE_MODES:
        return None
    if pipeline.crop_box is not None:
        y0, y1, x0, x1 = pipeline.crop_box
        steps.check_crop(pipeline.crop_box, (page.height, page.width))
        page = page.crop((x0, y0, x1, y1))
    rows = _Rows(page)
    if pipeline.max_side is not None and max(page.size) > pipeline.max_side:
        return None  # resized as a whole first, like any page
    window = min(_odd(FIRST_PASS_WINDOW), _largest_odd(min(rows.height, rows.width)))
    ink, low, high = _first_pass(rows, params, window)
    if high - low < steps.FLAT_CONTRAST:
        return None
    height = letter_height(ink)
    del ink
    shrink = params.target_letter_height / height
    if shrink >= RESCALE_BAND[0]:  # letters not larger than the counter needs: no shrinking
        return rows(0, rows.height), 1.0, height
    return rescaled(rows, shrink, low, high), shrink, height * shrink


class _Rows:
    """Rows of a decoded page as float grey, the values :func:`load_image` and
    :func:`steps.to_grey` give for the whole page (the conversions are per pixel)."""

    def __init__(self, page):
        self.page = page
        self.width, self.height = page.size

    def __call__(self, start: int, stop: int) -> np.ndarray:
        start, stop = max(0, start), min(self.height, stop)
        return steps.to_grey(_pil_to_float(self.page.crop((0, start, self.width, stop))))


def _loaded(img):
    img.load()
    return img


def _largest_odd(n: int) -> int:
    return n if n % 2 else n - 1


def _first_pass(rows: _Rows, params: WordParams, window: int) -> tuple[np.ndarray, float, float]:
    """The first threshold pass over the whole page, strip by strip: the ink (True) and the
    page's grey extrema."""
    from skimage import filters

    margin = window // 2 + 1
    ink = np.empty((rows.height, rows.width), dtype=bool)
    low, high = math.inf, -math.inf
    for start in range(0, rows.height, STRIP_ROWS):
        stop = min(rows.height, start + STRIP_ROWS)
        grey = rows(start - margin, stop + margin)
        top = start - max(0, start - margin)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if params.threshold == "sauvola":
                thresh = filters.threshold_sauvola(grey, window_size=window, k=params.k)
            else:
                thresh = filters.threshold_niblack(grey, window_size=window, k=params.k)
        kept = slice(top, top + stop - start)
        ink[start:stop] = grey[kept] < thresh[kept]
        low, high = min(low, float(grey[kept].min())), max(high, float(grey[kept].max()))
    return ink, low, high


def letter_height(ink: np.ndarray) -> float:
    """The letter height :func:`engines.words.scale.measure_scale` measures on ``ink``
    (median height of the taller half of the letter-like 8-connected components), without
    its stroke width and with 32-bit labels."""
    labels, count = ndimage.label(ink, structure=np.ones((3, 3), dtype=bool), output=np.int32)
    if count < 3:
        raise ValueError(f"found {count} ink component(s); need at least 3 letters")
    boxes = ndimage.find_objects(labels)
    heights = np.array([box[0].stop - box[0].start for box in boxes], dtype=float)
    areas = np.array(
        [np.count_nonzero(labels[box] == index) for index, box in enumerate(boxes, start=1)],
        dtype=float,
    )
    return _median_tall_height(heights[_letter_like(areas)])


def rescaled(rows: _Rows, scale: float, low: float, high: float) -> np.ndarray:
    """The page shrunk by ``scale`` as ``skimage.transform.rescale(grey, scale, order=1,
    anti_aliasing=True)`` makes it (output size, Gaussian, pixel-centre interpolation,
    clipping to the page's extrema ``low``, ``high``), a strip of rows at a time."""
    height, width = rows.height, rows.width
    out_h, out_w = max(1, round(scale * height)), max(1, round(scale * width))
    fy, fx = height / out_h, width / out_w
    sigma = (max(0.0, (fy - 1) / 2), max(0.0, (fx - 1) / 2))
    reach = int(4.0 * sigma[0] + 0.5) + 2  # the Gaussian's radius (truncate 4), and a row
    x0, x1, tx = _linear(out_w, fx, width)
    out = np.empty((out_h, out_w))
    step = max(1, int(STRIP_ROWS / fy))
    for first in range(0, out_h, step):
        last = min(out_h, first + step)
        y0, y1, ty = _linear(last - first, fy, height, offset=first)
        start = max(0, int(y0.min()) - reach)
        strip = rows(start, min(height, int(y1.max()) + 1 + reach))
        smooth = ndimage.gaussian_filter(strip, sigma, mode="mirror")
        upper, lower = smooth[y0 - start], smooth[y1 - start]
        lines = upper + ty[:, None] * (lower - upper)
        out[first:last] = lines[:, x0] + tx * (lines[:, x1] - lines[:, x0])
    return np.clip(out, low, high, out=out)


def _linear(count: int, factor: float, size: int, offset: int = 0):
    """Neighbours and weights of linear interpolation at pixel centres (scipy's zoom with
    ``grid_mode=True``) for ``count`` output pixels from ``offset``."""
    centre = (np.arange(offset, offset + count) + 0.5) * factor - 0.5
    below = np.clip(np.floor(centre), 0, size - 1).astype(np.int64)
    above = np.minimum(below + 1, size - 1)
    return below, above, centre - below
