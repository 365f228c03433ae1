"""``gasworks eco``: Error Curvature Optimization against plain training, Outlier Exposure
and double backprop, measured over several seeds.

Exit codes: 0 done; 2 usage or data error (an unknown data set, a bad schedule, ReLU, an
output that cannot be written or exists without ``--force``).

This module imports click and the params record only (their choices and bounds make the
options); torch loads when the command runs.
"""

from __future__ import annotations

import click

from app.commands.common import (
    check_output,
    choice_of,
    default_of,
    emit_json,
    fail_usage,
    force_option,
    json_option,
    output_option,
    range_of,
    seed_option,
    writing,
)
from engines.trainers.eco.params import EcoParams

OUTPUT_SUFFIXES = (".png", ".json")
MAX_THREADS = 256


def _hidden(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    try:
        sizes = tuple(int(v) for v in value.replace(" ", "").split(",") if v)
    except ValueError:
        raise click.BadParameter(f"give layer sizes like 32 or 32,32, got {value!r}") from None
    if not sizes:
        raise click.BadParameter("give at least one layer size")
    return sizes


def _schedule(ctx: click.Context, param: click.Parameter, value: str) -> dict:
    from engines.trainers.eco.params import schedule_fields

    try:
        return schedule_fields(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc).removeprefix("schedule must be ").join(
            ("must be ", ""))) from None  # fmt: skip


def params_from(**fields) -> EcoParams:
    """EcoParams from the command's values (None: the default); exit 2 naming a bad one."""
    from pydantic import ValidationError

    try:
        return EcoParams(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        fail_usage(problems)


@click.command()
@click.argument("dataset", metavar="DATASET")
@click.option("--objective", type=choice_of(EcoParams, "objective"),
              default=default_of(EcoParams, "objective"), show_default=True,
              help="fit: minimise E − λ·C; seed: θ −= γ∇θC as the seed writes it.")  # fmt: skip
@click.option("--lambda", "lam", type=range_of(EcoParams, "lam"),
              default=default_of(EcoParams, "lam"), show_default=True,
              help="λ, the weight of the error curvature C in 'fit'.")  # fmt: skip
@click.option("--delearn", type=choice_of(EcoParams, "delearn"),
              default=default_of(EcoParams, "delearn"), show_default=True,
              help="De-learning after each update: gradient ascent on noise inputs with random "
                   "classes, or on real inputs with random wrong classes.")  # fmt: skip
@click.option("--schedule", default="usual", show_default=True, callback=_schedule,
              metavar="usual|until|repeat:K",
              help="One update per batch, repeat it until the batch is classified right, "
                   "or K times.")  # fmt: skip
@click.option("--curvature", type=choice_of(EcoParams, "curvature"),
              default=default_of(EcoParams, "curvature"), show_default=True,
              help="The Laplacian: exact (input Hessian's trace), Hutchinson's estimate, or "
                   "auto (exact up to 8 inputs).")  # fmt: skip
@click.option("--probes", type=range_of(EcoParams, "probes"), default=None,
              help="Hutchinson: Rademacher probes per row and update (default 1).")  # fmt: skip
@click.option(
    "--stabilise/--no-stabilise",
    default=True,
    show_default=True,
    help="ECO's stabilisers: λ warm-up, a cap on each row's curvature, gradient clipping, "
    "learning-rate reduction on collapse.",
)
@click.option("--activation", type=choice_of(EcoParams, "activation"), default=None,
              help="Hidden activation (default tanh; relu is refused: no curvature).")  # fmt: skip
@click.option("--hidden", default=None, metavar="N[,N...]", callback=_hidden,
              help="Hidden layer sizes (default 32).")  # fmt: skip
@click.option("--epochs", type=range_of(EcoParams, "epochs"), default=None,
              help="Epochs of every run (default 60).")  # fmt: skip
@click.option("--seeds", type=range_of(EcoParams, "seeds"), default=None,
              help="Runs per method, from --seed on (default 5).")  # fmt: skip
@click.option("--oe-reach", "oe_reach", type=range_of(EcoParams, "oe_reach"), default=None,
              help="Outlier Exposure: half its training outliers lie in a cube this many data "
                   "radii around the data (default 8; 0: the widened data box only).")  # fmt: skip
@seed_option("The first run's seed; run k uses seed + k (default 0).")
@output_option("Confidence maps and curves (.png) or the JSON (.json).",
               metavar="OUT.png|OUT.json")  # fmt: skip
@click.option("--threads", type=click.IntRange(1, MAX_THREADS), default=1, show_default=True,
              help="torch threads.")  # fmt: skip
@force_option("Overwrite an existing output.")
@json_option('Print {"dataset", "methods": {"plain"|"eco"|"outlier_exposure"|'
             '"double_backprop": {"accuracy", "auroc", "fpr95", "noise_confidence", '
             '"collapse_rate", "sd": {...}}}}: means over the seeds, sds in "sd".')  # fmt: skip
def eco(dataset, objective, lam, delearn, schedule, curvature, probes, stabilise, activation,
        hidden, epochs, seeds, oe_reach, seed, output, threads, force, as_json):  # fmt: skip
    """Train plain, ECO, Outlier Exposure and double-backprop networks on DATASET (moons,
    digits, spirals, xor or a .csv/.npy file) over several seeds, and measure each: accuracy
    on the held-out rows, AUROC and FPR at 95 % TPR of those rows against uniform noise,
    far-field points (and, for digits, the nines left out of training), mean confidence on
    noise, collapse rate.
    """
    import torch

    from engines.errors import GasworksError
    from engines.trainers.eco.recipe import eco_recipe, export_eco

    check_output(output, force=force)
    if output is not None and output.suffix.lower() not in OUTPUT_SUFFIXES:
        fail_usage(f"-o/--output: {output}: the file name must end in .png or .json")
    params = params_from(objective=objective, lam=lam, delearn=delearn, curvature=curvature,
                         probes=probes, stabilise=stabilise, activation=activation,
                         hidden=hidden, epochs=epochs, seeds=seeds, oe_reach=oe_reach,
                         **schedule)  # fmt: skip
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)

    def progress(snapshot) -> None:
        if snapshot.done and not as_json:
            m = snapshot.metrics
            click.echo(f"{snapshot.label}: seed {snapshot.seed}: {snapshot.seconds:.2f} s, "
                       f"validation accuracy {100 * m['val_accuracy']:.1f} %, AUROC "
                       f"{snapshot.auroc_history[-1]:.3f} (per-epoch watch set)"
                       + (", collapsed" if snapshot.collapsed else ""))  # fmt: skip

    try:
        result = eco_recipe(dataset, params, seed=seed, callback=progress)
    except (GasworksError, ValueError) as exc:
        fail_usage(str(exc))
        return
    finally:
        torch.set_num_threads(previous)
    if output is not None:
        with writing(output):
            export_eco(result, output, overwrite=force)
    if as_json:
        emit_json(result.payload())
        return
    click.echo("")
    for line in result.lines():
        click.echo(line)
    if output is not None:
        click.echo(f"wrote {output}")
