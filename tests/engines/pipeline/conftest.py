"""Image files of every awkward kind, generated into a temporary folder."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims width x height, with one tiny (wrong) data chunk."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def gradient(h: int = 40, w: int = 60) -> np.ndarray:
    """A left-dark, right-light grey ramp with a black square in the middle."""
    ramp = np.tile(np.linspace(0, 255, w), (h, 1))
    ramp[10:30, 20:40] = 0
    return ramp.astype(np.uint8)


@pytest.fixture
def image_files(tmp_path: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    grey = gradient()

    def save(name: str, img: Image.Image, **kw) -> None:
        path = tmp_path / name
        img.save(path, **kw)
        files[name] = path

    save("grey.png", Image.fromarray(grey))
    save("rgb.jpg", Image.fromarray(np.dstack([grey] * 3)), quality=95)
    save("cmyk.jpg", Image.fromarray(np.dstack([grey] * 3)).convert("CMYK"), quality=95)
    save("palette.png", Image.fromarray(np.dstack([grey] * 3)).convert("P"))
    save("deep16.png", Image.fromarray(grey.astype(np.uint16) * 257))
    save("float.tif", Image.fromarray(grey.astype(np.float32) / 255.0))
    rgba = np.zeros((40, 60, 4), dtype=np.uint8)
    rgba[10:30, 20:40] = (0, 0, 0, 255)  # opaque black square on a fully transparent field
    save("transparent.png", Image.fromarray(rgba))
    save("one_pixel.png", Image.fromarray(np.zeros((1, 1), dtype=np.uint8)))
    save("white.png", Image.fromarray(np.full((30, 30), 255, dtype=np.uint8)))
    save("black.png", Image.fromarray(np.zeros((30, 30), dtype=np.uint8)))
    frames = [Image.fromarray(grey), Image.fromarray(255 - grey)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    files["anim.gif"] = tmp_path / "anim.gif"

    # EXIF orientation 6: the stored pixels must be rotated 90° clockwise for display.
    tall = Image.fromarray(grey)
    exif = tall.getexif()
    exif[0x0112] = 6
    save("rotated.jpg", tall, exif=exif, quality=95)

    (tmp_path / "empty.png").write_bytes(b"")
    files["empty.png"] = tmp_path / "empty.png"
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format="PNG")
    (tmp_path / "truncated.png").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    files["truncated.png"] = tmp_path / "truncated.png"
    (tmp_path / "notes.png").write_text("these are my notes, not a picture\n")
    files["notes.png"] = tmp_path / "notes.png"
    (tmp_path / "bomb.png").write_bytes(png_header_only(60000, 60000))
    files["bomb.png"] = tmp_path / "bomb.png"
    (tmp_path / "folder.png").mkdir()
    files["folder.png"] = tmp_path / "folder.png"
    return files
