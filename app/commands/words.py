"""``gasworks words``: count the words on pages with Growing Neural Gas."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.commands.common import EXIT_OK, EXIT_SOME_FAILED, emit_json, fail_usage, preset_options


@click.command()
@click.argument("inputs", nargs=-1, metavar="INPUT...")
@preset_options
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None,
              help="Override the preset's seed.")  # fmt: skip
@click.option("--overlay", type=click.Path(path_type=Path), default=None,
              help="Draw each word's subgraph in its own colour: a PNG file for one input, "
              "a folder for several.")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite existing overlays.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per input.")
def words(
    inputs: tuple[str, ...],
    preset_name: str | None,
    overrides: tuple[str, ...],
    seed: int | None,
    overlay: Path | None,
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
    if overlay is not None and len(sources) > 1 and overlay.suffix.lower() == ".png":
        fail_usage("--overlay must be a folder when several inputs are given")
    for notice in notices:
        click.echo(f"Notice: {notice}", err=True)

    results = [{"file": e["input"], "error": e["error"]} for e in missing]
    for source in sources:
        try:
            results.append(_count_one(source, preset, seed, overlay, len(sources), force))
        except (GasworksError, ValueError, FileExistsError) as exc:
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


def _count_one(source, preset, seed, overlay: Path | None, n_inputs: int, force: bool) -> dict:
    from engines.render import source_stem
    from engines.words import words_recipe
    from engines.words.overlay import export_overlay

    result = words_recipe(source, preset, seed=seed)
    entry = result.to_dict()
    if overlay is not None:
        path = (
            overlay
            if n_inputs == 1 and overlay.suffix
            else overlay / f"{source_stem(source)}.words.png"
        )
        export_overlay(result, path, overwrite=force)
        entry["overlay"] = str(path)
    return entry
