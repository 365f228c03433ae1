"""``PipelineParams``: the typed record that describes one run of the image pipeline."""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Threshold methods by name; a number is accepted as a fixed threshold as well.
GLOBAL_METHODS = ("otsu", "li", "yen")
#: 'hybrid' keeps what Otsu finds and adds what is darker than its Sauvola neighbourhood,
#: so large dark shapes stay solid while light-grey objects (buildings behind the
#: cameraman) still appear: the failure of global thresholds the seed shows.
LOCAL_METHODS = ("sauvola", "niblack", "local", "hybrid")
THRESHOLD_METHODS = GLOBAL_METHODS + LOCAL_METHODS
#: How the lines of a rendered text are aligned (presets' ``text.align``).
TextAlign = Literal["left", "center", "right"]
TEXT_ALIGNS: tuple[str, ...] = typing.get_args(TextAlign)
#: Which pixels become points (:mod:`engines.pipeline.tone`): those darker than the
#: threshold, a sample following the tones, edge and ridge pixels, or binary/tone chosen
#: from the histogram.
PointsMode = Literal["binary", "tone", "edges", "auto"]
#: How tone points are drawn from the darkness map.
Stipple = Literal["random", "diffusion", "blue_noise"]
#: The filter finding dark lines for the edges mode.
Ridges = Literal["sato", "meijering", "none"]
#: Which lines of a tone network are drawn (:func:`engines.pipeline.tone.mesh_share`).
ToneLines = Literal["mesh", "tree"]


def parse_crop(text: str) -> tuple[int, int, int, int]:
    """Parse ``"y0:y1,x0:x1"`` into four integers, checking order and sign."""
    try:
        rows, cols = text.split(",")
        y0, y1 = (int(v) for v in rows.split(":"))
        x0, x1 = (int(v) for v in cols.split(":"))
    except ValueError:
        raise ValueError(
            f"crop must look like 'y0:y1,x0:x1' with whole numbers, got {text!r}"
        ) from None
    if not (0 <= y0 < y1 and 0 <= x0 < x1):
        raise ValueError(f"crop needs 0 <= y0 < y1 and 0 <= x0 < x1, got {text!r}")
    return y0, y1, x0, x1


class PipelineParams(BaseModel):
    """Parameters of image → points; every field has a documented range.

    Foreground is the dark part of the image: a pixel is foreground when its (blurred) grey
    value is below the threshold, where threshold = method's value + ``offset``. ``invert``
    makes the light part the foreground instead. That is the ``binary`` points mode; ``tone``
    samples points with a probability rising with darkness (``gamma``, ``density``,
    ``stipple``), ``edges`` takes edge and ridge pixels (``edge_sigma``, ``ridges``), and
    ``auto`` picks binary or tone from the histogram (:mod:`engines.pipeline.tone`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    crop: str | None = Field(None, description="'y0:y1,x0:x1' in source pixels")
    max_side: Annotated[int, Field(ge=8, le=8192)] | None = Field(
        None, description="resize so the longer side is at most this many pixels"
    )
    blur: float = Field(0.0, ge=0.0, le=50.0, description="Gaussian sigma in pixels")
    threshold: str | float = Field(
        "otsu", description="method name, or a fixed grey level in [0, 1]"
    )
    offset: float = Field(0.0, ge=-1.0, le=1.0, description="added to the threshold")
    block_size: int = Field(35, ge=3, le=1001, description="window of local methods (odd)")
    k: float = Field(0.2, ge=-1.0, le=1.0, description="k of sauvola and niblack")
    invert: bool = False
    auto: bool = Field(
        False,
        description="choose resize, blur and threshold from the image (ignores max_side, "
        "blur, threshold and offset)",
    )
    points: PointsMode = Field(
        "binary",
        description="binary: pixels darker than the threshold; tone: a sample whose density "
        "follows darkness; edges: Canny edges and dark ridges; auto: binary or tone from the "
        "histogram",
    )
    gamma: float = Field(
        2.7,
        gt=0.0,
        le=10.0,
        description="tone: points per pixel grow as (-ln(1 - darkness)) ** gamma; 2.7 makes "
        "a GNG mesh's ink follow darkness, larger adds contrast",
    )
    density: float = Field(
        64.0,
        gt=0.0,
        le=256.0,
        description="tone: expected points per black pixel (dozens per node keep the mesh "
        "whole: with few, edges age out)",
    )
    stipple: Stipple = Field(
        "random", description="tone: independent draws, error diffusion or blue noise"
    )
    tone_lines: ToneLines = Field(
        "mesh",
        description="tone: mesh draws every line of the network; tree draws light tones with "
        "its spanning tree only (one line per node, so more nodes and a finer, even line: no "
        "holes in skies and walls) and more of the mesh as the tone darkens",
    )
    match_tone: bool = Field(
        True,
        description="tone: the art's network stops adding nodes once the drawing is as dark "
        "as the photo (max_nodes is then a ceiling)",
    )
    edge_sigma: float = Field(2.0, ge=0.0, le=20.0, description="edges: Canny's sigma in px")
    ridges: Ridges = Field("sato", description="edges: filter adding thin dark lines")
    min_object_size: int = Field(0, ge=0, le=1_000_000, description="drop smaller blobs")
    scale: float = Field(1.0, gt=0.0, le=1e6, description="multiplies point coordinates")
    max_points: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description="keep at most this many points (a uniform subset; tone mode lowers its "
        "density to draw about this many)",
    )
    subsample_seed: int = 0

    @field_validator("crop")
    @classmethod
    def _check_crop(cls, value: str | None) -> str | None:
        if value is not None:
            parse_crop(value)
        return value

    @field_validator("threshold", mode="before")
    @classmethod
    def _check_threshold(cls, value: object) -> str | float:
        if isinstance(value, str) and value in THRESHOLD_METHODS:
            return value
        if isinstance(value, bool):  # float(True) would be a threshold of 1.0
            raise ValueError(
                f"must be one of {', '.join(THRESHOLD_METHODS)} or a number in [0, 1], not "
                f"{str(value).lower()}"
            )
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(
                f"must be one of {', '.join(THRESHOLD_METHODS)} or a number in [0, 1]"
            ) from None
        if not 0.0 <= number <= 1.0:
            raise ValueError("a fixed threshold must lie in [0, 1]")
        return number

    @field_validator("block_size")
    @classmethod
    def _check_block_size(cls, value: int) -> int:
        if value % 2 == 0:
            raise ValueError(f"block_size must be odd, got {value}")
        return value

    @property
    def crop_box(self) -> tuple[int, int, int, int] | None:
        return None if self.crop is None else parse_crop(self.crop)
