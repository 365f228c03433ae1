"""Render text with a TrueType font into a grey image (black ink on white)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engines.errors import InputError, ParameterError
from engines.pipeline.params import TEXT_ALIGNS
from engines.validation import check_choice

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
#: Liberation Sans (SIL Open Font License 1.1), shipped in ``assets/fonts``.
DEFAULT_FONT = FONT_DIR / "LiberationSans-Regular.ttf"
BOLD_FONT = FONT_DIR / "LiberationSans-Bold.ttf"
#: The most characters a text may have: longer ones are refused before anything is measured.
MAX_TEXT_CHARACTERS = 1_000
#: The largest image a text is drawn into (its box is measured first, in about a millisecond,
#: and a larger one refused): the pipeline and the engines' work grow with it.
MAX_TEXT_PIXELS = 4_000_000
#: A code point no font maps: it draws the font's "missing glyph" box.
_NEVER_MAPPED = "\uffff"


def load_font(font: str | Path | None, size: int) -> ImageFont.FreeTypeFont:
    """Open ``font`` (a TTF/OTF path, or None for the bundled font) at ``size`` pixels."""
    if not 4 <= size <= 2000:
        raise ValueError(f"font size must lie in [4, 2000] pixels, got {size}")
    path = Path(font) if font is not None else DEFAULT_FONT
    if not path.is_file():
        raise InputError(path, "no such font file")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError as exc:
        raise InputError(path, f"not a usable TrueType/OpenType font ({exc})") from None


def render_text(
    text: str,
    *,
    font: str | Path | None = None,
    size: int = 96,
    padding: int = 16,
    line_spacing: float = 1.15,
    align: str = "left",
    max_pixels: int = MAX_TEXT_PIXELS,
) -> np.ndarray:
    """Render one or more lines of ``text`` as black ink on white.

    The work is bounded before anything is drawn: a text over :data:`MAX_TEXT_CHARACTERS`
    characters is refused at once, and one whose measured box exceeds ``max_pixels``
    (:data:`MAX_TEXT_PIXELS`) is refused naming the size that would fit. Messages never
    quote the text.

    Parameters
    ----------
    text : str
        Lines separated by ``\\n``; must contain at least one visible character.
    font : str or Path, optional
        A TrueType/OpenType file; the bundled Liberation Sans when omitted.
    size : int
        Font size in pixels.
    padding : int
        White border around the text, in pixels.
    line_spacing : float
        Distance between baselines as a multiple of the font size.
    align : {'left', 'center', 'right'}
    max_pixels : int
        The largest image drawn.

    Returns
    -------
    image : (M, N) ndarray of float64 in [0, 1]

    Raises
    ------
    ParameterError
        The text is too long, or would be drawn too large.
    """
    if not text or not text.strip():
        raise ValueError("text must contain at least one visible character")
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    check_choice(align, "align", TEXT_ALIGNS)
    check_length(text)
    face = load_font(font, size)
    spacing = max(0, round(size * (line_spacing - 1.0)))
    left, top, right, bottom = _box(text, face, spacing, align)
    width, height = right - left + 2 * padding, bottom - top + 2 * padding
    if width * height > max_pixels:
        fits = _largest_size(text, font, size, padding, line_spacing, align, max_pixels)
        raise ParameterError(
            f"the text would be drawn {width:,}x{height:,} pixels "
            f"({width * height / 1e6:.1f} megapixels) at size {size}, over the "
            f"{max_pixels / 1e6:g} megapixels a text may take; use fewer characters or a "
            f"smaller text.size (at most about {fits} here)"
        )
    canvas = Image.new("L", (width, height), 255)
    ImageDraw.Draw(canvas).multiline_text(
        (padding - left, padding - top), text, font=face, fill=0, spacing=spacing, align=align
    )
    return np.asarray(canvas, dtype=np.float64) / 255.0


def _box(text: str, face: ImageFont.FreeTypeFont, spacing: int, align: str) -> tuple:
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    return probe.multiline_textbbox((0, 0), text, font=face, spacing=spacing, align=align)


def _largest_size(text, font, size, padding, line_spacing, align, max_pixels) -> int:
    """About the largest font size (below ``size``) whose box fits ``max_pixels``: the area
    grows with the square of the size, checked by measuring (a millisecond a try)."""
    fits = size
    while fits > 4:
        left, top, right, bottom = _box(
            text, load_font(font, fits), max(0, round(fits * (line_spacing - 1.0))), align
        )
        pixels = (right - left + 2 * padding) * (bottom - top + 2 * padding)
        if pixels <= max_pixels:
            break
        fits = max(4, min(fits - 1, int(fits * (max_pixels / pixels) ** 0.5)))
    return fits


def check_length(text: str) -> None:
    """Refuse a text over :data:`MAX_TEXT_CHARACTERS` characters (without quoting it)."""
    if len(text) > MAX_TEXT_CHARACTERS:
        raise ParameterError(
            f"the text has {len(text):,} characters, over the {MAX_TEXT_CHARACTERS:,} a text "
            "may have"
        )


def missing_glyphs(text: str, font: str | Path | None = None) -> list[str]:
    """The characters of ``text`` that ``font`` has no glyph for (emoji in a text font),
    which would be drawn as the font's "missing glyph" box; in order of first use.

    A character counts as missing when it draws exactly the box a never-mapped code point
    draws; a font whose missing glyph is blank cannot tell, and gives [].
    """
    face = load_font(font, 32)
    box = _mask(face, _NEVER_MAPPED)
    if box[0] == (0, 0):
        return []
    seen = dict.fromkeys(c for c in text if not c.isspace() and c.isprintable())
    return [c for c in seen if _mask(face, c) == box]


def describe_missing(chars: list[str], font: str | Path | None = None) -> str:
    """``no glyph for 'X' (U+1F600), ...`` for a warning (at most five characters named)."""
    named = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:5])
    more = f" and {len(chars) - 5} more" if len(chars) > 5 else ""
    name = Path(font).name if font is not None else DEFAULT_FONT.name
    return f"{name} has no glyph for {named}{more}: each is drawn as a box"


def _mask(face: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = face.getmask(char)
    return mask.size, bytes(mask)
