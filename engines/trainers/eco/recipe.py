"""The ``eco`` job: train every method over several seeds and measure each network.

:func:`eco_recipe` trains, for each method of :data:`~engines.trainers.eco.params.METHODS`
(plain training, ECO with the params' objective, de-learning, schedule and stabilisers,
Outlier Exposure, double backprop), ``params.seeds`` networks with seeds ``seed``,
``seed + 1``... on the same split, and measures each
(:func:`engines.trainers.eco.measure.figures`) against the same out-of-distribution sets
(drawn from ``seed``; for three or more classes one class is held out of training). The
callback receives :class:`~engines.trainers.eco.engine.EcoSnapshot` with ``run``/``runs`` and
``label`` (the method) set; returning True cancels (the runs done are kept).

:meth:`EcoResult.payload` is what ``gasworks eco --json`` prints; :func:`export_eco` writes it
(.json) or a figure (.png).
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engines.atomic import atomic_write_bytes, atomic_write_text
from engines.core import Callback, run
from engines.errors import ParameterError
from engines.trainers.datasets import Dataset, load_dataset
from engines.trainers.eco import measure
from engines.trainers.eco.engine import EcoSnapshot, EcoTrainer
from engines.trainers.eco.params import METHODS, EcoParams
from engines.validation import check_seed

DEFAULT_SOURCE = "moons"
#: The figures of the table, in its order (each with its sd).
FIGURES = ("accuracy", "auroc", "fpr95", "noise_confidence", "collapse_rate")
EXPORT_SUFFIXES = (".json", ".png")
#: Offset between the job's seed and the seed of its out-of-distribution sets.
OOD_SEED_OFFSET = 7919


@dataclass(frozen=True)
class EcoRun:
    """One trained network: its method, seed, figures and last snapshot."""

    method: str
    seed: int
    figures: dict[str, float]
    snapshot: EcoSnapshot
    seconds: float


@dataclass(frozen=True)
class EcoResult:
    """Every run of an ``eco`` job.

    Attributes
    ----------
    dataset : Dataset
        The data trained on (without the held-out class, if any).
    params : EcoParams
    seed : int
        The first run's seed.
    runs : tuple of EcoRun
        In the order trained: each method's seeds in turn.
    ood : dict of name → (M, D) ndarray
        The out-of-distribution sets every run was measured on.
    cancelled : bool
    """

    dataset: Dataset
    params: EcoParams
    seed: int
    runs: tuple[EcoRun, ...]
    ood: dict[str, np.ndarray]
    cancelled: bool = False

    def runs_of(self, method: str) -> tuple[EcoRun, ...]:
        return tuple(r for r in self.runs if r.method == method)

    def methods(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.method for r in self.runs))

    def summary(self, method: str) -> dict[str, Any]:
        """Means over the method's runs, ``sd`` holding each figure's standard deviation
        (ddof 1; 0 for one run), and the AUROC of each out set."""
        runs = self.runs_of(method)
        table = {k: [r.figures[k] for r in runs] for k in runs[0].figures} if runs else {}
        table["collapse_rate"] = table.pop("collapsed", [])
        out: dict[str, Any] = {}
        sd: dict[str, float] = {}
        for name, values in table.items():
            values = np.asarray(values, dtype=np.float64)
            out[name] = float(values.mean()) if values.size else math.nan
            sd[name] = float(values.std(ddof=1)) if values.size > 1 else 0.0
        out["sd"] = sd
        return out

    def payload(self) -> dict[str, Any]:
        """``{"dataset", "methods": {method: {figure: mean, ..., "sd": {figure: sd}}}}`` with
        the figures of :data:`FIGURES` (what ``gasworks eco --json`` prints)."""
        methods = {}
        for method in self.methods():
            s = self.summary(method)
            entry = {k: s[k] for k in FIGURES}
            entry["sd"] = {k: s["sd"][k] for k in FIGURES}
            methods[method] = entry
        return {"dataset": self.dataset.name, "methods": methods}

    def table(self) -> list[dict[str, Any]]:
        """One row per method: the means and sds of every figure (the per-set AUROCs too),
        the recoveries and the seconds per run."""
        rows = []
        for method in self.methods():
            s = self.summary(method)
            runs = self.runs_of(method)
            s["method"] = method
            s["runs"] = len(runs)
            s["recoveries"] = int(sum(r.snapshot.recoveries for r in runs))
            s["seconds"] = float(np.mean([r.seconds for r in runs]))
            rows.append(s)
        return rows

    def lines(self) -> list[str]:
        """The table as text: one line per method, means ± sd, collapse rate, seconds."""
        out = [f"{'method':<17} {'accuracy':>15} {'AUROC':>15} {'FPR@95':>15} "
               f"{'noise conf.':>15} {'collapse':>8} {'s/run':>6}"]  # fmt: skip
        for row in self.table():
            sd = row["sd"]
            cells = [f"{row[k]:.3f} ± {sd[k]:.3f}"
                     for k in ("accuracy", "auroc", "fpr95", "noise_confidence")]  # fmt: skip
            out.append(f"{row['method']:<17} " + " ".join(f"{c:>15}" for c in cells)
                       + f" {row['collapse_rate']:>8.2f} {row['seconds']:>6.2f}")  # fmt: skip
        return out


def _labelled(callback: Callback | None, label: str, index: int, total: int):
    if callback is None:
        return None

    def report(snapshot):
        return callback(dataclasses.replace(snapshot, run=index, runs=total, label=label))

    return report


def eco_recipe(source: str | Path | None = DEFAULT_SOURCE, params: EcoParams | None = None, *,
               seed: int | None = None, callback: Callback | None = None,
               methods: tuple[str, ...] = METHODS) -> EcoResult:  # fmt: skip
    """Train and measure ``methods`` on ``source`` over ``params.seeds`` seeds (module
    docstring).

    Raises
    ------
    ParameterError
        A ReLU network, an unknown method, a bad seed, a held-out class the data lacks.
    InputError
        An unknown data set or a file that cannot be read.
    """
    params = params if params is not None else EcoParams()
    if not isinstance(params, EcoParams):
        raise TypeError(f"params must be EcoParams, got {type(params).__name__}")
    first = check_seed(0 if seed is None else seed)
    if first + params.seeds - 1 > 2**32 - 1:
        raise ParameterError(
            f"seeds run from {first} to {first + params.seeds - 1}, past 2**32 - 1"
        )
    for method in methods:
        if method not in METHODS:
            raise ParameterError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    full = load_dataset(source or DEFAULT_SOURCE, params.data)
    if not full.is_classification:
        raise ParameterError(f"{full.name} is a regression; ECO measures classifiers")
    try:
        data, held = measure.held_out_split(full, params.held_out)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    ood = measure.ood_sets(data, held, rows=params.ood_rows, margin=params.noise_margin,
                           radius=params.far_radius, seed=first + OOD_SEED_OFFSET)  # fmt: skip
    total = len(methods) * params.seeds
    runs: list[EcoRun] = []
    cancelled = False
    for m, method in enumerate(methods):
        for k in range(params.seeds):
            index = m * params.seeds + k
            trainer = EcoTrainer(params, data, seed=first + k, method=method)
            t0 = time.perf_counter()
            report = _labelled(callback, method, index, total)
            snapshot = run(trainer, params.epochs, report)
            seconds = time.perf_counter() - t0
            if not snapshot.done:
                trainer.stop()
                cancelled = True
                break
            snapshot = dataclasses.replace(snapshot, run=index, runs=total, label=method)
            runs.append(EcoRun(method, first + k, trainer.measure(ood), snapshot, seconds))
        if cancelled:
            break
    return EcoResult(data, params, first, tuple(runs), ood, cancelled)


# --------------------------------------------------------------------------- exports
def export_eco(result: EcoResult, path: str | Path, *, overwrite: bool = True,
               dpi: int = 110) -> Path:  # fmt: skip
    """Write ``result`` by the suffix of ``path``: .json (:meth:`EcoResult.payload`) or .png
    (:func:`engines.trainers.eco.plots.eco_figure`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ValueError(f"{path}: the output must end in {', '.join(EXPORT_SUFFIXES)}, got "
                         f"{suffix or 'no suffix'!r}")  # fmt: skip
    if suffix == ".json":
        return atomic_write_text(path, json.dumps(result.payload(), indent=2) + "\n",
                                 overwrite=overwrite)  # fmt: skip
    from engines.trainers import plots
    from engines.trainers.eco.plots import eco_figure

    return atomic_write_bytes(path, plots.png_bytes(eco_figure(result), dpi=dpi),
                              overwrite=overwrite)  # fmt: skip


def warm_up() -> None:
    """Import torch and run one epoch of each method on XOR (torch.func's transforms are
    slow the first time they run)."""
    data = load_dataset("xor")
    params = EcoParams(epochs=1, hidden=(2,), seeds=1)
    for method in METHODS:
        EcoTrainer(params, data, seed=0, method=method).step(1)
