"""engines.options reads choices, bounds and defaults from the params types."""

from __future__ import annotations

import typing
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field

from engines.errors import InputError, PresetError
from engines.hopfield.params import HopfieldParams, MonteCarloParams
from engines.options import (
    Interval,
    base_type,
    bounds,
    choices,
    closest,
    default,
    describe_choices,
    did_you_mean,
    interval,
    no_such,
)
from engines.presets import Preset, TextParams, preset_path
from engines.som.params import MapSettings, SOFMParams
from engines.validation import SEED_MAX


class Inner(BaseModel):
    mode: Literal["a", "b"] = "a"


class Sample(BaseModel):
    kind: Literal["x", "y", "z"] = "y"
    method: Literal["otsu", "li"] | float = "otsu"
    count: int = Field(3, gt=0, lt=10)
    ratio: float = Field(0.5, gt=0.0, le=1.0)
    side: Annotated[int, Field(ge=8, le=64)] | None = None
    free: float = 1.0
    inner: Inner = Inner()


def test_choices_follow_the_literal_in_its_order():
    assert choices(Sample, "kind") == ("x", "y", "z")
    assert choices(Sample, "method") == ("otsu", "li")
    assert choices(Sample, "inner.mode") == ("a", "b")
    assert choices(SOFMParams, "map.view") == typing.get_args(
        MapSettings.model_fields["view"].annotation
    )


def test_bounds_close_integer_bounds_and_keep_float_ones():
    assert bounds(Sample, "count") == (1, 9)
    assert interval(Sample, "count") == Interval(0, 10, True, True)
    assert bounds(Sample, "ratio") == (0.0, 1.0)
    assert interval(Sample, "ratio") == Interval(0.0, 1.0, True, False)
    assert bounds(Sample, "side") == (8, 64)
    assert bounds(Sample, "free") == (None, None)


def test_limits_of_the_engines_params():
    assert bounds(HopfieldParams, "n_times") == (1, 100_000_000)
    assert bounds(MonteCarloParams, "seed") == (0, SEED_MAX)
    assert bounds(Preset, "seed") == (0, SEED_MAX)
    assert bounds(Preset, "epochs") == (1, 100_000)
    assert default(MonteCarloParams, "noise_level") == 11
    assert choices(TextParams, "align") == ("left", "center", "right")


def test_base_type():
    assert base_type(Sample, "kind") is str
    assert base_type(Sample, "side") is int
    assert base_type(Sample, "ratio") is float
    assert base_type(Sample, "method") is object


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: choices(Sample, "count"), TypeError, "not a Literal"),
        (lambda: choices(Sample, "knd"), LookupError, "did you mean 'kind'"),
        (lambda: choices(Sample, "kind.mode"), LookupError, "not a record"),
    ],
)
def test_wrong_fields_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_close_names():
    known = ["astronaut", "camera", "cameras", "coins"]
    assert closest("Astronot", known) == ["astronaut"]
    assert closest("zzz", known) == []
    assert did_you_mean("camer", known, prefix="sample:") == (
        "did you mean 'sample:camera' or 'sample:cameras'?"
    )
    assert did_you_mean("zzz", known) == ""
    assert describe_choices(["a"]) == "'a'"
    assert no_such("sample", "camra", ["camera", "coins"]) == (
        "no such sample; did you mean 'camera'? available: camera, coins"
    )


def test_misspelt_preset_and_samples_name_the_closest():
    with pytest.raises(PresetError, match="did you mean 'astronaut'"):
        preset_path("astronot")
    from engines.pipeline import load_sample

    with pytest.raises(InputError, match="did you mean 'sample:astronaut'"):
        load_sample("astronot")
    from engines.som.maps import load_map_data

    with pytest.raises(InputError, match="did you mean 'sample:iris'"):
        load_map_data("sample:irs", MapSettings())
