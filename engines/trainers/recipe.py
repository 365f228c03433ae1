"""The trainer jobs: :func:`train_recipe` (one method over one or more seeds) and
:func:`compare_recipe` (the spirals article's comparison), with their exports.

Both take the data set as ``source`` (a bundled name, ``sample:NAME`` or a ``.csv``/``.npy``
file) and ``params`` as a :class:`~engines.trainers.params.TrainerParams` or a preset whose
``engine`` is ``"trainer"`` (its ``input``, ``seed`` and ``epochs`` are then the defaults).
Run ``k`` of a job uses seed ``seed + k``; every run of a job sees the same split. The
callback receives :class:`~engines.trainers.engine.TrainerSnapshot` after each iteration or
epoch, with ``run``/``runs``/``label`` telling which run it is; returning True stops the job
(the run under way ends with ``stop_code == 'cancelled'``, the others are not started).

Exports, by the file's suffix: ``.json`` (the runs' figures, what ``gasworks train --json``
prints), ``.csv`` (every run's histories), ``.png`` (loss curves and, for 2-D data, decision
boundaries) and ``.pt`` (a trained network with what it needs to be used again:
:func:`~engines.trainers.network.load_network`).
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from engines.atomic import atomic_write_bytes, atomic_write_text
from engines.core import Callback, run
from engines.errors import ParameterError
from engines.trainers.datasets import Dataset, load_dataset
from engines.trainers.engine import Trainer, TrainerSnapshot
from engines.trainers.params import TrainerParams
from engines.validation import check_count, check_seed

if TYPE_CHECKING:
    from engines.presets import Preset

#: Validation accuracy from which a spirals run counts as solved (the issue's criterion).
SOLVED_ACCURACY = 0.95
#: Most seeds one job may run.
MAX_SEEDS = 1000
#: Export formats by suffix.
EXPORT_SUFFIXES = (".json", ".csv", ".png", ".pt")
DEFAULT_SOURCE = "spirals"


@dataclass(frozen=True)
class TrainRun:
    """One finished (or cancelled) run: its seed and last snapshot (weights, histories,
    metrics, stop code)."""

    seed: int
    snapshot: TrainerSnapshot
    label: str = ""

    @property
    def metrics(self) -> dict[str, float]:
        return dict(self.snapshot.metrics)

    @property
    def solved(self) -> bool:
        """Validation accuracy ≥ :data:`SOLVED_ACCURACY` (classification only)."""
        return self.snapshot.metrics.get("val_accuracy", 0.0) >= SOLVED_ACCURACY

    def figures(self) -> dict[str, Any]:
        """``{"seed", "seconds", "iterations", "train_loss", "val_accuracy" or "val_rmse",
        "stopped"}``: what ``gasworks train --json`` prints for a run."""
        snap, m = self.snapshot, self.snapshot.metrics
        metric = "val_accuracy" if snap.task == "classification" else "val_rmse"
        return {"seed": self.seed, "seconds": round(snap.seconds, 4), "iterations": snap.iteration,
                "train_loss": m["train_loss"], metric: m[metric],
                "stopped": snap.stop_code}  # fmt: skip


@dataclass(frozen=True)
class TrainResult:
    """The runs of one method on one data set."""

    dataset: Dataset
    params: TrainerParams
    runs: tuple[TrainRun, ...]
    label: str = ""
    cancelled: bool = False

    @property
    def method(self) -> str:
        return self.params.method

    def payload(self) -> dict[str, Any]:
        """``{"dataset", "method", "runs": [...]}`` (:meth:`TrainRun.figures` per run)."""
        return {"dataset": self.dataset.name, "method": self.method,
                "runs": [r.figures() for r in self.runs]}  # fmt: skip

    def report(self, run: int = 0) -> dict[str, Any]:
        """The validation figures of run ``run``'s network: scikit-learn's classification
        report (per class precision, recall, f1-score and support, and the averages) with
        the confusion matrix, or regression figures in the target's units (RMSE, MAE, R²,
        the tutorial's RMSLE, unrounded and of predictions rounded to 0.1 on the scaled
        axis as the Boston tutorial does; ``expected`` and ``predicted`` hold the validation
        targets and predictions). ``text`` is the report as printed."""
        from engines.trainers.datasets import rmsle
        from engines.trainers.engine import _classes
        from engines.trainers.network import numpy_predict

        chosen, data = _run_of(self, run), self.dataset
        snap = chosen.snapshot
        out = numpy_predict(snap.spec, snap.parameters, data.x_val)
        if data.is_classification:
            from sklearn.metrics import classification_report, confusion_matrix

            labels = list(range(len(data.class_names)))
            predicted = _classes(out)
            kwargs = dict(labels=labels, target_names=list(data.class_names), zero_division=0)
            table = classification_report(data.target_val, predicted, output_dict=True, **kwargs)
            text = classification_report(data.target_val, predicted, digits=3, **kwargs)
            matrix = confusion_matrix(data.target_val, predicted, labels=labels)
            accuracy = float(np.mean(predicted == data.target_val))
            return {"seed": chosen.seed, "classes": table, "confusion": matrix.tolist(),
                    "accuracy": accuracy, "text": text}  # fmt: skip
        predicted, expected = data.inverse_target(out), data.target_val
        rounded = data.inverse_target(np.round(out, 1))
        total = float(np.sum((expected - expected.mean()) ** 2))
        figures = {
            "seed": chosen.seed,
            "rmse": float(np.sqrt(np.mean((predicted - expected) ** 2))),
            "mae": float(np.mean(np.abs(predicted - expected))),
            "r2": 1.0 - float(np.sum((expected - predicted) ** 2)) / total if total else math.nan,
            "rmsle": rmsle(expected, np.maximum(predicted, -1.0)),
            "rmsle_rounded": rmsle(expected, np.maximum(rounded, -1.0)),
        }
        figures["text"] = "\n".join(f"{k:>14s}  {v:.4f}" for k, v in figures.items()
                                    if k != "seed")  # fmt: skip
        figures["expected"], figures["predicted"] = expected, predicted  # for a view's scatter
        return figures

    def summary(self) -> dict[str, Any]:
        """Counts and means over the runs (solved = validation accuracy ≥ 95 %)."""
        runs = self.runs
        out: dict[str, Any] = {"label": self.label or self.method, "method": self.method,
                               "runs": len(runs)}  # fmt: skip
        if not runs:
            return out
        out["mean_seconds"] = float(np.mean([r.snapshot.seconds for r in runs]))
        out["median_iterations"] = float(np.median([r.snapshot.iteration for r in runs]))
        if self.dataset.is_classification:
            out["solved"] = sum(r.solved for r in runs)
            out["mean_val_accuracy"] = float(np.mean([r.metrics["val_accuracy"] for r in runs]))
        else:
            out["mean_val_rmse"] = float(np.mean([r.metrics["val_rmse"] for r in runs]))
            out["mean_val_rmsle"] = float(np.mean([r.metrics["val_rmsle"] for r in runs]))
        return out


@dataclass(frozen=True)
class Comparison:
    """Several methods (variants) over the same seeds and initial weights."""

    results: tuple[TrainResult, ...]
    seeds: tuple[int, ...]
    cancelled: bool = False

    @property
    def dataset(self) -> Dataset:
        return self.results[0].dataset

    def payload(self) -> dict[str, Any]:
        return {"dataset": self.dataset.name, "seeds": list(self.seeds),
                "comparison": [{**r.summary(), "runs": [x.figures() for x in r.runs]}
                               for r in self.results]}  # fmt: skip

    def table(self) -> list[dict[str, Any]]:
        """One row per variant: :meth:`TrainResult.summary`."""
        return [r.summary() for r in self.results]


# --------------------------------------------------------------------------- recipes
def _resolve(source, params, seed, epochs) -> tuple[str, TrainerParams, int, int | None]:
    """(source, TrainerParams, first seed, epochs override) from a params record or preset."""
    preset_epochs = None
    if params is None:
        params = TrainerParams()
    elif not isinstance(params, TrainerParams):  # a Preset
        if getattr(params, "engine", None) != "trainer":
            raise ParameterError(
                f"params must be TrainerParams or a preset for engine 'trainer', got "
                f"{type(params).__name__} for engine {getattr(params, 'engine', None)!r}"
            )
        source = source if source is not None else params.input
        seed = params.seed if seed is None else seed
        preset_epochs = params.epochs
        params = params.engine_params
    seed = check_seed(0 if seed is None else seed)
    if epochs is not None:
        epochs = check_count(epochs, "epochs", minimum=1, maximum=1_000_000)
    return (DEFAULT_SOURCE if source is None else str(source)), params, seed, epochs or \
        preset_epochs  # fmt: skip


def _train_runs(data: Dataset, params: TrainerParams, seeds: list[int], *, label: str,
                callback: Callback | None, offset: int,
                total: int) -> tuple[list[TrainRun], bool]:  # fmt: skip
    runs: list[TrainRun] = []
    for k, seed in enumerate(seeds):
        trainer = Trainer(params, data, seed=seed)
        tag = {"run": offset + k, "runs": total, "label": label}
        watch = None
        if callback is not None:
            watch = lambda snap, tag=tag: callback(dataclasses.replace(snap, **tag))  # noqa: E731
        snap = run(trainer, params.epochs, watch)
        cancelled = not trainer.done
        if cancelled:
            trainer.stop("cancelled")
            snap = dataclasses.replace(trainer.snapshot(), budget=snap.budget)
        runs.append(TrainRun(seed, dataclasses.replace(snap, **tag), label))
        if cancelled:
            return runs, True
    return runs, False


def train_recipe(
    source: str | Path | None,
    params: TrainerParams | Preset | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    seeds: int = 1,
    epochs: int | None = None,
    method: str | None = None,
    loaded: Callable[[Dataset], None] | None = None,
) -> TrainResult:
    """Train one method on a data set over ``seeds`` seeds: what ``gasworks train`` and the
    studio run.

    Parameters
    ----------
    source : str or Path or None
        A bundled data set (spirals, digits, diabetes, moons, xor; ``sample:NAME`` too) or a
        ``.csv``/``.npy`` file; None takes the preset's ``input``, else the spirals.
    params : TrainerParams or Preset, optional
        The method, network and data settings (a preset for engine 'trainer').
    seed : int, optional
        The first run's seed (default: the preset's, else 0); run k uses ``seed + k``.
    seeds : int
        How many runs, 1 to 1000.
    epochs, method : optional
        Override ``params.epochs`` (or the preset's ``epochs``) and ``params.method``.
    loaded : callable, optional
        Called with the :class:`~engines.trainers.datasets.Dataset` once it is loaded,
        before training (a view draws the data with it).

    Raises
    ------
    InputError
        The data cannot be read or does not suit the network.
    ParameterError
        A bad seed, count or method.
    """
    source, params, first, epochs = _resolve(source, params, seed, epochs)
    seeds = check_count(seeds, "seeds", minimum=1, maximum=MAX_SEEDS)
    if first + seeds - 1 > 2**32 - 1:
        raise ParameterError(f"seeds run from {first} to {first + seeds - 1}, past 2**32 - 1")
    update: dict[str, Any] = {}
    if epochs is not None:
        update["epochs"] = epochs
    if method is not None:
        update["method"] = method
    if update:
        params = TrainerParams.model_validate({**params.model_dump(), **update})
    data = load_dataset(source, params.data)
    if loaded is not None:
        loaded(data)
    runs, cancelled = _train_runs(data, params, list(range(first, first + seeds)),
                                  label=params.method, callback=callback, offset=0,
                                  total=seeds)  # fmt: skip
    return TrainResult(data, params, tuple(runs), params.method, cancelled)


#: The spirals article's comparison: (label, changes to the base params). The same network
#: and initial weights (the base's hidden/activation/output/loss/init) for every variant.
#: As in the article, LM works on the raw inputs with no validation stop (its scipy LM had
#: none), Adam (Keras) on the scaled inputs with early stopping (patience 500, best weights
#: restored) over at most 10,000 epochs; the third variant is Adam without early stopping
#: on the raw inputs.
ARTICLE_VARIANTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("LM (trainlm μ rule), raw inputs",
     {"method": "lm", "max_fail": 0, "data": {"scaling": "none"}}),
    ("Adam 1e-3, scaled inputs, early stopping (patience 500)",
     {"method": "adam", "learning_rate": 1e-3, "patience": 500, "epochs": 10_000,
      "data": {"scaling": "article"}}),
    ("Adam 1e-3, raw inputs, no early stopping",
     {"method": "adam", "learning_rate": 1e-3, "patience": 0, "epochs": 10_000,
      "data": {"scaling": "none"}}),
)  # fmt: skip


def variant_params(base: TrainerParams, changes: dict[str, Any],
                   epochs: int | None = None) -> TrainerParams:  # fmt: skip
    """``base`` with a variant's changes (nested for ``data``) and an epochs override."""
    table = base.model_dump()
    for key, value in changes.items():
        table[key] = {**table[key], **value} if key == "data" else value
    if epochs is not None:
        table["epochs"] = epochs
    return TrainerParams.model_validate(table)


def compare_recipe(
    source: str | Path | None = None,
    params: TrainerParams | Preset | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    seeds: int = 10,
    epochs: int | None = None,
    variants: tuple[tuple[str, dict[str, Any]], ...] = ARTICLE_VARIANTS,
    loaded: Callable[[Dataset], None] | None = None,
) -> Comparison:
    """The spirals article's comparison: LM against Adam with the article's early stopping
    and Adam without it, from the same initial weights, over ``seeds`` seeds.

    ``params`` gives the network and the LM settings (default: the article's 2-25-2
    sigmoid/softmax network, SSE, uniform ±0.1); each variant changes the method, inputs
    and stopping (:data:`ARTICLE_VARIANTS`). ``epochs`` overrides every variant's budget
    (for a quick look). ``loaded`` is called with the first variant's data set.
    """
    source, base, first, epochs = _resolve(source, params, seed, epochs)
    seeds = check_count(seeds, "seeds", minimum=1, maximum=MAX_SEEDS)
    if first + seeds - 1 > 2**32 - 1:
        raise ParameterError(f"seeds run from {first} to {first + seeds - 1}, past 2**32 - 1")
    seed_list = list(range(first, first + seeds))
    total = seeds * len(variants)
    results = []
    cancelled = False
    for i, (label, changes) in enumerate(variants):
        params_i = variant_params(base, changes, epochs)
        data = load_dataset(source, params_i.data)
        if loaded is not None and i == 0:
            loaded(data)
        runs, cancelled = _train_runs(data, params_i, seed_list, label=label, callback=callback,
                                      offset=i * seeds, total=total)  # fmt: skip
        results.append(TrainResult(data, params_i, tuple(runs), label, cancelled))
        if cancelled:
            break
    return Comparison(tuple(results), tuple(seed_list), cancelled)


# --------------------------------------------------------------------------- exports
def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ValueError(f"{path}: the output must end in {', '.join(EXPORT_SUFFIXES)}, got "
                         f"{suffix or 'no suffix'!r}")  # fmt: skip
    return suffix


def _float(value: float) -> str:
    return "" if math.isnan(value) else repr(float(value))


def histories_csv(results: tuple[TrainResult, ...]) -> str:
    """Every run's histories, one row per iteration: label, seed, iteration, train_loss,
    val_loss, the validation metric, mu and learning_rate (empty where a method has none)."""
    buffer = io.StringIO()
    buffer.write("label,method,seed,iteration,train_loss,val_loss,metric,value,mu,learning_rate\n")
    for result in results:
        for r in result.runs:
            s = r.snapshot
            for i in range(s.iteration):
                buffer.write(",".join([
                    result.label or result.method, result.method, str(r.seed), str(i + 1),
                    _float(s.error_history[i]), _float(s.val_loss_history[i]), s.metric_name,
                    _float(s.metric_history[i]), _float(s.mu_history[i]),
                    _float(s.lr_history[i]),
                ]) + "\n")  # fmt: skip
    return buffer.getvalue()


def _run_of(result: TrainResult, run_index: int | None) -> TrainRun:
    if not result.runs:
        raise ValueError("the job has no run to save")
    index = 0 if run_index is None else run_index
    if not 0 <= index < len(result.runs):
        raise ValueError(f"run {index} does not exist; the job has {len(result.runs)} run(s)")
    return result.runs[index]


def export_training(result: TrainResult, path: str | Path, *, overwrite: bool = True,
                    run: int | None = None, dpi: int = 110) -> Path:  # fmt: skip
    """Write ``result`` by the suffix of ``path``: .json (:meth:`TrainResult.payload`),
    .csv (histories), .png (loss curves and the decision boundary or metric of ``run``,
    the first by default) or .pt (the network of ``run``, the first by default)."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".json":
        return atomic_write_text(path, json.dumps(result.payload(), indent=2) + "\n",
                                 overwrite=overwrite)  # fmt: skip
    if suffix == ".csv":
        return atomic_write_text(path, histories_csv((result,)), overwrite=overwrite)
    if suffix == ".pt":
        from engines.trainers.network import network_bytes

        chosen = _run_of(result, run)
        data = network_bytes(chosen.snapshot, result.dataset, result.params)
        return atomic_write_bytes(path, data, overwrite=overwrite)
    from engines.trainers import plots

    figure = plots.training_figure(result, run=0 if run is None else run)
    return atomic_write_bytes(path, plots.png_bytes(figure, dpi=dpi), overwrite=overwrite)


def export_comparison(comparison: Comparison, path: str | Path, *, overwrite: bool = True,
                      dpi: int = 110) -> Path:  # fmt: skip
    """Write a comparison: .json (:meth:`Comparison.payload`), .csv (every run's
    histories), .png (each variant's loss curves above its first seed's decision boundary).
    A network is saved from a training job, not a comparison (.pt is refused)."""
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".json":
        return atomic_write_text(path, json.dumps(comparison.payload(), indent=2) + "\n",
                                 overwrite=overwrite)  # fmt: skip
    if suffix == ".csv":
        return atomic_write_text(path, histories_csv(comparison.results), overwrite=overwrite)
    if suffix == ".pt":
        raise ValueError(f"{path}: a comparison saves no network; train one method to save it")
    from engines.trainers import plots

    figure = plots.comparison_figure(comparison)
    return atomic_write_bytes(path, plots.png_bytes(figure, dpi=dpi), overwrite=overwrite)


def warm_up() -> None:
    """Import torch and run one LM iteration and one Adam epoch on XOR (torch.func's
    transforms are slow the first time they run)."""
    data = load_dataset("xor")
    for method in ("lm", "adam"):
        Trainer(TrainerParams(method=method, hidden=(2,), epochs=1), data, seed=0).step(1)
