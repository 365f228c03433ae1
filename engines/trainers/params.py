"""``TrainerParams``: the typed, validated parameters of a training run.

One record describes the network (layer sizes, activations, initialisation), the method
(Levenberg-Marquardt or one of the first-order optimisers of ``torch.optim``), its stopping
rules and the data settings. Fields a method does not use are ignored by it (the LM fields
by the first-order methods and the other way round), so one record, one preset table or one
form serves every method. Choices are ``Literal`` types and limits ``Field`` bounds: the
command line's choices and the studio's ranges are read from them (:mod:`engines.options`).

Defaults follow MATLAB's ``trainlm`` for Levenberg-Marquardt (μ = 1e-3, ×0.1 after a step
that lowers the error, ×10 and retry after one that does not, stop at μ > 1e10, at a
gradient below 1e-7 or after 6 validation failures) and Keras for the first-order methods
(ε = 1e-7, early stopping that restores the best weights).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Every training method; "lm" is Levenberg-Marquardt, the others are torch.optim's.
Method = Literal["lm", "sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad"]
#: The first-order methods (torch.optim), in the order of :data:`Method`.
FIRST_ORDER: tuple[str, ...] = ("sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")
#: Largest layer a network may have, and most hidden layers.
MAX_UNITS = 100_000
MAX_LAYERS = 16


class DataSettings(BaseModel):
    """How a data set is read, split and scaled: the ``[engine_params.data]`` table.

    The bundled sets have their tutorial's own split and scaling, used when ``validation``
    is None and ``scaling`` is 'auto'; a file is split 80/20 and min-max scaled by default.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str | None = Field(
        None,
        description="the target column of a CSV/NPY file: a header name or a 0-based index "
        "(negative counts from the end); the last column if unset",
    )
    task: Literal["auto", "classification", "regression"] = Field(
        "auto",
        description="auto: classification when the target holds text or at most 20 distinct "
        "integers, regression otherwise",
    )
    scaling: Literal["auto", "article", "minmax", "standard", "none"] = Field(
        "auto",
        description="input scaling fitted on the training rows: the data set's own (auto), "
        "the spirals article's linear scale to [0.1, 0.9] with its min and max swapped, "
        "min-max to [0, 1], mean 0 and std 1, or none",
    )
    validation: float | None = Field(
        None, gt=0.0, lt=1.0, description="share of rows held out (None: the data set's own)"
    )
    split_seed: int = Field(
        0, ge=0, le=2**32 - 1, description="seed of the train/validation split (np.random.seed)"
    )


