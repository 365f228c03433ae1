"""Choose pipeline parameters from the image itself (the ``auto`` option).

The seed's astronaut recipe (150 px face, blur 0.6, Otsu + 0.1, about half the pixels as
points) is the model: blur grows with the image, and the threshold is moved so the share of
foreground pixels stays in a band where GNG art reads well — enough ink for shapes, not so
much that the picture becomes a silhouette. A light drawing on a dark ground is drawn by its
light lines (:func:`auto_ink` chooses the polarity too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.pipeline import steps

#: Images are shrunk to this longer side before anything else (about 20k points at most).
AUTO_MAX_SIDE = 220
#: Gaussian sigma per pixel of the longer side (0.6 at the seed's 150 px crop).
BLUR_PER_PIXEL = 0.004
#: The share of foreground pixels is kept in this band by moving the threshold.
MIN_INK, MAX_INK = 0.04, 0.5
#: A border more than this share dark (below Otsu's threshold) is a dark ground: with most
#: of the image dark too, the ink is the light side.
DARK_BORDER = 0.5


def auto_blur(shape: tuple[int, int]) -> float:
    """Blur sigma for an image of ``shape`` (M, N)."""
    return round(BLUR_PER_PIXEL * max(shape), 2)


@dataclass(frozen=True)
class AutoInk:
    """What :func:`auto_ink` chose: the threshold, which side of it is ink, and why."""

    threshold: float
    #: 'dark': pixels darker than the threshold are the foreground; 'light': the others.
    ink: str
    reason: str


def auto_ink(blurred: np.ndarray) -> AutoInk:
    """Otsu's threshold and the ink's polarity, the threshold moved so the ink's share lies in
    [MIN_INK, MAX_INK].

    The ink is the dark side, unless the dark side covers more than :data:`MAX_INK` of the
    image *and* more than :data:`DARK_BORDER` of its border: then the picture is a light
    drawing on a dark ground (a white-on-black horse), and the light side is the ink. (A
    black silhouette filling most of a white frame keeps dark ink: its border is light.)
    The threshold is never moved so far that no pixel is ink.

    Parameters
    ----------
    blurred : (M, N) ndarray of float

    Returns
    -------
    AutoInk
    """
    otsu = float(steps.threshold(blurred, "otsu"))
    dark = blurred < otsu
    dark_share = float(dark.mean())
    border = float(np.concatenate([dark[0], dark[-1], dark[:, 0], dark[:, -1]]).mean())
    if dark_share > MAX_INK and border > DARK_BORDER:
        # Light ink: the foreground is blurred >= threshold (binarize with invert).
        share = 1.0 - dark_share
        threshold = otsu
        if share > MAX_INK:
            threshold = float(np.quantile(blurred, 1.0 - MAX_INK))
        elif share < MIN_INK:
            threshold = float(np.quantile(blurred, 1.0 - MIN_INK))
        if not (blurred >= threshold).any():
            threshold = float(blurred.max())
        reason = (
            f"light ink: {dark_share:.0%} of the image and {border:.0%} of its border are dark "
            "(a light drawing on a dark ground)"
        )
        return AutoInk(threshold, "light", reason)
    threshold = otsu
    if dark_share > MAX_INK:
        threshold = float(np.quantile(blurred, MAX_INK))
        if not (blurred < threshold).any():  # the quantile fell on a shared darkest value
            threshold = float(blurred[blurred > threshold].min())
    elif dark_share < MIN_INK:  # (a flat image has no dark side: it stays without ink)
        threshold = float(np.quantile(blurred, MIN_INK))
    return AutoInk(threshold, "dark", "")
