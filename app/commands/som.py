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
    emit_json,
    fail_usage,
    preset_options,
)

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
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        fail_usage(f"{path}: the output must end in .png or .svg")
    if path.exists() and not force:
        fail_usage(f"{path}: already exists (use --force to overwrite)")
    if path.exists() and path.is_dir():
        fail_usage(f"{path}: is a folder; give a file name ending in .png or .svg")


def _write_drawing(drawing, path: Path, style, force: bool) -> Path:
    from engines.art import write_png, write_svg

    if path.suffix.lower() == ".svg":
        return write_svg(drawing, path, style, overwrite=force)
    return write_png(drawing, path, style, overwrite=force)


def _epochs(cli: int | None, preset) -> int:
    if cli is not None:
        return cli
    return preset.epochs if preset.epochs is not None else preset.engine_params.epochs


# --------------------------------------------------------------------------- logo
@click.command()
@click.argument("text", required=False)
@preset_options
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The logo: .svg or .png.")  # fmt: skip
@click.option("--font", default=None, metavar="FILE.ttf", help="TrueType/OpenType font.")
@click.option("--size", type=click.IntRange(4, 2000), default=None,
              help="First font size tried (the recipe aims at about 20,000 points).")  # fmt: skip
@click.option("--epochs", type=click.IntRange(1, 100_000), default=None,
              help="Override the preset's epochs.")  # fmt: skip
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None, help="Override the seed.")
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def logo(text, preset_name, overrides, output, font, size, epochs, seed, force, as_json):
    """Draw TEXT in the seed's SOFM logo style (default preset: logo)."""
    from engines.errors import GasworksError
    from engines.som.logo import logo_drawing, train_logo

    preset = _preset(preset_name, overrides, default="logo")
    text = text if text is not None else preset.text.text
    if text is None or not text.strip():
        fail_usage("give the TEXT to draw (or a preset with text.text)")
    _check_output(output, force)
    t = preset.text
    try:
        result = train_logo(
            text, preset.engine_params, font=font if font is not None else t.font,
            size=size or t.size, padding=t.padding, pipeline=preset.pipeline,
            epochs=_epochs(epochs, preset), seed=preset.seed if seed is None else seed,
        )  # fmt: skip
    except (GasworksError, ValueError) as exc:
        fail_usage(f"text {text!r}: {exc}")
        return
    try:
        drawing = logo_drawing(result.weights, preset.style)
        path = _write_drawing(drawing, output, preset.style, force)
    except FileExistsError as exc:
        fail_usage(str(exc))
        return
    units = int(result.weights.shape[0] * result.weights.shape[1])
    if as_json:
        emit_json({
            "text": text, "output": str(path), "points": len(result.points),
            "units": units, "epochs": result.snapshot.epoch,
            "seconds": round(result.seconds, 3),
            "error": result.snapshot.errors[-1] if result.snapshot.errors else None,
        })  # fmt: skip
    else:
        click.echo(
            f"{path}: {text!r}, {len(result.points)} points, {units} units, "
            f"{result.snapshot.epoch} epochs in {result.seconds:.2f} s"
        )


# --------------------------------------------------------------------------- avatar
def _avatar_look(name: str, preset, explicit_style: bool):
    """The name's look, with the preset's explicit parameters and colours on top."""
    from engines.som.avatar import look_for_name

    look = look_for_name(name)
    fields = preset.engine_params.model_fields_set
    changes = {k: getattr(preset.engine_params, k) for k in ("step", "learning_radius", "std")
               if k in fields}  # fmt: skip
    if explicit_style:
        style = preset.style
        given = style.model_fields_set
        if "line_color" in given:
            changes["line"] = style.line_color
        if "node_color" in given:
            changes["dots"] = style.node_color
        if "background" in given:
            changes["background"] = style.background
    if not changes:
        return look
    from dataclasses import replace

    return replace(look, **changes)


def _avatar_params(look, preset):
    from engines.som.params import SOFMParams

    explicit = preset.engine_params.model_dump(include=preset.engine_params.model_fields_set)
    params = look.params(SOFMParams.model_validate(explicit))
    return params


