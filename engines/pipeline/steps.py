"""The pipeline's steps: plain functions over arrays (scikit-image does the filtering)."""

from __future__ import annotations

import warnings

import numpy as np
from skimage import color, filters, morphology, transform

from engines.pipeline.params import GLOBAL_METHODS, LOCAL_METHODS

#: Grey-level range below which an image counts as flat (no threshold can separate it).
FLAT_CONTRAST = 1e-9


def to_grey(image: np.ndarray) -> np.ndarray:
    """Luminance of an RGB image (ITU-R 709 weights); a grey image is returned as is.

    Parameters
    ----------
    image : (M, N) or (M, N, 3) ndarray of float in [0, 1]

    Returns
    -------
    grey : (M, N) ndarray of float64
    """
    if image.ndim == 2:
        return image.astype(np.float64, copy=False)
    if image.ndim == 3 and image.shape[2] == 3:
        return color.rgb2gray(image)
    raise ValueError(f"expected an (M, N) or (M, N, 3) image, got shape {image.shape}")


def crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Cut ``image[y0:y1, x0:x1]``; the box must lie inside the image (:func:`check_crop`)."""
    check_crop(box, image.shape[:2])
    y0, y1, x0, x1 = box
    return image[y0:y1, x0:x1]


def check_crop(box: tuple[int, int, int, int], shape: tuple[int, int]) -> None:
    """Refuse a crop box ``(y0, y1, x0, x1)`` reaching past an image of ``shape`` (M, N).

    Raises
    ------
    ParameterError
        The box reaches past the image (it is never clamped quietly): the message names the
        crop, the image's size and the largest crop inside it with the same corner.
    """
    from engines.errors import ParameterError

    y0, y1, x0, x1 = box
    h, w = shape
    if y1 > h or x1 > w:
        asked = f"crop {y0}:{y1},{x0}:{x1} does not fit the {w}x{h} image"
        if y0 >= h or x0 >= w:
            raise ParameterError(f"{asked}: it lies wholly outside")
        past = [f"y1 {y1} > height {h}"] * (y1 > h) + [f"x1 {x1} > width {w}"] * (x1 > w)
        inside = f"{y0}:{min(y1, h)},{x0}:{min(x1, w)}"
        raise ParameterError(f"{asked} ({', '.join(past)}); the part inside it is {inside}")


def resize_max_side(image: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink ``image`` so its longer side is at most ``max_side`` (never enlarges)."""
    h, w = image.shape[:2]
    factor = max_side / max(h, w)
    if factor >= 1.0:
        return image
    shape = (max(1, round(h * factor)), max(1, round(w * factor)))
    return transform.resize(image, shape, anti_aliasing=True, preserve_range=True)


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur with standard deviation ``sigma`` pixels (0 returns the input)."""
    if sigma < 0:
        raise ValueError(f"blur sigma must be >= 0, got {sigma}")
    if sigma == 0:
        return image
    return filters.gaussian(image, sigma=sigma, preserve_range=True)


def threshold(
    grey: np.ndarray,
    method: str | float,
    *,
    offset: float = 0.0,
    block_size: int = 35,
    k: float = 0.2,
) -> float | np.ndarray:
    """Threshold of ``grey``: a number for global methods, an (M, N) array for local ones.

    The returned value already includes ``offset``.

    Parameters
    ----------
    grey : (M, N) ndarray of float
    method : {'otsu', 'li', 'yen', 'sauvola', 'niblack', 'local', 'hybrid'} or float
    offset : float
        Added to the method's threshold; positive values make more pixels foreground.
    block_size : int
        Odd window size of the local methods.
    k : float
        Parameter of 'sauvola' and 'niblack'.
    """
    if isinstance(method, int | float) and not isinstance(method, bool):
        return float(method) + offset
    if float(grey.max()) - float(grey.min()) < FLAT_CONTRAST:
        # A flat image has no threshold to find; everything is on one side of its value.
        return float(grey.max()) + offset
    if method in GLOBAL_METHODS:
        fn = {"otsu": filters.threshold_otsu, "li": filters.threshold_li,
              "yen": filters.threshold_yen}[method]  # fmt: skip
        return float(fn(grey)) + offset
    if method in LOCAL_METHODS:
        window = min(block_size, _largest_odd(min(grey.shape)))
        if window < 3:
            return float(filters.threshold_otsu(grey)) + offset
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if method == "sauvola":
                local = filters.threshold_sauvola(grey, window_size=window, k=k)
            elif method == "hybrid":
                local = np.maximum(
                    filters.threshold_sauvola(grey, window_size=window, k=k),
                    filters.threshold_otsu(grey),
                )
            elif method == "niblack":
                local = filters.threshold_niblack(grey, window_size=window, k=k)
            else:
                local = filters.threshold_local(grey, block_size=window, offset=0.0)
        return local + offset
    known = ", ".join(GLOBAL_METHODS + LOCAL_METHODS)
    raise ValueError(f"unknown threshold method {method!r}; use one of {known} or a number")


def _largest_odd(n: int) -> int:
    return n if n % 2 else n - 1


def binarize(grey: np.ndarray, thresh: float | np.ndarray, *, invert: bool = False) -> np.ndarray:
    """Foreground mask: pixels darker than ``thresh`` (lighter ones with ``invert``)."""
    mask = grey < thresh
    return ~mask if invert else mask


def remove_small(binary: np.ndarray, min_size: int) -> np.ndarray:
    """Drop 8-connected foreground blobs with fewer than ``min_size`` pixels."""
    if min_size <= 1 or not binary.any():
        return binary
    return morphology.remove_small_objects(binary, max_size=min_size - 1, connectivity=2)
