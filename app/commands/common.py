"""Helpers shared by the subcommands: exit codes, JSON output, preset options, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=False, default=_json_default))


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def fail_usage(message: str) -> None:
    """Print ``message`` as a usage/preset error and exit with code 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def preset_options(func: Callable) -> Callable:
    """``-p/--preset`` and repeatable ``--set section.key=value``."""
    func = click.option(
        "--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
        help="Override one preset value, e.g. --set pipeline.blur=1.5 (repeatable).",
    )(func)  # fmt: skip
    return click.option(
        "-p", "--preset", "preset_name", default=None, metavar="NAME|FILE.toml",
        help="A shipped preset name or a preset file.",
    )(func)  # fmt: skip
