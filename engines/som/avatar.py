"""SOFM avatars ("The Art of SOFM"): a 9 x 9 grid pulled by two rotating points.

The grid sits on the integer points (i, j), 0 <= i, j < 9. Two data points, (15, 4) and
(-7, 4), are presented once (one epoch); then both turn 45 degrees counterclockwise about
the grid's centre (4, 4), and again, eight times round. Three parameters shape the picture:
the learning rate ``step``, the ``learning_radius`` and the neighbours' ``std``. A name
chooses them (and the colours) through SHA-256, so the same name always gives the same
avatar on every machine.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from dataclasses import dataclass

import numpy as np

from engines.som.engine import SOFM
from engines.som.params import SOFMParams

#: The seed's set-up.
GRID_SIZE = 9
CENTRE = (4.0, 4.0)
START_POINTS = ((15.0, 4.0), (-7.0, 4.0))
ROTATION_DEGREES = 45.0
N_UPDATES = 8
#: Ranges of the random parameters: step ~ U(0.1, 1), radius ~ randint(0, 4) (0 to 3),
#: std ~ U(0.1, 2).
STEP_RANGE = (0.1, 1.0)
RADIUS_RANGE = (0, 4)
STD_RANGE = (0.1, 2.0)
#: The seed's named looks: (step, learning_radius, std).
NAMED_LOOKS = {"bird": (0.5, 2, 0.4), "star": (1.0, 0, 0.4), "blob": (1.0, 3, 0.4)}
#: The seed's colours, used by the named looks' presets.
SEED_BLUE = "#348abd"
SEED_BACKGROUND = "#f8fafb"
#: Free space around an avatar, in grid steps.
FRAME_MARGIN = 1.0


@dataclass(frozen=True)
class AvatarLook:
    """Everything that decides an avatar: its three parameters and its colours."""

    name: str
    step: float
    learning_radius: int
    std: float
    line: str
    dots: str
    background: str

    def params(self, base: SOFMParams | None = None) -> SOFMParams:
        """SOFMParams of this look (the 9 x 9 grid, NeuPy's other defaults, or ``base``'s)."""
        base = base or SOFMParams()
        fields = base.model_dump()
        fields.update(
            step=self.step, learning_radius=self.learning_radius, std=self.std, epochs=N_UPDATES
        )
        if "features_grid" not in base.model_fields_set:  # a grid asked for is kept (and refused)
            fields["features_grid"] = (GRID_SIZE, GRID_SIZE)
        return SOFMParams.model_validate(fields)


def name_seed(name: str) -> int:
    """A 64-bit seed from ``name`` (SHA-256 of its UTF-8 bytes; stable across runs)."""
    digest = hashlib.sha256(name.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(v, 0.0), 1.0) * 255):02x}" for v in rgb)


def palette(rng: np.random.Generator) -> tuple[str, str, str]:
    """(line, dots, background): a deep line colour, darker dots, a pale ground of one hue."""
    hue = float(rng.uniform(0.0, 1.0))
    sat = float(rng.uniform(0.45, 0.75))
    line = _hex(colorsys.hls_to_rgb(hue, 0.42, sat))
    dots = _hex(colorsys.hls_to_rgb((hue + 0.04) % 1.0, 0.30, sat))
    background = _hex(colorsys.hls_to_rgb((hue + 0.5) % 1.0, 0.96, 0.35))
    return line, dots, background


def look_for_name(name: str) -> AvatarLook:
    """The look a name stands for: step, radius, std and colours drawn from its seed."""
    if not name or not name.strip():
        raise ValueError("an avatar needs a non-empty name")
    rng = np.random.default_rng(name_seed(name))
    step = float(rng.uniform(*STEP_RANGE))
    radius = int(rng.integers(*RADIUS_RANGE))
    std = float(rng.uniform(*STD_RANGE))
    line, dots, background = palette(rng)
    return AvatarLook(name.strip(), step, radius, std, line, dots, background)


def random_looks(n: int, seed: int = 0) -> list[AvatarLook]:
    """``n`` random looks (a sheet), reproducible from ``seed``."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    rng = np.random.default_rng(seed)
    return [look_for_name(f"#{seed}-{i}-{rng.integers(2**32)}") for i in range(n)]


