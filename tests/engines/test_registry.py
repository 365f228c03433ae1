"""The registry and the engine contract over every job it lists.

Each job's recipe runs on a small input twice with the same seed (same files written by its
export), reports :class:`engines.core.Snapshot` subclasses to its callback, and stops when the
callback returns True. Each engine class has the one constructor shape and the contract's
``step``/``snapshot``/``done``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import BaseModel

from engines import registry
from engines.core import Snapshot
from engines.errors import ParameterError
from engines.presets import validate_preset

TINY_PIPELINE = {"max_side": 120, "scale": 0.01}


def _preset(engine, **tables):
    return validate_preset({"name": "tiny", "engine": engine, **tables})


#: job name → (source, params, recipe options, export suffix)
CASES = {
    "gng-art": lambda: ("text:Hi", _preset(
        "gng", epochs=3, pipeline=TINY_PIPELINE,
        engine_params={"max_nodes": 40, "n_iter_before_neuron_added": 10}), {}, ".svg"),
    "som-art": lambda: ("text:Hi", _preset(
        "som", epochs=4, pipeline=TINY_PIPELINE,
        engine_params={"features_grid": [5, 5], "weight_init": "sample_from_data"}), {}, ".svg"),
    "words": lambda: ("sample:page", _preset("words", engine_params={"epochs": 3}), {}, ".json"),
    "logo": lambda: ("Hi", _preset("som", epochs=3, engine_params={"features_grid": [2, 60]}),
                     {"target_points": 2000}, ".svg"),
    "avatar": lambda: ("Ada", None, {}, ".svg"),
    "map": lambda: ("sample:iris", _preset("som", epochs=3,
                                           engine_params={"features_grid": [4, 4]}), {}, ".png"),
    "hopfield-recall": lambda: (None, _hopfield_async(), {}, ".json"),
    "hopfield-montecarlo": lambda: (None, _montecarlo(), {}, ".json"),
    "landscape": lambda: (None, _landscape(), {}, ".gif"),
    "gp-demo": lambda: (None, _gp_demo(), {}, ".png"),
    "tune": lambda: ("digits", _tune(), {}, ".json"),
    "train": lambda: ("xor", _preset("trainer", epochs=5, engine_params={"hidden": [3]}),
                      {"seeds": 2}, ".json"),
    "train-compare": lambda: ("spirals", _preset("trainer", engine_params={"hidden": [4]}),
                              {"seeds": 1, "epochs": 3}, ".csv"),
    "eco": lambda: ("xor", _eco(), {}, ".json"),
    "reflect": lambda: ("piecewise", _reflect(), {"seeds": 2}, ".json"),
}  # fmt: skip


def _eco():
    from engines.trainers.eco.params import EcoParams

    return EcoParams(hidden=(3,), epochs=3, seeds=2, ood_rows=20)


def _reflect():
    from engines.trainers.reflection import ReflectionParams

    return ReflectionParams(samples=60, test_samples=40, hidden=4, epochs=3, error_hidden=3,
                            error_epochs=2, gate_epochs=2, clusters=2, min_samples=3)  # fmt: skip


def _hopfield_async():
    from engines.hopfield import HopfieldParams

    return HopfieldParams(mode="async", n_times=300)


def _montecarlo():
    from engines.hopfield import MonteCarloParams

    return MonteCarloParams(trials=400)


def _landscape():
    from engines.explorers.params import LandscapeParams

    return LandscapeParams(frames=6, grid=24, spread_pairs=3, panel_px=160)


def _gp_demo():
    from engines.explorers.params import GPDemoParams

    return GPDemoParams(steps=2)


def _tune():
    from engines.explorers.params import TuneParams

    return TuneParams(sampler="random", trials=2, epochs=1)


def test_every_job_has_a_case_and_every_target_imports():
    assert set(CASES) == {job.name for job in registry.JOBS}
    for job in registry.JOBS:
        for field in ("params", "recipe", "result", "export", "warm_up"):
            assert getattr(job, field) is None or job.load(field) is not None, (job.name, field)
        assert issubclass(job.load("params"), BaseModel)


def test_presets_take_their_params_type_from_the_registry():
    for engine in registry.engines():
        assert registry.params_type(engine) is next(
            j.load("params") for j in registry.JOBS if j.engine == engine
        )
    with pytest.raises(Exception, match="available: gng, som, words"):
        validate_preset({"name": "x", "engine": "nope"})


def test_art_jobs_are_found_by_engine():
    assert registry.art_job("gng").name == "gng-art"
    assert registry.art_job("som").name == "som-art"
    with pytest.raises(Exception, match="does not make art; art engines: gng, som"):
        registry.art_job("words")


@pytest.mark.parametrize("name", list(CASES))
def test_same_seed_same_files_and_snapshots_reported(name, tmp_path):
    job = registry.job(name)
    source, params, options, suffix = CASES[name]()
    export = job.load("export")
    seen = []
    first = job.run(source, params, seed=3, callback=seen.append, **options)
    second = job.run(source, params, seed=3, **options)
    assert isinstance(first, job.load("result"))
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    export(first, a)
    export(second, b)
    assert _content(a) == _content(b)
    assert seen and all(isinstance(s, Snapshot) for s in seen)
    assert all(0.0 <= s.fraction <= 1.0 for s in seen)


@pytest.mark.parametrize("name", list(CASES))
def test_a_callback_returning_true_stops_the_job(name):
    job = registry.job(name)
    source, params, options, _ = CASES[name]()
    calls = []
    job.run(source, params, seed=3, callback=lambda s: calls.append(s) or True, **options)
    assert len(calls) == 1
    assert calls[0].iteration < (calls[0].budget or np.inf)


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_seed_is_a_parameter_error(name):
    job = registry.job(name)
    source, params, options, _ = CASES[name]()
    for seed in (-1, 2**32, 1.5):
        with pytest.raises(ParameterError, match="seed"):
            job.run(source, params, seed=seed, **options)


def _content(path):
    """A file's bytes; a JSON file's content less its wall-clock figures."""
    if path.suffix != ".json":
        return path.read_bytes()
    return _without_timings(json.loads(path.read_text()))


def _without_timings(value):
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items()
                if k not in ("seconds", "timings")}  # fmt: skip
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


ENGINES = {
    "gng": lambda: _engine("engines.gng:GrowingNeuralGas", "engines.gng:GNGParams",
                           np.random.default_rng(0).random((200, 2)).astype(np.float32),
                           max_nodes=20, n_iter_before_neuron_added=10),
    "som": lambda: _engine("engines.som:SOFM", "engines.som:SOFMParams",
                           np.random.default_rng(0).random((50, 2)).astype(np.float32),
                           features_grid=(3, 3), epochs=5),
    "trainer": lambda: _engine("engines.trainers.engine:Trainer",
                               "engines.trainers.params:TrainerParams",
                               registry.load_target("engines.trainers.datasets:load_dataset")("xor"),
                               hidden=(3,), epochs=10),
}  # fmt: skip


def _engine(engine, params, data, **fields):
    return registry.load_target(engine)(registry.load_target(params)(**fields), data, seed=1)


@pytest.mark.parametrize("name", list(ENGINES))
def test_engine_contract(name):
    engine = ENGINES[name]()
    before = engine.snapshot()
    assert isinstance(before, Snapshot) and before.iteration == 0
    engine.step(3)
    after = engine.snapshot()
    assert after.iteration == 3 and isinstance(engine.done, bool)
    again = ENGINES[name]()
    again.step(3)
    for field in ("error_history", "nodes", "weights"):
        if hasattr(after, field):
            np.testing.assert_array_equal(getattr(after, field), getattr(again.snapshot(), field))
