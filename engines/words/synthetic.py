"""Pages of text with a known word count, clean or made to look photographed.

Used to check word counting beyond scikit-image's one page: several fonts and sizes, uneven
light, sensor noise and slight blur.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engines.pipeline.text import FONT_DIR, render_text

FONTS = (
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationMono-Regular.ttf",
)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_PUNCTUATION = (",", ".", ":", ";")


@dataclass(frozen=True)
class SyntheticPage:
    image: np.ndarray  # (M, N) float in [0, 1]
    words: int
    text: str
    font: str
    size: int
    photographed: bool


def random_words(rng: np.random.Generator, n: int) -> tuple[list[str], int]:
    """``n`` tokens and how many words they hold (a hyphenated pair counts as two)."""
    tokens, count = [], 0
    for _ in range(n):
        word = "".join(rng.choice(list(_LETTERS), size=int(rng.integers(1, 10))))
        if rng.random() < 0.15:
            word = word.capitalize()
        words_here = 1
        if rng.random() < 0.06 and len(word) >= 2:
            tail = "".join(rng.choice(list(_LETTERS), size=int(rng.integers(2, 7))))
            word, words_here = f"{word}-{tail}", 2
        if rng.random() < 0.15:
            word += str(rng.choice(_PUNCTUATION))
        tokens.append(word)
        count += words_here
    return tokens, count


def make_page(
    seed: int,
    *,
    font: str | None = None,
    size: int | None = None,
    lines: int | None = None,
    photographed: bool = False,
) -> SyntheticPage:
    """A paragraph with a known word count, drawn from ``seed``.

    Parameters
    ----------
    seed : int
    font : str, optional
        One of :data:`FONTS`; drawn from the seed when omitted.
    size : int, optional
        Font size in pixels; 14-40 when omitted.
    lines : int, optional
        Number of lines; 2-5 when omitted.
    photographed : bool
        Add uneven light, noise and slight blur.
    """
    rng = np.random.default_rng(seed)
    font = font or str(rng.choice(FONTS))
    size = size or int(rng.integers(14, 41))
    lines = lines or int(rng.integers(2, 6))
    rows, total = [], 0
    for _ in range(lines):
        tokens, count = random_words(rng, int(rng.integers(3, 9)))
        rows.append(" ".join(tokens))
        total += count
    text = "\n".join(rows)
    image = render_text(text, font=FONT_DIR / font, size=size, padding=size, line_spacing=1.45)
    if photographed:
        image = photograph(image, rng)
    return SyntheticPage(image, total, text, font, size, photographed)


def photograph(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uneven light (a tilted plane and a vignette), slight blur and sensor noise."""
    from skimage.filters import gaussian

    h, w = image.shape
    yy, xx = np.mgrid[0:h, 0:w]
    angle = rng.uniform(0, 2 * np.pi)
    tilt = (np.cos(angle) * (xx / w - 0.5) + np.sin(angle) * (yy / h - 0.5)) * rng.uniform(0.3, 0.6)
    vignette = 0.25 * ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2)
    light = np.clip(0.85 + tilt - vignette, 0.25, 1.0)
    paper = 0.15 + 0.85 * image  # ink is never fully black in a photograph
    blurred = gaussian(paper, sigma=rng.uniform(0.5, 1.0))
    noisy = blurred * light + rng.normal(0.0, rng.uniform(0.01, 0.04), size=image.shape)
    return np.clip(noisy, 0.0, 1.0)


def write_large_page(
    path: str | Path,
    seed: int,
    *,
    side: int = 9_000,
    size: int = 160,
    font: str = "LiberationSerif-Regular.ttf",
) -> int:
    """Write a ``side`` x ``side`` page of text (8-bit grey PNG, slightly blurred, like a
    scan) with a known word count, drawn straight in Pillow so that even an 81-megapixel
    page costs little memory to make. Returns the number of words on it.
    """
    from PIL import Image, ImageDraw, ImageFilter

    from engines.pipeline.text import load_font

    rng = np.random.default_rng(seed)
    face = load_font(FONT_DIR / font, size)
    page = Image.new("L", (side, side), 235)
    draw = ImageDraw.Draw(page)
    total, y = 0, size
    while y + 2 * size < side:
        tokens, _ = random_words(rng, 12)
        line: list[str] = []
        for token in tokens:
            if draw.textlength(" ".join([*line, token]), font=face) > side - 2 * size:
                break
            line.append(token)
        if line:
            draw.text((size, y), " ".join(line), font=face, fill=30)
            total += sum(1 + token.count("-") for token in line)
        y += round(1.6 * size)
    page.filter(ImageFilter.GaussianBlur(size / 100)).save(path, compress_level=1)
    return total
