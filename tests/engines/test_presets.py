"""Presets: shipped files validate; bad keys and values are errors naming the key."""

from __future__ import annotations

import pytest

from engines.errors import PresetError
from engines.presets import (
    apply_overrides,
    dump_preset,
    load_preset,
    preset_names,
    validate_preset,
)


@pytest.mark.parametrize("name", preset_names())
def test_every_shipped_preset_is_valid(name):
    preset = load_preset(name)
    assert preset.name == name
    assert preset.description


def test_override_changes_one_value():
    preset = load_preset("astronaut-points", ["pipeline.blur=1.5", "seed=7"])
    assert preset.pipeline.blur == 1.5
    assert preset.seed == 7
    assert preset.pipeline.crop == "30:180,150:300"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["pipeline.blurr=1"], r"pipeline\.blurr: unknown key; allowed keys: .*blur"),
        (["pipeline.blur=80"], r"pipeline\.blur: .*less than or equal to 50"),
        (['pipeline.threshold="magic"'], r"pipeline\.threshold: must be one of otsu"),
        (["colour=1"], r"colour: unknown key; allowed keys: .*pipeline"),
        (['engine="warp"'], r"unknown engine 'warp'"),
        (['text.align="diagonal"'], r"text\.align"),
    ],
)
def test_bad_values_name_the_key(overrides, message):
    with pytest.raises(PresetError, match=message):
        load_preset("astronaut-points", overrides)


def test_unknown_preset_lists_available():
    with pytest.raises(PresetError, match="available: .*astronaut-points"):
        load_preset("no-such-look")


def test_preset_from_path_and_round_trip(tmp_path):
    original = load_preset("coins-local", ["pipeline.offset=-0.05"])
    path = tmp_path / "mine.toml"
    path.write_text(dump_preset(original))
    again = load_preset(path)
    assert again.model_dump(exclude={"name"}) == original.model_dump(exclude={"name"})
    assert again.name == "mine"


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[pipeline\nblur = ")
    with pytest.raises(PresetError, match="broken.toml: not valid TOML"):
        load_preset(path)


def test_override_syntax_error():
    with pytest.raises(PresetError, match="section.key=value"):
        apply_overrides({}, ["justakey"])


def test_engine_tables_need_an_engine():
    with pytest.raises(PresetError, match=r"engine_params: a preset without 'engine'"):
        validate_preset({"name": "x", "engine_params": {"step": 0.1}})


@pytest.mark.parametrize("name", ["map-breast-cancer", "astronaut", "logo", "page-words"])
def test_dump_round_trips_nested_tables(tmp_path, name):
    original = load_preset(name)
    path = tmp_path / f"{name}.toml"
    path.write_text(dump_preset(original))
    assert load_preset(path).model_dump(exclude={"name"}) == original.model_dump(exclude={"name"})
