"""Does a page look like text: the check made before counting (engines.words.looks)."""

from __future__ import annotations

import numpy as np
import pytest

from engines.words.looks import MAX_BLOB_SHARE, MIN_LETTER_HEIGHT, check_page, check_text
from engines.words.synthetic import make_page


@pytest.mark.parametrize("sample", ["page", "text"])
def test_sample_pages_look_like_text(sample):
    check = check_page(f"sample:{sample}")
    assert check.looks_like_text and check.warning is None
    assert check.letters >= 50 and check.letter_height >= 10
    assert check.blob_share < MAX_BLOB_SHARE


def test_synthetic_pages_look_like_text_printed_and_photographed():
    for seed in range(8):
        page = make_page(seed, photographed=seed % 2 == 1)
        check = check_text(page.image)
        assert check.warning is None, (seed, check)


def test_the_coins_photo_does_not():
    check = check_page("sample:coins")
    assert check.letter_height < MIN_LETTER_HEIGHT  # its "letters" are specks
    assert check.blob_share > 0.9  # and most of its ink is in the coins
    assert "does not look like text" in check.warning


@pytest.mark.parametrize("sample", ["astronaut", "moon"])
def test_photos_with_large_shapes_do_not(sample):
    check = check_page(f"sample:{sample}")
    assert check.blob_share >= MAX_BLOB_SHARE
    assert "large blobs" in check.warning


def test_a_page_without_letters_does_not():
    blank = np.ones((60, 80))
    blank[20:40, 30:50] = 0.0  # one square
    check = check_text(blank)
    assert check.letters < 3 and "does not look like text" in check.warning


def test_a_large_page_is_checked_on_its_middle(tmp_path, monkeypatch):
    """A page over CHECK_SIDE² pixels: its central square at full size, as 8-bit grey."""
    from PIL import Image

    from engines.words import looks

    page = make_page(3, size=24, lines=5).image
    tiled = np.tile(page, (3, 3))
    path = tmp_path / "large.png"
    Image.fromarray((tiled * 255).astype(np.uint8)).save(path)
    side = min(tiled.shape) // 2
    monkeypatch.setattr(looks, "CHECK_SIDE", side)
    grey = looks.page_grey(path)
    assert grey.shape == (side, side)
    h, w = tiled.shape
    y0, x0 = (h - side) // 2, (w - side) // 2
    assert np.abs(grey - tiled[y0 : y0 + side, x0 : x0 + side]).max() <= 1 / 255
    assert check_page(path).warning is None
