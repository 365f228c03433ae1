"""``gasworks logo``, ``gasworks avatar`` and ``gasworks map``: the SOFM recipes.

Exit codes: 0 done; 1 some of several outputs failed (``avatar --names``); 2 usage, preset
or data error (the message says which and why).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.commands.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    check_output,
    check_samples,
    choice_of,
    data_samples,
    emit_json,
    fail_usage,
    force_option,
    format_option,
    json_option,
    one_or_many,
    output_option,
    preset_options,
    range_of,
    seed_option,
    warn_missing_glyphs,
    write_problem,
    writing,
)
from engines.presets import Preset, TextParams
from engines.som.params import MapSettings

OUTPUT_SUFFIXES = (".png", ".svg")


def _preset(preset_name: str | None, overrides: tuple[str, ...], default: str | None = None):
    """Load and validate the preset (or ``default``) with overrides; exit 2 on problems."""
    from engines.errors import PresetError
    from engines.presets import apply_overrides, read_preset_table, validate_preset

    name = preset_name or default
    try:
        table = read_preset_table(name) if name else {"name": "command-line", "engine": "som"}
        table = dict(table)
        table.setdefault("engine", "som")
        preset = validate_preset(apply_overrides(table, list(overrides)), origin=name or "--set")
    except PresetError as exc:
        fail_usage(str(exc))
    if preset.engine != "som":
        fail_usage(f"preset {preset.name!r} is for engine {preset.engine!r}, not 'som'")
    return preset


def _check_output(path: Path, force: bool) -> None:
    if path.is_dir():
        fail_usage(f"{path}: is a folder; give a file name ending in .png or .svg")
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        fail_usage(f"{path}: the output must end in .png or .svg")
    check_output(path, force=force)


def _export(export, result, path: Path, force: bool, **options) -> Path:
    """Write ``result`` with the job's export function; exit 2 if it cannot be written."""
    try:
        return export(result, path, overwrite=force, **options)
    except OSError as exc:
        fail_usage(write_problem(path, exc))
        raise  # not reached: fail_usage exits


# --------------------------------------------------------------------------- logo
@click.command()
@click.argument("text", required=False)
@preset_options
@output_option("The logo: .svg or .png.", required=True, dir_okay=True)
@click.option("--font", default=None, metavar="FILE.ttf", help="TrueType/OpenType font.")
@click.option("--size", type=range_of(TextParams, "size"), default=None,
              help="First font size tried (the recipe aims at about 20,000 points).")  # fmt: skip
@click.option("--epochs", type=range_of(Preset, "epochs"), default=None,
              help="Override the preset's epochs.")  # fmt: skip
@seed_option()
@force_option("Overwrite an existing output.")
@json_option()
def logo(text, preset_name, overrides, output, font, size, epochs, seed, force, as_json):
    """Draw TEXT in the seed's SOFM logo style (default preset: logo)."""
    from engines.errors import short_text
    from engines.som.logo import check_logo_text, export_logo, logo_recipe

    preset = _preset(preset_name, overrides, default="logo")
    text = text if text is not None else preset.text.text
    if text is None or not text.strip():
        fail_usage("give the TEXT to draw (or a preset with text.text)")
    _check_output(output, force)
    label = f"text '{short_text(text)}'"
    try:
        check_logo_text(text, font=font if font is not None else preset.text.font)
        warn_missing_glyphs(label, text, font if font is not None else preset.text.font)
        result = logo_recipe(text, preset, seed=seed, epochs=epochs, font=font, size=size)
    except ValueError as exc:
        fail_usage(f"{label}: {exc}")
        return
    path = _export(export_logo, result, output, force)
    figures = result.figures()
    if as_json:
        emit_json({"text": text, "output": str(path), **figures})
    else:
        click.echo(
            f"{path}: '{short_text(text)}', {figures['points']} points, {figures['units']} units, "
            f"{figures['epochs']} epochs in {result.seconds:.2f} s"
        )


# --------------------------------------------------------------------------- avatar
@click.command()
@click.argument("name", required=False)
@preset_options
@output_option("The avatar or sheet: .png or .svg.", dir_okay=True)
@one_or_many("names_file", "Folder for the avatars of --names, one file a name.")
@click.option("--sheet", type=click.IntRange(1, 400), default=None, metavar="N",
              help="Draw N random avatars on one sheet.")  # fmt: skip
@click.option(
    "--names",
    "names_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Render one avatar per line of this file into --out-dir.",
)
@format_option(("png", "svg"), "png", dest="fmt", single=True, help="File format with --names.")
@seed_option("Seed of the random avatars of --sheet (default: the preset's).")
@force_option("Overwrite existing outputs.")
@json_option()
def avatar(name, preset_name, overrides, output, sheet, names_file, fmt, seed, force, as_json):
    """Draw the SOFM avatar of NAME: the same name always gives the same picture.

    Step, radius, std and colours come from NAME; a preset (avatar-bird, avatar-star,
    avatar-blob) or --set engine_params.KEY=... fixes them instead.
    """
    from engines.som.avatar import avatar_recipe, export_avatar

    modes = sum(x is not None for x in (name, sheet, names_file))
    if modes > 1:
        fail_usage("give one of NAME, --sheet N or --names FILE")
    if modes == 0 and not preset_name:
        fail_usage("give a NAME, --sheet N, --names FILE or a preset")
    preset = _preset(preset_name, overrides)

    if names_file is not None:
        _avatar_names(names_file, output, fmt, preset, force, as_json)
        return
    _check_output(output, force)
    try:
        result = avatar_recipe(name, preset, seed=seed, sheet=sheet)
    except ValueError as exc:
        fail_usage(str(exc))
        return
    path = _export(export_avatar, result, output, force)
    figures = result.figures()
    if as_json:
        emit_json({"output": str(path), **figures})
    elif sheet is not None:
        click.echo(f"{path}: {figures['sheet']} random avatars")
    else:
        click.echo(
            f"{path}: {figures['name']!r} step {figures['step']:.3f}, "
            f"radius {figures['learning_radius']}, std {figures['std']:.3f}"
        )


