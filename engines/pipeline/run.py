"""Run the whole pipeline: source → grey → crop → resize → blur → threshold → points."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engines.pipeline import auto, steps
from engines.pipeline.loading import load_image
from engines.pipeline.params import PipelineParams
from engines.pipeline.points import binary_to_points


@dataclass(frozen=True)
class PipelineResult:
    """Every intermediate image of one run, for previews, and the points it produced."""

    params: PipelineParams
    source_image: np.ndarray  # after crop, before grey: (M, N) or (M, N, 3) float
    grey: np.ndarray  # (M', N') float in [0, 1], after resize
    blurred: np.ndarray  # (M', N') float
    threshold: float | np.ndarray  # scalar for global methods, (M', N') for local ones
    binary: np.ndarray  # (M', N') bool, True = foreground
    points: np.ndarray = field(repr=False)  # (P, 2) float32

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
        """Each step as an 8-bit image (grey, blurred, binary with ink black, points)."""
        ink = np.where(self.binary, 0, 255).astype(np.uint8)
        return {
            "grey": _to_uint8(self.grey),
            "blurred": _to_uint8(self.blurred),
            "binary": ink,
            "points": _points_preview(self.binary, self.points.shape[0]),
        }


def _to_uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def _points_preview(binary: np.ndarray, n_points: int) -> np.ndarray:
    """Foreground pixels as dark dots on white; when subsampled, a lighter ink."""
    preview = np.full(binary.shape, 255, dtype=np.uint8)
    total = int(binary.sum())
    preview[binary] = 0 if n_points >= total else 140
    return preview


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
    if params.auto:
        blurred = steps.blur(grey, auto.auto_blur(grey.shape))
        thresh: float | np.ndarray = auto.auto_threshold(blurred)
    else:
        blurred = steps.blur(grey, params.blur)
        # The seed's recipe finds the threshold on the blurred image and binarises that.
        thresh = steps.threshold(
            blurred, params.threshold, offset=params.offset, block_size=params.block_size,
            k=params.k,
        )  # fmt: skip
    binary = steps.binarize(blurred, thresh, invert=params.invert)
    binary = steps.remove_small(binary, params.min_object_size)
    points = binary_to_points(
        binary, scale=params.scale, max_points=params.max_points, seed=params.subsample_seed
    )
    return PipelineResult(params, cropped, grey, blurred, thresh, binary, points)


def _check_image(image: np.ndarray) -> None:
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3,)):
        raise ValueError(f"expected an (M, N) or (M, N, 3) image, got shape {image.shape}")
    if image.size == 0:
        raise ValueError("the image has no pixels")
    if not np.isfinite(image).all():
        raise ValueError("the image contains NaN or infinite values")
