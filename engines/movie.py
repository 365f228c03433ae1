"""Animations as files: a looping GIF or an H.264 MP4, written atomically.

The one writer behind every animation the product makes (the network growing, the
loss-landscape earthquakes, the Gaussian-process demo): imageio writes GIFs itself and MP4s
through imageio-ffmpeg's bundled ffmpeg binary, which is the optional ``video`` extra.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engines.errors import GasworksError

#: Suffixes :func:`write_movie` writes.
MOVIE_FORMATS = (".gif", ".mp4")
#: The extra that brings MP4 (imageio-ffmpeg's bundled ffmpeg).
VIDEO_EXTRA = "video"


class MissingExtra(GasworksError):
    """A format needs an optional dependency that is not installed; names the extra."""


def require_video_extra(path: str | Path) -> None:
    """A :class:`MissingExtra` naming ``path`` and the extra if MP4 cannot be written."""
    try:
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        raise MissingExtra(
            f"{path}: writing MP4 needs the '{VIDEO_EXTRA}' extra (imageio-ffmpeg): "
            f"pip install 'gasworks[{VIDEO_EXTRA}]'"
        ) from None


def check_movie_path(path: str | Path, formats: Sequence[str] = MOVIE_FORMATS) -> str:
    """The lower-case suffix of ``path`` if it is one of ``formats``, else a
    :class:`GasworksError` listing them; :class:`MissingExtra` for ``.mp4`` without
    imageio-ffmpeg."""
    suffix = Path(path).suffix.lower()
    if suffix not in formats:
        allowed = f"{', '.join(formats[:-1])} or {formats[-1]}" if len(formats) > 1 else formats[0]
        raise GasworksError(f"{path}: the file name must end in {allowed}")
    if suffix == ".mp4":
        require_video_extra(path)
    return suffix


def write_movie(
    frames: Sequence[np.ndarray], path: str | Path, fps: float, *, overwrite: bool = True
) -> Path:
    """Write ``frames`` (H×W×3 uint8, all one size) to ``path``: ``.gif`` loops forever,
    ``.mp4`` is H.264 (yuv420p, any frame size). Written beside ``path`` and renamed, so
    an interrupted write leaves no partial file; ``overwrite=False`` refuses an existing
    file (``FileExistsError``)."""
    path = Path(path)
    suffix = check_movie_path(path)
    if not len(frames):
        raise GasworksError(f"{path}: no frame to write")
    if not overwrite and path.exists():
        raise FileExistsError(f"{path}: already exists (use --force to overwrite)")
    if suffix == ".gif":
        import imageio.v3 as iio

        from engines.atomic import atomic_write_bytes

        data = iio.imwrite("<bytes>", np.stack(frames), extension=".gif",
                           duration=1000 / fps, loop=0)  # fmt: skip
        return atomic_write_bytes(path, data, overwrite=overwrite)
    return _write_mp4(frames, path, fps, overwrite=overwrite)


def _write_mp4(frames: Sequence[np.ndarray], path: Path, fps: float, *, overwrite: bool) -> Path:
    import imageio.v2 as imageio

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mp4", dir=path.parent)
    os.close(fd)
    try:
        # macro_block_size=1: no resizing to multiples of 16 (frames are padded to even sizes,
        # which yuv420p needs, instead)
        with imageio.get_writer(tmp, format="FFMPEG", fps=fps, codec="libx264",  # type: ignore[call-arg]
                                macro_block_size=1, pixelformat="yuv420p",
                                ffmpeg_log_level="error") as writer:  # fmt: skip
            for frame in frames:
                writer.append_data(_even_sized(frame))
        if not overwrite and path.exists():
            raise FileExistsError(f"{path}: already exists (use --force to overwrite)")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's file is private; outputs are not
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def _even_sized(frame: np.ndarray) -> np.ndarray:
    """``frame`` with its last row and column repeated where its height or width is odd:
    H.264 in yuv420p stores colour at half resolution and refuses odd sizes."""
    pad_rows, pad_cols = frame.shape[0] % 2, frame.shape[1] % 2
    if not (pad_rows or pad_cols):
        return frame
    return np.pad(frame, ((0, pad_rows), (0, pad_cols), (0, 0)), mode="edge")
