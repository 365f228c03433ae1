"""SOFM avatars ("The Art of SOFM"): a 9 x 9 grid pulled by two rotating points.

The grid sits on the integer points (i, j), 0 <= i, j < 9. Two data points, (15, 4) and
(-7, 4), are presented once (one epoch); then both turn 45 degrees counterclockwise about
the grid's centre (4, 4), and again, eight times round. Three parameters shape the picture:
the learning rate ``step``, the ``learning_radius`` and the neighbours' ``std``. A name
chooses them (and the colours) through SHA-256, so the same name always gives the same
avatar on every machine.

:func:`avatar_recipe` draws the avatar of a name, or a sheet of random ones, with a preset's
parameters and colours on top; :func:`export_avatar` writes it. ``gasworks avatar`` and the
studio's Avatars tab call both.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from engines.art.style import ArtStyle
from engines.core import Callback, Snapshot, with_budget
from engines.som.engine import SOFM
from engines.som.params import SOFMParams
from engines.validation import check_count, check_seed

if TYPE_CHECKING:
    from engines.art import Drawing
    from engines.presets import Preset

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
#: The style of an avatar when no preset sets one (a preset's style keys go on top).
AVATAR_STYLE = ArtStyle(line_width=2.0, node_size=4.0, width=480, margin=16)
#: Most avatars on one sheet.
MAX_SHEET = 400
#: The parameters and colours a preset may fix instead of the name.
LOOK_PARAMS = ("step", "learning_radius", "std")
LOOK_COLOURS = {"line_color": "line", "node_color": "dots", "background": "background"}


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


def train_avatar(
    params: SOFMParams, callback: Callback | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Run the recipe with ``params`` (its features_grid must be 9 x 9).

    ``callback`` receives the map's snapshot after each of the 8 updates; returning True
    stops there.

    Returns
    -------
    weights : (9, 9, 2) ndarray of float32, the pulled grid
    visited : (K, 2) ndarray, every place the two points were presented at (16 in all)
    """
    if params.features_grid != (GRID_SIZE, GRID_SIZE):
        raise ValueError(f"an avatar needs features_grid [9, 9], got {list(params.features_grid)}")
    som = SOFM(params, n_inputs=2, weights=start_grid(), search="full")
    data = np.array(START_POINTS)
    visited = []
    for _ in range(N_UPDATES):
        visited.append(data)
        som.train(data, epochs=1)
        data = rotate(data, ROTATION_DEGREES)
        if callback is not None and callback(with_budget(som.snapshot(), N_UPDATES)):
            break
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


def _explicit(model, keys) -> dict[str, Any]:
    """The fields of ``model`` among ``keys`` that were given, not left to their defaults."""
    if model is None:
        return {}
    return {k: getattr(model, k) for k in keys if k in model.model_fields_set}


def avatar_look(name: str, preset: Preset | None = None) -> AvatarLook:
    """The look of ``name``, with what ``preset`` fixes on top: the step, radius and std its
    ``[engine_params]`` sets and the line, dot and background colours its ``[style]`` sets
    (``line_color``, ``node_color``, ``background``)."""
    look = look_for_name(name)
    if preset is None:
        return look
    changes = _explicit(preset.engine_params, LOOK_PARAMS)
    colours = _explicit(preset.style, LOOK_COLOURS)
    changes.update({LOOK_COLOURS[k]: v for k, v in colours.items()})
    return replace(look, **changes) if changes else look


def avatar_params(look: AvatarLook, preset: Preset | None = None) -> SOFMParams:
    """The map parameters of ``look``: the 9 x 9 grid and NeuPy's defaults, with the keys
    ``preset``'s ``[engine_params]`` sets (a grid it sets is kept, and refused)."""
    base = preset.engine_params if preset is not None else None
    explicit = base.model_dump(include=base.model_fields_set) if base is not None else {}
    return look.params(SOFMParams.model_validate(explicit))


def avatar_style(preset: Preset | None = None) -> ArtStyle:
    """:data:`AVATAR_STYLE` with the keys ``preset``'s ``[style]`` sets on top."""
    style = preset.style if preset is not None else None
    if style is None or not style.model_fields_set:
        return AVATAR_STYLE
    given = style.model_dump(include=style.model_fields_set)
    return ArtStyle.model_validate({**AVATAR_STYLE.model_dump(), **given})


