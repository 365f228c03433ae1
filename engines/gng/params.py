"""``GNGParams``: the typed, validated parameters of a Growing Neural Gas run.

The first ten fields are NeuPy's ``GrowingNeuralGas`` parameters with NeuPy's defaults, so
a NeuPy recipe carries over unchanged. The others are Gasworks additions, all off by
default: a stop rule (``target_error``, ``patience``, ``min_improvement``), the error an
inserted node starts with (``new_node_error``), and two cures for "skinny" art whose
outer nodes stop short of the shape's outline (``border_weight``, ``border_snap``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class GNGParams(BaseModel):
    """Parameters of :class:`~engines.gng.GrowingNeuralGas`.

    Distances are in the units of the points (the pipeline's ``scale``). A "signal" is one
    data point presented to the network; an "update" is a signal that was not skipped by
    ``min_distance_for_update``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_start_nodes: int = Field(
        2, ge=2, le=1_000_000, description="nodes placed on random data points at the start"
    )
    step: float = Field(0.2, ge=0.0, le=1.0, description="learning rate of the winning node")
    neighbour_step: float = Field(
        0.05, ge=0.0, le=1.0, description="learning rate of the winner's graph neighbours"
    )
    max_edge_age: int = Field(
        100, ge=1, le=1_000_000_000, description="an edge this old is removed"
    )
    max_nodes: int = Field(1000, ge=2, le=1_000_000, description="no insertion beyond this")
    n_iter_before_neuron_added: int = Field(
        1000, ge=1, le=1_000_000_000, description="updates between two node insertions"
    )
    after_split_error_decay_rate: float = Field(
        0.5, ge=0.0, le=1.0, description="multiplies the errors of the two split nodes"
    )
    error_decay_rate: float = Field(
        0.995, ge=0.0, le=1.0, description="multiplies every node's error after each update"
    )
    min_distance_for_update: float = Field(
        0.0,
        ge=0.0,
        le=1e6,
        description=(
            "a signal is skipped when its winner's distance is below the SQUARE of this "
            "value (NeuPy's behaviour, kept as is); 0 disables skipping"
        ),
    )
    shuffle_data: bool = Field(True, description="present the points in a new order each epoch")

    new_node_error: Literal["zero", "inherit"] = Field(
        "zero",
        description="error of an inserted node: 'zero' (NeuPy) or 'inherit' (Fritzke: the "
        "split node's error after its decay)",
    )
    target_error: float | None = Field(
        None, ge=0.0, description="stop once an epoch's mean winner distance is at most this"
    )
    patience: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="stop after this many epochs without the epoch error improving",
    )
    min_improvement: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        description="relative drop of the epoch error that counts as an improvement",
    )
    border_weight: int = Field(
        0,
        ge=0,
        le=100,
        description="each epoch presents every outline point this many extra times, "
        "pulling the outer nodes onto the outline (0 = off)",
    )
    border_snap: bool = Field(
        False,
        description="snapshots move each node nearest to some outline point to the mean "
        "of those outline points (training itself is untouched)",
    )

    @model_validator(mode="after")
    def _check_start_nodes(self) -> GNGParams:
        if self.n_start_nodes > self.max_nodes:
            raise ValueError(
                f"n_start_nodes ({self.n_start_nodes}) must not exceed max_nodes ({self.max_nodes})"
            )
        return self
