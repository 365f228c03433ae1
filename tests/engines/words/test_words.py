"""Word counting: gap splitting, hyphens, line bands, the seed's page, the recipe, export."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engines.pipeline import PipelineParams
from engines.words import count_words, words_recipe
from engines.words.overlay import export_overlay
from engines.words.segment import hyphen_columns, line_bands, split_gap
from engines.words.synthetic import make_page

PAGE_CROP = PipelineParams(crop="0:142,0:384")


def test_split_lies_in_the_empty_stretch_between_gap_groups():
    gaps = np.array([1, 1, 2, 2, 3, 1, 2, 8, 9, 10, 8])
    split, letter, word = split_gap(gaps, letter_height=16.0)
    assert (letter, word) == (3.0, 8.0) and split == 5.5


def test_few_wide_outliers_are_not_the_word_gaps():
    # 40 letter gaps of 1-3, 12 word gaps of 6-7 and one very wide gap of 15.
    gaps = np.array([1, 2, 3] * 13 + [2] + [6, 7] * 6 + [15])
    split, _, word = split_gap(gaps, letter_height=12.0)
    assert word == 6.0 and 3 < split < 6


def test_single_word_lines_are_not_split():
    split, _, _ = split_gap(np.array([1, 2, 1, 2, 3]), letter_height=16.0)
    assert split == np.inf


def test_hyphen_touching_one_letter_is_found():
    band = np.zeros((20, 40), dtype=bool)
    band[4:16, 2:6] = True  # a letter stem
    band[9:11, 6:14] = True  # a hyphen touching it
    band[4:16, 16:20] = True  # the next letter, two columns away
    bars = hyphen_columns(band, letter_height=12.0)
    assert bars[6:14].all() and not bars[2:6].any() and not bars[16:20].any()


def test_crossbar_of_an_h_is_not_a_hyphen():
    band = np.zeros((20, 40), dtype=bool)
    band[4:16, 2:6] = True
    band[9:11, 6:14] = True
    band[4:16, 14:18] = True  # stem to stem: an H
    assert not hyphen_columns(band, letter_height=12.0).any()


def test_touching_lines_are_cut_apart():
    letters = np.zeros((40, 30), dtype=bool)
    letters[2:19, 5:25] = True
    letters[18:20, 10] = True  # a descender touching the next line
    letters[20:37, 5:25] = True
    bands = line_bands(letters, letter_height=16.0)
    assert len(bands) == 2 and bands[0][1] == bands[1][0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_seed_page_has_44_words(seed):
    # "Region-based" counts as two words, as in the seed's figure of 44.
    assert count_words("sample:page", pipeline=PAGE_CROP, seed=seed).words == 44


@pytest.mark.parametrize("seed", [3, 5, 6])
def test_generated_pages_counted_exactly(seed):
    page = make_page(seed, photographed=seed % 2 == 1)
    assert count_words(page.image, seed=0).words == page.words


def test_count_labels_every_used_node_and_cuts_cross_word_edges():
    result = count_words("sample:page", pipeline=PAGE_CROP, seed=0)
    used = result.labels >= 0
    assert used.sum() > 0.9 * len(result.nodes)
    a, b = result.edges.T
    both = used[a] & used[b]
    assert (result.labels[a][both] == result.labels[b][both]).all()


# ----------------------------------------------------------------------------- the recipe
def small_preset(**changes):
    from engines.presets import load_preset

    preset = load_preset("page-words")
    params = preset.engine_params.model_copy(update={"epochs": 6})
    crop = PipelineParams(crop="0:40,0:384")  # the heading line: a quick count
    return preset.model_copy(update={"engine_params": params, "pipeline": crop, **changes})


def test_recipe_counts_as_the_preset_says_whatever_the_callback():
    preset = small_preset()
    alone = words_recipe(None, preset)
    seen = []
    watched = words_recipe("sample:page", preset, callback=lambda s: seen.append(s) and False)
    direct = count_words("sample:page", preset.engine_params, pipeline=preset.pipeline, seed=0)
    assert alone.words == watched.words == direct.words > 0
    np.testing.assert_array_equal(alone.nodes, watched.nodes)
    np.testing.assert_array_equal(alone.edges, direct.edges)
    assert alone.source == "sample:page" and alone.seed == 0 and not watched.cancelled
    assert len(seen) > 1 and seen[-1].budget == seen[-1].iteration > 0
    assert [s.iteration for s in seen] == sorted(s.iteration for s in seen)
    other = words_recipe(None, preset, seed=7)
    assert other.seed == 7 and not np.array_equal(other.nodes, alone.nodes)


def test_recipe_stops_on_the_callback_and_checks_its_preset():
    preset = small_preset()
    stopped = words_recipe(None, preset, callback=lambda s: True)
    assert stopped.cancelled
    with pytest.raises(ValueError, match="needs 'words'"):
        words_recipe(None, preset.model_copy(update={"engine": "gng", "name": "x"}))
    with pytest.raises(ValueError, match="names none"):
        words_recipe(None, preset.model_copy(update={"input": None}))
    with pytest.raises(ValueError, match="seed must be an integer"):
        words_recipe(None, preset, seed=-1)


def test_export_overlay_png_and_json(tmp_path):
    from PIL import Image

    result = words_recipe(None, small_preset())
    png = export_overlay(result, tmp_path / "page.png")
    with Image.open(png) as image:
        assert image.size == (result.grey.shape[1] * 3, result.grey.shape[0] * 3)
    data = json.loads(export_overlay(result, tmp_path / "page.json").read_text())
    assert data == result.to_dict() and data["file"] == "sample:page"
    assert list(data) == ["file", "words", "nodes", "edges", "letter_height", "lines"]
    with pytest.raises(FileExistsError):
        export_overlay(result, png, overwrite=False)
    with pytest.raises(ValueError, match=".png or .json"):
        export_overlay(result, tmp_path / "page.svg")
