"""``ArtStyle``: how a drawing looks (the ``[style]`` table of a preset)."""

from __future__ import annotations

import re
import typing
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
NAMED_COLOURS = {
    "black": "#000000", "white": "#ffffff", "ink": "#1b1b1f", "paper": "#fbf8f1",
    "navy": "#1f2f5c", "teal": "#00767a", "red": "#c0392b", "orange": "#e67e22",
    "gold": "#c9a227", "grey": "#808080", "none": "none",
}  # fmt: skip


#: What a line's width can follow (``width_by``): nothing, its nodes' error, its age, its
#: nodes' degree.
WidthBy = Literal["none", "error", "age", "degree"]
#: What a line's colour can follow (``color_by``): nothing (``line_color``), the source
#: image under its midpoint, or a colormap over its nodes' error, its depth (hops from the
#: network's oldest node) or its angle.
ColorBy = Literal["none", "image", "error", "depth", "angle"]
#: Matplotlib colormaps offered for ``color_by`` (twilight is cyclic, for angles).
Colormap = Literal["viridis", "magma", "plasma", "inferno", "cividis", "turbo", "twilight"]
COLORMAPS: tuple[str, ...] = typing.get_args(Colormap)


def parse_colour(value: str) -> str:
    """Normalise a colour: ``#rgb``, ``#rrggbb`` or a name from :data:`NAMED_COLOURS`."""
    text = value.strip().lower()
    if text in NAMED_COLOURS:
        return NAMED_COLOURS[text]
    if not _HEX_COLOUR.match(text):
        raise ValueError(
            f"colour must be #rgb, #rrggbb or one of {', '.join(NAMED_COLOURS)}, got {value!r}"
        )
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text


def colour_rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` → (r, g, b) in 0..255."""
    colour = parse_colour(colour)
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


class ArtStyle(BaseModel):
    """Look of a drawing. Sizes are in canvas pixels (SVG user units)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    line_width: float = Field(1.2, gt=0.0, le=100.0)
    line_color: str = "ink"
    node_size: float = Field(0.0, ge=0.0, le=100.0, description="dot radius; 0 draws no dots")
    node_color: str = "ink"
    background: str = "paper"
    margin: float = Field(24.0, ge=0.0, le=2000.0)
    width: int = Field(1000, ge=16, le=20000, description="canvas width in px")
    height: int | None = Field(
        None, ge=16, le=20000, description="canvas height; from the drawing's aspect if unset"
    )
    size_unit: Literal["px", "mm"] = "px"
    px_per_mm: float = Field(3.7795, gt=0.0, le=1000.0, description="SVG size in mm = px / this")
    stroke: Literal["edges", "continuous"] = Field(
        "edges",
        description="'edges' draws each GNG edge; 'continuous' draws one pen path through "
        "every node, lifting the pen only across wide paper (engines.stroke)",
    )
    smoothing: int = Field(
        2, ge=0, le=6, description="Chaikin corner-cutting passes of continuous strokes"
    )
    max_jump: float = Field(
        12.0,
        gt=0.0,
        le=1000.0,
        description="continuous strokes: pen-lift cost in median edge lengths; a hop dearer "
        "to draw is a lift (larger: fewer strokes, more lines across paper)",
    )
    squiggle: float = Field(
        1.0,
        ge=1.0,
        le=8.0,
        description="continuous strokes: where the line is lighter than the picture, the pen "
        "zigzags across its path, the line up to this many times as long (1: a plain line); "
        "one line then lays the ink of several, so it can draw a photo's dark tones",
    )

    width_by: WidthBy = Field(
        "none", description="line width follows the nodes' error, the edge's age or degree"
    )
    width_min: float = Field(0.5, gt=0.0, le=100.0, description="width_by: thinnest line")
    width_max: float = Field(2.5, gt=0.0, le=100.0, description="width_by: widest line")
    color_by: ColorBy = Field(
        "none",
        description="line colour: line_color, the image under each line, or a colormap "
        "over error, depth or angle (one SVG layer, one plotter pen, per colour)",
    )
    colormap: Colormap = Field("viridis", description="color_by error/depth/angle: the map")
    colors: int = Field(6, ge=1, le=32, description="color_by: number of colours (pens)")
    photo_under: float = Field(
        0.0, ge=0.0, le=1.0, description="the photo faded under the art (its opacity; 0: off)"
    )
    prune_spurs: int = Field(
        0, ge=0, le=1000, description="drop dangling chains shorter than this many edges"
    )
    cut_long: float = Field(
        0.0, ge=0.0, le=1000.0, description="drop edges longer than this many median edges"
    )

    @field_validator("line_color", "node_color", "background")
    @classmethod
    def _colour(cls, value: str) -> str:
        return parse_colour(value)

    @model_validator(mode="after")
    def _consistent(self) -> ArtStyle:
        if self.width_min > self.width_max:
            raise ValueError(
                f"width_min ({self.width_min}) must not exceed width_max ({self.width_max})"
            )
        if self.stroke == "continuous" and (self.width_by != "none" or self.color_by != "none"):
            raise ValueError(
                "width_by and color_by style the edges of stroke = 'edges'; a continuous "
                "line is drawn with line_width and line_color"
            )
        return self
