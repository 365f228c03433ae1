"""Each step against scikit-image called directly, and the seed's astronaut recipe."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import color, data, filters, img_as_float

from engines.pipeline import PipelineParams, render_text, run_pipeline, steps
from engines.pipeline.run import points_zoom


@pytest.fixture(scope="module")
def astronaut_face():
    return img_as_float(data.astronaut())[30:180, 150:300]


def test_astronaut_recipe_gives_seed_point_count(astronaut_face):
    params = PipelineParams(crop="30:180,150:300", blur=0.6, threshold="otsu", offset=0.1)
    result = run_pipeline("sample:astronaut", params)
    assert result.points.shape == (11931, 2)
    # Same as scikit-image by hand: threshold the blurred grey image.
    blurred = filters.gaussian(color.rgb2gray(astronaut_face), sigma=0.6)
    expected = blurred < filters.threshold_otsu(blurred) + 0.1
    np.testing.assert_array_equal(result.binary, expected)
    assert result.threshold == pytest.approx(filters.threshold_otsu(blurred) + 0.1)


@pytest.mark.parametrize("method", ["otsu", "li", "yen"])
def test_global_thresholds_match_skimage(method):
    grey = color.rgb2gray(img_as_float(data.astronaut()))
    fn = getattr(filters, f"threshold_{method}")
    assert steps.threshold(grey, method, offset=-0.05) == pytest.approx(fn(grey) - 0.05)


def test_local_thresholds_match_skimage():
    grey = img_as_float(data.page())
    np.testing.assert_allclose(
        steps.threshold(grey, "sauvola", block_size=25, k=0.3),
        filters.threshold_sauvola(grey, window_size=25, k=0.3),
    )
    np.testing.assert_allclose(
        steps.threshold(grey, "niblack", block_size=15, k=0.1, offset=0.02),
        filters.threshold_niblack(grey, window_size=15, k=0.1) + 0.02,
    )
    np.testing.assert_allclose(
        steps.threshold(grey, "local", block_size=35), filters.threshold_local(grey, 35)
    )


def test_hybrid_is_union_of_otsu_and_sauvola():
    grey = filters.gaussian(img_as_float(data.camera()), sigma=1)
    hybrid = steps.binarize(grey, steps.threshold(grey, "hybrid", block_size=15, k=0.1))
    otsu = grey < filters.threshold_otsu(grey)
    sauvola = grey < filters.threshold_sauvola(grey, window_size=15, k=0.1)
    np.testing.assert_array_equal(hybrid, otsu | sauvola)
    # The light buildings on the horizon (rows 170-200 of 512, right half) appear only
    # through the local part.
    horizon = (slice(170, 200), slice(300, 512))
    assert hybrid[horizon].mean() > otsu[horizon].mean() + 0.1


def test_local_threshold_finds_text_under_uneven_light():
    # scikit-image's page darkens towards its bottom-left corner; Otsu turns that corner
    # into a solid block of "ink" while Sauvola keeps the letters apart.
    page = run_pipeline("sample:page", PipelineParams(threshold="otsu"))
    local = run_pipeline("sample:page", PipelineParams(threshold="sauvola", block_size=25))
    corner = (slice(150, 191), slice(0, 128))
    assert page.binary[corner].mean() > 0.9
    assert local.binary[corner].mean() < 0.3


def test_fixed_threshold_and_invert():
    grey = np.array([[0.1, 0.4], [0.6, 0.9]])
    assert steps.binarize(grey, 0.5).tolist() == [[True, True], [False, False]]
    assert steps.binarize(grey, 0.5, invert=True).tolist() == [[False, False], [True, True]]


def test_blur_matches_skimage():
    grey = color.rgb2gray(img_as_float(data.astronaut()))
    np.testing.assert_allclose(steps.blur(grey, 1.3), filters.gaussian(grey, sigma=1.3))
    assert steps.blur(grey, 0) is grey


def test_resize_shrinks_longer_side_only():
    grey = np.zeros((100, 50))
    assert steps.resize_max_side(grey, 40).shape == (40, 20)
    assert steps.resize_max_side(grey, 400) is grey


def test_crop_outside_image_is_an_error():
    with pytest.raises(ValueError, match="does not fit the 10x10 image: it lies wholly outside"):
        steps.crop(np.zeros((10, 10)), (20, 30, 0, 5))


def test_crop_partly_outside_is_refused_naming_the_part_inside():
    """It used to be clamped quietly (30:180,150:3000 on a 512-wide image became 362 x 150)."""
    image = np.zeros((512, 400))
    message = (r"crop 30:180,150:3000 does not fit the 400x512 image \(x1 3000 > width 400\); "
               r"the part inside it is 30:180,150:400")  # fmt: skip
    with pytest.raises(ValueError, match=message):
        steps.crop(image, (30, 180, 150, 3000))
    with pytest.raises(ValueError, match=r"\(y1 600 > height 512, x1 401 > width 400\)"):
        steps.crop(image, (0, 600, 0, 401))
    assert steps.crop(image, (0, 512, 0, 400)).shape == (512, 400)  # the whole image fits


def test_remove_small_objects_drops_specks():
    binary = np.zeros((20, 20), dtype=bool)
    binary[2:10, 2:10] = True  # 64 px
    binary[15, 15] = True  # 1 px speck
    cleaned = steps.remove_small(binary, 5)
    assert cleaned.sum() == 64 and not cleaned[15, 15]


def test_all_white_gives_zero_points_and_all_black_gives_all():
    white = run_pipeline(np.ones((30, 30)))
    assert white.points.shape == (0, 2)
    black = run_pipeline(np.zeros((30, 30)), PipelineParams(threshold=0.5))
    assert black.points.shape == (900, 2)


def test_text_renders_dark_ink_on_white():
    image = render_text("Hi\nthere", size=40, padding=5)
    assert image.max() == 1.0 and image.min() < 0.05
    assert (image[:5] == 1.0).all()  # padding stays white
    two_lines = render_text("Hi\nthere", size=40)
    one_line = render_text("Hi", size=40)
    assert two_lines.shape[0] > 1.8 * one_line.shape[0] - 40


def test_text_with_bad_font_names_the_file(tmp_path):
    bogus = tmp_path / "bogus.ttf"
    bogus.write_text("not a font")
    with pytest.raises(ValueError, match="bogus.ttf"):
        render_text("x", font=bogus)
    with pytest.raises(ValueError, match="visible character"):
        render_text("   ")


def test_previews_are_uint8_images_of_same_size():
    result = run_pipeline("sample:coins", PipelineParams(blur=1, max_side=128))
    previews = result.previews()
    assert set(previews) == {"grey", "blurred", "binary", "points"}
    for name, image in previews.items():
        zoom = points_zoom(result.image_size) if name == "points" else 1
        assert image.dtype == np.uint8
        assert image.shape == (result.image_size[0] * zoom, result.image_size[1] * zoom)
    assert max(result.image_size) == 128
