"""The train and train-compare recipes: presets, seeds, callbacks and cancelling, and each
export (JSON, CSV, PNG, a network that can be loaded again)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engines.errors import InputError, ParameterError
from engines.presets import load_preset, validate_preset
from engines.trainers.network import load_network, numpy_predict
from engines.trainers.params import TrainerParams
from engines.trainers.recipe import (
    ARTICLE_VARIANTS,
    compare_recipe,
    export_comparison,
    export_training,
    train_recipe,
)

TINY = TrainerParams(hidden=(3,), epochs=4)


def test_a_preset_gives_input_seed_and_params():
    preset = validate_preset({"name": "p", "engine": "trainer", "input": "xor", "seed": 11,
                              "engine_params": {"hidden": [2], "epochs": 3}})  # fmt: skip
    seen = []
    result = train_recipe(None, preset, seeds=2, loaded=seen.append)
    assert result.dataset.name == "xor" and seen == [result.dataset]
    assert [r.seed for r in result.runs] == [11, 12]
    assert all(r.snapshot.iteration <= 3 for r in result.runs)
    assert result.params.hidden == (2,)
    other = train_recipe("moons", preset, seed=2, epochs=2, method="adam")
    assert other.dataset.name == "moons" and other.runs[0].seed == 2
    assert other.method == "adam" and other.runs[0].snapshot.iteration == 2


def test_callback_reports_each_run_and_cancels_the_job():
    seen = []
    result = train_recipe("spirals", TINY, seeds=3, callback=seen.append)
    runs = [s.run for s in seen]
    assert runs == sorted(runs) and set(runs) == {0, 1, 2}
    assert all(s.runs == 3 for s in seen)
    assert [s.seed for s in seen if s.done] == [0, 1, 2]
    fractions = [s.overall_fraction for s in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert not result.cancelled
    stopped = train_recipe("spirals", TINY, seeds=3, callback=lambda s: s.run == 1)
    assert stopped.cancelled and len(stopped.runs) == 2
    assert stopped.runs[0].snapshot.stop_code == "epochs"
    assert stopped.runs[1].snapshot.stop_code == "cancelled"
    assert stopped.runs[1].snapshot.iteration < 4


def test_bad_seeds_and_params():
    with pytest.raises(ParameterError, match="seeds must be from 1 to 1000"):
        train_recipe("xor", TINY, seeds=0)
    with pytest.raises(ParameterError, match="past 2\\*\\*32 - 1"):
        train_recipe("xor", TINY, seed=2**32 - 1, seeds=2)
    with pytest.raises(ParameterError, match="preset for engine 'trainer'"):
        train_recipe("xor", load_preset("map-iris"))


def test_exports(tmp_path):
    result = train_recipe("spirals", TINY, seed=3, seeds=2)
    export_training(result, tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text()) == json.loads(json.dumps(
        result.payload()))  # fmt: skip
    export_training(result, tmp_path / "r.csv")
    lines = (tmp_path / "r.csv").read_text().splitlines()
    assert lines[0].startswith("label,method,seed,iteration,train_loss,val_loss,metric")
    assert len(lines) == 1 + sum(r.snapshot.iteration for r in result.runs)
    first = lines[1].split(",")
    assert first[2] == "3" and float(first[4]) == result.runs[0].snapshot.error_history[0]
    export_training(result, tmp_path / "a.png")
    export_training(result, tmp_path / "b.png")
    png = (tmp_path / "a.png").read_bytes()
    assert png[:4] == b"\x89PNG" and png == (tmp_path / "b.png").read_bytes()
    export_training(result, tmp_path / "n.pt", run=1)
    saved = load_network(tmp_path / "n.pt")
    snap = result.runs[1].snapshot
    raw = result.dataset.raw_val[:5]
    expected = numpy_predict(snap.spec, snap.parameters, result.dataset.x_val[:5])
    np.testing.assert_allclose(saved.predict(raw), expected)
    assert saved.info["seed"] == 4 and saved.info["params"]["hidden"] == [3]
    with pytest.raises(ValueError, match="must end in .json, .csv, .png, .pt"):
        export_training(result, tmp_path / "r.txt")
    with pytest.raises(ValueError, match="run 5 does not exist"):
        export_training(result, tmp_path / "m.pt", run=5)
    with pytest.raises(FileExistsError):
        export_training(result, tmp_path / "r.json", overwrite=False)


def test_a_network_that_does_not_fit_the_data_says_so(tmp_path):
    export_training(train_recipe("xor", TINY), tmp_path / "xor.pt")
    saved = load_network(tmp_path / "xor.pt")
    with pytest.raises(InputError, match=r"takes 2 inputs per row, the data has 64"):
        saved.features(np.zeros((3, 64)), source="sample:digits")
    (tmp_path / "junk.pt").write_bytes(b"not a network")
    with pytest.raises(InputError, match="not a network saved by gasworks train"):
        load_network(tmp_path / "junk.pt")


def test_compare_runs_the_articles_variants_from_the_same_weights(tmp_path):
    comparison = compare_recipe("spirals", TrainerParams(hidden=(4,)), seed=5, seeds=2,
                                epochs=3)  # fmt: skip
    assert [r.label for r in comparison.results] == [label for label, _ in ARTICLE_VARIANTS]
    lm, adam_es, adam = comparison.results
    assert (lm.method, adam_es.method, adam.method) == ("lm", "adam", "adam")
    assert lm.dataset.scaling.kind == "none" and adam_es.dataset.scaling.kind == "article"
    assert (lm.params.max_fail, adam_es.params.patience, adam.params.patience) == (0, 500, 0)
    assert all(r.params.hidden == (4,) for r in comparison.results)
    assert [run.seed for run in adam.runs] == [5, 6]
    rows = comparison.table()
    assert [row["runs"] for row in rows] == [2, 2, 2] and "solved" in rows[0]
    export_comparison(comparison, tmp_path / "c.json")
    payload = json.loads((tmp_path / "c.json").read_text())
    assert payload["seeds"] == [5, 6] and len(payload["comparison"]) == 3
    export_comparison(comparison, tmp_path / "c.csv")
    assert len((tmp_path / "c.csv").read_text().splitlines()) == 1 + 3 * 2 * 3
    with pytest.raises(ValueError, match="saves no network"):
        export_comparison(comparison, tmp_path / "c.pt")


def test_reports_at_the_end():
    classes = train_recipe("digits", TrainerParams(hidden=(8,), epochs=3), seed=1)
    report = classes.report()
    assert report["accuracy"] == classes.runs[0].metrics["val_accuracy"]
    assert sum(report["classes"][name]["support"] for name in classes.dataset.class_names) == 257
    assert np.array(report["confusion"]).sum() == 257 and "macro avg" in report["text"]
    values = train_recipe("diabetes", TrainerParams(hidden=(4,), epochs=3), seed=1)
    figures = values.report()
    assert figures["rmse"] == pytest.approx(values.runs[0].metrics["val_rmse"])
    assert figures["rmsle"] == pytest.approx(values.runs[0].metrics["val_rmsle"])
    assert {"mae", "r2", "rmsle_rounded", "text"} <= set(figures)
