"""Image or text → grey → blur → threshold → binary → 2-D points.

Plain functions over arrays; :func:`run_pipeline` chains them as a :class:`PipelineParams`
record describes and keeps every intermediate image for previews.
"""

from engines.pipeline.loading import SAMPLES, is_sample, load_image, load_sample, sample_sizes
from engines.pipeline.params import THRESHOLD_METHODS, PipelineParams, parse_crop
from engines.pipeline.points import binary_to_points
from engines.pipeline.run import PipelineResult, prepare_grey, run_pipeline
from engines.pipeline.text import DEFAULT_FONT, render_text

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