def _avatar_style(preset, explicit: bool):
    from engines.art import ArtStyle

    if explicit:
        return preset.style
    return ArtStyle(line_width=2.0, node_size=4.0, width=480, margin=16)


@click.command()
@click.argument("name", required=False)
@preset_options
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The avatar or sheet (.png or .svg); a folder with --names.")  # fmt: skip
@click.option("--sheet", type=click.IntRange(1, 400), default=None, metavar="N",
              help="Draw N random avatars on one sheet.")  # fmt: skip
@click.option(
    "--names",
    "names_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Render one avatar per line of this file into the -o folder.",
)
@click.option("--format", "fmt", type=click.Choice(["png", "svg"]), default="png",
              show_default=True, help="File format with --names.")  # fmt: skip
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None,
              help="Seed of the random avatars of --sheet (default: the preset's).")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def avatar(name, preset_name, overrides, output, sheet, names_file, fmt, seed, force, as_json):
    """Draw the SOFM avatar of NAME: the same name always gives the same picture.

    Step, radius, std and colours come from NAME; a preset (avatar-bird, avatar-star,
    avatar-blob) or --set engine_params.KEY=... fixes them instead.
    """
    from engines.som.avatar import random_looks, sheet_drawing, train_avatar

    modes = sum(x is not None for x in (name, sheet, names_file))
    if modes > 1:
        fail_usage("give one of NAME, --sheet N or --names FILE")
    if modes == 0 and not preset_name:
        fail_usage("give a NAME, --sheet N, --names FILE or a preset")
    preset = _preset(preset_name, overrides)
    explicit_style = bool(preset_name) or any(o.startswith("style.") for o in overrides)
    style = _avatar_style(preset, explicit_style)

    if names_file is not None:
        _avatar_names(names_file, output, fmt, preset, style, explicit_style, force, as_json)
        return
    _check_output(output, force)
    try:
        if sheet is not None:
            looks = random_looks(sheet, preset.seed if seed is None else seed)
            pictures = [(train_avatar(_avatar_params(look, preset))[0], look) for look in looks]
            drawing = sheet_drawing(pictures, style, background=style.background)
            summary = {"sheet": sheet, "names": [look.name for look in looks]}
        else:
            label = name if name is not None else preset.name
            look = _avatar_look(label, preset, explicit_style)
            weights, _ = train_avatar(_avatar_params(look, preset))
            from engines.som.avatar import avatar_drawing

            drawing = avatar_drawing(weights, look, style)
            summary = {"name": look.name, "step": look.step,
                       "learning_radius": look.learning_radius, "std": look.std,
                       "colours": [look.line, look.dots, look.background]}  # fmt: skip
        path = _write_drawing(drawing, output, style, force)
    except FileExistsError as exc:
        fail_usage(str(exc))
        return
    except ValueError as exc:
        fail_usage(str(exc))
        return
    if as_json:
        emit_json({"output": str(path), **summary})
    elif sheet is not None:
        click.echo(f"{path}: {sheet} random avatars")
    else:
        click.echo(
            f"{path}: {summary['name']!r} step {summary['step']:.3f}, "
            f"radius {summary['learning_radius']}, std {summary['std']:.3f}"
        )


def _avatar_names(names_file, out_dir, fmt, preset, style, explicit_style, force, as_json):
    from engines.som.avatar import avatar_drawing, slug, train_avatar

    try:
        lines = names_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail_usage(f"{names_file}: cannot read the names ({exc})")
        return
    # One avatar per distinct name: a repeated name would only draw the same picture again.
    names = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
    if not names:
        fail_usage(f"{names_file}: no names in it (one name a line)")
    if out_dir.exists() and not out_dir.is_dir():
        fail_usage(f"{out_dir}: with --names, -o must be a folder")
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
            look = _avatar_look(name, preset, explicit_style)
            weights, _ = train_avatar(_avatar_params(look, preset))
            _write_drawing(avatar_drawing(weights, look, style), path, style, force)
            entries.append({"name": name, "output": str(path)})
        except FileExistsError:
            entries.append({"name": name, "output": str(path),
                            "error": "already exists (use --force to overwrite)"})  # fmt: skip
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
@click.argument("data", required=False, metavar="DATA")
@preset_options
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The picture: .png or .svg.")  # fmt: skip
@click.option("--view", type=click.Choice(["auto", "umatrix", "expanded", "grid", "units",
                                           "digits"]), default=None,
              help="What to draw (default: the preset's).")  # fmt: skip
