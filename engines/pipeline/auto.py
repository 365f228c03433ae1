"""Choose pipeline parameters from the image itself (the ``auto`` option).

The seed's astronaut recipe (150 px face, blur 0.6, Otsu + 0.1, about half the pixels as
points) is the model: blur grows with the image, and the threshold is moved so the share of
foreground pixels stays in a band where GNG art reads well — enough ink for shapes, not so
much that the picture becomes a silhouette.
"""

from __future__ import annotations

import numpy as np

from engines.pipeline import steps

#: Images are shrunk to this longer side before anything else (about 20k points at most).
AUTO_MAX_SIDE = 220
#: Gaussian sigma per pixel of the longer side (0.6 at the seed's 150 px crop).
BLUR_PER_PIXEL = 0.004
#: The share of foreground pixels is kept in this band by moving the threshold.
MIN_INK, MAX_INK = 0.04, 0.5


def auto_blur(shape: tuple[int, int]) -> float:
    """Blur sigma for an image of ``shape`` (M, N)."""
    return round(BLUR_PER_PIXEL * max(shape), 2)


def auto_threshold(blurred: np.ndarray) -> float:
    """Otsu's threshold, moved so the foreground share lies in [MIN_INK, MAX_INK].

    Parameters
    ----------
    blurred : (M, N) ndarray of float

    Returns
    -------
    float
        A grey level; pixels below it are the foreground.
    """
    otsu = float(steps.threshold(blurred, "otsu"))
    ink = float((blurred < otsu).mean())
    if ink > MAX_INK:
        return float(np.quantile(blurred, MAX_INK))
    if ink < MIN_INK:
        return float(np.quantile(blurred, MIN_INK))
    return otsu
