"""Preset + input → trained engine → drawing: the art recipe, for every art engine.

Each art engine has a small module (``engines.gng.art``, ``engines.som.art``) with how it
trains on points, how a snapshot looks while it trains (``mesh``) and how the result is
drawn; :func:`render_art` is the body they share, :func:`render_input` picks the engine a
preset names through the registry, and :func:`export_render` writes the result. The batch
runner, the studio and scripts call these, so they make the same files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from engines.art import ArtStyle, Drawing
from engines.art.plotter import PlotterOptions
from engines.core import Callback
from engines.errors import GasworksError, InputError, display_name
from engines.pipeline import PipelineResult, render_text, run_pipeline
from engines.presets import Preset
from engines.validation import check_seed

TEXT_PREFIX = "text:"


@dataclass(frozen=True)
class RenderResult:
    """A finished render: the drawing, its style, and figures for the manifest."""

    drawing: Drawing
    style: ArtStyle
    pipeline: PipelineResult = field(repr=False)
    snapshot: Any = field(repr=False)
    epochs: int
    seed: int
    timings: dict[str, float]
    #: Figures for the manifest: points, the engine's own (nodes, units...), epochs, error,
    #: and those of the drawing itself (continuous strokes: strokes, share of line on ink).
    stats: dict[str, Any] = field(default_factory=dict)


def is_text_source(source: str | Path) -> bool:
    return isinstance(source, str) and source.startswith(TEXT_PREFIX)


def run_input_pipeline(source: str | Path, preset: Preset) -> PipelineResult:
    """Run the preset's pipeline on a file, ``sample:NAME`` or ``text:...`` input."""
    if is_text_source(source):
        text = str(source)[len(TEXT_PREFIX) :].replace("\\n", "\n")
        t = preset.text
        image = render_text(text, font=t.font, size=t.size, padding=t.padding, align=t.align)
        return run_pipeline(image, preset.pipeline)
    return run_pipeline(source, preset.pipeline)


def image_bounds(result: PipelineResult) -> tuple[float, float, float, float]:
    """The input image's extent in point coordinates, so art keeps the picture's frame."""
    h, w = result.image_size
    s = result.params.scale
    return (0.0, -(h - 1) * s, (w - 1) * s, 0.0)


class ArtEngine(Protocol):
    """What an art engine's module offers (``engines.gng.art``, ``engines.som.art``)."""

    def train(self, points: np.ndarray, preset: Preset, *, seed: int, epochs: int | None,
              callback: Callback | None, pipeline: PipelineResult | None,
              snapshots: int | None = None) -> tuple[Any, int, dict[str, Any]]: ...  # fmt: skip

    def mesh(self, snapshot: Any, style: ArtStyle, *, bounds, name: str,
             pipeline: PipelineResult | None = None) -> Drawing: ...  # fmt: skip

    def draw(self, snapshot: Any, style: ArtStyle, pipeline: PipelineResult, *,
             name: str) -> tuple[Drawing, dict[str, Any]]: ...  # fmt: skip

    def figures(self, snapshot: Any) -> dict[str, Any]: ...


def pipeline_figures(result: PipelineResult) -> dict[str, Any]:
    """The points mode for the manifest, and why ``auto`` chose it; in binary mode the ink
    ('dark' or 'light') and why ``auto`` chose light ink."""
    figures: dict[str, Any] = {"points_mode": result.mode}
    if result.mode_reason:
        figures["points_mode_reason"] = result.mode_reason
    if result.mode == "binary":  # which side of the threshold was drawn, and why auto chose it
        figures["ink"] = result.ink
        if result.ink_reason:
            figures["ink_reason"] = result.ink_reason
    return figures


def art_engine(engine: str | None) -> ArtEngine:
    """The art module of ``engine``, found through the registry."""
    import importlib

    from engines.registry import art_job

    return importlib.import_module(art_job(engine).recipe.partition(":")[0])


def checked_points(source: str | Path, result: PipelineResult) -> np.ndarray:
    """The pipeline's points, or an InputError naming the source when there are too few."""
    n_points = int(result.points.shape[0])
    if n_points < 2:
        raise InputError(
            source,
            f"the pipeline found {n_points} foreground pixel(s); the image may be blank or "
            "lighter than its threshold everywhere (try pipeline.invert or a higher offset)",
        )
    return result.points


