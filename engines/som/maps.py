"""Data maps: load a feature matrix, train a SOFM on it and draw what it learned.

Inputs are a ``.npy`` or ``.csv`` feature matrix (optionally with a label column) or one of
the bundled samples: ``sample:iris``, ``sample:breast_cancer``, ``sample:digits`` (the
datasets shipped inside scikit-learn), ``sample:moons`` (one of scikit-learn's two moons,
as in the seed) and ``sample:disc`` (points spread evenly over a disc). Nothing is
downloaded. Every problem with an input is an :class:`~engines.errors.InputError` naming the
input and, for files, the row and column.

:func:`map_recipe` loads the data, resolves the view, trains and measures the map;
:func:`export_map` writes the view (heat map, drawing or mosaic). ``gasworks map`` and the
studio's Maps tab call both.

Deep features
-------------
``map_recipe(..., features=FILE)`` maps features of the data made by a model instead of the
data's own columns, as the seed maps VGG19's activations of animal pictures:

- ``FILE.pt``, a network saved by ``gasworks train --save``: the activations of its last
  hidden layer for every row of the data (the rows' columns, as read, are the network's raw
  inputs; it scales them as in training);
- ``FILE.npy``, an (N, F) matrix from any model: one row of features per row of the data,
  in the same order.

The data's labels and images stay (the U-matrix's class markers, the digit mosaic), and the
digits view frames each unit's image by the expanded U-matrix, dark where neighbouring
units lie far apart. With the ``cos`` distance (the shipped feature presets', as the seed
uses for 4,096 activations) every row of features is scaled to unit length, so the
U-matrix's Euclidean distances between units measure angles. A network or matrix that does
not fit the data is an InputError saying what does not match.
"""

from __future__ import annotations

import csv
import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from engines.core import Callback, run
from engines.errors import InputError, short_name
from engines.options import choices, no_such
from engines.som.engine import SOFM, SOFMSnapshot
from engines.som.params import MapSettings, SOFMParams
from engines.validation import check_choice, check_seed

if TYPE_CHECKING:
    from engines.art import ArtStyle
    from engines.presets import Preset

SAMPLE_PREFIX = "sample:"
#: Bundled data sets.
SAMPLES = ("iris", "breast_cancer", "digits", "moons", "disc")
#: Points of the generated samples.
MOONS_SAMPLES = 400  # both moons; the upper one (half of them) is kept, as in the seed
DISC_SAMPLES = 8000
#: Largest file read, in bytes.
MAX_FILE_BYTES = 500_000_000
#: CSV delimiters recognised.
DELIMITERS = ",;\t"
#: Shipped preset of each sample, used when no preset is given.
SAMPLE_PRESETS = {
    "iris": "map-iris",
    "breast_cancer": "map-breast-cancer",
    "digits": "map-digits",
    "moons": "map-moons",
    "disc": "map-disc-hex",
}
#: The shipped preset for deep features of a sample (else :data:`FEATURES_PRESET`).
FEATURE_PRESETS = {"digits": "map-digits-features"}
FEATURES_PRESET = "map-features"
#: Suffixes of a features file: a saved network, or a feature matrix.
FEATURE_SUFFIXES = (".pt", ".npy")
#: A features mosaic: pixels of a cell and width of the U-matrix bands between cells
#: (before the 2x enlargement of the PNG), the bands' darkest colour (far apart), and the
#: percentiles of the distances between neighbours that span white to that colour.
MOSAIC_CELL_PIXELS = 16
BAND_PIXELS = 3
BAND_COLOUR = (8, 48, 107)
BAND_PERCENTILES = (5.0, 95.0)


