"""The recall recipe: the seed's digits, a password's recovery, snapshots, cancel, export."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from PIL import Image

from engines.core import Snapshot
from engines.hopfield import digits
from engines.hopfield.engine import CapacityError, DiscreteHopfieldNetwork
from engines.hopfield.params import HopfieldParams, PasswordParams
from engines.hopfield.password import store_recipe
from engines.hopfield.recall import OUTCOME_CANCELLED, export_recall, recall_recipe

SECRET = "Tr0ub4dor&3xyz"
ASYNC = HopfieldParams(mode="async", n_times=400)


def test_sync_recall_of_the_top_half_of_two_is_the_seeds_mixture():
    result = recall_recipe(None, HopfieldParams(mode="sync"))
    np.testing.assert_array_equal(result.state, digits.ONE_TWO_MIXTURE)
    np.testing.assert_array_equal(result.probe, digits.HALF_TWO_TOP)
    assert result.outcome == "single-step" and result.recalled() is None
    assert result.shape == digits.SHAPE and result.names == ("0", "1", "2")
    assert result.energy_trace.tolist() == [-151.0, result.energy]
    assert recall_recipe(digits.HALF_ZERO, HopfieldParams(mode="sync")).recalled() == "0"


def test_async_recall_is_the_engines_and_goes_on_with_the_network():
    first = recall_recipe(None, ASYNC, seed=1)
    engine = DiscreteHopfieldNetwork(ASYNC, data=digits.DIGITS, seed=1)
    expected = engine.recall(digits.HALF_TWO_TOP)
    np.testing.assert_array_equal(first.state, expected.state)
    assert (
        (first.iterations, first.outcome)
        == (expected.iterations, "fixed-point")
        == (86, "fixed-point")
    )
    assert first.recalled() == "1" and first.energy_trace.size == 87
    assert np.all(np.diff(first.energy_trace) <= 0)
    # The demo's second run: the same network, its generator going on, lands on 2.
    second = recall_recipe(None, ASYNC, network=first.network)
    np.testing.assert_array_equal(second.state, digits.TWO)
    assert second.iterations == 60


def test_snapshots_and_cancel_through_the_callback():
    seen = []
    watched = recall_recipe(None, ASYNC, seed=1, callback=lambda s: seen.append(s) and False)
    alone = recall_recipe(None, ASYNC, seed=1)
    np.testing.assert_array_equal(watched.state, alone.state)
    np.testing.assert_array_equal(watched.energy_trace, alone.energy_trace)
    assert seen and all(isinstance(s, Snapshot) and s.budget == 400 for s in seen)
    assert seen[-1].iteration == 86 and seen[-1].stable
    np.testing.assert_array_equal(seen[-1].error_history, alone.energy_trace)

    stopped = recall_recipe(
        None, HopfieldParams(mode="async", n_times=400), seed=1, callback=lambda s: True
    )
    assert stopped.outcome == OUTCOME_CANCELLED and 0 < stopped.iterations < 86


def test_a_password_is_recovered_by_its_network_in_every_mode():
    stored = store_recipe(SECRET, PasswordParams(), seed=3)
    network = stored.network
    assert network.holds_secret and stored.warnings == ()
    for params in (
        None,
        HopfieldParams(mode="converge"),
        HopfieldParams(mode="async", n_times=5000),
    ):
        result = recall_recipe(SECRET[:10], params, network=network)
        assert result.text == SECRET and result.shape == (30, 8)
    assert network.params == HopfieldParams()  # other params apply to a copy
    seen = []
    recall_recipe(SECRET[:10], HopfieldParams(mode="async", n_times=5000), network=network,
                  callback=seen.append)  # fmt: skip
    assert seen and seen[-1].state.shape == (240,)


def test_bad_combinations_are_refused_without_echoing_the_password(tmp_path):
    network = store_recipe(SECRET, seed=3).network
    with pytest.raises(ValueError, match="its own generator"):
        recall_recipe(SECRET[:4], None, network=network, seed=1)
    with pytest.raises(ValueError, match="network that stores it"):
        recall_recipe(SECRET[:4], None)
    with pytest.raises(ValueError, match="longer than max_length") as info:
        recall_recipe(SECRET * 3, None, network=network)
    assert SECRET not in str(info.value)
    with pytest.raises(ValueError, match="names"):
        recall_recipe(None, patterns=digits.DIGITS, names=("a",))
    result = recall_recipe(SECRET[:10], None, network=network)
    with pytest.raises(ValueError, match="never exported"):
        export_recall(result, tmp_path / "leak.json")
    assert not (tmp_path / "leak.json").exists()


def test_store_recipe_returns_the_capacity_warning_instead_of_raising_it():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning raised would fail here
        stored = store_recipe("abc", PasswordParams(max_length=4, noise_level=20), seed=1)
    assert stored.network.n_patterns == 21 and stored.network.params == HopfieldParams()
    (message,) = stored.warnings
    assert "21 patterns exceed the n/(2 ln n) capacity of 32 neurons" in message
    with pytest.raises(CapacityError):
        store_recipe("abc", PasswordParams(max_length=4, noise_level=20),
                     network_params=HopfieldParams(capacity="raise"))  # fmt: skip


def test_export_figure_and_json(tmp_path):
    result = recall_recipe(None, ASYNC, seed=1)
    data = json.loads(export_recall(result, tmp_path / "r.json").read_text())
    assert data["recalled"] == "1" and data["iterations"] == 86
    assert data["state"] == digits.ONE.tolist() and len(data["energy_trace"]) == 87
    png = export_recall(result, tmp_path / "r.png")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 600
    with pytest.raises(FileExistsError):
        export_recall(result, png, overwrite=False)
    with pytest.raises(ValueError, match=".png or .json"):
        export_recall(result, tmp_path / "r.svg")
