"""Run the whole pipeline: source → grey → crop → resize → blur → threshold → points.

The last step depends on the ``points`` mode: the threshold's foreground pixels
(``binary``), a sample following the tones (``tone``), or edge and ridge pixels
(``edges``); see :mod:`engines.pipeline.tone`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engines.pipeline import auto, steps, tone
from engines.pipeline.loading import load_image
from engines.pipeline.params import PipelineParams
from engines.pipeline.points import binary_to_points, pixels_to_points, points_to_pixels

#: The points preview is drawn on a canvas up to this many pixels on its longer side: an
#: image this size or more has one canvas pixel per image pixel, a smaller one a whole
#: number of canvas pixels per image pixel (at most :data:`MAX_POINTS_ZOOM`).
POINTS_PREVIEW_SIDE = 1600
MAX_POINTS_ZOOM = 4
#: Points per dot that draw it black (more points in one place draw no darker); a dot of
#: one point has this darkness (0: white, 1: black).
POINTS_BLACK = 4
LONE_POINT = 0.6


@dataclass(frozen=True)
class PipelineResult:
    """Every intermediate image of one run, for previews, and the points it produced."""

    params: PipelineParams
    source_image: np.ndarray  # after crop, before grey: (M, N) or (M, N, 3) float
    grey: np.ndarray  # (M', N') float in [0, 1], after resize
    blurred: np.ndarray  # (M', N') float
    threshold: float | np.ndarray  # scalar for global methods, (M', N') for local ones
    binary: np.ndarray  # (M', N') bool, True = foreground (tone, edges: pixels with points)
    points: np.ndarray = field(repr=False)  # (P, 2) float32
    #: The points mode used ('binary', 'tone' or 'edges'; 'auto' resolved).
    mode: str = "binary"
    #: Why ``auto`` chose ``mode`` ('' when the mode was asked for).
    mode_reason: str = ""
    #: Tone mode: expected points per pixel, (M', N') float (None otherwise).
    density: np.ndarray | None = field(default=None, repr=False)
    #: Binary mode: which side of the threshold is the foreground, 'dark' or 'light'.
    ink: str = "dark"
    #: Why ``auto`` chose light ink ('' otherwise).
    ink_reason: str = ""

    @property
    def image_size(self) -> tuple[int, int]:
        """(height, width) of the images the points come from."""
        return self.binary.shape

    @property
    def threshold_summary(self) -> float | dict[str, float]:
        """The threshold as a number, or min/mean/max of a local threshold map."""
        t = self.threshold
        if np.ndim(t) == 0:
            return float(t)
        return {"min": float(np.min(t)), "mean": float(np.mean(t)), "max": float(np.max(t))}

    def previews(self) -> dict[str, np.ndarray]:
        """Each step as an 8-bit image (grey, blurred, binary with ink black, points).

        In tone mode the third image is the density map (darker: more points per pixel).
        The fourth draws the points themselves (:func:`points_preview`): the subset kept
        under ``max_points``, the samples of tone mode; it is larger than the others when
        the image is small (a whole number of its pixels per image pixel)."""
        ink = np.where(self.binary, 0, 255).astype(np.uint8)
        if self.density is not None:
            top = max(float(self.density.max()), 1e-12)
            ink = _to_uint8(1.0 - self.density / top)
        return {
            "grey": _to_uint8(self.grey),
            "blurred": _to_uint8(self.blurred),
            "binary": ink,
            "points": points_preview(self.points, self.binary.shape, self.params.scale),
        }


def _to_uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def points_zoom(shape: tuple[int, int]) -> int:
    """Canvas pixels per image pixel of the points preview of an image of ``shape``."""
    return int(np.clip(POINTS_PREVIEW_SIDE // max(max(shape), 1), 1, MAX_POINTS_ZOOM))


def points_preview(points: np.ndarray, shape: tuple[int, int], scale: float = 1.0) -> np.ndarray:
    """The points as dots on white: what the network will learn from.

    Each point (placed back on the image by :func:`points_to_pixels`) is a dot of
    ``zoom - 1`` canvas pixels square (one pixel when ``zoom`` is 1), ``zoom`` =
    :func:`points_zoom`: neighbouring points on the pixel grid stay apart, so a shape filled
    with points reads as dots, not as ink. A dot is darker the more points fall on it,
    black from :data:`POINTS_BLACK` (tone mode's samples pile up in the dark).

    Parameters
    ----------
    points : (P, 2) ndarray
        As the pipeline makes them: ``(col, -row) * scale``.
    shape : (M, N)
        The image the points come from.

    Returns
    -------
    (M * zoom, N * zoom) ndarray of uint8
    """
    zoom = points_zoom(shape)
    height, width = shape[0] * zoom, shape[1] * zoom
    rows, cols = points_to_pixels(points, scale)
    r = np.clip(np.floor(rows * zoom + 0.5).astype(np.int64), 0, height - 1)
    c = np.clip(np.floor(cols * zoom + 0.5).astype(np.int64), 0, width - 1)
    counts = np.bincount(r * width + c, minlength=height * width).reshape(height, width)
    dot = max(1, zoom - 1)
    if dot > 1:  # each point's count spread over its dot (down and right of it)
        spread = np.zeros_like(counts)
        for dr in range(dot):
            for dc in range(dot):
                spread[dr:, dc:] += counts[: height - dr, : width - dc]
        counts = spread
    more = np.minimum((counts - 1) / (POINTS_BLACK - 1), 1.0)
    level = np.where(counts > 0, LONE_POINT + (1.0 - LONE_POINT) * more, 0.0)
    return (255.0 * (1.0 - level) + 0.5).astype(np.uint8)


def prepare_grey(image: np.ndarray, params: PipelineParams) -> tuple[np.ndarray, np.ndarray]:
    """Crop, convert to grey and resize: the steps before blurring."""
    box = params.crop_box
    cropped = steps.crop(image, box) if box is not None else image
    grey = steps.to_grey(cropped)
    if params.max_side is not None:
        grey = steps.resize_max_side(grey, params.max_side)
    return cropped, grey


def run_pipeline(
    source: str | Path | np.ndarray, params: PipelineParams | None = None
) -> PipelineResult:
    """Run every step on ``source`` (a path, ``sample:NAME`` or an image array).

    Parameters
    ----------
    source : str, Path or (M, N[, 3]) ndarray of float in [0, 1]
    params : PipelineParams, optional
        Defaults to ``PipelineParams()``: Otsu on the unblurred grey image.

    Returns
    -------
    PipelineResult
        An image with no foreground gives zero points (not an error); callers that need
        points report that case themselves.
    """
    params = params or PipelineParams()
    image = source if isinstance(source, np.ndarray) else load_image(source)
    _check_image(image)
    if params.auto:
        params = params.model_copy(update={"max_side": params.max_side or auto.AUTO_MAX_SIDE})
    cropped, grey = prepare_grey(image, params)
    mode, reason = params.points, ""
    if mode == "auto":
        choice = tone.choose_mode(grey)
        mode, reason = choice.mode, choice.reason
    if mode != "binary":
        return _sampled(params, mode, reason, cropped, grey)
    invert, ink_reason = params.invert, ""
    if params.auto:
        blurred = steps.blur(grey, auto.auto_blur(grey.shape))
        chosen = auto.auto_ink(blurred)
        thresh: float | np.ndarray = chosen.threshold
        invert = (chosen.ink == "light") != params.invert  # invert flips the chosen ink
        ink_reason = chosen.reason
    else:
        blurred = steps.blur(grey, params.blur)
        # The seed's recipe finds the threshold on the blurred image and binarises that.
        thresh = steps.threshold(
            blurred, params.threshold, offset=params.offset, block_size=params.block_size,
            k=params.k,
        )  # fmt: skip
    binary = steps.binarize(blurred, thresh, invert=invert)
    binary = steps.remove_small(binary, params.min_object_size)
    points = binary_to_points(
        binary, scale=params.scale, max_points=params.max_points, seed=params.subsample_seed
    )
    return PipelineResult(params, cropped, grey, blurred, thresh, binary, points, "binary", reason,
                          ink="light" if invert else "dark", ink_reason=ink_reason)  # fmt: skip


def _sampled(
    params: PipelineParams, mode: str, reason: str, cropped: np.ndarray, grey: np.ndarray
) -> PipelineResult:
    """The tone and edges modes: points from the blurred grey image, no threshold."""
    sigma = auto.auto_blur(grey.shape) if params.auto else params.blur
    blurred = steps.blur(grey, sigma)
    seed = params.subsample_seed
    if mode == "tone":
        density = tone.tone_density(
            blurred, gamma=params.gamma, density=params.density, invert=params.invert,
            lines=params.tone_lines,
        )  # fmt: skip
        expected = float(density.sum())
        if params.max_points is not None and expected > params.max_points:
            # A lower density draws about max_points points (cheaper than drawing them all).
            density = density * (params.max_points / expected)
        rows, cols = tone.sample_tone(density, method=params.stipple, seed=seed)
        binary = np.zeros(grey.shape, dtype=bool)
        binary[np.clip(np.rint(rows).astype(np.int64), 0, grey.shape[0] - 1),
               np.clip(np.rint(cols).astype(np.int64), 0, grey.shape[1] - 1)] = True  # fmt: skip
    else:
        density = None
        binary = tone.edge_mask(blurred, sigma=params.edge_sigma, ridges=params.ridges)
        binary = steps.remove_small(binary, params.min_object_size)
        rows, cols = np.nonzero(binary)
    points = pixels_to_points(
        rows, cols, scale=params.scale, max_points=params.max_points, seed=seed
    )
    return PipelineResult(params, cropped, grey, blurred, float("nan"), binary, points, mode,
                          reason, density)  # fmt: skip


def _check_image(image: np.ndarray) -> None:
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3,)):
        raise ValueError(f"expected an (M, N) or (M, N, 3) image, got shape {image.shape}")
    if image.size == 0:
        raise ValueError("the image has no pixels")
    if not np.isfinite(image).all():
        raise ValueError("the image contains NaN or infinite values")
