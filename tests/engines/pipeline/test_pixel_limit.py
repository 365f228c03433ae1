"""The documented pixel limit (100 MP, ``MAX_PIXELS``) is the one that answers: Pillow's own
(89.48 MP) never refuses first, and every refusal reads the same and names the size."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from PIL import Image

from engines.errors import InputError
from engines.pipeline.loading import MAX_PIXELS, ImageBytes, load_image


def png_header(width: int, height: int) -> bytes:
    """A PNG claiming ``width`` x ``height`` grey pixels, with no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_the_limit_is_100_megapixels():
    assert MAX_PIXELS == 100_000_000 > Image.MAX_IMAGE_PIXELS


def test_a_header_between_pillows_limit_and_ours_is_not_refused(tmp_path):
    path = tmp_path / "big.png"
    path.write_bytes(png_header(9_500, 9_500))  # 90.25 MP: Pillow's limit said no
    with pytest.raises(InputError) as info:
        load_image(path)
    assert "damaged or truncated" in str(info.value)  # it went on to decode: no pixel data
    assert "decompression bomb" not in str(info.value)


@pytest.mark.parametrize(
    ("width", "height"), [(10_500, 10_000), (20_000, 20_000), (100_000, 1_001)]
)
def test_over_the_limit_one_message_with_the_size(tmp_path, width, height):
    path = tmp_path / "huge.png"
    path.write_bytes(png_header(width, height))
    message = (f"huge.png: the image claims {width}x{height} pixels, over the limit of "
               "100,000,000 (a corrupt header or a decompression bomb)")  # fmt: skip
    for source in (path, ImageBytes("huge.png", path.read_bytes())):
        with pytest.raises(InputError) as info:
            load_image(source)
        assert str(info.value).endswith(message), str(info.value)


def test_real_pixels_between_the_two_limits_load(tmp_path, monkeypatch):
    """The same at a small scale: with Pillow's limit at 1,000 pixels and ours at 1,500, a
    32x32 image (over Pillow's) loads; 40x40 (over ours) and 100x100 (over twice Pillow's,
    where Pillow raises) are refused in our words."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    for side in (32, 40, 100):
        Image.fromarray(np.full((side, side), 40, np.uint8)).save(tmp_path / f"{side}.png")
    image = load_image(tmp_path / "32.png", max_pixels=1_500)
    assert image.shape == (32, 32) and image[0, 0] == pytest.approx(40 / 255)
    for side in (40, 100):
        with pytest.raises(
            InputError, match=f"claims {side}x{side} pixels, over the limit of 1,500"
        ):
            load_image(tmp_path / f"{side}.png", max_pixels=1_500)
