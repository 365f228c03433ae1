"""Hyperparameter searches on digits with optuna: the seed's two searches, offline.

The seed tunes a network on MNIST: the hidden units of one layer with a Gaussian process,
then a tree-structured space with TPE. Here the data set is scikit-learn's 8×8 digits (the
MNIST tutorial's offline analogue, 1,540 training and 257 validation images as the trainer
splits them) and the networks are trained by :mod:`engines.trainers`; optuna's samplers do
the searching (``GPSampler``, ``TPESampler``, ``RandomSampler``, the baseline).

Spaces
------
``units``
    The hidden units of one layer, an integer in [50, 1000] (the seed's GP search); step
    size 0.1, batch size 128.
``tree``
    The seed's TPE space, as far as the trainer offers it: one or two hidden layers, the
    units of each in [50, 1000] (the second only when there are two: the tree), the
    activation (the trainer's relu, tanh and sigmoid; the seed also had PReLU and ELU), the
    batch size log-uniform in [16, 512] and the step size log-uniform in [0.01, 0.5]. The
    seed's dropout in [0, 0.5] is left out: the trainer has no dropout.

Every trial trains with momentum SGD (momentum 0.9; the seed used Momentum and RMSProp, and
torch's RMSprop diverges at the seed's step sizes), cross-entropy on a softmax output,
He-normal initialisation, float32, for ``params.epochs`` epochs, from the seed
``params.seed + trial.number``; its value is the validation cross-entropy (lower is better;
the validation accuracy is kept beside it). A trial whose loss is not finite (a step size too
large) fails and counts as finished.

Samplers
--------
Each takes ``params.seed``. The GP starts from 2 random trials (the seed's), TPE from 5.
optuna's GP models a fixed space: on the tree space it models the parameters every trial
has and samples the second layer's units at random.
A resumed study goes on from its stored trials, but a sampler's random state starts afresh,
so a study stopped and resumed need not repeat an uninterrupted one trial for trial.

Storage, resuming and scale-out
-------------------------------
Studies live in optuna's RDB storage (``sqlite:///study.db``, or any SQLAlchemy URL); the
same URL and study name resume a study: ``params.trials`` is the number of finished trials
the study ends with, so a stopped run started again does only what is left. Several
processes (or machines) pointed at one database tune one study in parallel. A study records
what it searches (data set, space, epochs); asking it to search something else is an error,
and so is a storage URL that cannot be opened — nothing in it is changed then.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engines.core import Callback, Snapshot
from engines.errors import GasworksError, ParameterError
from engines.explorers.params import TuneParams
from engines.validation import check_seed

DATASET = "digits"
UNITS = (50, 1000)
LAYERS = (1, 2)
BATCH_SIZE = (16, 512)
STEP_SIZE = (0.01, 0.5)
#: The units space's fixed settings.
UNITS_STEP_SIZE, UNITS_BATCH_SIZE = 0.1, 128
#: Every trial's training settings besides what the space chooses.
TRAINING = {"method": "momentum", "momentum": 0.9, "loss": "cross_entropy", "output": "softmax",
            "init": "he_normal", "dtype": "float32"}  # fmt: skip
STARTUP_TRIALS = {"gp": 2, "tpe": 5}
#: Study user attributes that say what a study searches.
SIGNATURE_KEYS = ("dataset", "space", "epochs")
#: Finished trial states that count towards ``params.trials`` (a cancelled trial is pruned).
COUNTED = ("COMPLETE", "FAIL")


#: Processes started together on one new database race to create its tables: the loser
#: sees one of these errors and opens it again once the tables are there.
RACE_MARKS = ("UNIQUE constraint failed", "database is locked", "already exists")
OPEN_ATTEMPTS, OPEN_PAUSE = 5, 0.3


class StorageError(GasworksError):
    """A storage URL that cannot be opened, or a study that searches something else."""


def activations() -> tuple[str, ...]:
    """The activations the trainer offers (its ``Literal``)."""
    from engines.options import choices
    from engines.trainers.params import TrainerParams

    return choices(TrainerParams, "activation")


def describe_space(space: str) -> list[tuple[str, str]]:
    """(parameter, distribution) rows of a space, for a view or a report."""
    lo, hi = UNITS
    if space == "units":
        return [("units", f"integer, uniform in [{lo}, {hi}]")]
    return [
        ("layers", f"categorical {{{', '.join(map(str, LAYERS))}}}"),
        ("units_1", f"integer, uniform in [{lo}, {hi}]"),
        ("units_2", f"integer, uniform in [{lo}, {hi}], only with 2 layers"),
        ("activation", f"categorical {{{', '.join(activations())}}}"),
        ("batch_size", f"integer, log-uniform in [{BATCH_SIZE[0]}, {BATCH_SIZE[1]}]"),
        ("step_size", f"log-uniform in [{STEP_SIZE[0]}, {STEP_SIZE[1]}]"),
    ]


def suggest(trial, space: str) -> dict[str, Any]:
    """Ask ``trial`` for a point of ``space``; returns the trainer's fields for it."""
    if space == "units":
        units = trial.suggest_int("units", *UNITS)
        return {"hidden": (units,), "learning_rate": UNITS_STEP_SIZE,
                "batch_size": UNITS_BATCH_SIZE}  # fmt: skip
    layers = trial.suggest_categorical("layers", list(LAYERS))
    hidden = [trial.suggest_int("units_1", *UNITS)]
    if layers == 2:
        hidden.append(trial.suggest_int("units_2", *UNITS))
    return {
        "hidden": tuple(hidden),
        "activation": trial.suggest_categorical("activation", list(activations())),
        "batch_size": trial.suggest_int("batch_size", *BATCH_SIZE, log=True),
        "learning_rate": trial.suggest_float("step_size", *STEP_SIZE, log=True),
    }


