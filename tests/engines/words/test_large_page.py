"""Large pages are measured and shrunk strip by strip (engines.words.large): the same grey
image, the same letter height and so the same count as the whole-page path, without float
copies of the page (an 81-megapixel page took 106 s and 5.2 GB; benchmarks/bench_words.py
measures it)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from skimage import filters, transform

from engines.pipeline import PipelineParams
from engines.words import count_words, large
from engines.words.params import WordParams
from engines.words.scale import measure_scale
from engines.words.synthetic import write_large_page


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A 900 x 900 page with letters about 38 px tall, and its word count."""
    path = tmp_path_factory.mktemp("large") / "page.png"
    return path, write_large_page(path, 3, side=900, size=80)


@pytest.fixture
def rows(page):
    with Image.open(page[0]) as image:
        image.load()
        return large._Rows(image)


@pytest.fixture
def small_strips(monkeypatch):
    """Pages over 100,000 pixels count as large, and strips are 64 rows: many strips."""
    monkeypatch.setattr(large, "LARGE_PAGE_PIXELS", 100_000)
    monkeypatch.setattr(large, "STRIP_ROWS", 64)


@pytest.mark.parametrize("scale", [0.13, 0.42, 0.79])
def test_the_shrunk_page_is_skimages_rescale(rows, small_strips, scale):
    grey = rows(0, rows.height)
    expected = transform.rescale(grey, scale, order=1, anti_aliasing=True)
    got = large.rescaled(rows, scale, float(grey.min()), float(grey.max()))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_the_first_pass_and_the_letter_height_are_the_whole_pages(rows, small_strips):
    grey = rows(0, rows.height)
    whole = grey < filters.threshold_sauvola(grey, window_size=25, k=0.2)
    ink, low, high = large._first_pass(rows, WordParams(), 25)
    np.testing.assert_array_equal(ink, whole)
    assert (low, high) == (grey.min(), grey.max())
    assert large.letter_height(ink) == measure_scale(whole).letter_height


def test_the_count_is_the_whole_page_paths(page, small_strips, monkeypatch):
    path, words = page
    spans = []
    call = large._Rows.__call__
    monkeypatch.setattr(large._Rows, "__call__",
                        lambda self, a, b: spans.append(min(b, self.height) - max(a, 0))
                        or call(self, a, b))  # fmt: skip
    reduced = count_words(path)
    assert max(spans) < 900 / 4  # never the whole page as floats
    assert reduced.rescale < 0.5 and reduced.grey.shape[0] < 450
    monkeypatch.setattr(large, "LARGE_PAGE_PIXELS", 10**12)
    whole = count_words(path)
    assert reduced.words == whole.words == words
    assert reduced.rescale == whole.rescale
    np.testing.assert_array_equal(reduced.ink, whole.ink)


def test_crop_applies_and_a_crop_past_the_page_is_refused(page, small_strips):
    path, _ = page
    grey, factor, measured = large.large_page(
        path, WordParams(), PipelineParams(crop="0:450,0:900")
    )
    assert grey.shape == (round(450 * factor), round(900 * factor))
    assert measured == pytest.approx(WordParams().target_letter_height)
    with pytest.raises(ValueError, match="does not fit the 900x900 image"):
        large.large_page(path, WordParams(), PipelineParams(crop="0:50,0:950"))


def test_other_pages_go_the_ordinary_way(page, small_strips):
    path, _ = page
    assert large.large_page(path, WordParams(threshold="otsu"), PipelineParams()) is None
    assert large.large_page(path, WordParams(), PipelineParams(max_side=500)) is None
    assert large.large_page("sample:page", WordParams(), PipelineParams()) is None
    # letters no larger than needed: the page whole, measured once
    grey, factor, measured = large.large_page(
        path, WordParams(target_letter_height=200.0), PipelineParams()
    )
    assert grey.shape == (900, 900) and factor == 1.0 and measured > 30  # full size


@pytest.mark.slow
def test_a_5_megapixel_page_counts_the_same_both_ways(tmp_path, monkeypatch):
    path = tmp_path / "page.png"
    words = write_large_page(path, 3, side=2_300, size=70)
    assert large.LARGE_PAGE_PIXELS < 2_300**2
    reduced = count_words(path)
    monkeypatch.setattr(large, "LARGE_PAGE_PIXELS", 10**12)
    assert count_words(path).words == reduced.words == words
