"""Does a page look like text? A quick check made before counting, from the counter's own
first pass.

The word counter trusts the page to be text: it measures a letter height from the ink's
components and sizes everything from it. On a photo the "letters" are specks of texture or
the photo's large shapes, and the count is a long, meaningless run (the coins photo: 48 s and
"374 words"). This check runs the counter's first, scale-finding threshold pass
(:func:`engines.words.count.page_ink` starts with it) and reads three figures:

- the letter-like components (:func:`engines.words.scale.measure_scale` needs three);
- the letter height: under :data:`MIN_LETTER_HEIGHT` pixels the "letters" are specks of
  texture or noise (the coins and camera photos measure 1 px);
- the share of the ink in blobs: components taller than :data:`BLOB_HEIGHT` letter heights
  (a coin, a face, a cell). Print keeps it near 0 (every sample page and synthetic page: 0,
  handwritten maths 0.22); photos hold most of their ink in blobs (coins 0.97, astronaut
  0.89, cat 0.51).

A page that fails warns (``gasworks words`` on stderr, the Words tab as soon as the page is
previewed); it is still counted when asked. Textures with letter-sized grains (gravel,
brick) pass: they look like text to this check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engines.pipeline import PipelineParams
from engines.words.params import WordParams

#: Letters are at least this many pixels tall (smaller "letters" are specks).
MIN_LETTER_HEIGHT = 3.0
#: A component taller than this many letter heights is a blob, not a letter or a word.
BLOB_HEIGHT = 3.0
#: Pages with at least this share of their ink in blobs do not look like text.
MAX_BLOB_SHARE = 0.5
#: Pages over this many pixels are checked on a central square of this side (full size).
CHECK_SIDE = 2000


@dataclass(frozen=True)
class TextCheck:
    """What the first threshold pass found on a page, and whether it looks like text."""

    letters: int  # letter-like components (specks left out)
    letter_height: float  # pixels (0 when there are too few letters to measure)
    blob_share: float  # share of the ink in components taller than BLOB_HEIGHT letters

    @property
    def warning(self) -> str | None:
        """Why the page does not look like text (None when it does)."""
        if self.letters < 3:
            return (f"This page does not look like text: {self.letters} letter-like shape(s) "
                    "found. The count would be meaningless.")  # fmt: skip
        if self.letter_height < MIN_LETTER_HEIGHT:
            return (f"This page does not look like text: its 'letters' are "
                    f"{self.letter_height:.0f} px specks (a photo or a texture?). Counting "
                    "would take long and mean nothing.")  # fmt: skip
        if self.blob_share >= MAX_BLOB_SHARE:
            return (f"This page does not look like text: {self.blob_share:.0%} of its ink "
                    f"is in large blobs, not letters (a photo?). Counting would take long "
                    "and mean nothing.")  # fmt: skip
        return None

    @property
    def looks_like_text(self) -> bool:
        return self.warning is None


def check_text(grey: np.ndarray, params: WordParams | None = None) -> TextCheck:
    """The check on a grey page.

    Parameters
    ----------
    grey : (M, N) ndarray of float in [0, 1]
    params : WordParams, optional
        Its threshold method and k, as the counter's first pass uses them.
    """
    from engines.words.count import FIRST_PASS_WINDOW, _letters
    from engines.words.scale import _letter_like, letter_components, measure_scale

    params = params or WordParams()
    binary = _letters(grey, params, FIRST_PASS_WINDOW)
    regions = letter_components(binary)
    if len(regions) < 3:
        return TextCheck(len(regions), 0.0, 0.0)
    scale = measure_scale(binary)
    heights = np.array([r.bbox[2] - r.bbox[0] for r in regions], dtype=float)
    areas = np.array([r.area for r in regions], dtype=float)
    blobs = areas[heights > BLOB_HEIGHT * scale.letter_height].sum()
    letters = int(_letter_like(areas).sum())
    return TextCheck(letters, scale.letter_height, float(blobs / areas.sum()))


def page_grey(
    source: str | Path | np.ndarray, pipeline: PipelineParams | None = None
) -> np.ndarray:
    """The grey page the check reads: the counter's (cropped, grey, ``max_side``), and of a
    page over :data:`CHECK_SIDE` squared pixels, its central square at full size."""
    from engines.pipeline import load_image, prepare_grey
    from engines.pipeline.loading import image_size

    pipeline = pipeline or PipelineParams()
    size = None if isinstance(source, np.ndarray) else image_size(source)
    if size is not None and size[0] * size[1] > CHECK_SIDE**2 and pipeline.max_side is None:
        grey = _central_grey(source, pipeline)
        if grey is not None:
            return grey
    image = source if isinstance(source, np.ndarray) else load_image(source)
    return prepare_grey(image, pipeline)[1]


def _central_grey(source: str | Path, pipeline: PipelineParams) -> np.ndarray | None:
    """The central CHECK_SIDE square of a large page file, decoded 8-bit grey."""
    from engines.pipeline import steps
    from engines.pipeline.loading import decode_image

    def centre(img):
        if img.mode not in ("L", "RGB", "RGBA", "P", "1", "LA"):
            return None
        if pipeline.crop_box is not None:
            y0, y1, x0, x1 = pipeline.crop_box
            steps.check_crop(pipeline.crop_box, (img.height, img.width))
            img = img.crop((x0, y0, x1, y1))
        w, h = img.size
        x0, y0 = max(0, (w - CHECK_SIDE) // 2), max(0, (h - CHECK_SIDE) // 2)
        tile = img.crop((x0, y0, min(w, x0 + CHECK_SIDE), min(h, y0 + CHECK_SIDE)))
        return np.asarray(tile.convert("L"), dtype=np.float64) / 255.0

    return decode_image(source, centre)


def check_page(
    source: str | Path | np.ndarray,
    params: WordParams | None = None,
    pipeline: PipelineParams | None = None,
) -> TextCheck:
    """Whether the page ``source`` (a file, ``sample:NAME`` or an image in [0, 1]) looks
    like text, before it is counted. Errors loading it are :func:`load_image`'s."""
    return check_text(page_grey(source, pipeline), params)


def page_warning(source: str | Path | np.ndarray | None, preset) -> str | None:
    """Why the page a ``words`` preset would count does not look like text, or None: the
    check with the preset's threshold and its pipeline's crop and max_side (what
    ``gasworks words`` prints on stderr before counting, and the Words tab shows)."""
    source = preset.input if source is None else source
    if source is None:
        return None
    return check_page(source, preset.engine_params or WordParams(), preset.pipeline).warning
