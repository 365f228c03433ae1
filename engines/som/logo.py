"""Text logos (the seed's "NeuPy" style): a nearly 1-D SOFM stretched over lettering.

Recipe: render the text, turn its ink into about 20,000 points fitted in a 540 x 220 box,
lay a (2, 1000) grid along a sine wave over the text and train it: large radius and small
step first, so the string of units finds the letters, then units on their own. The seed
hard-coded the wave for "NeuPy"; here the wave's extent, amplitude and number of waves
follow the text's own bounding box, so any text and font work.

:func:`logo_recipe` runs it from a text and a preset and :func:`export_logo` writes the
result; ``gasworks logo`` and the studio's Logos tab call both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from engines.core import Callback, run
from engines.som.engine import SOFM, SOFMSnapshot
from engines.som.params import SOFMParams
from engines.validation import check_seed

if TYPE_CHECKING:
    from engines.art import ArtStyle
    from engines.presets import Preset

#: The seed's box: the text is fitted into 540 x 220 data units.
BOX = (540.0, 220.0)
#: Empty border kept around the text inside the box (data units).
BOX_MARGIN = 20.0
#: About this many points are made from the text (the seed had roughly 20,000).
TARGET_POINTS = 20_000
#: The seed's wave, measured against its text: the wave starts 25 units in and ends 40 units
#: before the end of the 540-unit text (about 4.6 % and 7.4 %); its amplitude of 50 is
#: about 35 % of the height of the letters' core; 100 radians over 475 units is one wave per
#: 30 units, about 21 % of that height.
WAVE_INSET = (0.046, 0.074)
WAVE_AMPLITUDE = 0.35
WAVE_LENGTH = 0.21
#: The core of the letters: the y-quantiles that ignore thin descenders and accents.
CORE_QUANTILES = (0.03, 0.97)
#: The seed's colours: light text on a dark blue ground.
TEXT_COLOUR = "#e8edf3"
BACKGROUND = "#22264b"
#: Font sizes tried while aiming at TARGET_POINTS.
MIN_FONT, MAX_FONT = 12, 1000
#: The smallest letters a logo draws, in box units (the font size the fitted text would
#: have): a longer text is refused, as it would come out a hairline. About 80 characters on
#: one line, or 12 lines, fit.
MIN_LETTER_SIZE = 12.0


@dataclass(frozen=True)
class Logo:
    """A trained logo.

    Attributes
    ----------
    points : (P, 2) ndarray of float32, the text's points in the box
    initial : (rows, cols, 2) ndarray, the sine-wave grid before training
    snapshot : SOFMSnapshot, the trained map
    seconds : float, training time
    """

    text: str
    points: np.ndarray
    initial: np.ndarray
    snapshot: SOFMSnapshot
    seconds: float
    #: The style it is drawn with (None: the seed's light lines on dark blue).
    style: ArtStyle | None = None
    seed: int = 0

    @property
    def weights(self) -> np.ndarray:
        return self.snapshot.grid_weights

    @property
    def units(self) -> int:
        return int(self.weights.shape[0] * self.weights.shape[1])

    def figures(self) -> dict[str, Any]:
        """What ``gasworks logo --json`` reports besides the text and the output."""
        history = self.snapshot.error_history
        return {
            "points": len(self.points),
            "units": self.units,
            "epochs": self.snapshot.iteration,
            "seconds": round(self.seconds, 3),
            "error": float(history[-1]) if len(history) else None,
        }


def text_points(
    text: str,
    *,
    font: str | Path | None = None,
    size: int = 120,
    padding: int = 16,
    pipeline=None,
    target_points: int = TARGET_POINTS,
    box: tuple[float, float] = BOX,
) -> np.ndarray:
    """Points of the ink of ``text``, about ``target_points`` of them, fitted in ``box``.

    The text is rendered at ``size`` and, when that gives far from ``target_points``,
    rendered again at the size that should (points grow with the square of the size).

    Returns
    -------
    (P, 2) ndarray of float32, x to the right and y up, inside ``[0, box[0]] x [0, box[1]]``
    """
    from engines.pipeline import render_text, run_pipeline

    if target_points < 100:
        raise ValueError(f"target_points must be >= 100, got {target_points}")
    check_logo_text(text, font=font, box=box)

    def ink(font_size: int) -> np.ndarray:
        image = render_text(text, font=font, size=font_size, padding=padding)
        return run_pipeline(image, pipeline).points

    points = ink(size)
    if len(points) == 0:
        raise ValueError(f"the text {text!r} left no ink after thresholding")
    ratio = target_points / len(points)
    if not 0.8 <= ratio <= 1.25:
        better = round(float(min(max(size * np.sqrt(ratio), MIN_FONT), MAX_FONT)))
        if better != size:
            points = ink(better)
    return fit_in_box(points, box)


def check_logo_text(
    text: str, *, font: str | Path | None = None, box: tuple[float, float] = BOX
) -> float:
    """The size the letters of ``text`` get in ``box`` (font size in box units), measured from
    the text's box in about a millisecond, before anything is drawn.

    Raises
    ------
    ParameterError
        The text is so long that its letters would be smaller than :data:`MIN_LETTER_SIZE`
        (or longer than a text may be at all); the message does not quote it.
    """
    from PIL import Image, ImageDraw

    from engines.errors import ParameterError
    from engines.pipeline.text import MAX_TEXT_CHARACTERS, load_font

    if len(text) > MAX_TEXT_CHARACTERS:
        raise ParameterError(
            f"the text is too long for a logo: {len(text):,} characters, over the "
            f"{MAX_TEXT_CHARACTERS:,} a text may have"
        )
    probe_size = 100
    face = load_font(font, probe_size)
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = draw.multiline_textbbox(
        (0, 0), text, font=face, spacing=round(0.15 * probe_size)
    )
    inner = np.array(box) - 2 * BOX_MARGIN
    scale = float(np.min(inner / np.maximum([right - left, bottom - top], 1)))
    letters = probe_size * scale
    if letters < MIN_LETTER_SIZE:
        longest = max(len(line) for line in text.splitlines() or [text])
        fits = max(1, int(0.97 * longest * letters / MIN_LETTER_SIZE))  # widths vary a little
        raise ParameterError(
            f"the text is too long for a logo: its letters would be {letters:.1f} units in "
            f"the {box[0]:g}x{box[1]:g} box, under the {MIN_LETTER_SIZE:g} that stay "
            f"visible; about {fits} characters fit on a line"
        )
    return letters


def fit_in_box(points: np.ndarray, box: tuple[float, float] = BOX) -> np.ndarray:
    """Scale and centre ``points`` (P, 2) to fill ``box`` less :data:`BOX_MARGIN`."""
    p = np.asarray(points, dtype=np.float64)
    lo, hi = p.min(axis=0), p.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    inner = np.array(box) - 2 * BOX_MARGIN
    scale = float(np.min(inner / span))
    centre = (lo + hi) / 2
    fitted = (p - centre) * scale + np.array(box) / 2
    return fitted.astype(np.float32)


def sine_weights(points: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """The seed's start: every grid row the same sine wave laid over the text.

    Parameters
    ----------
    points : (P, 2) ndarray, the text's points
    grid : (rows, cols)

    Returns
    -------
    (rows, cols, 2) ndarray of float64
    """
    rows, cols = grid
    p = np.asarray(points, dtype=np.float64)
    xmin, xmax = p[:, 0].min(), p[:, 0].max()
    width = max(xmax - xmin, 1e-9)
    lo, hi = np.quantile(p[:, 1], CORE_QUANTILES)
    height = max(hi - lo, 1e-9)
    x0 = xmin + WAVE_INSET[0] * width
    x1 = xmax - WAVE_INSET[1] * width
    phase = 2 * np.pi * (x1 - x0) / (WAVE_LENGTH * height)
    w = np.empty((rows, cols, 2))
    w[:, :, 0] = np.linspace(x0, x1, cols)
    w[:, :, 1] = (lo + hi) / 2 + WAVE_AMPLITUDE * height * np.sin(np.linspace(0, phase, cols))
    return w


def train_logo(
    text: str,
    params: SOFMParams,
    *,
    font: str | Path | None = None,
    size: int = 120,
    padding: int = 16,
    pipeline=None,
    epochs: int | None = None,
    seed: int = 0,
    target_points: int = TARGET_POINTS,
    callback: Callback | None = None,
) -> Logo:
    """Render ``text``, lay the sine grid over it and train the map.

    Parameters
    ----------
    params : SOFMParams
        ``features_grid`` must be 2-D; the seed's is (2, 1000).
    epochs : int, optional
        Defaults to ``params.epochs``.
    callback : callable, optional
        Called with a snapshot (:class:`SOFMSnapshot`) after every chunk of epochs;
        returning True stops early.
    """
    import time

    if len(params.features_grid) != 2:
        raise ValueError(
            f"a logo needs a 2-D features_grid such as [2, 1000], got {list(params.features_grid)}"
        )
    points = text_points(
        text, font=font, size=size, padding=padding, pipeline=pipeline,
        target_points=target_points,
    )  # fmt: skip
    initial = sine_weights(points, params.grid_shape)
    if epochs is not None:
        params = params.model_copy(update={"epochs": epochs})
    som = SOFM(params, points, n_inputs=2, weights=initial, seed=seed)
    start = time.perf_counter()
    snap = run(som, params.epochs, callback)
    return Logo(text, points, initial, snap, time.perf_counter() - start, seed=seed)


def logo_recipe(
    source: str | None,
    params: Preset,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    epochs: int | None = None,
    font: str | Path | None = None,
    size: int | None = None,
    target_points: int = TARGET_POINTS,
) -> Logo:
    """The logo of a text, trained with a preset: what ``gasworks logo`` and the studio run.

    Parameters
    ----------
    source : str or None
        The text; None takes the preset's ``text.text``.
    params : Preset
        A SOFM preset: its ``engine_params`` (a 2-D ``features_grid``), ``[text]`` (font,
        size, padding), ``[pipeline]``, ``seed``, ``epochs`` and ``[style]``.
    seed, epochs, font, size : optional
        Override the preset's. Epochs default to the preset's ``epochs``, else
        ``engine_params.epochs``; ``size`` is the first font size tried.
    callback : callable, optional
        Receives :class:`SOFMSnapshot` while the map trains; returning True stops early.

    Raises
    ------
    ValueError
        No text, a text that leaves no ink, a font that cannot be read, a 1-D grid.
    """
    t = params.text
    text = source if source is not None else t.text
    if text is None or not text.strip():
        raise ValueError("a logo needs a text (give one, or a preset with text.text)")
    seed = check_seed(params.seed if seed is None else seed)
    result = train_logo(
        text, params.engine_params, font=font if font is not None else t.font,
        size=size or t.size, padding=t.padding, pipeline=params.pipeline,
        epochs=epochs or params.epochs or params.engine_params.epochs,
        seed=seed, target_points=target_points,
        callback=callback,
    )  # fmt: skip
    return replace(result, style=params.style)


def export_logo(
    result: Logo, path: str | Path, *, overwrite: bool = True, style: ArtStyle | None = None
) -> Path:
    """Write the logo to ``path`` by its suffix (.svg or .png).

    ``style`` draws it in another style than the result's (the studio's style form).
    """
    from engines.som.plots import write_drawing

    style = style if style is not None else result.style
    return write_drawing(logo_drawing(result.weights, style), path, style, overwrite=overwrite)


def logo_drawing(weights: np.ndarray, style=None, *, box: tuple[float, float] = BOX):
    """The trained grid as polylines along its rows and columns, framed on the box.

    Parameters
    ----------
    weights : (rows, cols, 2) ndarray
    style : ArtStyle, optional
        Defaults to the seed's light lines on dark blue.
    """
    from engines.art import ArtStyle, grid_drawing

    style = style or ArtStyle(line_color=TEXT_COLOUR, background=BACKGROUND, line_width=0.8)
    drawing = grid_drawing(weights, style, bounds=(0.0, 0.0, box[0], box[1]), name="logo")
    if style.cut_long <= 0:
        return drawing
    layer = drawing.layers[0]
    lines = cut_long_segments(layer.polylines, style.cut_long)
    return replace(drawing, layers=(replace(layer, polylines=lines), *drawing.layers[1:]))


def cut_long_segments(polylines, q: float) -> tuple[np.ndarray, ...]:
    """``polylines`` split where a segment is longer than ``q`` times the median segment
    (the long "ladder" links a map stretches across the gaps between letters); pieces of
    a single point are dropped. ``q <= 0`` keeps every segment."""
    lines = [np.asarray(line, dtype=np.float64) for line in polylines]
    lengths = [np.hypot(*np.diff(line, axis=0).T) for line in lines if len(line) > 1]
    if q <= 0 or not lengths:
        return tuple(lines)
    limit = q * float(np.median(np.concatenate(lengths)))
    out: list[np.ndarray] = []
    for line in lines:
        if len(line) < 2:
            continue
        cuts = np.flatnonzero(np.hypot(*np.diff(line, axis=0).T) > limit) + 1
        out += [piece for piece in np.split(line, cuts) if len(piece) > 1]
    return tuple(out)
