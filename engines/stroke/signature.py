"""A deterministic, handwriting-like signature: the bundled ``sample:signature`` image.

No script font ships with Gasworks, so the signature is drawn by a small model of a hand:
a pen that circles while it drifts to the right (a prolate cycloid) writes a run of looped
letters; each letter's height and width are drawn from the generator, the run is slanted
and its baseline wanders, and the pen presses harder where it moves slowly and lifts off
at both ends of a stroke. A capital with a large loop, a surname and an underline swash
make three strokes, as in many real signatures.

``python -m engines.stroke.signature PATH`` writes the PNG; the committed
``assets/samples/signature.png`` is its output for the default seed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

#: Seed of the committed ``assets/samples/signature.png``.
SIGNATURE_SEED = 7
#: Size of the written image in pixels (width, height).
SIGNATURE_SIZE = (900, 360)
#: Drawing happens this many times larger, then is reduced: anti-aliased edges.
SUPERSAMPLE = 4
#: Pen nib diameter at full pressure, in output pixels.
NIB_PX = 7.0
#: Share of the nib width left at zero pressure (a stroke's tapered ends).
NIB_MIN = 0.35
#: Points per cycloid turn; enough for discs to overlap at the supersampled size.
SAMPLES_PER_TURN = 400


@dataclass(frozen=True)
class PenStroke:
    """One pen-down movement: positions in output pixels (y down) and pressure in [0, 1]."""

    xy: np.ndarray  # (K, 2)
    pressure: np.ndarray  # (K,)


def _smooth_random(rng: np.random.Generator, n_knots: int, t: np.ndarray, lo: float, hi: float):
    """A smooth random function on t in [0, 1]: cosine interpolation of random knots."""
    knots = rng.uniform(lo, hi, n_knots)
    pos = t * (n_knots - 1)
    i = np.minimum(pos.astype(np.int64), n_knots - 2)
    f = pos - i
    w = (1 - np.cos(np.pi * f)) / 2
    return knots[i] * (1 - w) + knots[i + 1] * w


def _letters(
    rng: np.random.Generator, origin: tuple[float, float], n_letters: int, scale: float
) -> np.ndarray:
    """A run of cursive letters starting at ``origin`` (x, baseline y), y down.

    Each turn of a cycloid ``x = a t + r sin t, y = -h (1 - cos t) / 2`` is one letter: the
    pen drifts right by ``a`` per radian while circling. When the radius ``r`` exceeds the
    drift the turn closes a loop (e, l); when it does not, the turn is an arch (n, m).
    Tall turns read as ascenders. Heights switch at the baseline, where the curve's height
    and slope are both zero, so the joins stay smooth; radii blend across each turn.
    """
    turns = n_letters
    t = np.linspace(0.0, 2 * np.pi * turns, SAMPLES_PER_TURN * turns)
    tall = rng.random(turns) < 0.4
    looped = tall | (rng.random(turns) < 0.5)
    heights = np.where(tall, rng.uniform(2.6, 3.3, turns), rng.uniform(1.3, 1.6, turns))
    radii = np.where(looped, rng.uniform(0.45, 0.6, turns), rng.uniform(0.06, 0.12, turns))
    radii = np.where(tall, radii + 0.05, radii)
    drift = 0.24
    turn = np.minimum((t / (2 * np.pi)).astype(np.int64), turns - 1)
    phase = t / (2 * np.pi) - turn
    nxt = np.minimum(turn + 1, turns - 1)
    blend = (1 - np.cos(np.pi * phase)) / 2
    radius = radii[turn] * (1 - blend) + radii[nxt] * blend
    x = drift * t + radius * np.sin(t)
    y = -heights[turn] * (1 - np.cos(t)) / 2
    wander = _smooth_random(rng, 3, t / t[-1], -0.15, 0.15)
    wander -= wander[0]  # the run starts exactly at ``origin``
    slant = 0.3
    xy = np.stack([x - slant * y, y + wander], axis=1) * scale
    return xy + np.array(origin)


def _capital(rng: np.random.Generator, origin: tuple[float, float], scale: float) -> np.ndarray:
    """A large looped capital: a tall oval swept anticlockwise, ending in an entry stroke."""
    t = np.linspace(0.0, 2.3 * np.pi, SAMPLES_PER_TURN * 3)
    wobble = _smooth_random(rng, 4, t / t[-1], 0.9, 1.1)
    x = 1.6 * np.sin(t) * wobble + 0.25 * t
    y = -2.6 * (1 - np.cos(t)) * wobble
    x = x - 0.35 * y
    return np.stack([x, y], axis=1) * scale + np.array(origin)


def _swash(rng: np.random.Generator, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """An underline flourish: a shallow arc from ``start`` to ``end`` with a hooked tail."""
    t = np.linspace(0.0, 1.0, SAMPLES_PER_TURN * 3)
    sag = rng.uniform(22.0, 30.0)
    line = start[None] + (end - start)[None] * t[:, None]
    line[:, 1] += sag * np.sin(np.pi * t) - 10.0 * t**3
    return line


def _pressure(xy: np.ndarray) -> np.ndarray:
    """Pen pressure: heavier where the pen moves slowly, tapering off at both ends."""
    speed = np.hypot(*np.gradient(xy, axis=0).T)
    slow = 1.0 - (speed - speed.min()) / max(float(np.ptp(speed)), 1e-9)
    n = len(xy)
    ramp = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (0.06 * n))
    return np.clip((0.55 + 0.45 * slow) * np.sqrt(ramp), 0.0, 1.0)


def signature_strokes(seed: int = SIGNATURE_SEED) -> list[PenStroke]:
    """The pen strokes of the signature for ``seed``, in output pixels (y down).

    Returns
    -------
    list of PenStroke
        A capital with a trailing first name, a surname, and an underline swash.
    """
    rng = np.random.default_rng(seed)
    width, height = SIGNATURE_SIZE
    scale = 22.0
    baseline = height * 0.62
    capital = _capital(rng, (70.0, baseline), scale)
    first = _letters(rng, tuple(capital[-1]), int(rng.integers(3, 5)), scale)
    first_name = np.vstack([capital, first])
    surname_x = float(first_name[:, 0].max()) + 1.2 * scale
    surname = _letters(rng, (surname_x, baseline), int(rng.integers(6, 8)), scale)
    lines = [first_name, surname]
    right = float(max(line[:, 0].max() for line in lines))
    low = float(max(line[:, 1].max() for line in lines))
    swash = _swash(rng, np.array([60.0, low + 4.0]), np.array([right + 30, baseline - 10]))
    lines.append(swash)
    # Fit everything into the frame with a margin, keeping the aspect ratio.
    pts = np.vstack(lines)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    margin = 30.0
    k = min((width - 2 * margin) / (hi[0] - lo[0]), (height - 2 * margin) / (hi[1] - lo[1]))
    offset = (np.array([width, height]) - (hi - lo) * k) / 2
    return [PenStroke((line - lo) * k + offset, _pressure(line)) for line in lines]


def render_signature(strokes: list[PenStroke], size: tuple[int, int] = SIGNATURE_SIZE):
    """Ink the strokes with a round nib whose width follows the pressure.

    Returns
    -------
    image : (H, W) ndarray of uint8, dark ink on white
    """
    width, height = size
    big = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 255)
    draw = ImageDraw.Draw(big)
    for stroke in strokes:
        radius = NIB_PX / 2 * (NIB_MIN + (1 - NIB_MIN) * stroke.pressure) * SUPERSAMPLE
        for (x, y), r in zip(stroke.xy * SUPERSAMPLE, radius, strict=True):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=24)
    small = big.resize((width, height), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.uint8)


def signature_image(seed: int = SIGNATURE_SEED) -> np.ndarray:
    """The signature for ``seed`` as an (H, W) uint8 image, dark ink on white."""
    return render_signature(signature_strokes(seed))


def write_signature(path: str | Path, seed: int = SIGNATURE_SEED) -> Path:
    """Write the signature for ``seed`` as a greyscale PNG at ``path``."""
    path = Path(path)
    Image.fromarray(signature_image(seed), mode="L").save(path, optimize=True)
    return path


if __name__ == "__main__":
    print(write_signature(sys.argv[1] if len(sys.argv) > 1 else "signature.png"))
