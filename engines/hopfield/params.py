"""Typed, validated parameters of the Hopfield memory, its password store and its Monte Carlo.

None of these records holds a password: a password only ever travels as a function argument,
so it cannot end up in a preset, a log line or a saved parameter file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engines.validation import Seed

#: NeuPy's default number of asynchronous updates per recall.
DEFAULT_N_TIMES = 100
MAX_N_TIMES = 100_000_000
DEFAULT_MAX_ITERATIONS = 100
MAX_ITERATIONS = 100_000

#: The seed's password geometry: 30 ASCII characters of 8 bits, noise rows with P(1) = 0.55.
DEFAULT_MAX_LENGTH = 30
#: Longest accepted ``max_length``: 256 characters are 2048 neurons (a 32 MB weight matrix).
MAX_MAX_LENGTH = 256
DEFAULT_NOISE_LEVEL = 5
MONTECARLO_NOISE_LEVEL = 11
MAX_NOISE_LEVEL = 1000
NOISE_PROBABILITY = 0.55
MONTECARLO_PASSWORD_LENGTH = 25
DEFAULT_TRIALS = 10_000
MAX_TRIALS = 10_000_000


class HopfieldParams(BaseModel):
    """How a :class:`~engines.hopfield.engine.DiscreteHopfieldNetwork` trains and recalls."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["sync", "converge", "async"] = Field(
        "sync",
        description="sync: one synchronous step (NeuPy); converge: synchronous steps until a "
        "fixed point or a 2-cycle; async: n_times random single-neuron updates",
    )
    n_times: int = Field(
        DEFAULT_N_TIMES, ge=1, le=MAX_N_TIMES,
        description="single-neuron updates of an async recall (fewer if it settles)",
    )  # fmt: skip
    max_iterations: int = Field(
        DEFAULT_MAX_ITERATIONS, ge=1, le=MAX_ITERATIONS,
        description="largest number of synchronous steps in converge mode",
    )  # fmt: skip
    tie: Literal["off", "keep"] = Field(
        "off",
        description="a neuron whose field x·W is exactly 0: off (switches off, NeuPy's rule) "
        "or keep (keeps its state)",
    )
    capacity: Literal["warn", "raise", "ignore"] = Field(
        "warn", description="what training does past n / (2 ln n) stored patterns"
    )


class PasswordParams(BaseModel):
    """How a password is encoded and hidden among noise rows (never the password itself)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_length: int = Field(
        DEFAULT_MAX_LENGTH, ge=1, le=MAX_MAX_LENGTH,
        description="characters; shorter passwords are right-justified with spaces",
    )  # fmt: skip
    noise_level: int = Field(
        DEFAULT_NOISE_LEVEL, ge=1, le=MAX_NOISE_LEVEL,
        description="random binomial rows stored beside the password",
    )  # fmt: skip
    noise_probability: float = Field(
        NOISE_PROBABILITY, gt=0.0, lt=1.0, description="P(bit = 1) in a noise row"
    )


class MonteCarloParams(BaseModel):
    """One run of the password-recovery Monte Carlo."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trials: int = Field(DEFAULT_TRIALS, ge=1, le=MAX_TRIALS, description="random passwords")
    seed: Seed | None = Field(None, description="None draws fresh entropy")
    cut: Literal["left", "right", "random", "remove"] = Field(
        "left", description="how the probe loses characters (see engines.hopfield.montecarlo)"
    )
    recall: Literal["sync", "converge"] = Field(
        "sync", description="sync: one step as in the seed; converge: until stable"
    )
    noise_level: int = Field(MONTECARLO_NOISE_LEVEL, ge=1, le=MAX_NOISE_LEVEL)
    password_length: int = Field(MONTECARLO_PASSWORD_LENGTH, ge=1, le=MAX_MAX_LENGTH)
    max_length: int = Field(DEFAULT_MAX_LENGTH, ge=1, le=MAX_MAX_LENGTH)
    noise_probability: float = Field(NOISE_PROBABILITY, gt=0.0, lt=1.0)
    max_iterations: int = Field(
        DEFAULT_MAX_ITERATIONS, ge=1, le=MAX_ITERATIONS,
        description="largest number of synchronous steps when recall is converge",
    )  # fmt: skip

    @model_validator(mode="after")
    def _length_fits(self) -> MonteCarloParams:
        if self.password_length > self.max_length:
            raise ValueError(
                f"password_length ({self.password_length}) must not exceed "
                f"max_length ({self.max_length})"
            )
        return self
