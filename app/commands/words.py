"""``gasworks words``: count the words on pages with Growing Neural Gas."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.commands.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    alias_option,
    check_output,
    check_samples,
    emit_json,
    fail_usage,
    force_option,
    image_samples,
    json_option,
    out_dir_option,
    output_option,
    preset_options,
    seed_option,
    write_problem,
)


def _overlay_route(path: Path) -> str:
    """The old ``--overlay`` was a PNG file for one input or a folder for several."""
    return "output" if path.suffix.lower() == ".png" else "out_dir"


@click.command()
@click.argument("inputs", nargs=-1, metavar="INPUT...", callback=check_samples(image_samples))
@preset_options
@seed_option()
@output_option("Draw the input's words, each subgraph in its own colour, to this PNG.",
               metavar="FILE.png")  # fmt: skip
@out_dir_option("Draw each input's words to DIR/<name>.words.png.", short=False)
@alias_option("--overlay", _overlay_route, type=click.Path(path_type=Path))
@force_option("Overwrite existing overlays.")
@json_option("Print a JSON list, one object per input.")
def words(
    inputs: tuple[str, ...],
    preset_name: str | None,
    overrides: tuple[str, ...],
    seed: int | None,
    output: Path | None,
    out_dir: Path | None,
    force: bool,
    as_json: bool,
) -> None:
    """Count the words of INPUT... (files or sample:NAME): one GNG subgraph per word.

    The pages' letter height, stroke width and word gaps choose the threshold window, how
    letters join into words and the network's size. Exit 1 when some inputs failed.
    """
    from app.batch import expand_inputs
    from engines.errors import GasworksError, PresetError
    from engines.presets import load_preset

    name = preset_name or "words"
    try:
        preset = load_preset(name, list(overrides))
    except PresetError as exc:
        fail_usage(str(exc))
        return
    if preset.engine != "words":
        fail_usage(f"preset {preset.name!r} is for engine {preset.engine!r}; words needs 'words'")
    given = list(inputs) or ([preset.input] if preset.input else [])
    if not given:
        fail_usage("give at least one INPUT (or a preset with an input)")
    sources, notices, missing = expand_inputs(given)
    if output is not None and out_dir is not None:
        fail_usage("give -o/--output FILE.png (one input) or --out-dir DIR, not both")
    if output is not None and len(sources) > 1:
        fail_usage("-o/--output names one overlay: with several inputs the overlays must be a "
                   "folder (--out-dir DIR)")  # fmt: skip
    check_output(output, force=force)
    check_output(out_dir, folder=True)
    for notice in notices:
        click.echo(f"Notice: {notice}", err=True)

    results = [{"file": e["input"], "error": e["error"]} for e in missing]
    for source in sources:
        try:
            results.append(_count_one(source, preset, seed, output, out_dir, force))
        except (GasworksError, ValueError) as exc:
            message = str(exc) if source in str(exc) else f"{source}: {exc}"
            results.append({"file": source, "error": message})
    failed = [r for r in results if "error" in r]
    if as_json:
        emit_json(results)
    else:
        for r in results:
            if "error" in r:
                click.echo(f"Failed: {r['error']}", err=True)
            else:
                click.echo(f"{r['file']}: {r['words']} words")
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _count_one(
    source, preset, seed, output: Path | None, out_dir: Path | None, force: bool
) -> dict:
    from engines.errors import GasworksError
    from engines.render import source_stem
    from engines.words import words_recipe
    from engines.words.looks import page_warning
    from engines.words.overlay import export_overlay

    warning = page_warning(source, preset)
    if warning:  # before the count, which on a photo runs long for nothing
        click.echo(f"Warning: {source}: {warning}", err=True)
    result = words_recipe(source, preset, seed=seed)
    entry = result.to_dict()
    if output is not None or out_dir is not None:
        path = output if output is not None else out_dir / f"{source_stem(source)}.words.png"
        try:
            export_overlay(result, path, overwrite=force)
        except OSError as exc:  # after the checks: disk full, an existing overlay, ...
            raise GasworksError(write_problem(path, exc)) from None
        entry["overlay"] = str(path)
    return entry