@dataclass(frozen=True, kw_only=True)
class SheetProgress(Snapshot):
    """Progress of a sheet: ``iteration`` avatars drawn of ``budget``; ``weights`` and
    ``look`` of the last one."""

    weights: np.ndarray = field(repr=False)
    look: AvatarLook


@dataclass(frozen=True)
class Avatar:
    """A drawn avatar, or a sheet of them.

    Attributes
    ----------
    looks : tuple of AvatarLook, one per avatar (one unless a sheet)
    weights : tuple of (9, 9, 2) ndarray, the pulled grid of each
    drawing : Drawing, what is written
    style : ArtStyle, the style it is written with
    sheet : bool, True for a sheet of random avatars
    seed : int, the seed of a sheet's random looks
    """

    looks: tuple[AvatarLook, ...]
    weights: tuple[np.ndarray, ...]
    drawing: Drawing
    style: ArtStyle
    sheet: bool = False
    seed: int = 0

    @property
    def look(self) -> AvatarLook:
        return self.looks[0]

    @property
    def caption(self) -> str:
        if self.sheet:
            return f"{len(self.looks)} random avatars, seed {self.seed}"
        look = self.look
        return (f"{look.name}: step {look.step:.3f}, radius {look.learning_radius}, "
                f"std {look.std:.3f}")  # fmt: skip

    def figures(self) -> dict[str, Any]:
        """What ``gasworks avatar --json`` reports besides the output."""
        if self.sheet:
            return {"sheet": len(self.looks), "names": [look.name for look in self.looks]}
        look = self.look
        return {"name": look.name, "step": look.step, "learning_radius": look.learning_radius,
                "std": look.std, "colours": [look.line, look.dots, look.background]}  # fmt: skip


def avatar_recipe(
    source: str | None,
    params: Preset | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    sheet: int | None = None,
) -> Avatar:
    """The avatar of a name, or a sheet of random avatars: what ``gasworks avatar`` and the
    studio draw.

    Parameters
    ----------
    source : str or None
        The name; None takes the preset's name. Must be None with ``sheet``.
    params : Preset, optional
        A look preset: the step, radius, std and colours it sets replace the name's (see
        :func:`avatar_look`), its other ``[engine_params]`` keys and ``[style]`` keys apply
        (see :func:`avatar_params`, :func:`avatar_style`).
    seed : int, optional
        The seed of a sheet's random looks (default: the preset's, else 0); a single
        avatar draws nothing at random (the name is its seed), but the seed is checked
        all the same.
    callback : callable, optional
        A single avatar: the map's snapshot after each update. A sheet:
        :class:`SheetProgress` after each avatar. Returning True stops early (a sheet then
        holds the avatars drawn so far).
    sheet : int, optional
        Draw this many random avatars on one sheet (1 to :data:`MAX_SHEET`).
    """
    if seed is not None:  # a bad seed is refused even where the name is the seed
        seed = check_seed(seed)
    seed = check_seed(seed if seed is not None else (params.seed if params is not None else 0))
    style = avatar_style(params)
    if sheet is None:
        name = source if source is not None else (params.name if params is not None else None)
        if name is None:
            raise ValueError("an avatar needs a name")
        look = avatar_look(name, params)
        weights, _ = train_avatar(avatar_params(look, params), callback)
        return Avatar((look,), (weights,), avatar_drawing(weights, look, style), style, seed=seed)
    if source is not None:
        raise ValueError("give a name or sheet=N, not both")
    n = check_count(sheet, "sheet", minimum=1, maximum=MAX_SHEET)
    looks, pictures = [], []
    for look in random_looks(n, seed):
        weights = train_avatar(avatar_params(look, params))[0]
        looks.append(look)
        pictures.append(weights)
        progress = SheetProgress(iteration=len(looks), budget=n, weights=weights, look=look)
        if callback is not None and callback(progress):
            break
    drawing = sheet_drawing(list(zip(pictures, looks, strict=True)), style,
                            background=style.background)  # fmt: skip
    return Avatar(tuple(looks), tuple(pictures), drawing, style, sheet=True, seed=seed)


def export_avatar(result: Avatar, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write the avatar (or sheet) to ``path`` by its suffix (.svg or .png)."""
    from engines.som.plots import write_drawing

    return write_drawing(result.drawing, path, result.style, overwrite=overwrite)


def slug(name: str) -> str:
    """A file-name-safe form of ``name``: letters, digits, '.', '_' and '-' only."""
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip()).strip("._")
    return text[:80]
