"""``gasworks samples``: list scikit-image's bundled images usable as ``sample:NAME``."""

from __future__ import annotations

import click

from app.commands.common import emit_json, json_option


@click.command()
@json_option("Print JSON instead of a table.")
def samples(as_json: bool) -> None:
    """List the bundled sample images (use them as sample:NAME)."""
    from engines.pipeline import sample_sizes

    rows = sample_sizes()
    if as_json:
        emit_json([{"name": f"sample:{n}", "shape": list(s)} for n, s in rows])
        return
    for name, shape in rows:
        size = f"{shape[1]}x{shape[0]}"
        kind = "colour" if len(shape) == 3 else "grey"
        click.echo(f"sample:{name:<22} {size:>10}  {kind}")