def rotate(points: np.ndarray, degrees: float, centre=CENTRE) -> np.ndarray:
    """Turn (P, 2) ``points`` counterclockwise by ``degrees`` about ``centre``."""
    phi = np.radians(degrees)
    rot = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
    c = np.asarray(centre, dtype=np.float64)
    return (np.asarray(points, dtype=np.float64) - c) @ rot.T + c


def start_grid() -> np.ndarray:
    """The 9 x 9 grid on integer points: unit (i, j) at (i, j), shaped (9, 9, 2)."""
    i, j = np.meshgrid(np.arange(GRID_SIZE), np.arange(GRID_SIZE), indexing="ij")
    return np.stack([i, j], axis=-1).astype(np.float64)


def train_avatar(params: SOFMParams) -> tuple[np.ndarray, np.ndarray]:
    """Run the recipe with ``params`` (its features_grid must be 9 x 9).

    Returns
    -------
    weights : (9, 9, 2) ndarray of float32, the pulled grid
    visited : (16, 2) ndarray, every place the two points were presented at
    """
    if params.features_grid != (GRID_SIZE, GRID_SIZE):
        raise ValueError(f"an avatar needs features_grid [9, 9], got {list(params.features_grid)}")
    som = SOFM(params, 2, weights=start_grid(), search="full")
    data = np.array(START_POINTS)
    visited = []
    for _ in range(N_UPDATES):
        visited.append(data)
        som.train(data, epochs=1)
        data = rotate(data, ROTATION_DEGREES)
    return som.weights, np.concatenate(visited)


def frame(weights: np.ndarray) -> tuple[float, float, float, float]:
    """A square around the grid's centre holding every unit, plus a margin."""
    w = np.asarray(weights, dtype=np.float64).reshape(-1, 2)
    half = float(np.abs(w - np.array(CENTRE)).max()) + FRAME_MARGIN
    cx, cy = CENTRE
    return (cx - half, cy - half, cx + half, cy + half)


def avatar_layer(weights: np.ndarray, look: AvatarLook, style, *, name: str = "avatar"):
    """One avatar as a layer: polylines along rows and columns, a dot on every unit."""
    from engines.art import Layer

    grid = np.asarray(weights, dtype=np.float64)
    lines = [row for row in grid] + [grid[:, j] for j in range(grid.shape[1])]
    return Layer(
        name=name,
        stroke=look.line,
        stroke_width=style.line_width,
        polylines=tuple(lines),
        dots=grid.reshape(-1, 2),
        dot_radius=style.node_size,
        dot_fill=look.dots,
    )


def avatar_drawing(weights: np.ndarray, look: AvatarLook, style):
    """A single avatar, framed on a square around the grid's centre."""
    from engines.art import Drawing

    layer = avatar_layer(weights, look, style, name=slug(look.name) or "avatar")
    return Drawing((layer,), background=look.background, bounds=frame(weights))


def sheet_drawing(avatars: list[tuple[np.ndarray, AvatarLook]], style, *, background: str):
    """Avatars side by side in a square-ish table, each scaled into a cell of its own."""
    from engines.art import Drawing

    n = len(avatars)
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    cell = 1.0
    gap = 0.12
    layers = []
    for k, (weights, look) in enumerate(avatars):
        x0, y0, x1, _ = frame(weights)
        scale = cell / (x1 - x0)
        r, c = divmod(k, columns)
        origin = np.array([c * (cell + gap), (rows - 1 - r) * (cell + gap)])
        placed = (np.asarray(weights, dtype=np.float64) - np.array([x0, y0])) * scale + origin
        layers.append(avatar_layer(placed, look, style, name=f"avatar-{k + 1}"))
    span_x = columns * cell + (columns - 1) * gap
    span_y = rows * cell + (rows - 1) * gap
    return Drawing(tuple(layers), background=background, bounds=(0.0, 0.0, span_x, span_y))


def slug(name: str) -> str:
    """A file-name-safe form of ``name``: letters, digits, '.', '_' and '-' only."""
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip()).strip("._")
    return text[:80]
