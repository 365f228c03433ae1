"""Loading images of every kind, and refusing bad files with a message naming them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from engines.errors import InputError
from engines.pipeline import SAMPLES, load_image, load_sample
from tests.engines.pipeline.conftest import gradient


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("missing.png", "no such file"),
        ("folder.png", "is a folder"),
        ("empty.png", "empty"),
        ("truncated.png", "damaged or truncated"),
        ("notes.png", "not an image .*these are my notes"),
        ("bomb.png", "60000x60000|decompression bomb"),
    ],
)
def test_bad_files_raise_input_error_naming_file(image_files, tmp_path, name, problem):
    path = image_files.get(name, tmp_path / name)
    with pytest.raises(InputError, match=problem) as info:
        load_image(path)
    assert str(path) in str(info.value)
    assert info.value.source == str(path)


def test_grey_png_values_match_file(image_files):
    image = load_image(image_files["grey.png"])
    assert image.shape == (40, 60)
    np.testing.assert_allclose(image, gradient() / 255.0)


def test_cmyk_jpeg_becomes_rgb(image_files):
    image = load_image(image_files["cmyk.jpg"])
    assert image.shape == (40, 60, 3)
    # The black square stays dark and the light end stays light after CMYK → RGB.
    assert image[20, 30].mean() < 0.1
    assert image[5, 59].mean() > 0.85


def test_16_bit_png_keeps_full_range(image_files):
    image = load_image(image_files["deep16.png"])
    np.testing.assert_allclose(image, gradient() / 255.0, atol=1e-6)


def test_float_tiff(image_files):
    image = load_image(image_files["float.tif"])
    np.testing.assert_allclose(image, gradient() / 255.0, atol=1e-6)


def test_palette_png(image_files):
    image = load_image(image_files["palette.png"])
    assert image.shape == (40, 60, 3)
    assert abs(image[20, 30].mean()) < 0.05


def test_transparent_background_becomes_white(image_files):
    image = load_image(image_files["transparent.png"])
    assert image.shape == (40, 60, 3)
    assert np.all(image[0, 0] == 1.0)
    assert np.all(image[20, 30] == 0.0)


def test_animated_gif_gives_first_frame(image_files):
    image = load_image(image_files["anim.gif"])
    assert image[20, 30].mean() < 0.05  # first frame has the black square; the second is inverted


def test_exif_orientation_is_applied(image_files):
    image = load_image(image_files["rotated.jpg"])
    assert image.shape[:2] == (60, 40)  # stored 40x60 landscape, shown as portrait
    # Rotated clockwise: the dark left edge of the ramp ends up on top.
    assert image[0].mean() < image[-1].mean()


def test_one_pixel_image(image_files):
    assert load_image(image_files["one_pixel.png"]).shape == (1, 1)


def test_non_utf8_file_name(tmp_path, image_files):
    raw = os.fsencode(tmp_path) + b"/caf\xe9-\xff.png"
    os.link(image_files["grey.png"], raw)
    path = Path(os.fsdecode(raw))
    assert load_image(path).shape == (40, 60)
    missing = Path(os.fsdecode(os.fsencode(tmp_path) + b"/gone-\xff.png"))
    with pytest.raises(InputError) as info:
        load_image(missing)
    message = str(info.value)
    message.encode("utf-8")  # printable: no lone surrogates
    assert "gone-\\xff.png" in message


def test_samples_load_as_unit_floats():
    for name in ("astronaut", "camera", "horse", "page"):
        image = load_sample(name)
        assert image.dtype == np.float64
        assert image.min() >= 0.0 and image.max() <= 1.0
    assert "coins" in SAMPLES


def test_unknown_sample_lists_available():
    with pytest.raises(InputError, match="available: .*astronaut"):
        load_image("sample:nope")


def test_a_files_bytes_load_as_the_file_and_fail_naming_it(image_files):
    from engines.pipeline.loading import ImageBytes

    for name in ("grey.png", "cmyk.jpg", "transparent.png", "rotated.jpg", "anim.gif"):
        path = image_files[name]
        sent = ImageBytes(str(path), path.read_bytes())
        np.testing.assert_array_equal(load_image(sent), load_image(path))
    for name, problem in [("empty.png", "empty"), ("truncated.png", "damaged or truncated"),
                          ("notes.png", "not an image .*these are my notes"),
                          ("bomb.png", "60000x60000|decompression bomb")]:  # fmt: skip
        sent = ImageBytes(f"elsewhere/{name}", image_files[name].read_bytes())
        with pytest.raises(InputError, match=problem) as info:
            load_image(sent)
        assert info.value.source == f"elsewhere/{name}"