def _avatar_names(names_file, out_dir, fmt, preset, force, as_json):
    from engines.som.avatar import avatar_recipe, export_avatar, slug

    try:
        lines = names_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail_usage(f"{names_file}: cannot read the names ({exc})")
        return
    # One avatar per distinct name: a repeated name would only draw the same picture again.
    names = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
    if not names:
        fail_usage(f"{names_file}: no names in it (one name a line)")
    check_output(out_dir, folder=True)
    with writing(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    used: dict[str, int] = {}
    entries, failed = [], 0
    for name in names:
        base = slug(name)
        if not base:
            entries.append({"name": name, "error": "no usable characters for a file name"})
            failed += 1
            continue
        used[base] = used.get(base, 0) + 1
        stem = base if used[base] == 1 else f"{base}-{used[base]}"
        path = out_dir / f"{stem}.{fmt}"
        try:
            export_avatar(avatar_recipe(name, preset), path, overwrite=force)
            entries.append({"name": name, "output": str(path)})
        except FileExistsError:
            entries.append({"name": name, "output": str(path),
                            "error": "already exists (use --force to overwrite)"})  # fmt: skip
            failed += 1
        except OSError as exc:
            entries.append({"name": name, "output": str(path), "error": write_problem(path, exc)})
            failed += 1
        except ValueError as exc:
            entries.append({"name": name, "error": str(exc)})
            failed += 1
    if as_json:
        emit_json({"folder": str(out_dir), "done": len(entries) - failed, "failed": failed,
                   "avatars": entries})  # fmt: skip
    else:
        for entry in entries:
            if "error" in entry:
                click.echo(f"Error: {entry['name']!r}: {entry['error']}", err=True)
            else:
                click.echo(entry["output"])
        click.echo(f"{len(entries) - failed} avatars written, {failed} failed", err=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


# --------------------------------------------------------------------------- map
def _parse_columns(text: str | None):
    if text is None:
        return None
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated column numbers, got {text!r}") from None


@click.command(name="map")
@click.argument("data", required=False, metavar="DATA", callback=check_samples(data_samples))
@preset_options
@output_option("The picture: .png or .svg.", required=True, dir_okay=True)
@click.option("--view", type=choice_of(MapSettings, "view"), default=None,
              help="What to draw (default: the preset's).")  # fmt: skip
@click.option("--expanded", is_flag=True, help="The expanded U-matrix (same as --view expanded).")
@click.option("--columns", default=None, metavar="I,J,...", callback=lambda c, p, v:
              _parse_columns(v), help="Feature columns to use (0-based).")  # fmt: skip
@click.option("--labels", "label_column", type=int, default=None, metavar="COL",
              help="Column of a CSV/NPY holding class labels (-1 = last).")  # fmt: skip
@click.option("--epochs", type=range_of(Preset, "epochs"), default=None,
              help="Override the preset's epochs.")  # fmt: skip
@click.option("--features", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="NET.pt|FEATURES.npy",
              help="Map a model's features of DATA: the last hidden layer of a network saved "
              "by gasworks train --save, or an .npy matrix with one row per row of DATA "
              "(default preset: map-digits-features for sample:digits, else "
              "map-features).")  # fmt: skip
@seed_option()
@force_option("Overwrite an existing output.")
@json_option()
def map_command(data, preset_name, overrides, output, view, expanded, columns, label_column,
                epochs, features, seed, force, as_json):  # fmt: skip
    """Train a SOFM on DATA (.npy, .csv or sample:iris|breast_cancer|digits|moons|disc) and
    draw it: U-matrix heat map, expanded U-matrix, the grid over 2-D data, or digit images.

    Without -p, a sample uses its own preset (map-iris, ...) and a file uses map-default.
    """
    from engines.som import maps

    default = "map-default" if features is None else maps.FEATURES_PRESET
    if data and data.startswith(maps.SAMPLE_PREFIX):
        presets = maps.SAMPLE_PRESETS if features is None else maps.FEATURE_PRESETS
        default = presets.get(data[len(maps.SAMPLE_PREFIX) :], default)
    extra = list(overrides)
    if columns is not None:
        extra.append(f"engine_params.map.columns={columns}")
    if label_column is not None:
        extra.append(f"engine_params.map.label_column={label_column}")
    if expanded:
        if view not in (None, "expanded"):
            fail_usage(f"--expanded contradicts --view {view}")
        view = "expanded"
    if view is not None:
        extra.append(f'engine_params.map.view="{view}"')
    preset = _preset(preset_name, tuple(extra), default=default)
    source = data or preset.input
    if source is None:
        fail_usage("give DATA (a .npy/.csv file or sample:NAME) or a preset with an input")
    _check_output(output, force)
    try:
        result = maps.map_recipe(source, preset, seed=seed, epochs=epochs, features=features)
    except ValueError as exc:
        fail_usage(str(exc))
        return
    path = _export(maps.export_map, result, output, force)
    f = result.figures()
    if as_json:
        emit_json({"input": source, "output": str(path), **f})
    else:
        click.echo(
            f"{path}: {source}, {f['samples']} samples x {f['features']} features on "
            f"{f['units']} units, {f['epochs']} epochs in {result.seconds:.2f} s; "
            f"QE {f['quantization_error']:.4g}, TE {f['topographic_error']:.3f}"
        )
        if "features_from" in f:
            click.echo(f"features: {f['features_from']}; {f['distance']} distance")