def make_sampler(name: str, seed: int):
    import optuna

    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=STARTUP_TRIALS["tpe"])
    if name == "gp":
        # On the tree space the GP models the parameters every trial has; optuna samples
        # the second layer's units independently (said in the module docstring).
        return optuna.samplers.GPSampler(seed=seed, n_startup_trials=STARTUP_TRIALS["gp"],
                                         warn_independent_sampling=False)  # fmt: skip
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise ParameterError(f"sampler must be 'tpe', 'gp' or 'random', got {name!r}")


def open_storage(url: str | None):
    """optuna's storage for ``url`` (None: in memory); a URL that cannot be opened is a
    :class:`StorageError` naming it and the reason."""
    import optuna

    if url is None:
        return optuna.storages.InMemoryStorage()
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return optuna.storages.RDBStorage(url)
        except Exception as exc:  # SQLAlchemy, the driver and optuna each raise their own
            text = str(exc).strip()
            racing = any(mark in text for mark in RACE_MARKS)
            if racing and attempt + 1 < OPEN_ATTEMPTS:
                time.sleep(OPEN_PAUSE)  # another process is creating the same tables
                continue
            reason = text.splitlines()[0] if text else type(exc).__name__
            raise StorageError(f"storage {url!r} cannot be opened: {reason}") from None
    raise AssertionError("not reached")


@contextmanager
def opened_storage(url: str | None):
    """:func:`open_storage` for the length of a ``with`` block, closed in the thread that
    used it: the block's SQLAlchemy session is removed and the engine's connections are
    closed when it ends (however it ends), so no connection outlives the search and none is
    left for the garbage collector to close in another thread."""
    storage = open_storage(url)
    try:
        yield storage
    finally:
        close_storage(storage)


def close_storage(storage) -> None:
    """Remove this thread's session of an RDB storage and close its engine's connections
    (nothing to do for one in memory)."""
    remove = getattr(storage, "remove_session", None)
    if remove is not None:
        remove()
    engine = getattr(storage, "engine", None)
    if engine is not None:
        engine.dispose()


def default_study_name(space: str) -> str:
    return f"{DATASET}-{space}"


def signature(params: TuneParams) -> dict[str, Any]:
    return {"dataset": DATASET, "space": params.resolved_space, "epochs": params.epochs}


def load_study(params: TuneParams, storage, storage_url: str | None, name: str | None):
    """Create or load the study in ``storage`` (opened from ``storage_url``, which the
    messages name); one that searches something else is a StorageError."""
    import optuna

    name = name or default_study_name(params.resolved_space)
    wanted = signature(params)
    try:
        existing = optuna.load_study(study_name=name, storage=storage)
    except KeyError:
        existing = None
    if existing is not None:
        found = {k: existing.user_attrs.get(k) for k in SIGNATURE_KEYS}
        if found != wanted:
            where = storage_url or "memory"
            raise StorageError(
                f"study {name!r} in {where} searches {_say(found)}, not {_say(wanted)}; give "
                "another --study name or the settings it was made with"
            )
        if existing.direction != optuna.study.StudyDirection.MINIMIZE:
            raise StorageError(f"study {name!r} maximises; these searches minimise a loss")
    sampler = make_sampler(params.sampler, params.seed)
    study = optuna.create_study(storage=storage, study_name=name, sampler=sampler,
                                direction="minimize", load_if_exists=True)  # fmt: skip
    if existing is None:
        for key, value in wanted.items():
            study.set_user_attr(key, value)
    return study


def _say(sig: dict[str, Any]) -> str:
    return f"{sig.get('dataset')} / space {sig.get('space')!r} / {sig.get('epochs')} epochs"


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class TrialRecord:
    """One trial of a study: its number, state, value, parameters, validation accuracy."""

    number: int
    state: str
    value: float | None
    params: dict[str, Any]
    accuracy: float | None
    seconds: float


