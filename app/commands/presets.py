"""``gasworks presets list|show``."""

from __future__ import annotations

import click

from app.commands.common import emit_json, fail_usage, json_option


@click.group()
def presets() -> None:
    """List and show the named parameter sets."""


@presets.command("list")
@json_option("Print JSON.")
def list_presets(as_json: bool) -> None:
    """List the shipped presets with their descriptions."""
    from engines.errors import PresetError
    from engines.presets import load_preset, preset_names

    rows = []
    for name in preset_names():
        try:
            preset = load_preset(name)
            rows.append({"name": name, "engine": preset.engine, "description": preset.description})
        except PresetError as exc:
            rows.append({"name": name, "engine": None, "description": f"INVALID: {exc}"})
    if as_json:
        emit_json(rows)
        return
    width = max((len(r["name"]) for r in rows), default=4)
    for row in rows:
        click.echo(f"{row['name']:<{width}}  {row['engine'] or '-':<6} {row['description']}")


@presets.command("show")
@click.argument("name")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
              help="Override one value, e.g. --set pipeline.blur=1.5 (repeatable).")  # fmt: skip
@json_option("Print JSON.")
def show_preset(name: str, overrides: tuple[str, ...], as_json: bool) -> None:
    """Show every value of preset NAME (a name or a .toml path), defaults filled in."""
    from engines.errors import PresetError
    from engines.presets import dump_preset, load_preset

    try:
        preset = load_preset(name, list(overrides))
    except PresetError as exc:
        fail_usage(str(exc))
        return
    if as_json:
        emit_json(preset.model_dump(mode="json"))
    else:
        click.echo(f"# preset {preset.name}")
        click.echo(dump_preset(preset), nl=False)
