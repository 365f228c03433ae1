"""``gasworks reflect``: the error-reflection ensemble on the paper's functions or on
digits, beside its fair baselines.

Exit codes: 0 done; 2 usage error (an unknown task, a bad ``--set`` value, an output that
cannot be written or exists without ``--force``).

This module imports click and the params record only (their choices and bounds make the
options); torch loads when the command runs.
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
    range_of,
    seed_option,
    writing,
)
from engines.trainers.reflection import FUNCTIONS, MAX_SEEDS, ReflectionParams

DEFAULT_SEEDS = 5
MAX_THREADS = 256
OUTPUT_SUFFIXES = (".json", ".png")
#: The table's columns: (row key, heading).
COLUMNS = (("base_loss", "base"), ("reflection_loss", "reflection"), ("reduction", "change %"),
           ("base_longer_loss", "base longer"), ("wide_loss", "wide"),
           ("clusters", "clusters"))  # fmt: skip


def _settings(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"give FIELD=VALUE, got {item!r}")
        if key not in ReflectionParams.model_fields or key == "task":
            from engines.options import no_such

            known = [k for k in ReflectionParams.model_fields if k != "task"]
            raise click.BadParameter(f"{key}: {no_such('field', key, known)}")
        out[key] = value.strip()
    return out


def _params(task: str, changes: dict) -> ReflectionParams:
    from pydantic import ValidationError

    try:
        return ReflectionParams.model_validate({**changes, "task": task})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        fail_usage(f"{where}: {err['msg'].removeprefix('Value error, ')} (got {err['input']!r})")
        raise  # pragma: no cover - fail_usage exits


def _cell(row: dict, key: str) -> str:
    value, sd = row.get(key), row.get(f"{key}_sd")
    if value is None:
        return "-"
    if key == "reduction":
        return f"{value:+.1f} ± {sd:.1f}"
    if key == "clusters":
        return f"{value:.1f} ± {sd:.1f}"
    return f"{value:.3g} ± {sd:.2g}"


def _print_table(rows: list[dict]) -> None:
    cells = [[row["task"], *(_cell(row, key) for key, _ in COLUMNS)] for row in rows]
    heads = ["task", *(head for _, head in COLUMNS)]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)))
    for c in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)))


_FUNCTION_LINES = "\n".join(f"  {name}: {formula}" for name, (formula, _) in FUNCTIONS.items())
HELP = f"""Error reflection on FUNCTION or digits, beside its fair baselines.

A base network (one hidden ReLU layer, Adam, learning rate 1e-4) is trained; its error
cases are clustered by ISODATA; one error network per cluster is trained on its cases; a
gate picks the network for each input. Beside it: the base trained on for the same samples
seen as base + error networks ("base longer") and one wide network with the ensemble's
parameter count ("wide"). Test losses (MSE; cross-entropy for digits), means ± sd over
--seeds seeds; "change %" is the ensemble's change of the base's loss (−90 = 90 % lower).

\b
FUNCTION (the paper's table; no argument = all four):
{_FUNCTION_LINES}
  digits: scikit-learn's 8x8 digits (the paper's Fashion-MNIST experiment, offline)
"""


@click.command(help=HELP)
@click.argument("task", required=False, type=choice_of(ReflectionParams, "task"),
                metavar="[FUNCTION|digits]")  # fmt: skip
@click.option("--seeds", type=click.IntRange(1, MAX_SEEDS), default=DEFAULT_SEEDS,
              show_default=True, help="Runs per task, from --seed on (mean ± sd).")  # fmt: skip
@seed_option("The first run's seed; run k uses seed + k.", default=0, show_default=True)
@click.option("--gate", type=choice_of(ReflectionParams, "gate"), default=None,
              help="The gate: a small network (default), k nearest neighbours or the nearest "
              "centroid.")  # fmt: skip
@click.option("--combine", type=choice_of(ReflectionParams, "combine"), default=None,
              help="replace: the chosen error network's output is the prediction (the paper, "
              "default); residual: it corrects the base's.")  # fmt: skip
@click.option("--epochs", type=range_of(ReflectionParams, "epochs"), default=None,
              help="Epochs of the base network (default 300).")  # fmt: skip
@click.option("--error-epochs", type=range_of(ReflectionParams, "error_epochs"), default=None,
              help="Epochs of each error network (default 1000).")  # fmt: skip
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE", callback=_settings,
              help="Any other parameter, e.g. --set clusters=6 --set threshold=0.8 "
              "(repeatable; see the README for the fields).")  # fmt: skip
@click.option("--threads", type=click.IntRange(1, MAX_THREADS), default=1, show_default=True,
              help="torch threads.")  # fmt: skip
@output_option("The first task's figure (.png) or every row (.json).",
               metavar="OUT.png|OUT.json")  # fmt: skip
@force_option("Overwrite an existing output.")
@json_option(
    'Print {"rows": [{"task", "base_loss", "reflection_loss", "reduction", '
    '"base_longer_loss", "wide_loss", "clusters", ... with "_sd" beside each}]}.'
)
def reflect(task, seeds, seed, gate, combine, epochs, error_epochs, settings, threads, output,
            force, as_json):  # fmt: skip
    from engines.errors import GasworksError
    from engines.trainers.reflection import export_reflection, reflection_recipe

    if output is not None:
        if output.suffix.lower() not in OUTPUT_SUFFIXES:
            fail_usage(f"{output}: the output must end in .json or .png, got "
                       f"{output.suffix or 'no suffix'!r}")  # fmt: skip
        check_output(output, force=force)
    changes = dict(settings)
    for key, value in (("gate", gate), ("combine", combine), ("epochs", epochs),
                       ("error_epochs", error_epochs)):  # fmt: skip
        if value is not None:
            changes[key] = value
    tasks = [task] if task else list(FUNCTIONS)
    all_params = [_params(name, changes) for name in tasks]
    results = []
    for params in all_params:
        try:
            result = reflection_recipe(params.task, params, seed=seed, seeds=seeds,
                                       threads=threads)  # fmt: skip
        except (GasworksError, ValueError) as exc:
            fail_usage(str(exc))
            return
        results.append(result)
        if not as_json and sys.stderr.isatty():
            click.echo(f"{params.task}: done", err=True)
    rows = [r.row() for r in results]
    if output is not None:
        with writing(output):
            if output.suffix.lower() == ".png":
                export_reflection(results[0], Path(output), overwrite=force)
            else:
                import json

                from engines.atomic import atomic_write_text

                atomic_write_text(output, json.dumps({"rows": rows}, indent=2) + "\n",
                                  overwrite=force)  # fmt: skip
    if as_json:
        emit_json({"rows": rows})
        return
    _print_table(rows)
