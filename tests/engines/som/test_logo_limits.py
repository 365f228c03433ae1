"""A logo's text is measured before anything is drawn: one whose letters would come out a
hairline (a 1,800-character logo did, with exit 0) is refused, saying how many fit."""

from __future__ import annotations

import pytest

from engines.errors import ParameterError
from engines.presets import load_preset
from engines.som.logo import MIN_LETTER_SIZE, check_logo_text, logo_recipe

LOREM = "lorem ipsum dolor sit amet " * 100


def test_a_word_has_large_letters():
    assert check_logo_text("Gasworks") > 8 * MIN_LETTER_SIZE


def test_a_long_line_is_refused_saying_how_many_characters_fit():
    with pytest.raises(ParameterError, match="too long for a logo") as info:
        check_logo_text(LOREM[:120])
    assert "lorem" not in str(info.value)
    fits = int(str(info.value).rsplit("about ", 1)[1].split()[0])
    assert 60 <= fits < 120
    assert check_logo_text(LOREM[:fits]) >= MIN_LETTER_SIZE  # that many fit


def test_lines_count_too():
    assert check_logo_text("\n".join(["Gas", "works"] * 3)) >= MIN_LETTER_SIZE
    with pytest.raises(ParameterError, match="too long for a logo"):
        check_logo_text("\n".join(["Gas"] * 20))


def test_the_recipe_refuses_before_drawing(monkeypatch):
    def drawn(*args, **kwargs):
        raise AssertionError("rendered before being refused")

    monkeypatch.setattr("engines.pipeline.render_text", drawn)
    preset = load_preset("logo")
    for text in (LOREM[:1_800], LOREM[:200]):
        with pytest.raises(ParameterError, match="too long for a logo"):
            logo_recipe(text, preset)