@dataclass(frozen=True, kw_only=True)
class TuneSnapshot(Snapshot):
    """A study under way: ``iteration`` finished trials of ``budget``; ``error_history`` the
    best value so far after each (NaN before the first complete one).

    Attributes
    ----------
    trials : tuple of TrialRecord
        Every finished trial so far (all of the study's, resumed ones too).
    epoch, epochs : int
        The training epoch the current trial is at (0 between trials).
    sampler, space : str
    """

    trials: tuple[TrialRecord, ...] = ()
    epoch: int = 0
    epochs: int = 0
    sampler: str = ""
    space: str = ""


@dataclass(frozen=True)
class TuneResult:
    """A finished (or stopped) study.

    Attributes
    ----------
    params : TuneParams
    study_name : str
    storage : str or None
        The URL (None: in memory).
    trials : tuple of TrialRecord
        The study's finished trials, in order (resumed ones first).
    history : list of float or None
        The best value after each counted trial (None before the first complete one).
    importances : dict of str to float
        fANOVA importance of each parameter (empty with fewer than two complete trials).
    cancelled : bool
    seconds : float
    """

    params: TuneParams
    study_name: str
    storage: str | None
    trials: tuple[TrialRecord, ...]
    history: list[float | None]
    importances: dict[str, float]
    cancelled: bool = False
    seconds: float = field(default=float("nan"), compare=False)

    @property
    def counted(self) -> list[TrialRecord]:
        return [t for t in self.trials if t.state in COUNTED]

    @property
    def best(self) -> TrialRecord | None:
        complete = [t for t in self.trials if t.state == "COMPLETE"]
        return min(complete, key=lambda t: (t.value, t.number)) if complete else None

    def payload(self) -> dict[str, Any]:
        """What ``gasworks tune --json`` prints: ``{"sampler", "trials", "best": {"value",
        "params"}, "history"}``."""
        best = self.best
        return {
            "sampler": self.params.sampler,
            "trials": len(self.counted),
            "best": None if best is None else {"value": best.value, "params": best.params},
            "history": self.history,
        }


def _records(study) -> tuple[TrialRecord, ...]:
    out = []
    for t in study.get_trials(deepcopy=False):
        if t.state.name not in (*COUNTED, "PRUNED"):
            continue
        seconds = (t.datetime_complete - t.datetime_start).total_seconds() if (
            t.datetime_complete and t.datetime_start) else math.nan  # fmt: skip
        out.append(TrialRecord(t.number, t.state.name, t.value, dict(t.params),
                               t.user_attrs.get("val_accuracy"), seconds))  # fmt: skip
    return tuple(out)


def best_so_far(trials) -> list[float | None]:
    """The lowest value after each counted trial (None until one completes)."""
    best: float | None = None
    out: list[float | None] = []
    for t in trials:
        if t.state not in COUNTED:
            continue
        if t.state == "COMPLETE" and (best is None or t.value < best):
            best = t.value
        out.append(best)
    return out


def importances(study, seed: int) -> dict[str, float]:
    """fANOVA importances (over the parameters every complete trial has)."""
    import optuna

    complete = [t for t in study.get_trials(deepcopy=False)
                if t.state == optuna.trial.TrialState.COMPLETE]  # fmt: skip
    if len(complete) < 2:
        return {}
    evaluator = optuna.importance.FanovaImportanceEvaluator(seed=seed)
    try:
        found = optuna.importance.get_param_importances(study, evaluator=evaluator)
    except (RuntimeError, ValueError):
        return {}
    return {k: float(v) for k, v in found.items()}


class _Stop(Exception):
    """The callback asked to stop during a trial."""


def tune_recipe(
    source: str | None = DATASET,
    params: TuneParams | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    storage: str | None = None,
    study: str | None = None,
) -> TuneResult:
    """Run (or resume) a study: the recipe of the ``tune`` job.

    Parameters
    ----------
    source : 'digits'
    params : TuneParams, optional
    seed : int, optional
        Overrides ``params.seed``.
    callback : callable, optional
        Gets a :class:`TuneSnapshot` after each training epoch and before each trial;
        returning True stops the study (the trial under way is pruned; finished ones stay
        stored). An exception it raises (a studio's cancel) stops it the same way, then goes
        on; so does Ctrl-C.
    storage : str, optional
        optuna's RDB storage URL (``sqlite:///study.db``); in memory if None.
    study : str, optional
        The study's name (default ``digits-<space>``).

    Raises
    ------
    StorageError
        The storage cannot be opened or the study searches another space.
    """
    import optuna

    started = time.perf_counter()
    if source not in (DATASET, f"sample:{DATASET}", None):
        raise ParameterError(f"the searches run on {DATASET!r}, got {source!r}")
    params = TuneParams() if params is None else params
    if not isinstance(params, TuneParams):
        raise TypeError(f"params must be a TuneParams, got {type(params).__name__}")
    seed = check_seed(params.seed if seed is None else seed)
    params = params.model_copy(update={"seed": seed})
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # The storage is opened, used and closed in this thread (a studio's worker): none of
    # its connections reaches another thread, not even through the garbage collector.
    with opened_storage(storage) as opened:
        the_study = load_study(params, opened, storage, study)
        return _search(the_study, params, callback, storage, started)


