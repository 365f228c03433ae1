"""The training as an animation: the network growing, frame by frame, as GIF or MP4.

The frames are snapshots the art recipe's callback hands out anyway
(:class:`SnapshotRecorder` keeps a few, evenly spread over the run), each drawn with the art
module's ``mesh`` in the run's style, and the finished drawing last. ``gasworks render
--animate`` and the Art tab's animation export both call :func:`animation_images` and
:func:`write_animation`, so they draw the same frames from the same snapshots.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from engines.errors import GasworksError

#: Suffixes :func:`write_animation` writes.
ANIMATION_FORMATS = (".gif", ".mp4")
#: The extra that brings MP4 (imageio-ffmpeg's bundled ffmpeg).
VIDEO_EXTRA = "video"
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


class MissingExtra(GasworksError):
    """A format needs an optional dependency that is not installed; names the extra."""


def check_animation_path(path: str | Path) -> str:
    """The suffix of ``path`` (``.gif`` or ``.mp4``); a :class:`GasworksError` for any
    other, and :class:`MissingExtra` for ``.mp4`` without imageio-ffmpeg."""
    suffix = Path(path).suffix.lower()
    if suffix not in ANIMATION_FORMATS:
        raise GasworksError(f"{path}: an animation's file name must end in .gif or .mp4")
    if suffix == ".mp4":
        try:
            import imageio_ffmpeg  # noqa: F401
        except ImportError:
            raise MissingExtra(
                f"{path}: writing MP4 needs the '{VIDEO_EXTRA}' extra (imageio-ffmpeg): "
                f"pip install 'gasworks[{VIDEO_EXTRA}]'"
            ) from None
    return suffix


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
    path = Path(path)
    suffix = check_animation_path(path)
    if not images:
        raise GasworksError("the run recorded no frame to animate")
    if not overwrite and path.exists():
        raise FileExistsError(f"{path}: already exists")
    if suffix == ".gif":
        import imageio.v3 as iio

        from engines.atomic import atomic_write_bytes

        data = iio.imwrite("<bytes>", np.stack(images), extension=".gif",
                           duration=1000 / fps, loop=0)  # fmt: skip
        atomic_write_bytes(path, data, overwrite=overwrite)
    else:
        _write_mp4(images, path, fps)
    return {"frames": len(images), "fps": fps, "seconds": round(len(images) / fps, 2),
            "size": [int(images[0].shape[1]), int(images[0].shape[0])]}  # fmt: skip


def _write_mp4(images: list[np.ndarray], path: Path, fps: int) -> None:
    """H.264 through imageio-ffmpeg's bundled ffmpeg, written beside ``path`` and renamed."""
    import imageio.v2 as imageio

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mp4", dir=path.parent)
    os.close(fd)
    try:
        with imageio.get_writer(tmp, format="FFMPEG", fps=fps, codec="libx264",  # type: ignore[call-arg]
                                macro_block_size=1, pixelformat="yuv420p",
                                ffmpeg_log_level="error") as writer:  # fmt: skip
            for image in images:
                writer.append_data(image)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's file is private; outputs are not
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


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
