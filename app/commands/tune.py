"""``gasworks tune``: hyperparameter searches on digits with optuna's samplers.

Exit codes: 0 done; 2 usage error (a storage URL that cannot be opened, a stored study that
searches another space, a bad output path); nothing in the storage is changed then.
"""

from __future__ import annotations

import sys

import click

from app.commands.common import (
    check_output,
    choice_of,
    default_of,
    emit_json,
    fail_usage,
    json_option,
    output_option,
    range_of,
    seed_option,
    writing,
)
from engines.explorers.params import TuneParams

#: Intra-op threads torch uses in this process: each trial is a small network, and parallel
#: studies scale out with processes (one per core) sharing a storage.
TORCH_THREADS = 1


@click.command()
@click.argument("dataset", type=click.Choice(["digits"]))
@click.option("--sampler", type=choice_of(TuneParams, "sampler"),
              default=default_of(TuneParams, "sampler"), show_default=True,
              help="tpe, gp (a Gaussian process) or random search (the baseline).")  # fmt: skip
@click.option("--space", type=choice_of(TuneParams, "space"),
              default=default_of(TuneParams, "space"), show_default=True,
              help="units: one layer's hidden units; tree: layers, units, activation, batch "
                   "and step size; auto: units for gp, tree for the others.")  # fmt: skip
@click.option("--trials", type=range_of(TuneParams, "trials"),
              default=default_of(TuneParams, "trials"), show_default=True,
              help="Finished trials the study ends with (resumed: the rest).")  # fmt: skip
@click.option("--epochs", type=range_of(TuneParams, "epochs"),
              default=default_of(TuneParams, "epochs"), show_default=True,
              help="Training epochs of each trial.")  # fmt: skip
@click.option("--storage", default=None, metavar="URL",
              help="optuna's RDB storage, e.g. sqlite:///study.db: the study is kept there "
                   "and resumed; several processes on one URL tune in parallel.")  # fmt: skip
@click.option("--study", "study_name", default=None, metavar="NAME",
              help="The study's name in the storage (default: digits-SPACE).")  # fmt: skip
@seed_option("Seed of the sampler and of each trial's training (seed + trial number).",
             default=default_of(TuneParams, "seed"), show_default=True)  # fmt: skip
@output_option("Write the best-so-far curve, importances and slices (.png), the trials "
               "(.csv) or the JSON (.json).", metavar="FILE")  # fmt: skip
@json_option('Print {"sampler", "trials", "best": {"value", "params"}, "history"}.')
def tune(dataset, sampler, space, trials, epochs, storage, study_name, seed, output, as_json):
    """Search DATASET's network hyperparameters with optuna (digits: the seed's MNIST
    searches, offline). Each trial trains a network and scores its validation
    cross-entropy; the best so far is printed after each."""
    import torch

    from engines.explorers.tuning import StorageError, export_tuning, tune_recipe

    check_output(output)
    if output is not None and output.suffix.lower() not in (".png", ".csv", ".json"):
        fail_usage(f"{output}: the file name must end in .png, .csv or .json")
    threads = torch.get_num_threads()
    torch.set_num_threads(TORCH_THREADS)
    params = TuneParams(sampler=sampler, space=space, trials=trials, epochs=epochs, seed=seed)
    shown = [0]

    def report(snapshot) -> bool:
        if as_json:
            return False
        for t in snapshot.trials[shown[0] :]:
            if t.state == "PRUNED":
                continue
            value = "failed" if t.value is None else f"{t.value:.4f}"
            accuracy = "" if t.accuracy is None else f" (accuracy {t.accuracy:.3f})"
            best = snapshot.error_history[-1] if len(snapshot.error_history) else float("nan")
            click.echo(f"trial {t.number:>3}: {value}{accuracy}  best {best:.4f}  {t.params}",
                       err=False)  # fmt: skip
        shown[0] = len(snapshot.trials)
        return False

    try:
        result = tune_recipe(dataset, params, callback=report, storage=storage,
                             study=study_name)  # fmt: skip
    except StorageError as exc:
        fail_usage(str(exc))
        return
    except KeyboardInterrupt:
        click.echo("Stopped: the finished trials are kept in the storage.", err=True)
        sys.exit(130)
    finally:
        torch.set_num_threads(threads)
    if output is not None:
        with writing(output):
            export_tuning(result, output)
    if as_json:
        emit_json(result.payload())
        return
    report_final(result)


def report_final(result) -> None:
    best = result.best
    where = result.storage or "memory"
    p = result.params
    click.echo(f"study {result.study_name!r} in {where}: {len(result.counted)} trials, "
               f"sampler {p.sampler}, space {p.resolved_space}")  # fmt: skip
    if best is None:
        click.echo("no trial completed")
        return
    accuracy = "" if best.accuracy is None else f", validation accuracy {best.accuracy:.3f}"
    click.echo(f"best: trial {best.number}, validation cross-entropy {best.value:.4f}"
               f"{accuracy}: {best.params}")  # fmt: skip
    if result.importances:
        click.echo("importance: " + ", ".join(f"{k} {v:.2f}" for k, v in
                                              result.importances.items()))  # fmt: skip
