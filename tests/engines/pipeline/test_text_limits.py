"""Text is bounded before any work: too many characters, or a box over the pixel limit, is
refused before anything is drawn, without quoting the text; glyphs the font lacks are
found so the commands can warn."""

from __future__ import annotations

import pytest
from PIL import ImageDraw

from engines.errors import ParameterError, short_name, short_text
from engines.pipeline.text import (
    MAX_TEXT_CHARACTERS,
    MAX_TEXT_PIXELS,
    describe_missing,
    missing_glyphs,
    render_text,
)

LOREM = "lorem ipsum dolor sit amet " * 4000


@pytest.fixture
def nothing_drawn(monkeypatch):
    """Drawing a text fails the test: a refusal must come before it."""

    def drawn(*args, **kwargs):
        raise AssertionError("the text was drawn before being refused")

    monkeypatch.setattr(ImageDraw.ImageDraw, "multiline_text", drawn)


@pytest.mark.parametrize("length", [MAX_TEXT_CHARACTERS + 1, 10_000, 100_000])
def test_too_many_characters_refused_before_measuring(nothing_drawn, monkeypatch, length):
    monkeypatch.setattr(ImageDraw.ImageDraw, "multiline_textbbox", None)  # not even measured
    text = (LOREM * 3)[:length]
    with pytest.raises(ParameterError, match=f"the text has {length:,} characters, over the "
                       f"{MAX_TEXT_CHARACTERS:,} a text may have") as info:  # fmt: skip
        render_text(text)
    assert "lorem" not in str(info.value)


def test_a_box_over_the_pixel_limit_is_refused_naming_a_size_that_fits(nothing_drawn):
    text = LOREM[:1_000]  # one line: about 71,000 x 190 pixels at size 160
    with pytest.raises(ParameterError) as info:
        render_text(text, size=160)
    message = str(info.value)
    assert "megapixels) at size 160, over the 4 megapixels a text may take" in message
    assert "lorem" not in message
    fits = int(message.rsplit("at most about ", 1)[1].split()[0])
    assert 60 < fits < 160


def test_the_size_named_fits():
    with pytest.raises(ParameterError) as info:
        render_text(LOREM[:600], size=160)
    fits = int(str(info.value).rsplit("at most about ", 1)[1].split()[0])
    image = render_text(LOREM[:600], size=fits)
    assert image.size <= MAX_TEXT_PIXELS
    assert image.min() == 0.0  # drawn


def test_a_limit_of_its_own():
    with pytest.raises(ParameterError, match="over the 0.01 megapixels"):
        render_text("Gasworks", size=96, max_pixels=10_000)
    assert render_text("Gasworks", size=96).shape[1] > 300


def test_missing_glyphs_are_found():
    assert missing_glyphs("Hi \U0001f600 \U0001f600 \u4e2d!") == ["\U0001f600", "\u4e2d"]
    assert missing_glyphs("Plain text, accents (é, ß, ø), digits 0-9 and → arrows.") == []
    message = describe_missing(["\U0001f600"])
    assert message == (
        "LiberationSans-Regular.ttf has no glyph for '\U0001f600' (U+1F600): each is drawn as a box"
    )
    assert describe_missing(
        list("\U0001f600\U0001f601\U0001f602\U0001f603\U0001f604x\u4e2d")
    ).endswith("and 2 more: each is drawn as a box")


def test_short_name_quotes_at_most_sixty_characters_of_a_text():
    assert short_name("text:Hello") == "text:Hello"
    long = short_name("text:" + LOREM)
    assert len(long) == 60 and long.endswith("…") and long.startswith("text:lorem ipsum")
    assert short_text(LOREM) == LOREM[:59] + "…"
    path = "/a/long/folder/" * 10 + "photo.png"
    assert short_name(path) == path  # a path is named in full
