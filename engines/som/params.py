"""``SOFMParams``: the typed, validated parameters of a Self-Organizing Feature Map.

The NeuPy fields keep NeuPy's names and defaults, so a NeuPy recipe carries over unchanged:
``features_grid``, ``grid_type``, ``learning_radius``, ``reduce_radius_after``, ``std``,
``reduce_std_after``, ``step``, ``reduce_step_after``, ``distance``, ``shuffle_data`` and the
weight initialisation (``weight_init``, ``init_std``). Gasworks adds ``toroidal`` grids,
``training`` (online or batch) and ``epochs`` (the budget of a run). The ``map`` table holds
the settings of the ``gasworks map`` recipe (which columns, how to scale, what to draw);
the engine itself never reads it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Largest number of units a map may have (a 1000 x 1000 grid).
MAX_UNITS = 1_000_000


class MapSettings(BaseModel):
    """Settings of the ``gasworks map`` recipe: the ``[engine_params.map]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: tuple[int, ...] | None = Field(
        None, description="feature columns to keep (0-based, after the label is removed)"
    )
    label_column: int | None = Field(
        None, description="column holding class labels in a CSV/NPY file (-1 = last)"
    )
    scaling: Literal["none", "minmax", "standard"] = Field(
        "none", description="feature scaling before training"
    )
    view: Literal["auto", "umatrix", "expanded", "grid", "units", "digits"] = Field(
        "auto",
        description="a U-matrix heat map, the expanded U-matrix, the grid over 2-D data, the "
        "units over 2-D data (clustering), a mosaic of digit images, or auto (grid for 2 "
        "features, U-matrix otherwise)",
    )

    @field_validator("columns")
    @classmethod
    def _check_columns(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is None:
            return value
        if not value:
            raise ValueError("columns must name at least one column, or be left out")
        if min(value) < 0:
            raise ValueError(f"columns are 0-based and non-negative, got {list(value)}")
        if len(set(value)) != len(value):
            raise ValueError(f"columns must not repeat, got {list(value)}")
        return value


class SOFMParams(BaseModel):
    """Parameters of :class:`~engines.som.SOFM`.

    Distances on the grid are in grid steps. ``std`` sets how strongly the winner's
    neighbours follow it: a unit ``d`` steps away along an axis gets the factor
    ``exp(-d**2 / (2 * pi * std**2))`` for that axis, averaged over the grid's axes (rect),
    or ``exp(-d**2 / (2 * pi * std**2))`` of its hexagonal distance (hexagon).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    features_grid: tuple[int, ...] = Field(
        (10, 10), description="grid shape: (units,) for a line or (rows, columns)"
    )
    grid_type: Literal["rect", "hexagon"] = Field(
        "rect", description="a rectangular lattice or a hexagonal one (odd rows shifted right)"
    )
    toroidal: bool = Field(False, description="wrap the grid's edges around (a torus / ring)")
    learning_radius: int = Field(
        0, ge=0, le=10_000, description="units within this grid distance are updated too"
    )
    reduce_radius_after: int | None = Field(
        100, ge=1, le=1_000_000, description="the radius drops by 1 every this many epochs"
    )
    std: float = Field(1.0, ge=0.0, le=10_000.0, description="width of the neighbour factor")
    reduce_std_after: int | None = Field(
        100, ge=1, le=1_000_000, description="std = std / (1 + epoch / this)"
    )
    step: float = Field(0.1, ge=0.0, le=1.0, description="learning rate of the winner")
    reduce_step_after: int | None = Field(
        100, ge=1, le=1_000_000, description="step = step / (1 + epoch / this)"
    )
    distance: Literal["euclid", "cos", "dot"] = Field(
        "euclid", description="euclid (smallest distance), cos or dot (largest similarity)"
    )
    shuffle_data: bool = Field(False, description="present the samples in a new order each epoch")
    weight_init: Literal["normal", "sample_from_data", "init_pca"] = Field(
        "normal",
        description="used when no weight array is given: NeuPy's random normal, rows sampled "
        "from the data, or the plane of the data's two main principal components",
    )
    init_std: float = Field(
        0.01, gt=0.0, le=1e6, description="standard deviation of the 'normal' initialisation"
    )
    training: Literal["online", "batch"] = Field(
        "online", description="online: update per sample (NeuPy); batch: per epoch"
    )
    epochs: int = Field(100, ge=1, le=1_000_000, description="epochs of a full run")
    map: MapSettings = MapSettings()

    @field_validator("features_grid", mode="before")
    @classmethod
    def _grid_shape(cls, value: object) -> object:
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("features_grid")
    @classmethod
    def _check_grid(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(value) not in (1, 2):
            raise ValueError(
                f"features_grid must have 1 or 2 dimensions, e.g. [20] or [10, 10]; "
                f"got {list(value)}"
            )
        if min(value) < 1:
            raise ValueError(f"features_grid sizes must be >= 1, got {list(value)}")
        n_units = 1
        for size in value:
            n_units *= size
        if n_units > MAX_UNITS:
            raise ValueError(f"features_grid has {n_units} units; at most {MAX_UNITS} allowed")
        return value

    @model_validator(mode="after")
    def _check_combinations(self) -> SOFMParams:
        rows = self.features_grid[0] if len(self.features_grid) == 2 else 1
        if self.grid_type == "hexagon" and self.toroidal and rows > 1 and rows % 2:
            raise ValueError(
                f"a toroidal hexagon grid needs an even number of rows, got {rows} "
                "(the row shift must match where the grid wraps)"
            )
        if self.weight_init == "init_pca" and self.grid_type != "rect":
            raise ValueError("weight_init 'init_pca' needs grid_type 'rect' (as in NeuPy)")
        return self

    @property
    def grid_shape(self) -> tuple[int, int]:
        """The grid as (rows, columns); a 1-D grid is one row."""
        if len(self.features_grid) == 1:
            return (1, self.features_grid[0])
        return (self.features_grid[0], self.features_grid[1])

    @property
    def n_units(self) -> int:
        rows, cols = self.grid_shape
        return rows * cols