class TrainerParams(BaseModel):
    """Parameters of :class:`~engines.trainers.engine.Trainer`.

    The network is ``inputs → hidden... → outputs`` with ``activation`` in the hidden layers
    and ``output`` after the last; the inputs and outputs come from the data.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Method = Field(
        "lm",
        description="lm: Levenberg-Marquardt; sgd, momentum, nesterov, adam, rmsprop, adagrad: "
        "torch.optim",
    )
    epochs: int = Field(
        1000, ge=1, le=1_000_000, description="most iterations (LM) or epochs (first-order)"
    )
    # ---------------------------------------------------------------- network
    hidden: tuple[int, ...] = Field((25,), description="sizes of the hidden layers, e.g. 500,300")
    activation: Literal["sigmoid", "tanh", "relu", "softplus"] = Field(
        "sigmoid", description="activation of the hidden layers"
    )
    output: Literal["auto", "softmax", "sigmoid", "linear"] = Field(
        "auto", description="output activation; auto: softmax (classes) or linear (regression)"
    )
    loss: Literal["auto", "sse", "mse", "cross_entropy"] = Field(
        "auto",
        description="sum or mean of squared errors, or cross-entropy; auto: sse for classes "
        "(the spirals article), mse for regression",
    )
    init: Literal["uniform", "he_normal", "torch"] = Field(
        "uniform",
        description="uniform ±init_range drawn as the spirals article does (np.random.seed "
        "of the run's seed), NeuPy's HeNormal with zero biases, or torch's Linear default",
    )
    init_range: float = Field(0.1, gt=0.0, le=100.0, description="half-width of 'uniform'")
    dtype: Literal["float64", "float32"] = Field("float64", description="number type")
    # ---------------------------------------------------------------- Levenberg-Marquardt
    mu: float = Field(1e-3, gt=0.0, le=1e10, description="LM: the damping μ to start with")
    mu_rule: Literal["trainlm", "neupy"] = Field(
        "trainlm",
        description="LM: trainlm (μ×mu_decrease after a step that lowers the error, ×"
        "mu_increase and retry after one that does not) or NeuPy's (μ×mu_increase when the "
        "error rose since the last iteration, else ×mu_decrease; steps never rejected)",
    )
    mu_increase: float = Field(10.0, gt=1.0, le=1e6, description="LM: μ factor on failure")
    mu_decrease: float = Field(0.1, gt=0.0, lt=1.0, description="LM: μ factor on success")
    mu_max: float = Field(1e10, gt=0.0, le=1e300, description="LM: stop once μ exceeds it")
    damping: Literal["levenberg", "marquardt"] = Field(
        "levenberg", description="LM: JᵀJ + μI (Levenberg) or JᵀJ + μ·diag(JᵀJ) (Marquardt)"
    )
    residual: Literal["correct", "neupy"] = Field(
        "correct",
        description="LM: the residual of the loss, or NeuPy's as coded, which squares it "
        "(Gauss-Newton on the sum of e⁴)",
    )
    min_grad: float = Field(
        1e-7, ge=0.0, le=1e6, description="LM: stop when the gradient's norm falls below it"
    )
    max_fail: int = Field(
        6, ge=0, le=1_000_000,
        description="LM: stop after this many iterations without a better validation loss, "
        "restoring the best weights (trainlm's validation stop); 0: off",
    )  # fmt: skip
    goal: float = Field(0.0, ge=0.0, description="stop once the training loss is at most this")
    jacobian: Literal["rev", "fwd"] = Field(
        "rev", description="LM: per-sample Jacobian by reverse (jacrev) or forward (jacfwd) mode"
    )
    chunk_mb: int = Field(
        32,
        ge=1,
        le=65_536,
        description="LM: memory for one chunk of Jacobian rows (and for the activations of one "
        "forward pass), in MiB; a chunk's work takes about three times as much",
    )
    # ---------------------------------------------------------------- first-order methods
    learning_rate: float = Field(1e-3, gt=0.0, le=100.0, description="first-order: step size")
    momentum: float = Field(
        0.9, ge=0.0, lt=1.0, description="momentum and nesterov: the momentum factor"
    )
    eps: float = Field(1e-7, gt=0.0, le=1.0, description="adam, rmsprop, adagrad: ε (Keras')")
    weight_decay: float = Field(0.0, ge=0.0, le=1.0, description="first-order: L2 penalty")
    batch_size: int | None = Field(
        None, ge=1, le=10_000_000, description="first-order: rows per update; None: all"
    )
    shuffle: bool = Field(True, description="first-order: new batch order each epoch")
    patience: int = Field(
        0, ge=0, le=1_000_000,
        description="first-order: early stopping after this many epochs without a better "
        "validation loss (Keras' EarlyStopping); 0: off",
    )  # fmt: skip
    min_delta: float = Field(
        0.0, ge=0.0, description="early stopping: smallest drop that counts as better"
    )
    restore_best: bool = Field(
        True, description="restore the best validation weights when a validation stop ends a run"
    )
    schedule: Literal["constant", "step", "exponential", "cosine", "plateau"] = Field(
        "constant",
        description="first-order learning-rate schedule: ×schedule_gamma every schedule_step "
        "epochs (step), every epoch (exponential), cosine annealing over the epochs, or "
        "×schedule_gamma after schedule_step epochs without a better validation loss",
    )
    schedule_step: int = Field(100, ge=1, le=1_000_000, description="epochs of 'step'/'plateau'")
    schedule_gamma: float = Field(0.5, gt=0.0, le=1.0, description="factor of the schedule")
    # ---------------------------------------------------------------- data
    data: DataSettings = DataSettings()

    @field_validator("hidden", mode="before")
    @classmethod
    def _hidden_sizes(cls, value: object) -> object:
        if isinstance(value, int):
            return (value,)
        if isinstance(value, str):
            try:
                return tuple(int(v) for v in value.replace(" ", "").split(",") if v)
            except ValueError:
                raise ValueError(
                    f"hidden must be layer sizes like 25 or 500,300, got {value!r}"
                ) from None
        return value

    @field_validator("hidden")
    @classmethod
    def _check_hidden(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(value) > MAX_LAYERS:
            raise ValueError(f"at most {MAX_LAYERS} hidden layers, got {len(value)}")
        if value and (min(value) < 1 or max(value) > MAX_UNITS):
            raise ValueError(f"hidden layer sizes must be 1 to {MAX_UNITS}, got {list(value)}")
        return value

    @model_validator(mode="after")
    def _check_combinations(self) -> TrainerParams:
        if self.method == "lm" and self.schedule != "constant":
            raise ValueError(
                f"schedule {self.schedule!r} is for the first-order methods; Levenberg-Marquardt "
                "adapts its own damping μ (use schedule 'constant')"
            )
        return self

    @property
    def is_lm(self) -> bool:
        return self.method == "lm"
