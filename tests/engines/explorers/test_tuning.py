"""Hyperparameter searches: the spaces, a stored study that resumes, the errors that leave a
storage alone, cancelling, the exports."""

from __future__ import annotations

import json

import optuna
import pytest

from engines.explorers.params import TuneParams
from engines.explorers.tuning import (
    StorageError,
    TuneSnapshot,
    best_so_far,
    export_tuning,
    suggest,
    tune_recipe,
)

FAST = {"space": "units", "epochs": 1}


def test_units_space_is_one_layer():
    fields = suggest(optuna.trial.FixedTrial({"units": 321}), "units")
    assert fields == {"hidden": (321,), "learning_rate": 0.1, "batch_size": 128}


def test_tree_space_asks_for_the_second_layer_only_with_two():
    one = {"layers": 1, "units_1": 80, "activation": "tanh", "batch_size": 32,
           "step_size": 0.05}  # fmt: skip
    assert suggest(optuna.trial.FixedTrial(one), "tree") == {
        "hidden": (80,), "activation": "tanh", "batch_size": 32, "learning_rate": 0.05,
    }  # fmt: skip
    two = {**one, "layers": 2, "units_2": 600}
    assert suggest(optuna.trial.FixedTrial(two), "tree")["hidden"] == (80, 600)
    with pytest.raises(ValueError):  # units_2 is asked for, so a FixedTrial must have it
        suggest(optuna.trial.FixedTrial({**one, "layers": 2}), "tree")


