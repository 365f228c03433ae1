"""Atomic file output: write to a temporary name beside the target, then rename.

A reader never sees a half-written file, and a crash leaves no partial output behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _default_mode() -> int:
    """Permissions a plain ``open()`` would give a new file (0o666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(
    path: str | Path, data: bytes, *, overwrite: bool = True, mode: int | None = None
) -> Path:
    """Write ``data`` to ``path`` atomically.

    ``mode`` sets the file's permissions (e.g. 0o600 for a file holding a secret); by
    default they are those of a plain ``open()``, not the temporary file's owner-only ones.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path}: already exists (use --force to overwrite)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str, *, overwrite: bool = True) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def png_bytes(image, **save_options) -> bytes:
    """Encode an 8-bit grey/RGB/RGBA array (or a Pillow image) as PNG bytes."""
    import io

    import numpy as np
    from PIL import Image

    img = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", **save_options)
    return buffer.getvalue()
