"""``gasworks gui``: open the studio window; with ``--screenshot``, save a picture and exit."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.commands.common import check_output
from engines.registry import tabs


@click.command()
@click.option("--tab", type=click.Choice(tabs()), default=None,
              help="Open this tab.")  # fmt: skip
@click.option("--run", "run_job", is_flag=True,
              help="Run the tab's default job (to the end with --screenshot).")  # fmt: skip
@click.option("--screenshot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.png",
              help="Save a screenshot of the whole window to FILE.png and exit "
                   "(works with QT_QPA_PLATFORM=offscreen).")  # fmt: skip
def gui(tab: str | None, run_job: bool, screenshot: Path | None) -> None:
    """Open the Gasworks studio: art, words, logos, avatars, maps, memory, landscape and
    tuning tabs.

    On Linux with X11, the system libraries Qt's xcb plugin needs are checked first; the
    missing ones are named with the packages to install (exit 2).

    Exit codes: 0 done; 1 the job or the screenshot failed; 2 usage error, or no window
    can be opened.
    """
    if screenshot is not None and screenshot.suffix.lower() != ".png":
        click.echo(f"Error: {screenshot}: the screenshot must end in .png", err=True)
        sys.exit(2)
    check_output(screenshot)
    if run_job and tab is None:
        click.echo("Error: --run needs --tab (which tab's job to run)", err=True)
        sys.exit(2)
    from app.gui.platform_check import check

    problem = check()
    if problem is not None:  # before Qt aborts on a missing X11 library or display
        click.echo(problem, err=True)
        sys.exit(2)
    from app.gui.main import launch

    sys.exit(launch(tab, run=run_job, screenshot=screenshot))
