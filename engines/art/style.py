"""``ArtStyle``: how a drawing looks (the ``[style]`` table of a preset)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
NAMED_COLOURS = {
    "black": "#000000", "white": "#ffffff", "ink": "#1b1b1f", "paper": "#fbf8f1",
    "navy": "#1f2f5c", "teal": "#00767a", "red": "#c0392b", "orange": "#e67e22",
    "gold": "#c9a227", "grey": "#808080", "none": "none",
}  # fmt: skip


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

    @field_validator("line_color", "node_color", "background")
    @classmethod
    def _colour(cls, value: str) -> str:
        return parse_colour(value)
