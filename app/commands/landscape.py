"""``gasworks landscape``: the loss-landscape "earthquakes" of mini-batch training.

Exit codes: 0 done; 2 usage error (an output that is not .gif, .mp4 or .png or cannot be
written, an MP4 without the ``video`` extra, an existing output without ``--force``, bad
batch sizes).
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
    force_option,
    json_option,
    output_option,
    range_of,
    seed_option,
    writing,
)
from engines.explorers.params import LandscapeParams


def _batch_sizes(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, ...]:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise click.BadParameter(f"give whole numbers, comma-separated, got {value!r}") from None
    if not sizes:
        raise click.BadParameter("give at least one batch size")
    return sizes


def _problem(err: dict) -> str:
    """A params validation error as the command line says it: the option, then the problem."""
    field = str(err["loc"][0]) if err["loc"] else "batch_sizes"
    flag = "--batch" if field == "batch_sizes" else f"--{field.replace('_', '-')}"
    return f"{flag}: {err['msg'].removeprefix('Value error, ')}"


@click.command()
@click.option("--batch", "batch_sizes", default="10,100", show_default=True, metavar="B[,B]",
              callback=_batch_sizes,
              help="Mini-batch sizes, comma-separated: one panel each, side by side.")  # fmt: skip
@click.option("--frames", type=range_of(LandscapeParams, "frames"),
              default=default_of(LandscapeParams, "frames"), show_default=True,
              help="Frames of the animation.")  # fmt: skip
@click.option("--grid", type=range_of(LandscapeParams, "grid"),
              default=default_of(LandscapeParams, "grid"), show_default=True,
              help="Grid points along each weight axis (W1, W2 in [-20, 20]).")  # fmt: skip
@click.option("--view", type=choice_of(LandscapeParams, "view"),
              default=default_of(LandscapeParams, "view"), show_default=True,
              help="A contour map seen from above, or the 3-D surface.")  # fmt: skip
@seed_option("Seed of the data and of the mini-batches.",
             default=default_of(LandscapeParams, "seed"), show_default=True)  # fmt: skip
@output_option("The animation (.gif, or .mp4 with the video extra) or its last frame (.png).",
               required=True, metavar="OUT.gif|OUT.mp4|OUT.png")  # fmt: skip
@force_option("Overwrite an existing output.")
@json_option('Print {"spread": {batch: value}, "frames": N, "output": path}.')
def landscape(batch_sizes, frames, grid, view, seed, output, force, as_json):
    """Animate the loss landscape of a two-weight logistic regression as mini-batch
    training moves over it: each batch has its own landscape, and the smaller the batch,
    the more it shakes from one step to the next.

    Prints the spread of each batch size: the mean absolute difference between consecutive
    batches' landscapes over the grid (batch 10 shakes about √10 times as much as 100).
    """
    from pydantic import ValidationError

    from engines.errors import GasworksError
    from engines.explorers.landscape import check_format, export_landscape, landscape_recipe

    check_output(output, force=force)
    try:
        check_format(output)
    except GasworksError as exc:
        fail_usage(str(exc))
    try:
        params = LandscapeParams(batch_sizes=batch_sizes, frames=frames, grid=grid, view=view,
                                 seed=seed)  # fmt: skip
    except ValidationError as exc:
        fail_usage("; ".join(_problem(err) for err in exc.errors()))
        return
    result = landscape_recipe(None, params)
    show = sys.stderr.isatty() and not as_json
    with writing(output):
        if show and output.suffix.lower() != ".png":
            with click.progressbar(length=result.frames, label="frames", file=sys.stderr) as bar:
                path = export_landscape(result, output, overwrite=force,
                                        progress=lambda done, total: bar.update(1))  # fmt: skip
        else:
            path = export_landscape(result, output, overwrite=force)
    if as_json:
        emit_json(result.payload(path))
        return
    spread = ", ".join(f"{v:.3g} at batch {b}" for b, v in result.spread.items())
    click.echo(f"{path}: {result.frames} frames; spread {spread}")
    sizes = sorted(result.spread)
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        click.echo(
            f"batch {small} shakes {result.spread[small] / result.spread[large]:.2f}× as much "
            f"as batch {large} (√({large}/{small}) = {(large / small) ** 0.5:.2f})"
        )
