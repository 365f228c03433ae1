"""Render text with a TrueType font into a grey image (black ink on white)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engines.errors import InputError
from engines.pipeline.params import TEXT_ALIGNS
from engines.validation import check_choice

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
#: Liberation Sans (SIL Open Font License 1.1), shipped in ``assets/fonts``.
DEFAULT_FONT = FONT_DIR / "LiberationSans-Regular.ttf"
BOLD_FONT = FONT_DIR / "LiberationSans-Bold.ttf"


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
) -> np.ndarray:
    """Render one or more lines of ``text`` as black ink on white.

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

    Returns
    -------
    image : (M, N) ndarray of float64 in [0, 1]
    """
    if not text or not text.strip():
        raise ValueError("text must contain at least one visible character")
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    check_choice(align, "align", TEXT_ALIGNS)
    face = load_font(font, size)
    spacing = max(0, round(size * (line_spacing - 1.0)))
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.multiline_textbbox(
        (0, 0), text, font=face, spacing=spacing, align=align
    )
    width, height = right - left + 2 * padding, bottom - top + 2 * padding
    if width * height > 100_000_000:
        raise ValueError(f"the rendered text would be {width}x{height} pixels; use a smaller size")
    canvas = Image.new("L", (width, height), 255)
    ImageDraw.Draw(canvas).multiline_text(
        (padding - left, padding - top), text, font=face, fill=0, spacing=spacing, align=align
    )
    return np.asarray(canvas, dtype=np.float64) / 255.0
