"""``gasworks points``: run the image pipeline and report the points it makes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.commands.common import (
    EXIT_SOME_FAILED,
    check_output,
    check_samples,
    emit_json,
    fail_usage,
    image_samples,
    json_option,
    output_option,
    preset_options,
    range_of,
    warn_missing_glyphs,
    writing,
)
from engines.pipeline.params import THRESHOLD_METHODS, PipelineParams

#: Command-line option → key of the [pipeline] table.
_PIPELINE_OPTIONS = ("crop", "blur", "threshold", "offset", "invert", "max_side")


def _threshold_value(text: str | None) -> str | float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text


@click.command()
@click.argument("source", required=False, metavar="INPUT", callback=check_samples(image_samples))
@preset_options
@click.option("--text", default=None, help="Render this text instead of reading INPUT.")
@click.option("--crop", default=None, metavar="Y0:Y1,X0:X1", help="Crop before anything else.")
@click.option("--blur", type=range_of(PipelineParams, "blur"), default=None,
              help="Gaussian sigma in pixels.")  # fmt: skip
@click.option(
    "--threshold", default=None, metavar="METHOD|VALUE",
    help=f"{', '.join(THRESHOLD_METHODS)}, or a grey level in [0, 1].",
)  # fmt: skip
@click.option("--offset", type=range_of(PipelineParams, "offset"), default=None,
              help="Added to the threshold.")  # fmt: skip
@click.option("--invert/--no-invert", default=None, help="Light pixels become the points.")
@click.option("--max-side", type=range_of(PipelineParams, "max_side"), default=None,
              help="Shrink so the longer side <= N.")  # fmt: skip
@output_option("Write the binary image (ink black) to this PNG.", dest="preview",
               metavar="FILE.png", old=("--preview",))  # fmt: skip
@json_option()
def points(
    source: str | None,
    preset_name: str | None,
    overrides: tuple[str, ...],
    text: str | None,
    preview: Path | None,
    as_json: bool,
    **pipeline_options,
) -> None:
    """Binarise INPUT (a file or sample:NAME) and count the points its dark pixels make."""
    check_output(preview)
    from engines.atomic import atomic_write_bytes, png_bytes
    from engines.errors import GasworksError, InputError, PresetError, short_name, short_text
    from engines.pipeline import render_text, run_pipeline
    from engines.presets import apply_overrides, read_preset_table, validate_preset

    try:
        table = read_preset_table(preset_name) if preset_name else {"name": "command-line"}
    except PresetError as exc:
        fail_usage(str(exc))
        return
    given = {k: v for k, v in pipeline_options.items() if k in _PIPELINE_OPTIONS and v is not None}
    if "threshold" in given:
        given["threshold"] = _threshold_value(given["threshold"])
    table = dict(table)
    table["pipeline"] = {**table.get("pipeline", {}), **given}
    try:
        preset = validate_preset(apply_overrides(table, list(overrides)), origin="parameters")
    except PresetError as exc:
        fail_usage(str(exc))
        return

    text = text or (None if source else preset.text.text)
    source = source or (None if text else preset.input)
    if source is None and text is None:
        fail_usage("give an INPUT (a file or sample:NAME), --text, or a preset with an input")
    label = short_name(source) if source is not None else f"text:{short_text(text)!r}"
    try:
        if text is not None:
            t = preset.text
            image = render_text(text, font=t.font, size=t.size, padding=t.padding, align=t.align)
            warn_missing_glyphs(label, text, t.font)
            result = run_pipeline(image, preset.pipeline)
        else:
            result = run_pipeline(source, preset.pipeline)
    except InputError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_SOME_FAILED)
    except (GasworksError, ValueError) as exc:
        fail_usage(f"{label}: {exc}")
        return

    height, width = result.image_size
    n_points = int(result.points.shape[0])
    if preview is not None:
        with writing(preview):
            atomic_write_bytes(preview, png_bytes(result.previews()["binary"]))
    warning = None
    if n_points == 0:
        warning = (
            "no foreground pixels: the image is lighter than its threshold everywhere; "
            "try --invert, a higher --offset or another --threshold"
        )
    if as_json:
        payload = {
            "input": label,
            "points": n_points,
            "threshold": result.threshold_summary,
            "method": preset.pipeline.threshold,
            "offset": preset.pipeline.offset,
            "image_size": {"width": width, "height": height},
            "preview": str(preview) if preview else None,
        }
        if warning:
            payload["warning"] = warning
        emit_json(payload)
    else:
        t = result.threshold_summary
        shown = f"{t:.4f}" if isinstance(t, float) else f"local {t['min']:.3f}-{t['max']:.3f}"
        click.echo(f"{label}: {n_points} points, threshold {shown}, image {width}x{height}")
    if warning:
        click.echo(f"Warning: {label}: {warning}", err=True)