def _search(the_study, params: TuneParams, callback, storage: str | None, started: float):
    """``tune_recipe``'s trials, until the study has ``params.trials`` counted ones or the
    callback stops it; the result."""
    import optuna

    from engines.trainers.datasets import load_dataset
    from engines.trainers.params import TrainerParams

    seed, space = params.seed, params.resolved_space
    data = load_dataset(DATASET)
    stopped = False
    raised: list[BaseException] = []

    def snapshot(epoch: int = 0) -> TuneSnapshot:
        records = _records(the_study)
        done = sum(t.state in COUNTED for t in records)
        history = np.array([np.nan if v is None else v for v in best_so_far(records)])
        return TuneSnapshot(iteration=min(done, params.trials), budget=params.trials,
                            error_history=history, done=done >= params.trials,
                            trials=records, epoch=epoch, epochs=params.epochs,
                            sampler=params.sampler, space=space)  # fmt: skip

    def objective(trial) -> float:
        from engines.core import run
        from engines.trainers.engine import Trainer

        fields = {**TRAINING, **suggest(trial, space), "epochs": params.epochs}
        trainer = Trainer(TrainerParams(**fields), data, seed=(seed + trial.number) % 2**32)

        def watch(snap) -> bool:
            try:
                return bool(callback(snapshot(snap.iteration)))
            except BaseException as exc:  # raised again once the trial is pruned
                raised.append(exc)
                return True

        run(trainer, params.epochs, watch if callback is not None else None)
        if not trainer.done:
            raise _Stop
        metrics = trainer.metrics
        trial.set_user_attr("val_accuracy", metrics.get("val_accuracy"))
        return float(metrics["val_loss"])

    def left() -> int:
        return params.trials - sum(t.state in COUNTED for t in _records(the_study))

    try:
        while left() > 0:
            if callback is not None and callback(snapshot()):
                stopped = True
                break
            trial = the_study.ask()
            try:
                value = objective(trial)
            except (_Stop, KeyboardInterrupt):
                the_study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                if raised:
                    raise raised[0] from None
                if sys.exc_info()[0] is KeyboardInterrupt:
                    raise
                stopped = True
                break
            except BaseException:
                the_study.tell(trial, state=optuna.trial.TrialState.FAIL)
                raise
            if math.isfinite(value):
                the_study.tell(trial, value)
            else:
                the_study.tell(trial, state=optuna.trial.TrialState.FAIL)
    finally:
        # An exception kept here refers to this frame through its traceback: the cycle
        # would leave the study (and its storage) to the garbage collector.
        raised.clear()
    records = _records(the_study)
    return TuneResult(
        params=params, study_name=the_study.study_name, storage=storage, trials=records,
        history=best_so_far(records), importances=importances(the_study, seed),
        cancelled=stopped, seconds=time.perf_counter() - started,
    )  # fmt: skip


# --------------------------------------------------------------------------- export
def trials_csv(result: TuneResult) -> str:
    names = sorted({k for t in result.trials for k in t.params})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["number", "state", "value", "val_accuracy", *names])
    for t in result.trials:
        writer.writerow([t.number, t.state, "" if t.value is None else repr(t.value),
                         "" if t.accuracy is None else repr(t.accuracy),
                         *(t.params.get(n, "") for n in names)])  # fmt: skip
    return out.getvalue()


def export_tuning(result: TuneResult, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write a study: ``.json`` (what ``gasworks tune --json`` prints), ``.csv`` (every
    trial) or ``.png`` (best so far, importances and slices)."""
    from engines.atomic import atomic_write_bytes, atomic_write_text, png_bytes

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return atomic_write_text(path, json.dumps(result.payload(), indent=2) + "\n",
                                 overwrite=overwrite)  # fmt: skip
    if suffix == ".csv":
        return atomic_write_text(path, trials_csv(result), overwrite=overwrite)
    if suffix == ".png":
        from engines.explorers.plots import tuning_image

        return atomic_write_bytes(path, png_bytes(tuning_image(result)), overwrite=overwrite)
    raise GasworksError(f"{path}: the file name must end in .json, .csv or .png")