def test_a_stored_study_resumes_with_its_trial_count(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    first = tune_recipe("digits", TuneParams(sampler="random", trials=2, **FAST), storage=url)
    assert [t.number for t in first.counted] == [0, 1]
    again = tune_recipe("digits", TuneParams(sampler="random", trials=3, **FAST), storage=url)
    assert [t.number for t in again.counted] == [0, 1, 2]
    assert again.trials[:2] == first.trials[:2]
    assert again.payload()["trials"] == 3 and len(again.history) == 3
    stored = optuna.load_study(study_name="digits-units", storage=url)
    assert len(stored.trials) == 3 and stored.user_attrs["space"] == "units"
    done = tune_recipe("digits", TuneParams(sampler="random", trials=3, **FAST), storage=url)
    assert len(done.counted) == 3  # nothing left to do


def test_a_study_of_another_space_is_refused_and_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    tune_recipe("digits", TuneParams(sampler="random", trials=1, **FAST), storage=url,
                study="mine")  # fmt: skip
    before = (tmp_path / "study.db").read_bytes()
    with pytest.raises(StorageError, match=r"'mine' .* space 'units'.*not .*space 'tree'"):
        tune_recipe("digits", TuneParams(sampler="tpe", trials=2, space="tree", epochs=1),
                    storage=url, study="mine")  # fmt: skip
    with pytest.raises(StorageError, match="2 epochs"):
        tune_recipe("digits", TuneParams(sampler="random", trials=2, space="units", epochs=2),
                    storage=url, study="mine")  # fmt: skip
    assert (tmp_path / "study.db").read_bytes() == before


def test_a_bad_storage_url_is_refused_and_changes_nothing(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("not a database\n")
    with pytest.raises(StorageError, match="cannot be opened: .*not a database"):
        tune_recipe("digits", TuneParams(trials=1, **FAST), storage=f"sqlite:///{text}")
    assert text.read_text() == "not a database\n"
    with pytest.raises(StorageError, match="'nosuchdb://x' cannot be opened"):
        tune_recipe("digits", TuneParams(trials=1, **FAST), storage="nosuchdb://x")


def test_cancelling_keeps_the_finished_trials(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    seen = []

    def stop_in_second_trial(snap):
        seen.append(snap)
        return len(snap.trials) == 1 and snap.epoch >= 1

    params = TuneParams(sampler="random", trials=3, space="units", epochs=3)
    result = tune_recipe("digits", params, storage=url, callback=stop_in_second_trial)
    assert result.cancelled and all(isinstance(s, TuneSnapshot) for s in seen)
    assert [t.state for t in result.trials] == ["COMPLETE", "PRUNED"]
    assert len(result.counted) == 1
    resumed = tune_recipe("digits", params, storage=url)
    assert len(resumed.counted) == 3 and not resumed.cancelled
    assert resumed.trials[0] == result.trials[0]


def test_same_seed_same_study_and_the_best_is_the_lowest():
    params = TuneParams(sampler="tpe", trials=3, **FAST)
    a, b = tune_recipe("digits", params, seed=4), tune_recipe("digits", params, seed=4)
    assert a.payload() == b.payload()
    payload = a.payload()
    assert list(payload) == ["sampler", "trials", "best", "history"]
    values = [t.value for t in a.counted if t.state == "COMPLETE"]
    assert payload["best"]["value"] == min(values) == payload["history"][-1]
    assert payload["history"] == [min(values[: k + 1]) for k in range(len(values))]


def test_best_so_far_skips_failures_and_waits_for_a_value():
    class T:
        def __init__(self, state, value=None):
            self.state, self.value = state, value

    trials = [T("FAIL"), T("COMPLETE", 0.5), T("PRUNED"), T("COMPLETE", 0.7), T("FAIL"),
              T("COMPLETE", 0.2)]  # fmt: skip
    assert best_so_far(trials) == [None, 0.5, 0.5, 0.5, 0.2]


def test_exports(tmp_path):
    result = tune_recipe("digits", TuneParams(sampler="random", trials=3, space="tree",
                                              epochs=1), seed=1)  # fmt: skip
    payload = json.loads(export_tuning(result, tmp_path / "s.json").read_text())
    assert payload == json.loads(json.dumps(result.payload()))
    rows = export_tuning(result, tmp_path / "s.csv").read_text().splitlines()
    assert rows[0].startswith("number,state,value,val_accuracy,activation") and len(rows) == 4
    import imageio.v3 as iio

    assert iio.imread(export_tuning(result, tmp_path / "s.png")).shape == (720, 1200, 3)


def test_an_exception_from_the_callback_prunes_the_trial_and_goes_on(tmp_path):
    """The studio cancels by raising from the callback: the trial under way is pruned."""
    url = f"sqlite:///{tmp_path / 'study.db'}"

    class Cancelled(Exception):
        pass

    def cancel_in_second_trial(snap):
        if len(snap.trials) == 1 and snap.epoch >= 1:
            raise Cancelled

    params = TuneParams(sampler="random", trials=3, space="units", epochs=2)
    with pytest.raises(Cancelled):
        tune_recipe("digits", params, storage=url, callback=cancel_in_second_trial)
    stored = optuna.load_study(study_name="digits-units", storage=url)
    assert [t.state.name for t in stored.trials] == ["COMPLETE", "PRUNED"]


def test_the_storage_is_closed_in_the_thread_that_used_it(tmp_path, monkeypatch):
    """A study stopped by an exception (the studio's cancel, in its worker thread) leaves no
    session and no connection behind for the garbage collector to close elsewhere."""
    import threading

    from engines.explorers import tuning

    opened = []
    real_open = tuning.open_storage
    monkeypatch.setattr(tuning, "open_storage", lambda url: opened.append(real_open(url)) or
                        opened[-1])  # fmt: skip

    class Cancelled(Exception):
        pass

    def cancel_in_second_trial(snap):
        if len(snap.trials) == 1 and snap.epoch >= 1:
            raise Cancelled

    seen = {}

    def worker():
        params = TuneParams(sampler="random", trials=3, space="units", epochs=2)
        try:
            tune_recipe("digits", params, storage=f"sqlite:///{tmp_path / 's.db'}",
                        callback=cancel_in_second_trial)  # fmt: skip
        except Cancelled:
            seen["cancelled"] = True
        (storage,) = opened
        seen["session"] = storage.scoped_session.registry.has()
        seen["connections"] = storage.engine.pool.checkedin() + storage.engine.pool.checkedout()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == {"cancelled": True, "session": False, "connections": 0}
