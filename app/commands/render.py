"""``gasworks render``: art (any art engine) from files, folders, samples or text, in batch."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.batch import FORMATS
from app.commands.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    check_output,
    check_samples,
    default_of,
    emit_json,
    fail_usage,
    force_option,
    format_option,
    image_samples,
    json_option,
    out_dir_option,
    preset_options,
    range_of,
    seed_option,
    warn_missing_glyphs,
    write_problem,
)
from engines.art.animation import AnimationParams
from engines.art.plotter import SVG_ELEMENTS
from engines.presets import Preset


@click.command()
@click.argument("inputs", nargs=-1, metavar="INPUT...", callback=check_samples(image_samples))
@preset_options
@out_dir_option("Output folder (created if needed).", required=True, old=("--out",))
@format_option(FORMATS, "svg,png")
@seed_option()
@click.option("--epochs", type=range_of(Preset, "epochs"), default=None,
              help="Override the preset's epoch count.")  # fmt: skip
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: up to 4, one per core).")  # fmt: skip
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT|local:N",
              help="Render on a Dask cluster: its scheduler's address, or local:N to start N "
                   "worker processes for the run (needs the 'cluster' extra).")  # fmt: skip
@click.option("--shared-output", is_flag=True,
              help="With --scheduler: workers write the files into DIR themselves (DIR must "
                   "have the same path on every machine).")  # fmt: skip
@click.option("--scheduler-timeout", type=click.FloatRange(0.5, 600), default=10.0,
              show_default=True, metavar="SECONDS",
              help="With --scheduler: how long to wait for the scheduler to answer.")  # fmt: skip
@click.option(
    "--page",
    default=None,
    metavar="a4|a3|letter|WxHmm",
    help="Plotter-ready SVG on this page: mm units, merged and ordered strokes.",
)
@click.option("--margin", default="10mm", show_default=True, help="Page margin (with --page).")
@click.option("--landscape", is_flag=True, help="Turn the page (with --page).")
@click.option("--pen", default="0.3mm", show_default=True, help="Pen width (with --page).")
@click.option(
    "--svg-element",
    type=click.Choice(SVG_ELEMENTS),
    default="path",
    show_default=True,
    help="Element per stroke in plotter SVG.",
)
@click.option(
    "--vpype",
    "use_vpype",
    is_flag=True,
    help="Pass the plotter SVG through vpype (needs the 'plotter' extra).",
)
@click.option("--animate", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="OUT.gif|OUT.mp4",
              help="Also write the training as an animation (one input; MP4 needs the "
                   "'video' extra).")  # fmt: skip
@click.option("--fps", type=range_of(AnimationParams, "fps"),
              default=default_of(AnimationParams, "fps"), show_default=True,
              help="Frames per second of --animate.")  # fmt: skip
@click.option("--frames", type=range_of(AnimationParams, "frames"),
              default=default_of(AnimationParams, "frames"), show_default=True,
              help="Frames of --animate, the finished drawing included.")  # fmt: skip
@force_option("Re-render inputs whose outputs already exist.")
@json_option("Print the run's entries as JSON.")
def render(
    inputs: tuple[str, ...],
    preset_name: str | None,
    overrides: tuple[str, ...],
    out_dir: Path,
    formats: tuple[str, ...],
    seed: int | None,
    epochs: int | None,
    workers: int | None,
    scheduler: str | None,
    shared_output: bool,
    scheduler_timeout: float,
    force: bool,
    as_json: bool,
    page: str | None,
    margin: str,
    landscape: bool,
    pen: str,
    svg_element: str,
    use_vpype: bool,
    animate: Path | None,
    fps: int,
    frames: int,
) -> None:
    """Render files, folders, sample:NAME or text:WORDS as line art (GNG or SOFM presets).

    Writes DIR/<stem>.<preset>.svg|png and DIR/manifest.json (one entry per input and
    preset). A re-run skips an input only when its parameters, seed, epochs, content and
    output options are those recorded and its files exist (--force renders everything).
    Ctrl-C or TERM stop cleanly. --scheduler sends each input to a Dask cluster as a task
    (files go as bytes; the files come back and are written here, or by the workers with
    --shared-output). Exit 0 when every input rendered, 1 when some failed or the run was
    stopped, 2 for a usage error, a folder another run is writing into or a scheduler that
    does not answer.
    """
    from app.batch import (
        BatchRun,
        FolderBusy,
        collect_inputs,
        default_workers,
        terminate_as_interrupt,
    )  # fmt: skip
    from app.cluster import ClusterError
    from engines import registry
    from engines.errors import GasworksError, PresetError, short_name
    from engines.presets import apply_overrides, read_preset_table, validate_preset

    fmt = formats
    check_output(out_dir, folder=True)
    try:
        plotter = _plotter_options(page, margin, landscape, pen, svg_element, use_vpype)
    except ValueError as exc:
        fail_usage(str(exc))
        return
    try:
        cluster = _cluster_options(scheduler, shared_output, scheduler_timeout, workers)
    except (ValueError, GasworksError) as exc:
        fail_usage(str(exc))
        return
    name = preset_name or "default"
    try:
        table = apply_overrides(read_preset_table(name), list(overrides))
        preset = validate_preset(table, origin=name)
    except PresetError as exc:
        fail_usage(str(exc))
        return
    try:
        registry.art_job(preset.engine)
    except GasworksError as exc:
        fail_usage(f"preset {preset.name!r}: {exc}")
        return
    given = list(inputs)
    if not given and preset.input:
        given = [preset.input]
    elif not given and preset.text.text:
        given = [f"text:{preset.text.text}"]
    if not given:
        fail_usage("give at least one INPUT (or a preset with an input)")

    items, notices = collect_inputs(given)
    if animate is not None:
        _check_animate(animate, items)
    for notice in notices:
        click.echo(f"Notice: {notice}", err=True)
    for item in items:
        if isinstance(item, str) and item.startswith("text:"):
            text = item[len("text:") :].replace("\\n", "\n")
            warn_missing_glyphs(short_name(item), text, preset.text.font)
    batch = BatchRun(
        items, preset, table, out_dir, formats=fmt, seed=seed, epochs=epochs, plotter=plotter,
        force=force, workers=workers or default_workers(), cluster=cluster,
    )  # fmt: skip
    try:
        with terminate_as_interrupt(), batch:
            for notice in batch.report.notices:
                click.echo(f"Notice: {notice}", err=True)
            for name, why in batch.rerendering:
                click.echo(f"re-rendering {name}: {why}", err=True)
            report = _run_with_progress(batch, quiet=as_json)
    except (FolderBusy, ClusterError) as exc:
        fail_usage(str(exc))
        return
    except KeyboardInterrupt:  # before any input was sent to render
        click.echo(f"Interrupted before rendering; nothing written to {out_dir}", err=True)
        sys.exit(EXIT_SOME_FAILED)
    except OSError as exc:
        fail_usage(write_problem(out_dir, exc))
        return

    animation = None
    if animate is not None and not report.failed and not report.interrupted:
        animation = _animate(items[0], preset, animate, fps, frames, seed, epochs, as_json)
    if as_json:
        emit_json({"manifest": str(batch.manifest.path), "inputs": report.entries,
                   "notices": notices + report.notices,
                   **({"animation": animation} if animation else {})})  # fmt: skip
    else:
        for entry in report.entries:
            if entry["status"] == "failed":
                click.echo(f"Failed: {entry['error']}", err=True)
        cancelled = report.count("cancelled")
        click.echo(
            f"{report.count('done')} rendered, {report.count('skipped')} skipped, "
            f"{report.count('failed')} failed" + (f", {cancelled} cancelled" if cancelled else "")
            + f" → {out_dir}" + (" (interrupted)" if report.interrupted else "")
        )  # fmt: skip
    sys.exit(EXIT_SOME_FAILED if report.failed or report.interrupted else EXIT_OK)


def _check_animate(path: Path, items) -> None:
    """``--animate``: one input, a .gif or .mp4 path (MP4 with the video extra), writable."""
    from engines.art.animation import check_animation_path
    from engines.errors import GasworksError

    if len(items) != 1 or not isinstance(items[0], str):
        fail_usage(f"--animate draws one input's training; {len(items)} inputs were given")
    try:
        check_animation_path(path)
    except GasworksError as exc:
        fail_usage(str(exc))
    check_output(path)


def _animate(source, preset, path, fps, frames, seed, epochs, quiet):
    """Train ``source`` again with a recorder (same seed: the same network) and write the
    animation; its figures, or exit 1 naming the problem."""
    from engines.art.animation import render_animation
    from engines.errors import GasworksError

    try:
        _, figures = render_animation(source, preset, path, fps=fps, frames=frames, seed=seed,
                                      epochs=epochs)  # fmt: skip
    except (GasworksError, OSError) as exc:
        click.echo(f"Failed: animation {path}: {exc}", err=True)
        sys.exit(EXIT_SOME_FAILED)
    if not quiet:
        click.echo(f"animation: {figures['frames']} frames at {fps} fps → {path}")
    return {"path": str(path), **figures}


def _cluster_options(scheduler, shared_output, timeout, workers):
    """``--scheduler`` and its options as ClusterOptions (None: the local pool); ValueError
    or ClusterError (the extra is missing) for a usage mistake."""
    from app.cluster import ClusterOptions, parse_scheduler, require_distributed

    if scheduler is None:
        if shared_output:
            raise ValueError("--shared-output needs --scheduler (local workers write into DIR)")
        return None
    if workers is not None:
        raise ValueError("--workers sizes the local pool; with --scheduler give local:N, or "
                         "start more `dask worker`s")  # fmt: skip
    address = parse_scheduler(scheduler)
    require_distributed()
    return ClusterOptions(address, shared_output, timeout)


def _plotter_options(page, margin, landscape, pen, element, use_vpype):
    from engines.art.plotter import PlotterOptions, parse_length_mm, parse_page

    if page is None:
        if use_vpype or landscape:
            raise ValueError("--vpype and --landscape need --page")
        return None
    if use_vpype:
        from engines.art.vpype_bridge import vpype_available

        if not vpype_available():
            raise ValueError("--vpype needs vpype: pip install 'gasworks[plotter]'")
    page_mm = parse_page(page, landscape=landscape)
    pen_mm = parse_length_mm(pen)
    if not 0.01 <= pen_mm <= 5.0:
        raise ValueError(f"--pen must lie between 0.01 mm and 5 mm, got {pen!r}")
    return PlotterOptions(page_mm, parse_length_mm(margin), pen_mm, element, use_vpype)


def _run_with_progress(batch, *, quiet: bool):
    """Run ``batch`` with a progress bar (and a line per input) on stderr."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from engines.errors import short_name

    console = Console(stderr=True)
    columns = (
        TextColumn("[bold]render"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
    )  # fmt: skip
    disable = quiet or not batch.total
    with Progress(*columns, console=console, disable=disable, transient=True) as bar:
        task = bar.add_task("render", total=batch.total)

        def on_entry(entry) -> None:
            bar.advance(task)
            if not quiet:
                bar.console.print(f"{entry['status']:>8}  {short_name(entry['input'])}")

        return batch.run(on_entry)
