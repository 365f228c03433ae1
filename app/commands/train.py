"""``gasworks train``: Levenberg-Marquardt and the first-order methods on a data set.

Exit codes: 0 done; 2 usage, preset or data error (an unknown data set or method, a bad CSV
row, an output that cannot be written or exists without ``--force``).

This module imports click and the params record only (their choices and bounds make the
options); torch loads when a command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.commands.common import (
    check_output,
    choice_of,
    emit_json,
    fail_usage,
    force_option,
    json_option,
    output_option,
    preset_options,
    range_of,
    seed_option,
    writing,
)
from engines.trainers.params import TrainerParams

#: The tutorial preset a bundled data set uses when no -p is given.
DATASET_PRESETS = {"spirals": "train-spirals-lm", "digits": "train-digits",
                   "diabetes": "train-diabetes"}  # fmt: skip
OUTPUT_SUFFIXES = (".png", ".json", ".csv")
MAX_SEEDS = 1000
MAX_THREADS = 256
COMPARE_SEEDS = 10


def _hidden(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    try:
        sizes = [int(v) for v in value.replace(" ", "").split(",") if v]
    except ValueError:
        raise click.BadParameter(f"give layer sizes like 25 or 500,300, got {value!r}") from None
    if not sizes:
        raise click.BadParameter("give at least one layer size")
    return sizes


def _preset(name: str | None, overrides: list[str]):
    """The preset (or a bare trainer table) with overrides, validated; exit 2 on problems."""
    from engines.errors import PresetError
    from engines.presets import apply_overrides, read_preset_table, validate_preset

    try:
        table = dict(read_preset_table(name)) if name else {"name": "command-line"}
        table.setdefault("engine", "trainer")
        preset = validate_preset(apply_overrides(table, overrides), origin=name or "--set")
    except PresetError as exc:
        fail_usage(str(exc))
    if preset.engine != "trainer":
        fail_usage(f"preset {preset.name!r} is for engine {preset.engine!r}, not 'trainer'")
    return preset


def _check_outputs(output: Path | None, save: Path | None, force: bool, compare: bool) -> None:
    for path in (output, save):
        check_output(path, force=force)
    if output is not None and output.suffix.lower() not in OUTPUT_SUFFIXES:
        fail_usage(f"-o/--output: {output}: the file name must end in .png, .json or .csv")
    if save is not None:
        if compare:
            fail_usage("--save keeps one trained network; it does not go with --compare")
        if save.suffix.lower() != ".pt":
            fail_usage(f"--save: {save}: the file name must end in .pt")


def _run_line(run, task: str) -> str:
    s, m = run.snapshot, run.snapshot.metrics
    unit = "iterations" if s.method == "lm" else "epochs"
    if task == "classification":
        score = f"validation accuracy {100 * m['val_accuracy']:.1f} %"
    else:
        score = f"validation RMSE {m['val_rmse']:.4g}, RMSLE {m['val_rmsle']:.4f}"
    label = f"{run.label}: " if run.label and run.label != s.method else ""
    return (
        f"{label}seed {run.seed}: {s.seconds:.2f} s, {s.iteration} {unit}, train loss "
        f"{m['train_loss']:.6g}, {score}, stopped: {s.stop_code} ({s.stop_reason})"
    )


@click.command()
@click.argument("dataset", required=False, metavar="[DATASET]")
@click.option("--data", "data_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE", help="A .csv or .npy file to train on.")  # fmt: skip
@click.option("--target", default=None, metavar="COLUMN",
              help="The file's target column: a header name or a 0-based index (default: the "
              "last column).")  # fmt: skip
@preset_options
@click.option("--method", type=choice_of(TrainerParams, "method"), default=None,
              help="Levenberg-Marquardt (lm) or a first-order method (default: the preset's, "
              "else lm).")  # fmt: skip
@click.option("--hidden", default=None, metavar="N[,N...]", callback=_hidden,
              help="Hidden layer sizes (default: the preset's, else 25).")  # fmt: skip
@click.option("--epochs", type=range_of(TrainerParams, "epochs"), default=None,
              help="Most LM iterations or first-order epochs (default: the preset's).")  # fmt: skip
@click.option("--seeds", type=click.IntRange(1, MAX_SEEDS), default=None,
              help=f"Runs, from --seed on (default 1; {COMPARE_SEEDS} with "
              "--compare).")  # fmt: skip
@seed_option("The first run's seed; run k uses seed + k (default: the preset's).")
@output_option("Loss curves and decision boundaries (.png), the runs (.json) or every run's "
               "histories (.csv).", metavar="OUT.png|OUT.json|OUT.csv",
               old=("--plot",))  # fmt: skip
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="NET.pt", help="Save the first run's trained network.")  # fmt: skip
@click.option("--compare", is_flag=True,
              help="The spirals article's comparison: LM against Adam with the article's early "
              "stopping and Adam without it, from the same initial weights.")  # fmt: skip
@click.option("--threads", type=click.IntRange(1, MAX_THREADS), default=1, show_default=True,
              help="torch threads: one is fastest for the tutorials' small networks (and on a "
              "busy machine); more help wide layers.")  # fmt: skip
@force_option("Overwrite existing outputs.")
@json_option('Print {"dataset", "method", "runs": [{"seed", "seconds", "iterations", '
             '"train_loss", "val_accuracy" or "val_rmse", "stopped"}]}.')  # fmt: skip
def train(dataset, data_file, target, preset_name, overrides, method, hidden, epochs, seeds, seed,
          output, save, compare, threads, force, as_json):  # fmt: skip
    """Train a network on DATASET (spirals, digits, diabetes, moons, xor) or on --data FILE
    with Levenberg-Marquardt or a first-order method, over one or more seeds.

    Prints, per seed: seconds, iterations, the final training loss, the validation accuracy
    (classes) or RMSE and RMSLE (regression), and why the run stopped. Without -p, spirals,
    digits and diabetes use their tutorial's preset (train-spirals-lm, train-digits,
    train-diabetes).
    """
    import torch

    from engines.errors import GasworksError
    from engines.trainers import recipe
    from engines.trainers.datasets import dataset_name

    torch.set_num_threads(threads)

    if dataset and data_file:
        fail_usage("give DATASET or --data FILE, not both")
    source = str(data_file) if data_file else dataset
    _check_outputs(output, save, force, compare)
    name = preset_name
    if name is None and source is not None:
        name = DATASET_PRESETS.get(dataset_name(source) or "")
    extra = list(overrides)
    if target is not None:
        extra.append(f'engine_params.data.target="{target}"')
    if hidden is not None:
        extra.append(f"engine_params.hidden={hidden}")
    if method is not None:
        extra.append(f'engine_params.method="{method}"')
    preset = _preset(name, extra)
    source = source or preset.input
    if source is None:
        fail_usage("give DATASET (spirals, digits, diabetes, moons, xor) or --data FILE")
    count = seeds or (COMPARE_SEEDS if compare else 1)
    task = {}

    def progress(snapshot) -> None:
        if snapshot.done and not as_json:
            line = _run_line(recipe.TrainRun(snapshot.seed, snapshot, snapshot.label),
                             task.get("task", snapshot.task))  # fmt: skip
            click.echo(line)
            sys.stdout.flush()

    def loaded(data) -> None:
        task["task"] = data.task

    try:
        if compare:
            result = recipe.compare_recipe(source, preset, seed=seed, seeds=count, epochs=epochs,
                                           callback=progress, loaded=loaded)  # fmt: skip
            export = recipe.export_comparison
        else:
            result = recipe.train_recipe(source, preset, seed=seed, seeds=count, epochs=epochs,
                                         callback=progress, loaded=loaded)  # fmt: skip
            export = recipe.export_training
    except (GasworksError, ValueError) as exc:
        fail_usage(str(exc))
        return
    for path, write in ((output, export), (save, recipe.export_training)):
        if path is not None:
            with writing(path):
                write(result, path, overwrite=force)
    if as_json:
        emit_json(result.payload())
        return
    if compare:
        _print_table(result)
    elif result.dataset.is_classification and count > 1:
        solved = sum(r.solved for r in result.runs)
        click.echo(f"solved {solved}/{len(result.runs)} (validation accuracy >= 95 %)")
    for path in (output, save):
        if path is not None:
            click.echo(f"wrote {path}")


def _print_table(comparison) -> None:
    rows = comparison.table()
    width = max(len(r["label"]) for r in rows)
    click.echo("")
    click.echo(f"{'method':<{width}}  solved  mean s  median its  mean val acc")
    for r in rows:
        solved = f"{r.get('solved', 0)}/{r['runs']}"
        click.echo(f"{r['label']:<{width}}  {solved:>6}  {r.get('mean_seconds', 0):6.2f}  "
                   f"{r.get('median_iterations', 0):10.0f}  "
                   f"{100 * r.get('mean_val_accuracy', 0):11.1f} %")  # fmt: skip