def render_art(
    art: ArtEngine,
    source: str | Path,
    preset: Preset,
    *,
    seed: int | None = None,
    epochs: int | None = None,
    callback: Callback | None = None,
    pipeline: PipelineResult | None = None,
    snapshots: int | None = None,
) -> RenderResult:
    """Pipeline → train ``art``'s engine → drawing: the body of every art recipe.

    ``pipeline`` is the input's pipeline result when the caller already has it (the
    studio's previews); it must come from the same source and preset. ``snapshots`` asks
    for at least that many callbacks, at iterations evenly spaced over the run (an
    animation's frames fall on the same signals however fast the machine is).
    """
    t0 = time.perf_counter()
    result = pipeline if pipeline is not None else run_input_pipeline(source, preset)
    chosen: dict[str, Any] = {}
    if preset.tone_preset and result.mode == "tone" and result.params.points == "auto":
        preset, result, chosen = _tone_preset(source, preset, result)
        if art_engine(preset.engine) is not art:
            raise GasworksError(f"tone_preset {preset.name!r} must use the same engine")
    points = checked_points(source, result)
    t1 = time.perf_counter()
    seed = check_seed(preset.seed if seed is None else seed)
    snapshot, epochs, trained = art.train(
        points, preset, seed=seed, epochs=epochs, callback=callback, pipeline=result,
        snapshots=snapshots,
    )  # fmt: skip
    t2 = time.perf_counter()
    style = preset.style or ArtStyle()
    drawing, drawing_stats = art.draw(snapshot, style, result, name=preset.name)
    timings = {"pipeline": t1 - t0, "train": t2 - t1, "draw": time.perf_counter() - t2}
    stats = {"points": int(points.shape[0]), **pipeline_figures(result), **chosen,
             **art.figures(snapshot), "epochs": epochs, "error": snapshot.error, **trained,
             **drawing_stats}  # fmt: skip
    return RenderResult(drawing, style, result, snapshot, epochs, seed, timings, stats)


def _tone_preset(source, preset: Preset, auto: PipelineResult):
    """A photo found by ``points = "auto"``: the preset's ``tone_preset`` (with this preset's
    seed and epochs), its pipeline result, and the figures saying so."""
    from engines.presets import load_preset

    tone = load_preset(preset.tone_preset)
    tone = tone.model_copy(update={"seed": preset.seed, "epochs": preset.epochs or tone.epochs})
    figures = {"points_mode_reason": auto.mode_reason, "tone_preset": tone.name}
    return tone, run_input_pipeline(source, tone), figures


def render_input(
    source: str | Path,
    preset: Preset,
    *,
    seed: int | None = None,
    epochs: int | None = None,
    callback: Callback | None = None,
    pipeline: PipelineResult | None = None,
    snapshots: int | None = None,
) -> RenderResult:
    """Render one input with an art preset (any art engine of the registry).

    Parameters
    ----------
    source : str or Path
        A file, ``sample:NAME`` or ``text:WORDS``.
    preset : Preset
        Its ``engine`` must be an art engine (``gng``, ``som``).
    seed, epochs : int, optional
        Override the preset's (epochs default to the preset's, else the recipe chooses).
    callback : callable, optional
        Receives engine snapshots during training; returning True stops training early
        (the drawing is made from what was reached).

    Raises
    ------
    InputError
        The input cannot be read, or yields no foreground points.
    GasworksError
        The preset's engine makes no art.
    """
    return art_engine(preset.engine).render(
        source, preset, seed=seed, epochs=epochs, callback=callback, pipeline=pipeline,
        snapshots=snapshots,
    )  # fmt: skip


def art_title(source: str | Path, preset_name: str) -> str:
    """The title written into an art file's metadata."""
    return f"{source_stem(source)} · gasworks {preset_name}"


def export_render(
    result: RenderResult,
    path: str | Path,
    *,
    overwrite: bool = True,
    title: str = "",
    plotter: PlotterOptions | None = None,
) -> dict[str, Any]:
    """Write a render to ``path`` by its suffix: .svg (plotter-ready with ``plotter``) or
    .png. Returns figures of what was written (pen travel for plotter SVG)."""
    from engines.art import write_png, write_svg
    from engines.art.plotter import write_plotter_svg

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg" and plotter is not None:
        return write_plotter_svg(result.drawing, path, plotter, title, overwrite=overwrite)
    if suffix == ".svg":
        write_svg(result.drawing, path, result.style, title=title, overwrite=overwrite)
    elif suffix == ".png":
        write_png(result.drawing, path, result.style, overwrite=overwrite)
    else:
        raise GasworksError(f"{display_name(path)}: the file must end in .png or .svg")
    return {}


def source_stem(source: str | Path) -> str:
    """File-name stem for an input: the file's stem, the sample's name, or the text."""
    text = str(source)
    if text.startswith("sample:"):
        return text[len("sample:") :]
    if is_text_source(text):
        words = "".join(c if c.isalnum() else "-" for c in text[len(TEXT_PREFIX) :])
        return ("text-" + "-".join(filter(None, words.split("-"))))[:60].rstrip("-")
    return Path(text).stem


def points_bounds(points: np.ndarray) -> tuple[float, float, float, float]:
    xmin, ymin = points.min(axis=0)
    xmax, ymax = points.max(axis=0)
    return (float(xmin), float(ymin), float(xmax), float(ymax))