@dataclass(frozen=True)
class MapData:
    """A feature matrix ready to train on.

    Attributes
    ----------
    features : (N, D) ndarray of float64, after column choice and scaling
    raw : (N, D0) ndarray of float64, every feature column as read
    labels : (N,) ndarray of int64, or None
    label_names : tuple of str, names of the label values 0, 1, ...
    image_shape : (rows, cols) when each row is an image (the digits), else None
    """

    source: str
    features: np.ndarray
    raw: np.ndarray
    labels: np.ndarray | None
    label_names: tuple[str, ...]
    image_shape: tuple[int, int] | None = None
    #: Where ``features`` came from when a model made them (:func:`model_features`).
    features_from: str | None = None


def _sample(name: str, seed: int):
    """(features, labels, label names, image shape) of a bundled sample."""
    from sklearn import datasets

    if name == "iris":
        bunch = datasets.load_iris()
        return bunch.data, bunch.target, tuple(bunch.target_names), None
    if name == "breast_cancer":
        bunch = datasets.load_breast_cancer()
        return bunch.data, bunch.target, tuple(bunch.target_names), None
    if name == "digits":
        bunch = datasets.load_digits()
        names = tuple(str(n) for n in bunch.target_names)
        return bunch.data, bunch.target, names, bunch.images.shape[1:]
    if name == "moons":
        data, target = datasets.make_moons(n_samples=MOONS_SAMPLES, noise=0.1, random_state=seed)
        upper = data[target == 1]
        return upper, None, (), None
    if name == "disc":
        rng = np.random.default_rng(seed)
        radius = np.sqrt(rng.random(DISC_SAMPLES))
        angle = rng.uniform(0, 2 * np.pi, DISC_SAMPLES)
        return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1), None, (), None
    raise InputError(
        f"{SAMPLE_PREFIX}{name}", no_such("sample", name, SAMPLES, prefix=SAMPLE_PREFIX)
    )


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_csv(path: Path, label_column: int | None = None):
    """Read a numeric CSV; the label column (if any) may hold text.

    A first row made only of text is a header. Returns (matrix (N, C) float64 of every
    column except the label, labels as strings or None, header names or None).
    """
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(path, f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not a UTF-8 text file; expected a CSV of numbers") from None
    sample = text[:4096]
    delimiter = max(DELIMITERS, key=sample.count) if any(d in sample for d in DELIMITERS) else ","
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]
    rows = [[cell.strip() for cell in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        raise InputError(path, "the CSV file is empty")
    header = None
    if all(_parse_number(c) is None for c in rows[0]):
        header, rows = rows[0], rows[1:]
    if not rows:
        raise InputError(path, "the CSV file has a header but no data rows")
    width = len(rows[0])
    label_at = None
    if label_column is not None:
        label_at = label_column if label_column >= 0 else width + label_column
        if not 0 <= label_at < width:
            raise InputError(
                path, f"label column {label_column} does not exist: rows have {width} columns"
            )
    matrix = np.empty((len(rows), width - (label_at is not None)))
    labels = [] if label_at is not None else None
    first_line = 2 if header else 1
    for i, row in enumerate(rows):
        line = i + first_line
        if len(row) != width:
            raise InputError(path, f"row {line} has {len(row)} columns, row {first_line} {width}")
        k = 0
        for j, cell in enumerate(row):
            if j == label_at:
                labels.append(cell)
                continue
            if cell == "":
                raise InputError(path, f"row {line}, column {j + 1} is empty")
            value = _parse_number(cell)
            if value is None:
                raise InputError(path, f"row {line}, column {j + 1}: {cell!r} is not a number")
            matrix[i, k] = value
            k += 1
    return matrix, labels, header


def read_npy(path: Path, label_column: int | None = None):
    """Read a 2-D numeric ``.npy``; returns (matrix, labels or None)."""
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise InputError(path, f"not a readable .npy array ({exc})") from None
    if array.ndim != 2:
        raise InputError(path, f"expected a 2-D array (samples, features), got shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise InputError(path, f"expected numbers, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if label_column is None:
        return array, None
    width = array.shape[1]
    at = label_column if label_column >= 0 else width + label_column
    if not 0 <= at < width:
        raise InputError(
            path, f"label column {label_column} does not exist: rows have {width} columns"
        )
    labels = array[:, at]
    if not np.isfinite(labels).all():
        raise InputError(path, f"the label column {label_column} holds NaN or infinite values")
    return np.delete(array, at, axis=1), [f"{v:g}" for v in labels]


def _encode_labels(labels: list[str] | None) -> tuple[np.ndarray | None, tuple[str, ...]]:
    if labels is None:
        return None, ()
    names = sorted(set(labels), key=lambda v: (_parse_number(v) is None, _parse_number(v), v))
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[v] for v in labels], dtype=np.int64), tuple(names)


def load_map_data(source: str, settings: MapSettings | None = None, *, seed: int = 0) -> MapData:
    """Load ``source`` (a .npy/.csv path or ``sample:NAME``) and prepare its features.

    Raises
    ------
    InputError
        The input cannot be read or is not a usable feature matrix: text in a CSV, missing
        values, NaN or infinite values, fewer than 2 rows, a constant matrix, a column
        choice outside the matrix.
    """
    settings = settings or MapSettings()
    image_shape = None
    if source.startswith(SAMPLE_PREFIX):
        data, target, names, image_shape = _sample(source[len(SAMPLE_PREFIX) :], seed)
        raw = np.asarray(data, dtype=np.float64)
        labels = None if target is None else np.asarray(target, dtype=np.int64)
        label_names = tuple(str(n) for n in names)
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(source, "no such file")
        suffix = path.suffix.lower()
        if suffix == ".csv":
            raw, text_labels, _ = read_csv(path, settings.label_column)
        elif suffix == ".npy":
            raw, text_labels = read_npy(path, settings.label_column)
        else:
            raise InputError(source, f"expected a .csv or .npy file or sample:NAME, got {suffix!r}")
        labels, label_names = _encode_labels(text_labels)
    bad = ~np.isfinite(raw)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InputError(
            source, f"holds NaN or infinite values (first at row {row + 1}, column {col + 1})"
        )
    if raw.shape[0] < 2:
        raise InputError(source, f"needs at least 2 rows (samples) to map, got {raw.shape[0]}")
    if raw.shape[1] < 1:
        raise InputError(source, "has no feature columns")
    features = raw
    if settings.columns is not None:
        if max(settings.columns) >= raw.shape[1]:
            raise InputError(
                source,
                f"columns {list(settings.columns)} ask for column {max(settings.columns)}, "
                f"but there are only {raw.shape[1]} feature columns (0-based)",
            )
        features = raw[:, list(settings.columns)]
        image_shape = None
    if np.ptp(features, axis=0).max() == 0:
        raise InputError(source, "every row is the same: there is nothing to map")
    return MapData(source, scale(features, settings.scaling), raw, labels, label_names, image_shape)


def scale(features: np.ndarray, scaling: str) -> np.ndarray:
    """Scale each column: 'minmax' to [0, 1], 'standard' to mean 0 and std 1, or 'none'.
    Constant columns become 0."""
    x = np.asarray(features, dtype=np.float64)
    if scaling == "none":
        return x.copy()
    if scaling == "minmax":
        lo = x.min(axis=0)
        span = x.max(axis=0) - lo
        return np.divide(x - lo, span, out=np.zeros_like(x), where=span > 0)
    if scaling == "standard":
        std = x.std(axis=0)
        return np.divide(x - x.mean(axis=0), std, out=np.zeros_like(x), where=std > 0)
    raise ValueError(f"scaling must be 'none', 'minmax' or 'standard', got {scaling!r}")


def check_fits(data: MapData, params: SOFMParams) -> None:
    """Refuse a map with more units than samples: most units would never learn anything."""
    n, units = data.features.shape[0], params.n_units
    if units > n:
        shape = "x".join(str(s) for s in params.features_grid)
        raise InputError(
            data.source,
            f"the map has {units} units ({shape}) but the data only {n} rows; "
            "use a smaller features_grid (at most one unit per row)",
        )


#: The views of a map (the choices of ``[engine_params.map] view``).
VIEWS: tuple[str, ...] = choices(MapSettings, "view")
#: Views drawn over 2-D data rather than as a heat map or a mosaic.
DATA_VIEWS = ("grid", "units")


def resolve_view(view: str, data: MapData) -> str:
    """The view 'auto' stands for: the grid over 2-D data, the U-matrix otherwise; a view
    the data cannot show is an InputError saying why."""
    check_choice(view, "view", VIEWS)
    if view == "auto":
        return "grid" if data.features.shape[1] == 2 else "umatrix"
    if view in DATA_VIEWS and data.features.shape[1] != 2:
        raise InputError(
            data.source,
            f"view {view!r} draws 2-D data, but there are {data.features.shape[1]} features; "
            "choose two with map.columns, or use view 'umatrix'",
        )
    if view == "digits" and data.image_shape is None:
        # The images are the rows as read when a model made the features.
        width = (data.raw if data.features_from else data.features).shape[1]
        side = math.isqrt(width)
        if side * side != width:
            raise InputError(
                data.source, f"view 'digits' needs square images, but rows have {width} values"
            )
    return view


@dataclass(frozen=True)
class MapResult:
    """A trained map and what the views need."""

    data: MapData
    params: SOFMParams
    snapshot: SOFMSnapshot
    winners: np.ndarray  # (N,) int64
    u_matrix: np.ndarray  # (rows, cols)
    quantization_error: float
    topographic_error: float
    seconds: float
    #: The view it is shown in ('auto' until a recipe resolves it for the data).
    view: str = "auto"
    #: The style of drawn views (None: the default style).
    style: ArtStyle | None = None
    seed: int = 0

    def figures(self) -> dict[str, Any]:
        """What ``gasworks map --json`` reports besides the input and the output."""
        n, d = self.data.features.shape
        out = {
            "view": self.view, "samples": n, "features": d, "units": self.params.n_units,
            "epochs": self.snapshot.iteration, "seconds": round(self.seconds, 3),
            "quantization_error": self.quantization_error,
            "topographic_error": self.topographic_error,
        }  # fmt: skip
        if self.data.features_from:
            out["features_from"] = self.data.features_from
            out["distance"] = self.params.distance
        return out


def train_map(
    data: MapData,
    params: SOFMParams,
    *,
    epochs: int | None = None,
    seed: int = 0,
    callback: Callback | None = None,
) -> MapResult:
    """Train ``params`` on ``data`` and measure the result."""
    check_fits(data, params)
    if epochs is not None:
        params = params.model_copy(update={"epochs": epochs})
    som = SOFM(params, data.features, seed=seed)
    start = time.perf_counter()
    snap = run(som, params.epochs, callback)
    seconds = time.perf_counter() - start
    x = data.features
    return MapResult(
        data=data,
        params=params,
        snapshot=snap,
        winners=som.winners(x),
        u_matrix=som.u_matrix(),
        quantization_error=som.quantization_error(x),
        topographic_error=som.topographic_error(x),
        seconds=seconds,
        seed=seed,
    )


def map_recipe(
    source: str | Path | None,
    params: Preset,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    epochs: int | None = None,
    view: str | None = None,
    loaded: Callable[[MapData, str], None] | None = None,
    features: str | Path | None = None,
) -> MapResult:
    """Load a data set, train the preset's map on it and measure it: what ``gasworks map``
    and the studio run.

    Parameters
    ----------
    source : str or Path or None
        A ``.npy``/``.csv`` file or ``sample:NAME``; None takes the preset's ``input``.
    params : Preset
        A SOFM preset: ``engine_params`` (with the ``map`` table: columns, labels, scaling,
        view), ``seed``, ``epochs`` and ``[style]`` (for the drawn views).
    seed, epochs, view : optional
        Override the preset's. Epochs default to the preset's ``epochs``, else
        ``engine_params.epochs``; the view to ``engine_params.map.view``, 'auto' resolved
        for the data (:func:`resolve_view`).
    callback : callable, optional
        Receives :class:`SOFMSnapshot` while the map trains; returning True stops early.
    loaded : callable, optional
        Called with the data and the resolved view once loaded, before training (a live
        view draws the data under the map with it).
    features : str or Path, optional
        Map a model's features of the data instead of its columns: a network saved by
        ``gasworks train --save`` (``.pt``, its last hidden layer) or an (N, F) ``.npy``
        matrix (see the module docstring and :func:`model_features`).

    Raises
    ------
    InputError
        The data cannot be read, the view does not suit it, the map has more units than
        the data rows, the features do not fit the data.
    """
    settings = params.engine_params
    if source is None:
        source = params.input
    if source is None:
        raise ValueError("a map needs data: a .npy/.csv file or sample:NAME (or a preset input)")
    seed = check_seed(params.seed if seed is None else seed)
    data = load_map_data(str(source), settings.map, seed=seed)
    if features is not None:
        data = model_features(data, features, settings)
    chosen = resolve_view(view or settings.map.view, data)
    if loaded is not None:
        loaded(data, chosen)
    epochs = epochs or params.epochs or settings.epochs
    result = train_map(data, settings, epochs=epochs, seed=seed, callback=callback)
    return replace(result, view=chosen, style=params.style)


def u_matrix_of(snapshot: SOFMSnapshot, *, expanded: bool = False) -> np.ndarray:
    """The U-matrix (or expanded U-matrix) of a map as it stands."""
    from engines.som import metrics

    return metrics.u_matrix(snapshot.grid_weights, snapshot.grid_type, snapshot.toroidal,
                            expanded=expanded)  # fmt: skip


def live_values(snapshot: SOFMSnapshot, view: str) -> np.ndarray | None:
    """The heat map a view shows while the map trains: the expanded U-matrix for
    'expanded', the U-matrix for 'umatrix' and 'digits' (the mosaic needs the winners),
    None for the views drawn over the data."""
    if view in DATA_VIEWS:
        return None
    return u_matrix_of(snapshot, expanded=view == "expanded")


def heat_grid_type(grid_type: str, view: str) -> str:
    """Cell shape of a view's heat map: the expanded U-matrix is always rect."""
    return "rect" if view == "expanded" else grid_type


def class_markers(result: MapResult, view: str) -> list[tuple[int, int, int]] | None:
    """(row, col, class) of each sample's winning cell on the view's heat map (cells of the
    expanded U-matrix are twice as many across), or None for unlabelled data."""
    if result.data.labels is None:
        return None
    scale = 2 if view == "expanded" else 1
    rows, cols = (r * scale for r in divmod(result.winners, result.params.grid_shape[1]))
    return list(zip(rows.tolist(), cols.tolist(), result.data.labels.tolist(), strict=True))


def export_map(
    result: MapResult,
    path: str | Path,
    *,
    overwrite: bool = True,
    style: ArtStyle | None = None,
    view: str | None = None,
) -> Path:
    """Write a view of the map to ``path`` (.png or .svg): the heat map with class markers,
    the drawing over 2-D data, or the digit mosaic.

    ``view`` and ``style`` default to the result's.
    """
    from engines.art import ArtStyle
    from engines.som import plots

    view = resolve_view(view or result.view, result.data)
    if view in DATA_VIEWS:
        style = style if style is not None else (result.style or ArtStyle())
        drawing = map_drawing(result, view, style)
        return plots.write_drawing(drawing, path, style, overwrite=overwrite)
    if view == "digits":
        return plots.write_mosaic(path, mosaic_image(result), overwrite=overwrite)
    expanded = view == "expanded"
    values = u_matrix_of(result.snapshot, expanded=True) if expanded else result.u_matrix
    title = ("Expanded U-matrix" if expanded else "U-matrix") + f" of {result.data.source}"
    return plots.write_heatmap(
        path, values, overwrite=overwrite, grid_type=heat_grid_type(result.params.grid_type, view),
        markers=class_markers(result, view), label_names=result.data.label_names, title=title,
    )  # fmt: skip


#: Colours of the classes in drawings (the seed's ggplot palette).
CLASS_COLOURS = ("#e24a33", "#348abd", "#988ed5", "#777777", "#fbc15e", "#8eba42", "#ffb5b8")
DATA_COLOUR = "#348abd"
#: The map drawn over 2-D data: neutral, never a class's colour.
UNIT_COLOUR = "#2b2b2b"
CLUSTER_COLOUR = "#555555"
#: Data dot radius as a share of the style's node size, for few or many samples.
FEW_SAMPLES = 1000
DOT_SHARE_FEW, DOT_SHARE_MANY = 0.9, 0.5


def grid_lines(grid_weights: np.ndarray, grid_type: str) -> list[np.ndarray]:
    """Polylines through a map's units: rows and columns (rect), or rows and the zig-zags
    between rows that trace every hexagon edge (hexagon; odd rows shifted right)."""
    g = np.asarray(grid_weights, dtype=np.float64)
    rows, cols = g.shape[:2]
    lines = [g[r] for r in range(rows) if cols > 1]
    if rows < 2:
        return lines
    if grid_type != "hexagon":
        return lines + [g[:, c] for c in range(cols)]
    for r in range(rows - 1):
        upper, lower = g[r], g[r + 1]
        if r % 2 == 0:  # (r, c) meets (r+1, c-1) and (r+1, c)
            zig = np.empty((2 * cols, g.shape[2]))
            zig[0::2], zig[1::2] = upper, lower
        else:  # (r, c) meets (r+1, c) and (r+1, c+1)
            zig = np.empty((2 * cols, g.shape[2]))
            zig[0::2], zig[1::2] = lower, upper
        lines.append(zig)
    return lines


def map_drawing(result: MapResult, view: str, style):
    """The 'grid' or 'units' view as a drawing: the data as dots (one colour per class)
    under the map's units (and, for 'grid', the lines joining neighbours)."""
    from engines.art import Drawing, Layer

    x = result.data.features
    layers = []
    # Few samples are drawn bold (the seed's scatter plots); thousands stay fine.
    share = DOT_SHARE_FEW if len(x) <= FEW_SAMPLES else DOT_SHARE_MANY
    data_radius = max(style.node_size * share, 1.0)
    if result.data.labels is None:
        layers.append(Layer("data", DATA_COLOUR, style.line_width, dots=x, dot_radius=data_radius,
                            dot_fill=DATA_COLOUR))  # fmt: skip
    else:
        for k, name in enumerate(result.data.label_names):
            colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
            dots = x[result.data.labels == k]
            layers.append(Layer(f"class {name}", colour, style.line_width, dots=dots,
                                dot_radius=data_radius, dot_fill=colour))  # fmt: skip
    grid_w = result.snapshot.grid_weights.astype(np.float64)
    unit_dots = grid_w.reshape(-1, 2)
    if view == "grid":
        lines = tuple(grid_lines(grid_w, result.params.grid_type))
        layers.append(Layer("map", UNIT_COLOUR, style.line_width, polylines=lines,
                            dots=unit_dots, dot_radius=style.node_size * 1.2 or 2.0,
                            dot_fill=UNIT_COLOUR))  # fmt: skip
    else:
        layers.append(Layer("units", CLUSTER_COLOUR, style.line_width, dots=unit_dots,
                            dot_radius=(style.node_size or 2.0) * 2.5,
                            dot_fill=CLUSTER_COLOUR))  # fmt: skip
    points = np.concatenate([x, unit_dots])
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.03 * float(np.max(hi - lo))
    bounds = (lo[0] - pad, lo[1] - pad, hi[0] + pad, hi[1] + pad)
    return Drawing(tuple(layers), background=style.background, bounds=bounds)


def digits_mosaic(result: MapResult, *, cell_pixels: int = 8, gap: int = 1) -> np.ndarray:
    """One image per unit: the sample nearest to the unit among those it won (blank when it
    won none), ink dark on white, as an (H, W) uint8 array."""
    data = result.data
    shape = data.image_shape
    if shape is None:
        side = math.isqrt(data.raw.shape[1])
        shape = (side, side)
    images = data.raw
    rows, cols = result.params.grid_shape
    weights = result.snapshot.grid_weights.reshape(rows * cols, -1).astype(np.float64)
    lo, hi = float(images.min()), float(images.max())
    span = hi - lo if hi > lo else 1.0
    h, w = shape
    zoom = max(1, cell_pixels // max(h, w))
    ch, cw = h * zoom, w * zoom
    out = np.full((rows * (ch + gap) + gap, cols * (cw + gap) + gap), 255, dtype=np.uint8)
    for unit in range(rows * cols):
        members = np.flatnonzero(result.winners == unit)
        if members.size == 0:
            continue
        dist = np.linalg.norm(data.features[members] - weights[unit], axis=1)
        image = images[members[int(np.argmin(dist))]].reshape(shape)
        ink = 255 - np.round((image - lo) / span * 255).astype(np.uint8)
        ink = np.kron(ink, np.ones((zoom, zoom), dtype=np.uint8))
        r, c = divmod(unit, cols)
        y, x = gap + r * (ch + gap), gap + c * (cw + gap)
        out[y : y + ch, x : x + cw] = ink
    return out


# --------------------------------------------------------------------------- deep features
def _features_file(path: Path) -> Path:
    if path.suffix.lower() not in FEATURE_SUFFIXES:
        got = path.suffix or "no suffix"
        raise InputError(path, "features come from a network saved by gasworks train (.pt) or "
                               f"a feature matrix (.npy), got {got!r}")  # fmt: skip
    if not path.is_file():
        raise InputError(path, "no such file")
    return path


def _network_features(data: MapData, path: Path) -> tuple[np.ndarray, str]:
    """The last hidden layer's activations of a saved network for every row of ``data``."""
    from engines.trainers.network import load_network

    saved = load_network(path)
    spec, trained_on = saved.spec, saved.info.get("dataset")
    described = f"the network ({spec.describe()}, trained on {trained_on})"
    if len(spec.sizes) < 3:
        raise InputError(path, f"{described} has no hidden layer: its features would be the "
                               "data's own columns; map the data itself")  # fmt: skip
    width = data.raw.shape[1]
    if width != spec.n_inputs:
        hint = ""
        if data.image_shape is not None:
            hint = f" ({data.image_shape[0]}x{data.image_shape[1]} images)"
        raise InputError(path, f"{described} takes {spec.n_inputs} inputs per row, but "
                               f"{short_name(data.source)} has {width} columns{hint}: train "
                               "it on this kind of data")  # fmt: skip
    values = saved.features(data.raw, source=str(path))
    return values, f"{path.name}: last hidden layer ({spec.sizes[-2]} units) of {described}"


def _matrix_features(data: MapData, path: Path) -> tuple[np.ndarray, str]:
    """An (N, F) matrix of features, one row per row of ``data``."""
    values, _ = read_npy(path)
    n = data.raw.shape[0]
    if values.shape[0] != n:
        raise InputError(path, f"has {values.shape[0]} rows of features but "
                               f"{short_name(data.source)} has {n} rows: give one row of "
                               "features per row of data, in the same order")  # fmt: skip
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InputError(path, f"holds NaN or infinite values (first at row {row + 1}, column "
                               f"{col + 1})")  # fmt: skip
    return values, f"{path.name}: {values.shape[1]} features per row"


def model_features(data: MapData, features: str | Path, params: SOFMParams) -> MapData:
    """``data`` with its ``features`` made by a model (a ``.pt`` network or an ``.npy``
    matrix, see the module docstring), scaled by ``params.map.scaling`` and, for the ``cos``
    distance, each row to unit length.

    Raises
    ------
    InputError
        The file is missing or of another kind; the network takes another number of inputs
        than the data has columns, or has no hidden layer; the matrix has another number of
        rows, or NaN; a row of features is all zero under the ``cos`` distance.
    """
    path = _features_file(Path(features))
    if path.suffix.lower() == ".pt":
        values, described = _network_features(data, path)
    else:
        values, described = _matrix_features(data, path)
    values = scale(np.asarray(values, dtype=np.float64), params.map.scaling)
    if params.distance == "cos":
        norms = np.linalg.norm(values, axis=1)
        if not norms.all():
            row = int(np.flatnonzero(norms == 0)[0])
            raise InputError(path, f"the features of row {row + 1} are all zero (no unit of "
                                   "the layer responds to it), so the cos distance cannot place "
                                   "it; use distance 'euclid'")  # fmt: skip
        values = values / norms[:, None]
    if values.shape[1] < 1 or np.ptp(values, axis=0).max() == 0:
        raise InputError(path, "every row's features are the same: there is nothing to map")
    return replace(data, features=values, features_from=described)


def mosaic_image(result: MapResult) -> np.ndarray:
    """What the digits view draws: the plain mosaic, or, for a model's features, the mosaic
    framed by the U-matrix (:func:`features_mosaic`)."""
    return features_mosaic(result) if result.data.features_from else digits_mosaic(result)


def features_mosaic(result: MapResult, *, cell_pixels: int = MOSAIC_CELL_PIXELS,
                    band: int = BAND_PIXELS) -> np.ndarray:  # fmt: skip
    """The digit mosaic on the expanded U-matrix, as an (H, W, 3) uint8 RGB image.

    Each unit's cell shows the image nearest to it among those it won (ink dark on white),
    or, when it won none, the unit's U-matrix value; the bands between cells show the
    distance between the two units they separate (the crossings, the expanded U-matrix's
    diagonal cells), from white (near) to :data:`BAND_COLOUR` (far), between the
    :data:`BAND_PERCENTILES` of those distances.
    """
    grey = digits_mosaic(result, cell_pixels=cell_pixels, gap=band)
    rows, cols = result.params.grid_shape
    expanded = u_matrix_of(result.snapshot, expanded=True)
    between = np.ones(expanded.shape, dtype=bool)
    between[::2, ::2] = False
    lo, hi = (float(v) for v in np.percentile(expanded[between], BAND_PERCENTILES))
    level = (expanded - lo) / (hi - lo) if hi > lo else np.zeros_like(expanded)
    level = np.clip(level, 0.0, 1.0)
    cell_h = (grey.shape[0] - band) // rows - band
    cell_w = (grey.shape[1] - band) // cols - band
    heights = np.where(np.arange(2 * rows - 1) % 2 == 0, cell_h, band)
    widths = np.where(np.arange(2 * cols - 1) % 2 == 0, cell_w, band)
    pixels = np.repeat(np.repeat(level, heights, axis=0), widths, axis=1)
    pixels = np.pad(pixels, band, constant_values=0.0)  # a white frame
    colour = np.asarray(BAND_COLOUR, dtype=np.float64)
    out = 255.0 + (colour - 255.0) * pixels[:, :, None]
    members = np.bincount(result.winners, minlength=rows * cols) > 0
    for unit in np.flatnonzero(members):
        r, c = divmod(int(unit), cols)
        y, x = band + r * (cell_h + band), band + c * (cell_w + band)
        out[y : y + cell_h, x : x + cell_w] = grey[y : y + cell_h, x : x + cell_w, None]
    return np.round(out).astype(np.uint8)
