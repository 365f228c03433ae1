"""``EcoParams``: every option of an error-curvature run and of its measurement.

Choices are ``Literal`` types and limits ``Field`` bounds, so ``gasworks eco`` and the Eco tab
read them through :mod:`engines.options`. The network and optimiser settings become a
:class:`~engines.trainers.params.TrainerParams` (:meth:`EcoParams.trainer`): an ECO run is a
:class:`~engines.trainers.engine.Trainer` whose epoch minimises another objective.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engines.trainers.params import DataSettings, TrainerParams

#: The methods one measurement compares, in the order of the table.
METHODS = ("plain", "eco", "outlier_exposure", "double_backprop")
MAX_SEEDS = 100


class EcoParams(BaseModel):
    """Parameters of :class:`~engines.trainers.eco.engine.EcoTrainer` and of
    :func:`~engines.trainers.eco.recipe.eco_recipe`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # ---------------------------------------------------------------- the objective
    objective: Literal["fit", "seed"] = Field(
        "fit",
        description="fit: minimise E − λ·C (fit the data, make the error curve sharply away "
        "from it); seed: θ −= γ∇θC as the seed writes it (C alone, no fitting term)",
    )
    lam: float = Field(
        0.01, ge=0.0, le=100.0,
        description="λ (curvature weight): how strongly 'fit' rewards a sharply curved error "
        "away from the data, the λ of E − λ·C (0: plain training; unused by 'seed'; "
        "gasworks eco --lambda)",
    )  # fmt: skip
    curvature: Literal["auto", "exact", "hutchinson"] = Field(
        "auto",
        description="the Laplacian: exact trace of the input Hessian, Hutchinson's estimate "
        "with Rademacher probes, or auto (exact up to 8 inputs)",
    )
    probes: int = Field(1, ge=1, le=1000, description="Hutchinson: probes per row and update")
    # ---------------------------------------------------------------- de-learning
    delearn: Literal["none", "noise", "discrimination"] = Field(
        "none",
        description="after each update, θ += γ_de ∇θE on uniform-noise inputs with random "
        "chosen classes (noise) or on the batch's real inputs with random wrong classes "
        "(discrimination)",
    )
    delearn_rate: float = Field(1e-3, gt=0.0, le=10.0, description="γ_de of de-learning")
    delearn_rows: int = Field(32, ge=1, le=100_000, description="noise rows per de-learning")
    # ---------------------------------------------------------------- schedules
    schedule: Literal["usual", "until", "repeat"] = Field(
        "usual",
        description="usual: one update per batch; until: repeat a batch's update until every "
        "row of it is classified right (at most until_max times); repeat: each batch repeats times",
    )
    repeats: int = Field(3, ge=1, le=1000, description="'repeat': updates per batch")
    until_max: int = Field(20, ge=1, le=1000, description="'until': most updates per batch")
    # ---------------------------------------------------------------- stabilisers
    stabilise: bool = Field(
        True, description="use the stabilisers (λ warm-up, clipping, learning-rate reduction)"
    )
    warmup: int = Field(
        20, ge=0, le=100_000, description="epochs over which λ rises linearly from 0 (0: off)"
    )
    clip: float = Field(1.0, ge=0.0, le=1e6, description="gradient-norm clipping (0: off)")
    lr_factor: float = Field(
        0.5, gt=0.0, le=1.0,
        description="on collapse: put back the last healthy weights and multiply the "
        "learning rate by this (1: off)",
    )  # fmt: skip
    curvature_cap: float = Field(
        10.0, ge=0.0, le=1e6,
        description="'fit': each row's C enters the objective as cap·tanh(C/cap), so λ·C "
        "cannot run away (C grows without bound by sharpening the weights; 0: off)",
    )  # fmt: skip
    collapse_drop: float = Field(
        0.8, ge=0.0, le=1.0,
        description="a network has also collapsed when its validation accuracy falls below "
        "this share of the best it reached (0: off)",
    )  # fmt: skip
    collapse_share: float = Field(
        0.9, gt=0.0, le=1.0,
        description="a network has collapsed when this share of the validation rows get the "
        "same class (or its outputs are not finite)",
    )  # fmt: skip
    # ---------------------------------------------------------------- baselines
    oe_weight: float = Field(
        0.5, ge=0.0, le=100.0, description="Outlier Exposure: weight of noise → uniform output"
    )
    oe_reach: float = Field(
        8.0, ge=0.0, le=1000.0,
        description="Outlier Exposure: half of its auxiliary outliers are uniform noise in the "
        "widened box, half uniform in a cube of this half-width in data radii (the largest "
        "distance of a training input from their centre) around the data's centre, so inputs "
        "far from the data are seen in training too (0: the box alone)",
    )  # fmt: skip
    db_weight: float = Field(
        0.01, ge=0.0, le=100.0, description="double backprop: weight of ‖∇ₓE‖²"
    )
    # ---------------------------------------------------------------- network, optimiser
    hidden: tuple[int, ...] = Field((32,), description="sizes of the hidden layers, e.g. 32,32")
    activation: Literal["tanh", "softplus", "sigmoid", "relu"] = Field(
        "tanh",
        description="activation of the hidden layers (relu is refused: no curvature)",
    )
    epochs: int = Field(60, ge=1, le=100_000, description="epochs of every run")
    learning_rate: float = Field(0.01, gt=0.0, le=10.0, description="Adam's step size")
    batch_size: int = Field(64, ge=1, le=1_000_000, description="rows per update")
    dtype: Literal["float64", "float32"] = Field("float64", description="number type")
    # ---------------------------------------------------------------- measurement
    seeds: int = Field(5, ge=1, le=MAX_SEEDS, description="runs per method (seed, seed + 1...)")
    noise_margin: float = Field(
        0.25, ge=0.0, le=10.0,
        description="uniform noise fills the training inputs' box widened by this share of "
        "its size on each side",
    )  # fmt: skip
    far_radius: float = Field(
        3.0, gt=1.0, le=1000.0,
        description="far-field points lie 1 to 2 times this many data radii from the centre",
    )  # fmt: skip
    held_out: int | None = Field(
        -1, ge=-1, le=1000,
        description="with three or more classes: this class is left out of training and "
        "measured as out-of-distribution (-1: the last, digits' nines; None: none)",
    )  # fmt: skip
    ood_rows: int = Field(
        500, ge=10, le=100_000, description="rows of each out-of-distribution set"
    )
    data: DataSettings = DataSettings()

    @field_validator("hidden", mode="before")
    @classmethod
    def _hidden_sizes(cls, value: object) -> object:
        return TrainerParams._hidden_sizes(value)

    @field_validator("hidden")
    @classmethod
    def _check_hidden(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value:
            raise ValueError("ECO needs at least one hidden layer (the input curvature of a "
                             "network without one comes from the output alone)")  # fmt: skip
        return TrainerParams._check_hidden(value)

    def trainer(self) -> TrainerParams:
        """The network and optimiser settings as a trainer's params (Adam, softmax outputs,
        cross-entropy: the error E)."""
        return TrainerParams(
            method="adam", epochs=self.epochs, hidden=self.hidden,
            activation=self.activation, output="softmax", loss="cross_entropy",
            init="torch", dtype=self.dtype, learning_rate=self.learning_rate,
            batch_size=self.batch_size, data=self.data,
        )  # fmt: skip

    @property
    def schedule_text(self) -> str:
        """``usual``, ``until`` or ``repeat:K``, as the command line writes it."""
        return f"repeat:{self.repeats}" if self.schedule == "repeat" else self.schedule


def schedule_fields(text: str) -> dict[str, object]:
    """``{"schedule", "repeats"}`` for a schedule written ``usual``, ``until`` or
    ``repeat:K`` (K from 1 to 1000); ValueError naming the allowed spellings otherwise."""
    from engines.options import bounds, choices

    names = choices(EcoParams, "schedule")
    lo, hi = bounds(EcoParams, "repeats")
    allowed = f"{', '.join(n for n in names if n != 'repeat')} or repeat:K (K from {lo} to {hi})"
    name, _, count = str(text).strip().partition(":")
    if name not in names or (name == "repeat") != bool(count):
        raise ValueError(f"schedule must be {allowed}, got {text!r}")
    if name != "repeat":
        return {"schedule": name}
    try:
        repeats = int(count)
    except ValueError:
        raise ValueError(f"schedule must be {allowed}, got {text!r}") from None
    if not lo <= repeats <= hi:
        raise ValueError(f"schedule must be {allowed}, got {text!r}")
    return {"schedule": "repeat", "repeats": repeats}
