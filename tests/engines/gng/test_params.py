"""GNGParams: NeuPy's defaults, validated ranges, preset registration."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engines import presets
from engines.errors import PresetError
from engines.gng import GNGParams


def test_defaults_are_neupys():
    p = GNGParams()
    assert (p.n_start_nodes, p.step, p.neighbour_step, p.max_edge_age, p.max_nodes) == (
        2,
        0.2,
        0.05,
        100,
        1000,
    )
    assert p.n_iter_before_neuron_added == 1000
    assert p.after_split_error_decay_rate == 0.5
    assert p.error_decay_rate == 0.995
    assert p.min_distance_for_update == 0.0
    assert p.shuffle_data is True
    # the additions are all off
    assert p.new_node_error == "zero"
    assert p.target_error is None and p.patience is None
    assert p.border_weight == 0 and p.border_snap is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("n_start_nodes", 1),
        ("step", -0.1),
        ("step", 1.5),
        ("neighbour_step", -1.0),
        ("max_edge_age", 0),
        ("max_nodes", 1),
        ("n_iter_before_neuron_added", 0),
        ("after_split_error_decay_rate", 1.2),
        ("error_decay_rate", -0.5),
        ("min_distance_for_update", -1.0),
        ("new_node_error", "half"),
        ("target_error", -1.0),
        ("patience", 0),
        ("min_improvement", 1.0),
        ("border_weight", -1),
        ("border_weight", 101),
    ],
)
def test_out_of_range_values_name_the_field(field, value):
    with pytest.raises(ValidationError, match=field):
        GNGParams(**{field: value})


def test_unknown_key_and_frozen():
    with pytest.raises(ValidationError, match="learning_rate"):
        GNGParams(learning_rate=0.1)
    p = GNGParams()
    with pytest.raises(ValidationError):
        p.step = 0.3


def test_start_nodes_cannot_exceed_max_nodes():
    with pytest.raises(
        ValidationError, match=r"n_start_nodes \(10\) must not exceed max_nodes \(5\)"
    ):
        GNGParams(n_start_nodes=10, max_nodes=5)
    assert GNGParams(n_start_nodes=5, max_nodes=5).max_nodes == 5


def test_registered_for_presets():
    from engines import registry

    assert registry.params_type("gng") is GNGParams
    preset = presets.validate_preset(
        {"name": "t", "engine": "gng", "engine_params": {"max_nodes": 2400, "step": 0.2}}
    )
    assert isinstance(preset.engine_params, GNGParams)
    assert preset.engine_params.max_nodes == 2400
    with pytest.raises(PresetError, match=r"engine_params\.max_node"):
        presets.validate_preset({"name": "t", "engine": "gng", "engine_params": {"max_node": 5}})
    with pytest.raises(PresetError, match=r"engine_params\.step"):
        presets.validate_preset({"name": "t", "engine": "gng", "engine_params": {"step": 2.0}})
