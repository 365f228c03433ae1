"""The words overlay is readable: numbers of at least 12 px on a white halo, neighbouring
words in different colours."""

from __future__ import annotations

import numpy as np
import pytest

from engines.presets import load_preset
from engines.words import words_recipe
from engines.words.overlay import (
    NEIGHBOUR_GAP,
    PALETTE,
    neighbours,
    number_size,
    overlay_image,
    word_colours,
)

#: One count of the page's first lines (a GNG trained): some seconds.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def count():
    preset = load_preset("page-words")
    preset = preset.model_copy(
        update={"pipeline": preset.pipeline.model_copy(update={"crop": "0:120,0:384"})}
    )
    return words_recipe("sample:page", preset)


def test_neighbouring_words_have_different_colours(count):
    assert count.words >= 8
    colours = word_colours(count)
    near = neighbours(count.word_boxes(), NEIGHBOUR_GAP * count.scale.letter_height)
    pairs = [(a, b) for a, others in enumerate(near) for b in others]
    assert pairs  # words on a line are neighbours
    assert all(colours[a] != colours[b] for a, b in pairs)
    assert set(colours) <= set(PALETTE)


def test_neighbours_of_boxes():
    boxes = [(0, 0, 10, 10), (0, 14, 10, 20), (40, 0, 50, 10)]
    assert neighbours(boxes, 5.0) == [{1}, {0}, set()]


def test_numbers_are_large_and_on_a_halo(count):
    size = number_size(count)
    assert size >= 12
    image = np.asarray(overlay_image(count))
    r0, c0, _, _ = count.word_boxes()[0]
    zoom = image.shape[1] // count.grey.shape[1]
    top = max(0, r0 * zoom - size - 4)
    patch = image[top : r0 * zoom, c0 * zoom : c0 * zoom + 2 * size]
    white = (patch == 255).all(axis=2)
    colour = np.array(word_colours(count)[0])
    coloured = np.abs(patch.astype(int) - colour).sum(axis=2) < 60
    assert white.sum() > 20  # the halo
    assert coloured.sum() > 10  # the digits, in the word's colour
