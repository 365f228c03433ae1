"""Presets are strictly typed: a value of the wrong kind is an error naming the key, never
quietly converted (``threshold = true`` used to become a threshold of 1.0); a folder and
an empty file given as presets say so."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engines.errors import PresetError
from engines.pipeline import PipelineParams
from engines.presets import load_preset, preset_names, read_preset_table, type_mismatches


@pytest.mark.parametrize(
    ("table", "line"),
    [
        ({"pipeline": {"threshold": True}}, "pipeline.threshold: expected a number or a string, "
         "got true"),
        ({"pipeline": {"blur": True}}, "pipeline.blur: expected a number, got true"),
        ({"pipeline": {"blur": "1.5"}}, 'pipeline.blur: expected a number, got "1.5"'),
        ({"pipeline": {"invert": 1}}, "pipeline.invert: expected true or false, got 1"),
        ({"pipeline": {"invert": "yes"}}, 'pipeline.invert: expected true or false, got "yes"'),
        ({"seed": True}, "seed: expected a number, got true"),
        ({"epochs": "20"}, 'epochs: expected a number, got "20"'),
        ({"text": {"size": False}}, "text.size: expected a number, got false"),
        ({"engine": "gng", "engine_params": {"max_nodes": True}},
         "engine_params.max_nodes: expected a number, got true"),
        ({"engine": "gng", "engine_params": {"shuffle_data": 1}},
         "engine_params.shuffle_data: expected true or false, got 1"),
        ({"engine": "gng", "style": {"line_width": True}},
         "style.line_width: expected a number, got true"),
        ({"engine": "som", "engine_params": {"map": {"label_column": True}}},
         "engine_params.map.label_column: expected a number, got true"),
    ],
)  # fmt: skip
def test_a_value_of_another_kind_is_named(table, line):
    assert type_mismatches({"name": "x", **table}) == [line]
    with pytest.raises(PresetError, match=line.replace(".", r"\.")):
        load_preset_from(table)


def load_preset_from(table):
    from engines.presets import validate_preset

    return validate_preset({"name": "x", **table})


@pytest.mark.parametrize(
    "table",
    [
        {"pipeline": {"blur": 1}},  # an integer where a float goes: no information lost
        {"pipeline": {"threshold": 0.4}},
        {"pipeline": {"threshold": "otsu"}},
        {"epochs": 20, "seed": 3},
        {"engine": "gng", "engine_params": {"shuffle_data": True}},
    ],
)
def test_values_of_the_right_kind_pass(table):
    assert type_mismatches({"name": "x", **table}) == []
    load_preset_from(table)


@pytest.mark.parametrize("name", preset_names())
def test_shipped_presets_are_strictly_typed(name):
    assert type_mismatches(read_preset_table(name)) == []


def test_a_boolean_threshold_is_refused_in_python_too():
    with pytest.raises(ValidationError, match="not true"):
        PipelineParams(threshold=True)


def test_a_folder_is_not_a_preset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "looks.toml").mkdir()
    (tmp_path / "looks").mkdir()
    (tmp_path / "default").mkdir()  # a folder named like a shipped preset: the preset wins
    with pytest.raises(PresetError, match=r"looks\.toml: is a folder, not a preset file"):
        load_preset("looks.toml")
    with pytest.raises(PresetError, match=r"looks: is a folder, not a preset file"):
        load_preset("looks")
    assert load_preset("default").name == "default"


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_an_empty_preset_says_so(tmp_path, text):
    path = tmp_path / "blank.toml"
    path.write_text(text)
    with pytest.raises(PresetError, match=r"blank\.toml: the preset is empty"):
        load_preset(path)
