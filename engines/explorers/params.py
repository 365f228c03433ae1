"""Typed, validated parameters of the explorers (option lists and limits written once)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engines.validation import Seed

#: Half-width of the weight grid: the landscape covers W1, W2 ∈ [-W_RANGE, W_RANGE].
W_RANGE = 20.0
MAX_SAMPLES = 100_000
#: Pixel sizes of exported frames are multiples of this (video encoders work in 16×16 blocks).
PIXEL_BLOCK = 16

BatchSize = Annotated[int, Field(ge=1, le=MAX_SAMPLES)]


class LandscapeParams(BaseModel):
    """The loss-landscape animation: data, training, grid, frames and how they are drawn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    batch_sizes: tuple[BatchSize, ...] = Field(
        (10, 100), min_length=1, max_length=4,
        description="mini-batch sizes, one panel each, side by side (e.g. 10, 100)",
    )  # fmt: skip
    frames: int = Field(120, ge=1, le=1000, description="frames of the animation")
    grid: int = Field(200, ge=16, le=400, description="grid points along each weight axis")
    view: Literal["contour", "surface"] = Field(
        "contour", description="contour: a map seen from above; surface: the 3-D loss surface"
    )
    step_size: float = Field(2.0, gt=0.0, le=50.0, description="gradient descent's step size")
    start_w1: float = Field(15.0, ge=-W_RANGE, le=W_RANGE, description="first weight at start")
    start_w2: float = Field(5.0, ge=-W_RANGE, le=W_RANGE, description="second weight at start")
    hold_frames: int = Field(
        3, ge=1, le=60, description="frames each training step is shown with its update arrow"
    )
    blend_frames: int = Field(
        5, ge=0, le=60, description="frames of the smooth blend from one mini-batch to the next"
    )
    samples: int = Field(1000, ge=20, le=MAX_SAMPLES, description="points in the data set")
    spread_pairs: int = Field(
        100, ge=1, le=1000,
        description="consecutive mini-batch pairs the spread figure averages over",
    )  # fmt: skip
    fps: int = Field(12, ge=1, le=60, description="frames per second of GIF and MP4")
    panel_px: int = Field(
        400, ge=160, le=1024, multiple_of=PIXEL_BLOCK, description="side of one panel in pixels"
    )
    seed: Seed = 0

    @model_validator(mode="after")
    def _batches_fit(self) -> LandscapeParams:
        too_big = [b for b in self.batch_sizes if b > self.samples]
        if too_big:
            raise ValueError(
                f"batch_sizes {too_big} exceed the {self.samples} samples of the data set"
            )
        return self

    @property
    def cycle(self) -> int:
        """Frames per training step: held, then blended into the next mini-batch."""
        return self.hold_frames + self.blend_frames

    @property
    def steps(self) -> int:
        """Training steps the animation shows."""
        return -(-self.frames // self.cycle)


class GPDemoParams(BaseModel):
    """The one-dimensional Bayesian optimisation demo (hidden units → validation error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    acquisition: Literal["ei", "lcb"] = Field(
        "ei",
        description="ei: expected improvement; lcb: the seed's rule, how far the 95 % "
        "band's lower end reaches below the best error (a lower confidence bound)",
    )
    initial: int = Field(2, ge=1, le=20, description="random choices before the first GP")
    steps: int = Field(12, ge=1, le=100, description="choices made by the acquisition")
    noise: float = Field(
        0.002, ge=0.0, le=0.2, description="standard deviation of the observed errors' noise"
    )
    draws: int = Field(3, ge=0, le=10, description="functions drawn from the GP's posterior")
    seed: Seed = 0


class TuneParams(BaseModel):
    """A hyperparameter search on digits with one of optuna's samplers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sampler: Literal["tpe", "gp", "random"] = Field(
        "tpe",
        description="tpe: tree-structured Parzen estimators; gp: a Gaussian process with "
        "expected improvement; random: random search (the baseline)",
    )
    space: Literal["auto", "units", "tree"] = Field(
        "auto",
        description="units: the hidden units of one layer (the seed's GP search); tree: "
        "1-2 layers, units per layer, activation, batch size and step size (the seed's TPE "
        "search); auto: units for gp, tree for the others",
    )
    trials: int = Field(20, ge=1, le=10_000, description="finished trials the study ends with")
    epochs: int = Field(5, ge=1, le=1000, description="training epochs of each trial")
    seed: Seed = 0

    @property
    def resolved_space(self) -> str:
        if self.space != "auto":
            return self.space
        return "units" if self.sampler == "gp" else "tree"
