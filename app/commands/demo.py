"""``gasworks demo``: render the bundled samples' pipeline previews into a folder."""

from __future__ import annotations

from pathlib import Path

import click

#: Presets whose inputs ship with the project; each gets a strip of previews.
DEMO_PRESETS = ("astronaut-points", "coins-local", "page-text")
DEMO_TEXT = "Gasworks"


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Folder for the pictures.")  # fmt: skip
def demo(out_dir: Path) -> None:
    """Render pipeline previews (grey → blurred → binary) of bundled samples and text."""
    from rich.progress import Progress

    from engines.pipeline import render_text, run_pipeline
    from engines.presets import load_preset

    jobs = [(name, load_preset(name)) for name in DEMO_PRESETS]
    with Progress(transient=True) as progress:
        task = progress.add_task("demo", total=len(jobs) + 1)
        for name, preset in jobs:
            result = run_pipeline(preset.input, preset.pipeline)
            path = _write_strip(out_dir / f"{name}.pipeline.png", result.previews())
            progress.console.print(f"{path}  ({result.points.shape[0]} points)")
            progress.advance(task)
        text_result = run_pipeline(render_text(DEMO_TEXT, size=120))
        path = _write_strip(out_dir / "text.pipeline.png", text_result.previews())
        progress.console.print(f"{path}  ({text_result.points.shape[0]} points)")
        progress.advance(task)


def _write_strip(path: Path, previews: dict) -> Path:
    """Side-by-side grey | blurred | binary, with a white gap between them."""
    import numpy as np

    from engines.atomic import atomic_write_bytes, png_bytes

    panels = [previews["grey"], previews["blurred"], previews["binary"]]
    gap = np.full((panels[0].shape[0], 8), 255, dtype=np.uint8)
    strip = np.hstack([p if i == 0 else np.hstack([gap, p]) for i, p in enumerate(panels)])
    return atomic_write_bytes(path, png_bytes(strip))
