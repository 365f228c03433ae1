"""``WordParams``: how ``gasworks words`` reads a page and sizes its network."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class WordParams(BaseModel):
    """Parameters of word counting; sizes are in multiples of the measured letter height."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: Literal["sauvola", "niblack", "local", "otsu"] = Field(
        "sauvola", description="letter threshold; local methods cope with uneven light"
    )
    k: float = Field(0.2, ge=0.0, le=1.0, description="k of sauvola and niblack")
    window: float = Field(2.5, ge=1.0, le=20.0, description="threshold window, letter heights")
    target_letter_height: float = Field(
        16.0, ge=6.0, le=200.0, description="pages are rescaled so letters are this tall"
    )
    node_spacing: float = Field(
        0.55, gt=0.1, le=5.0, description="distance between GNG nodes, in letter heights"
    )
    epochs: int = Field(15, ge=2, le=500)
    step: float = Field(0.2, gt=0.0, le=1.0)
    neighbour_step: float = Field(0.006, ge=0.0, le=1.0)
    max_edge_age: int = Field(50, ge=1, le=100_000)
