"""The ``gasworks`` command line.

Subcommands live in ``app.commands`` and are imported only when called, so a command that
needs no torch, Qt or Numba starts without paying for them.
"""

from __future__ import annotations

import importlib

import click

#: Command name → "module:attribute"; each issue that builds an engine adds its commands.
COMMANDS: dict[str, str] = {
    "points": "app.commands.points:points",
    "samples": "app.commands.samples:samples",
    "presets": "app.commands.presets:presets",
    "demo": "app.commands.demo:demo",
    "hopfield": "app.commands.hopfield:hopfield",
    "render": "app.commands.render:render",
    "words": "app.commands.words:words",
    "logo": "app.commands.som:logo",
    "avatar": "app.commands.som:avatar",
    "map": "app.commands.som:map_command",
    "landscape": "app.commands.landscape:landscape",
    "tune": "app.commands.tune:tune",
    "train": "app.commands.train:train",
    "reflect": "app.commands.reflect:reflect",
    "eco": "app.commands.eco:eco",
    "gui": "app.commands.gui:gui",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gasworks")
def main() -> None:
    """Gasworks: neural-network art and classic neural engines.

    \b
    Every command spells its options the same way:
      -o/--output FILE   the one file a command writes (its suffix picks the format)
      --out-dir DIR      the folder it writes several files into (-o when that is all)
      --format A,B       the formats written there, comma-separated
      --seed N           0 to 4294967295; --json prints JSON; --force overwrites
      -p/--preset NAME   a shipped preset or a .toml file; --set section.key=value

    Exit codes: 0 all good; 1 some inputs failed (the rest were done); 2 usage or preset error.
    """
