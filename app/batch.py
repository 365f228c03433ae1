"""Render many inputs with one art preset (any art engine): worker processes, progress,
manifest, atomic output.

One bad input never stops the others; finished outputs are skipped unless ``force``, so a
re-run resumes; every file is written under a temporary name and renamed, so no partial
output ever remains, even after Ctrl-C.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engines.art.plotter import PlotterOptions
from engines.errors import display_name

#: File endings treated as images when a folder is given; anything else is skipped.
IMAGE_SUFFIXES = frozenset(
    (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm",
     ".pbm", ".tga", ".jp2", ".ico")
)  # fmt: skip
FORMATS = ("svg", "png")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Job:
    """One input to render; everything a worker process needs, picklable."""

    source: str
    preset_name: str
    preset_table: dict[str, Any]
    out_dir: str
    formats: tuple[str, ...]
    seed: int | None
    epochs: int | None
    force: bool
    plotter: PlotterOptions | None = None

    @property
    def stem(self) -> str:
        from engines.render import source_stem

        return source_stem(self.source)

    def outputs(self) -> dict[str, Path]:
        name = f"{self.stem}.{self.preset_name}"
        return {fmt: Path(self.out_dir) / f"{name}.{fmt}" for fmt in self.formats}


@dataclass
class BatchReport:
    """What happened to every input, in input order."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return sum(e["status"] in ("failed", "cancelled") for e in self.entries)

    def count(self, status: str) -> int:
        return sum(e["status"] == status for e in self.entries)


def expand_inputs(inputs: list[str]) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Files, folders (their image files, sorted) and ``sample:``/``text:`` inputs.

    Returns
    -------
    sources, notices, missing
        The inputs to render, notices about skipped non-image files, and failure entries
        for inputs that do not exist.
    """
    sources: list[str] = []
    notices: list[str] = []
    missing: list[dict[str, Any]] = []
    for item in inputs:
        if item.startswith(("sample:", "text:")):
            sources.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and child.suffix.lower() in IMAGE_SUFFIXES:
                    sources.append(str(child))
                elif not child.name.startswith("."):
                    notices.append(f"skipped {display_name(child)}: not an image file name")
        elif path.exists():
            sources.append(item)
        else:
            missing.append(_entry(item, "failed", error=f"{display_name(item)}: no such file"))
    return sources, notices, missing


def _entry(source: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"input": display_name(source), "status": status, **extra}


def render_job(job: Job) -> dict[str, Any]:
    """Render one input and write its files; never raises for a bad input."""
    from engines import registry
    from engines.errors import GasworksError
    from engines.presets import validate_preset
    from engines.render import art_title

    outputs = job.outputs()
    if not job.force and all(p.exists() for p in outputs.values()):
        return _entry(job.source, "skipped", outputs=[str(p) for p in outputs.values()])
    start = time.perf_counter()
    try:
        preset = validate_preset(job.preset_table, origin=job.preset_name)
        kind = registry.art_job(preset.engine)
        result = kind.run(job.source, preset, seed=job.seed, epochs=job.epochs)
        export = kind.load("export")
        t_render = time.perf_counter()
        title = art_title(job.source, job.preset_name)
        extra: dict[str, Any] = {}
        for fmt, path in outputs.items():
            figures = export(result, path, overwrite=True, title=title, plotter=job.plotter)
            if figures:
                extra["plotter" if fmt == "svg" and job.plotter is not None else fmt] = figures
        timings = {**result.timings, "write": time.perf_counter() - t_render}
    except (GasworksError, OSError, ValueError) as exc:
        message = str(exc)
        if job.source not in message and display_name(job.source) not in message:
            message = f"{display_name(job.source)}: {message}"
        return _entry(job.source, "failed", error=message,
                      seconds=round(time.perf_counter() - start, 3))  # fmt: skip
    return _entry(
        job.source,
        "done",
        outputs=[str(p) for p in outputs.values()],
        seed=result.seed,
        parameters=preset.model_dump(mode="json"),
        stats={**result.stats, **extra},
        timings={k: round(v, 3) for k, v in timings.items()},
        seconds=round(time.perf_counter() - start, 3),
    )


def _init_worker() -> None:
    # Ctrl-C goes to the parent, which cancels cleanly; workers finish or are stopped.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_jobs(
    jobs: list[Job], workers: int, on_done: Callable[[dict[str, Any]], None]
) -> Iterator[dict[str, Any]]:
    """Run ``jobs`` (in-process for one worker), yielding entries as they finish."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            entry = render_job(job)
            on_done(entry)
            yield entry
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        pending: dict[Future, Job] = {pool.submit(render_job, job): job for job in jobs}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = pending.pop(future)
                    try:
                        entry = future.result()
                    except Exception as exc:  # a crashed worker fails only its input
                        entry = _entry(job.source, "failed", error=f"worker crashed: {exc}")
                    on_done(entry)
                    yield entry
        finally:
            for future in pending:
                future.cancel()


def write_manifest(out_dir: Path, entries: list[dict[str, Any]]) -> Path:
    """Merge ``entries`` into ``out_dir/manifest.json`` (by input), atomically."""
    from engines.atomic import atomic_write_text

    path = out_dir / MANIFEST
    merged: dict[str, dict[str, Any]] = {}
    if path.exists():
        try:
            for entry in json.loads(path.read_text(encoding="utf-8")).get("inputs", []):
                merged[entry["input"]] = entry
        except (json.JSONDecodeError, KeyError, AttributeError, TypeError):
            merged = {}  # an unreadable manifest is rebuilt from this run
    for entry in entries:
        if entry["status"] == "skipped" and entry["input"] in merged:
            continue  # keep the record of the run that made the files
        merged[entry["input"]] = entry
    payload = {"generator": "gasworks render", "inputs": list(merged.values())}
    return atomic_write_text(path, json.dumps(payload, indent=2) + "\n")


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
