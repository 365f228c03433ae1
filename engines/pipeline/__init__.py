"""Image or text → grey → blur → threshold → binary → 2-D points.

Plain functions over arrays; :func:`run_pipeline` chains them as a :class:`PipelineParams`
record describes and keeps every intermediate image for previews.

The names below are imported on first use, so ``engines.pipeline.params`` (what presets and
the command line's options read) loads without scikit-image.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engines.pipeline.loading import (
        SAMPLES,
        is_sample,
        load_image,
        load_sample,
        sample_sizes,
    )
    from engines.pipeline.params import THRESHOLD_METHODS, PipelineParams, parse_crop
    from engines.pipeline.points import binary_to_points
    from engines.pipeline.run import PipelineResult, prepare_grey, run_pipeline
    from engines.pipeline.text import DEFAULT_FONT, render_text

#: Public name → the module that defines it.
_HOMES = {
    "SAMPLES": "loading",
    "is_sample": "loading",
    "load_image": "loading",
    "load_sample": "loading",
    "sample_sizes": "loading",
    "THRESHOLD_METHODS": "params",
    "PipelineParams": "params",
    "parse_crop": "params",
    "binary_to_points": "points",
    "PipelineResult": "run",
    "prepare_grey": "run",
    "run_pipeline": "run",
    "DEFAULT_FONT": "text",
    "render_text": "text",
}

__all__ = [
    "DEFAULT_FONT",
    "SAMPLES",
    "THRESHOLD_METHODS",
    "PipelineParams",
    "PipelineResult",
    "binary_to_points",
    "is_sample",
    "load_image",
    "load_sample",
    "parse_crop",
    "prepare_grey",
    "render_text",
    "run_pipeline",
    "sample_sizes",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
