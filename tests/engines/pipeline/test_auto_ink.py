"""``auto`` chooses the ink's polarity as well as the threshold: a white-on-black drawing
(whose darkest value covers most of the image) is drawn by its light lines, where it used to
give 0 points; the choice is recorded for the manifest."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from engines.pipeline import PipelineParams, run_pipeline
from engines.pipeline.auto import MAX_INK, auto_ink
from engines.render import pipeline_figures

AUTO = PipelineParams(auto=True)


@pytest.fixture(scope="module")
def horse():
    return data.horse().astype(np.float64)  # black horse (0) on white (1)


def test_a_white_on_black_horse_is_drawn_like_the_black_on_white_one(horse):
    normal = run_pipeline(horse, AUTO)
    inverted = run_pipeline(1.0 - horse, AUTO)
    assert normal.ink == "dark" and normal.ink_reason == ""
    assert inverted.ink == "light"
    assert "light ink" in inverted.ink_reason and "border are dark" in inverted.ink_reason
    both = np.logical_and(normal.binary, inverted.binary).sum()
    either = np.logical_or(normal.binary, inverted.binary).sum()
    assert both / either > 0.95  # the same horse, not its background
    assert inverted.points.shape[0] > 1000


def test_the_choice_goes_to_the_manifest_figures(horse):
    figures = pipeline_figures(run_pipeline(1.0 - horse, AUTO))
    assert figures["points_mode"] == "binary" and figures["ink"] == "light"
    assert figures["ink_reason"].startswith("light ink: ")
    assert pipeline_figures(run_pipeline(horse, AUTO))["ink"] == "dark"


def test_invert_flips_the_chosen_ink(horse):
    flipped = run_pipeline(1.0 - horse, AUTO.model_copy(update={"invert": True}))
    assert flipped.ink == "dark"  # the dark ground, as asked


def test_a_black_silhouette_filling_a_white_frame_keeps_dark_ink():
    image = np.ones((100, 100))
    image[5:95, 5:95] = 0.0  # 81 % black, border white: a close-up silhouette
    chosen = auto_ink(image)
    assert chosen.ink == "dark"
    ink = image < chosen.threshold
    assert ink.any()  # the quantile fell on the shared darkest value: moved past it
    assert ink.mean() > MAX_INK


def test_a_dark_frame_around_a_page_keeps_dark_ink():
    image = np.ones((100, 100))
    image[:, :6] = image[:, -6:] = image[:6] = image[-6:] = 0.0  # dark scanner margins
    image[40:45, 20:80] = 0.0  # a line of text
    assert auto_ink(image).ink == "dark"


def test_a_blank_image_still_has_no_ink():
    blank = np.ones((20, 20))
    chosen = auto_ink(blank)
    assert chosen.ink == "dark" and not (blank < chosen.threshold).any()