@click.option("--expanded", is_flag=True, help="The expanded U-matrix (same as --view expanded).")
@click.option("--columns", default=None, metavar="I,J,...", callback=lambda c, p, v:
              _parse_columns(v), help="Feature columns to use (0-based).")  # fmt: skip
@click.option("--labels", "label_column", type=int, default=None, metavar="COL",
              help="Column of a CSV/NPY holding class labels (-1 = last).")  # fmt: skip
@click.option("--epochs", type=click.IntRange(1, 100_000), default=None,
              help="Override the preset's epochs.")  # fmt: skip
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None, help="Override the seed.")
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def map_command(data, preset_name, overrides, output, view, expanded, columns, label_column,
                epochs, seed, force, as_json):  # fmt: skip
    """Train a SOFM on DATA (.npy, .csv or sample:iris|breast_cancer|digits|moons|disc) and
    draw it: U-matrix heat map, expanded U-matrix, the grid over 2-D data, or digit images.

    Without -p, a sample uses its own preset (map-iris, ...) and a file uses map-default.
    """
    from engines.errors import GasworksError
    from engines.som import maps

    default = "map-default"
    if data and data.startswith(maps.SAMPLE_PREFIX):
        default = maps.SAMPLE_PRESETS.get(data[len(maps.SAMPLE_PREFIX) :], default)
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
    params = preset.engine_params
    run_seed = preset.seed if seed is None else seed
    try:
        loaded = maps.load_map_data(source, params.map, seed=run_seed)
        chosen = maps.resolve_view(params.map.view, loaded)
        result = maps.train_map(loaded, params, epochs=_epochs(epochs, preset), seed=run_seed)
    except (GasworksError, ValueError) as exc:
        fail_usage(str(exc))
        return
    try:
        path = _write_map(result, chosen, output, preset.style, force)
    except FileExistsError as exc:
        fail_usage(str(exc))
        return
    n, d = loaded.features.shape
    if as_json:
        emit_json({
            "input": source, "output": str(path), "view": chosen, "samples": n,
            "features": d, "units": params.n_units, "epochs": result.snapshot.epoch,
            "seconds": round(result.seconds, 3),
            "quantization_error": result.quantization_error,
            "topographic_error": result.topographic_error,
        })  # fmt: skip
    else:
        click.echo(
            f"{path}: {source}, {n} samples x {d} features on {params.n_units} units, "
            f"{result.snapshot.epoch} epochs in {result.seconds:.2f} s; "
            f"QE {result.quantization_error:.4g}, TE {result.topographic_error:.3f}"
        )


def _write_map(result, view: str, output: Path, style, force: bool) -> Path:
    from engines.som import maps, plots

    if view in ("grid", "units"):
        return _write_drawing(maps.map_drawing(result, view, style), output, style, force)
    if view == "digits":
        return plots.write_mosaic(output, maps.digits_mosaic(result), overwrite=force)
    values = result.u_matrix
    expanded = view == "expanded"
    if expanded:
        from engines.som import metrics

        values = metrics.u_matrix(result.snapshot.grid_weights, result.params.grid_type,
                                  result.params.toroidal, expanded=True)  # fmt: skip
    markers = None
    if result.data.labels is not None:
        cols = result.params.grid_shape[1]
        rows_, cols_ = (r * (2 if expanded else 1) for r in divmod(result.winners, cols))
        markers = list(zip(rows_.tolist(), cols_.tolist(), result.data.labels.tolist(),
                           strict=True))  # fmt: skip
    grid_type = "rect" if expanded else result.params.grid_type
    title = ("Expanded U-matrix" if expanded else "U-matrix") + f" of {result.data.source}"
    return plots.write_heatmap(
        output, values, overwrite=force, grid_type=grid_type, markers=markers,
        label_names=result.data.label_names, title=title,
    )  # fmt: skip
