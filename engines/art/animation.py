"""The training as an animation: the network growing, frame by frame, as GIF or MP4.

The frames are snapshots the art recipe's callback hands out anyway
(:class:`SnapshotRecorder` keeps a few, evenly spread over the run), each drawn with the art
module's ``mesh`` in the run's style, and the finished drawing last. ``gasworks render
--animate`` and the Art tab's animation export both call :func:`animation_images` and
:func:`write_animation`, so they draw the same frames from the same snapshots.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from engines.errors import GasworksError
from engines.movie import MOVIE_FORMATS as ANIMATION_FORMATS
from engines.movie import check_movie_path, write_movie

DEFAULT_FPS = 30
DEFAULT_FRAMES = 120
#: Frames wider than this (the style's canvas) are scaled down to it: a GIF of a 1,000 px
#: canvas is several times larger for little to see.
ANIMATION_MAX_WIDTH = 720


class AnimationParams(BaseModel):
    """How an animation of the training is written (``--fps``, ``--frames``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fps: int = Field(DEFAULT_FPS, ge=1, le=60, description="frames per second")
    frames: int = Field(
        DEFAULT_FRAMES, ge=2, le=1000, description="frames, the finished drawing included"
    )


def check_animation_path(path: str | Path) -> str:
    """The suffix of ``path`` (``.gif`` or ``.mp4``); a :class:`GasworksError` for any
    other, and :class:`engines.movie.MissingExtra` for ``.mp4`` without imageio-ffmpeg."""
    return check_movie_path(path, ANIMATION_FORMATS)


class SnapshotRecorder:
    """A recipe callback that keeps snapshots for an animation (it never cancels).

    A snapshot is kept each time the run's share done (``snapshot.fraction``) passes the
    next of ``frames - 1`` even steps; :meth:`timeline` then picks ``frames - 1`` of them,
    evenly spaced in iterations, holding a frame where the run went faster than the
    callbacks came (ask the recipe for :attr:`callbacks` of them: ``snapshots=``).

    Parameters
    ----------
    frames : int
        Frames of the animation, the finished drawing included (>= 2).
    then : callable, optional
        Another callback called after recording (its return value is returned: the
        studio's, which cancels).
    """

    #: Callbacks asked of the recipe per frame (``snapshots``), so no frame is skipped.
    CALLBACKS_PER_FRAME = 1

    def __init__(self, frames: int = DEFAULT_FRAMES, then=None):
        if frames < 2:
            raise GasworksError(f"an animation needs at least 2 frames, got {frames}")
        self.frames = frames
        self.callbacks = frames * self.CALLBACKS_PER_FRAME
        self.then = then
        self.snapshots: list[Any] = []

    def __call__(self, snapshot: Any) -> bool:
        steps = self.frames - 1
        last = self.snapshots[-1] if self.snapshots else None
        due = last is None or snapshot.fraction * steps >= len(self.snapshots)
        if due and (last is None or snapshot.iteration > last.iteration):
            self.snapshots.append(snapshot)
        return bool(self.then(snapshot)) if self.then is not None else False

    def timeline(self) -> list[Any]:
        """``frames - 1`` snapshots, the k-th the first kept at or after k / (frames - 1) of
        the run's final iteration (the last kept when none is)."""
        if not self.snapshots:
            return []
        iterations = np.array([s.iteration for s in self.snapshots])
        end = int(iterations[-1])
        steps = self.frames - 1
        picks = []
        for k in range(steps):
            at = min(int(np.searchsorted(iterations, k * end / steps)), len(iterations) - 1)
            picks.append(self.snapshots[at])
        return picks


def animation_drawings(result, snapshots: list[Any], *, engine: str | None, name: str):
    """The drawing of each snapshot (the art module's ``mesh``, in the result's style and
    frame), then the finished drawing."""
    from engines.render import art_engine, image_bounds

    art = art_engine(engine)
    bounds = image_bounds(result.pipeline) if result.pipeline is not None else None
    frame = bounds or result.drawing.bounds
    drawings = [
        art.mesh(s, result.style, bounds=frame, name=name, pipeline=result.pipeline)
        for s in snapshots
    ]
    return [*drawings, result.drawing]


def animation_images(drawings, style, *, progress=None) -> list[np.ndarray]:
    """Each drawing as an RGB frame (the PNG writer's pixels, scaled down to
    :data:`ANIMATION_MAX_WIDTH` when wider). ``progress(done, total)`` returning True stops
    (:class:`AnimationCancelled`)."""
    from PIL import Image

    from engines.art.png import render_image

    images = []
    for k, drawing in enumerate(drawings):
        image = render_image(drawing, style).convert("RGB")
        if image.width > ANIMATION_MAX_WIDTH:
            height = max(2, round(image.height * ANIMATION_MAX_WIDTH / image.width))
            image = image.resize((ANIMATION_MAX_WIDTH, height), Image.Resampling.LANCZOS)
        # Even sides: H.264 in yuv420p needs them.
        w, h = image.width - image.width % 2, image.height - image.height % 2
        images.append(np.asarray(image)[:h, :w])
        if progress is not None and progress(k + 1, len(drawings)):
            raise AnimationCancelled
    return images


class AnimationCancelled(Exception):
    """The progress callback of :func:`animation_images` asked to stop."""


def write_animation(
    images: list[np.ndarray], path: str | Path, *, fps: int = DEFAULT_FPS, overwrite: bool = True
) -> dict[str, Any]:
    """Write ``images`` as a GIF (looping) or an MP4 (H.264) at ``fps`` frames a second,
    atomically. Returns figures of what was written."""
    if not images:
        raise GasworksError("the run recorded no frame to animate")
    write_movie(images, path, fps, overwrite=overwrite)
    return {"frames": len(images), "fps": fps, "seconds": round(len(images) / fps, 2),
            "size": [int(images[0].shape[1]), int(images[0].shape[0])]}  # fmt: skip


def render_animation(
    source,
    preset,
    path: str | Path,
    *,
    fps: int = DEFAULT_FPS,
    frames: int = DEFAULT_FRAMES,
    seed: int | None = None,
    epochs: int | None = None,
    overwrite: bool = True,
):
    """Render ``source`` with ``preset`` (the art recipe), recording the training, and write
    it as an animation of ``frames`` frames to ``path``. Returns (the render, figures)."""
    from engines.render import render_input

    check_animation_path(path)
    recorder = SnapshotRecorder(frames)
    result = render_input(source, preset, seed=seed, epochs=epochs, callback=recorder,
                          snapshots=recorder.callbacks)  # fmt: skip
    drawings = animation_drawings(result, recorder.timeline(), engine=preset.engine,
                                  name=preset.name)  # fmt: skip
    figures = write_animation(animation_images(drawings, result.style), path, fps=fps,
                              overwrite=overwrite)  # fmt: skip
    return result, figures
