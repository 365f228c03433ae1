"""``gasworks demo``: render the gallery of shipped presets and the pipeline previews."""

from __future__ import annotations

from pathlib import Path

import click

from app.commands.common import check_output, force_option, out_dir_option

#: Presets whose inputs ship with the project; each gets a strip of previews.
PIPELINE_PRESETS = ("astronaut-points", "coins-local", "page-text")
#: GNG presets rendered as art (SVG + PNG).
ART_PRESETS = ("astronaut", "horse", "camera", "text")
#: SOFM pictures, as the commands that make them (output file last).
SOM_COMMANDS = (
    ("logo", "Gasworks", "-o", "logo.png"),
    ("avatar", "--sheet", "12", "-o", "avatars.png"),
    ("map", "sample:breast_cancer", "-o", "map-breast-cancer.png"),
)


@click.command()
@out_dir_option("Folder for the pictures.", default=Path("out"), old=("--out",))
@force_option("Render again even if the pictures exist.")
def demo(out_dir: Path, force: bool) -> None:
    """Render the art gallery and pipeline previews (grey → blurred → binary) into DIR."""
    check_output(out_dir, folder=True)
    from rich.progress import Progress

    from app.batch import Job, render_job
    from engines.pipeline import run_pipeline
    from engines.presets import load_preset, read_preset_table

    with Progress(transient=True) as progress:
        total = len(PIPELINE_PRESETS) + len(ART_PRESETS) + len(SOM_COMMANDS)
        task = progress.add_task("demo", total=total)
        for name in PIPELINE_PRESETS:
            preset = load_preset(name)
            result = run_pipeline(preset.input, preset.pipeline)
            path = _write_strip(out_dir / f"{name}.pipeline.png", result.previews())
            progress.console.print(f"{path}  ({result.points.shape[0]} points)")
            progress.advance(task)
        for name in ART_PRESETS:
            table = read_preset_table(name)
            preset = load_preset(name)
            source = preset.input or f"text:{preset.text.text}"
            job = Job(source, name, table, str(out_dir), ("svg", "png"), None, None, force)
            entry = render_job(job)
            if entry["status"] == "failed":
                raise click.ClickException(entry["error"])
            stats = entry.get("stats")
            figures = f"{stats['nodes']} nodes, {stats['edges']} edges" if stats else "kept"
            progress.console.print(f"{job.outputs()['png']}  ({entry['status']}: {figures})")
            progress.advance(task)
        for command, *args in SOM_COMMANDS:
            path = out_dir / args[-1]
            if force or not path.exists():
                _run_command(command, [*args[:-1], str(path), "--force"])
            else:
                progress.console.print(f"{path}  (kept)")
            progress.advance(task)


def _run_command(name: str, args: list[str]) -> None:
    """Run another gasworks command in this process, as its own command line would."""
    from app.cli import main

    command = main.get_command(click.get_current_context(), name)
    command.main(args, prog_name=f"gasworks {name}", standalone_mode=False)


def _write_strip(path: Path, previews: dict) -> Path:
    """Side-by-side grey | blurred | binary, with a white gap between them."""
    import numpy as np

    from engines.atomic import atomic_write_bytes, png_bytes

    panels = [previews["grey"], previews["blurred"], previews["binary"]]
    gap = np.full((panels[0].shape[0], 8), 255, dtype=np.uint8)
    strip = np.hstack([p if i == 0 else np.hstack([gap, p]) for i, p in enumerate(panels)])
    return atomic_write_bytes(path, png_bytes(strip))
