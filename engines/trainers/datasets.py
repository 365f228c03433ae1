"""The data sets the trainers fit, all offline, split and scaled as their tutorials do.

``spirals``
    The spirals article's generator (TensorFlow Playground's two spirals, 250 points each),
    its 80/20 split (``np.random.seed(0)``; ``np.random.choice`` of 400 training rows, the
    other 100 for validation) and its input scaling: a linear scale to [0.1, 0.9] fitted on
    the training rows *with min and max swapped* (the article passes ``np.max`` as
    ``data_min``), which mirrors each axis. Targets are the article's one-hot columns.
``digits``
    scikit-learn's 8×8 digits (1,797 images), the offline analogue of the MNIST tutorial:
    pixels / 16 minus their mean, one-hot targets, a held-out 1/7 (``train_test_split``).
``diabetes``
    scikit-learn's diabetes regression (442 × 10, the original units), through the Boston
    house prices tutorial's pipeline: min-max scaling of the inputs and of the target over
    every row, then an 85/15 split (``train_test_split(test_size=0.15)`` after NeuPy's
    ``reproducible()``, i.e. seed 0).
``moons``
    scikit-learn's two moons (500 points, noise 0.2), split 80/20 as the spirals.
``xor``
    The four XOR points; validation is the same four points.
A file
    A ``.csv`` (a header row optional) or ``.npy`` matrix: the target column is
    ``data.target`` (a header name or an index, the last column by default), the other
    columns are the inputs. Text or integer targets with at most 20 values are classes,
    other numbers a regression (``data.task`` decides otherwise). Split 80/20 as the spirals,
    inputs min-max scaled on the training rows, a regression target too. Every problem is an
    :class:`~engines.errors.InputError` naming the file and, where it is one, the row and
    column (the CSV reader is the one ``gasworks map`` uses).

``sample:NAME`` is accepted for every bundled set. The split's seed (``data.split_seed``,
0 as in the tutorials) is not the run's seed: every run of a set sees the same split.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engines.errors import InputError
from engines.options import no_such
from engines.trainers.params import DataSettings

DATASETS = ("spirals", "digits", "diabetes", "moons", "xor")
SAMPLE_PREFIX = "sample:"
SPIRAL_SAMPLES = 500
MOONS_SAMPLES = 500
MOONS_NOISE = 0.2
#: Share of rows used for training (spirals, moons, files), and the others' held-out shares.
TRAIN_SHARE = 0.8
DIGITS_TEST_SIZE = 1 / 7
DIABETES_TEST_SIZE = 0.15
#: The article's scaling range.
ARTICLE_LOW, ARTICLE_HIGH = 0.1, 0.9
#: Integer targets with at most this many distinct values are classes (task 'auto').
MAX_AUTO_CLASSES = 20
DIGITS_PIXEL_MAX = 16.0


@dataclass(frozen=True)
class Scaling:
    """An affine scaling per column: ``scaled = factor · (x − center) + low``.

    ``kind`` names it ('article', 'minmax', 'standard', 'tutorial', 'none').
    """

    kind: str
    center: np.ndarray
    factor: np.ndarray
    low: np.ndarray

    def apply(self, x: np.ndarray) -> np.ndarray:
        return self.factor * (np.asarray(x, dtype=np.float64) - self.center) + self.low

    def invert(self, scaled: np.ndarray) -> np.ndarray:
        factor = np.where(self.factor == 0, 1.0, self.factor)
        return (np.asarray(scaled, dtype=np.float64) - self.low) / factor + self.center

    @classmethod
    def identity(cls, width: int) -> Scaling:
        return cls("none", np.zeros(width), np.ones(width), np.zeros(width))


@dataclass(frozen=True)
class Dataset:
    """A data set split and scaled, ready to train on.

    Attributes
    ----------
    name : str
        The bundled set's name or the file's path.
    task : {'classification', 'regression'}
    x_train, x_val : (N, D) ndarray of float64
        Scaled inputs.
    y_train, y_val : (N, K) ndarray of float64
        One-hot classes, or the scaled regression target (K = 1).
    raw_train, raw_val : (N, D) ndarray of float64
        The inputs as read (what plots show).
    target_train, target_val : (N,) ndarray
        Class indices (int64) or the target in its own units (float64).
    train_index, val_index : (N,) ndarray of int64
        Rows of the source each split took, in the order used.
    class_names, feature_names : tuple of str
    scaling : Scaling
        Of the inputs.
    target_scaling : Scaling or None
        Of a regression target (``inverse_target`` undoes it).
    image_shape : (rows, cols) or None
        When each row is an image (digits).
    """

    name: str
    task: str
    x_train: np.ndarray = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    x_val: np.ndarray = field(repr=False)
    y_val: np.ndarray = field(repr=False)
    raw_train: np.ndarray = field(repr=False)
    raw_val: np.ndarray = field(repr=False)
    target_train: np.ndarray = field(repr=False)
    target_val: np.ndarray = field(repr=False)
    train_index: np.ndarray = field(repr=False)
    val_index: np.ndarray = field(repr=False)
    class_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()
    scaling: Scaling | None = field(default=None, repr=False)
    target_scaling: Scaling | None = field(default=None, repr=False)
    image_shape: tuple[int, int] | None = None
    description: str = ""

    @property
    def n_inputs(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.y_train.shape[1])

    @property
    def is_classification(self) -> bool:
        return self.task == "classification"

    def inverse_target(self, y: np.ndarray) -> np.ndarray:
        """A regression output (N, 1) in the target's own units (N,)."""
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        return self.target_scaling.invert(y[:, None])[:, 0] if self.target_scaling else y

    def transform(self, raw: np.ndarray) -> np.ndarray:
        """Raw inputs (N, D) scaled as the training inputs were."""
        return self.scaling.apply(raw) if self.scaling else np.asarray(raw, dtype=np.float64)

    def summary(self) -> dict:
        """Figures for JSON output."""
        return {
            "name": self.name, "task": self.task, "inputs": self.n_inputs,
            "outputs": self.n_outputs, "train_rows": int(self.x_train.shape[0]),
            "validation_rows": int(self.x_val.shape[0]),
            "scaling": self.scaling.kind if self.scaling else "none",
        }  # fmt: skip


# --------------------------------------------------------------------------- the article's
def spiral_data(nsamp: int = SPIRAL_SAMPLES) -> np.ndarray:
    """The article's two spirals: (nsamp, 4) rows of x, y and the one-hot class columns,
    the first half class 1 (translated from TensorFlow Playground's ``dataset.ts``)."""
    n = int(nsamp / 2)
    spiral_dat = np.zeros((nsamp, 4))
    cntr = 0
    for delta_t, column in ((0.0, 2), (np.pi, 3)):
        for i in range(n):
            r = i / n * 5
            t = 1.75 * i / n * 2 * np.pi + delta_t
            spiral_dat[cntr, 0] = r * np.sin(t)
            spiral_dat[cntr, 1] = r * np.cos(t)
            spiral_dat[cntr, column] = 1
            cntr += 1
    return spiral_dat


def article_split(n: int, share: float = TRAIN_SHARE, seed: int = 0):
    """The article's split: ``np.random.seed(seed)``, then ``floor(n · share)`` training rows
    drawn by ``np.random.choice`` without replacement (in the drawn order) and the others,
    sorted, for validation."""
    rng = np.random.RandomState(seed)
    trn = rng.choice(np.arange(0, n), int(np.floor(n * share)), replace=False)
    val = np.setdiff1d(np.arange(0, n), trn)
    return trn.astype(np.int64), val.astype(np.int64)


def linear_scale(data, scale_min, scale_max, data_min, data_max) -> np.ndarray:
    """The article's ``linear_scale``, column by column."""
    scaled_data = np.zeros(data.shape)
    for i in range(0, data.shape[1]):
        scaler = (scale_max[i] - scale_min[i]) / (data_max[i] - data_min[i])
        scaled_data[:, i] = (scaler * (data[:, i] - data_min[i])) + scale_min[i]
    return scaled_data


def article_scaling(train_rows: np.ndarray) -> Scaling:
    """The article's scaling as an affine map: [0.1, 0.9] with ``data_min = max`` and
    ``data_max = min`` of the training rows (so each axis is mirrored)."""
    data_min, data_max = np.max(train_rows, axis=0), np.min(train_rows, axis=0)
    width = train_rows.shape[1]
    low, high = np.full(width, ARTICLE_LOW), np.full(width, ARTICLE_HIGH)
    return Scaling("article", data_min, (high - low) / (data_max - data_min), low)


def fit_scaling(kind: str, train_rows: np.ndarray) -> Scaling:
    """A scaling of ``kind`` fitted on ``train_rows``; constant columns map to ``low``."""
    x = np.asarray(train_rows, dtype=np.float64)
    width = x.shape[1]
    if kind == "article":
        return article_scaling(x)
    if kind == "minmax":
        lo, span = x.min(axis=0), np.ptp(x, axis=0)
        factor = np.divide(1.0, span, out=np.zeros(width), where=span > 0)
        return Scaling("minmax", lo, factor, np.zeros(width))
    if kind == "standard":
        std = x.std(axis=0)
        factor = np.divide(1.0, std, out=np.zeros(width), where=std > 0)
        return Scaling("standard", x.mean(axis=0), factor, np.zeros(width))
    if kind == "none":
        return Scaling.identity(width)
    raise ValueError(f"scaling must be 'article', 'minmax', 'standard' or 'none', got {kind!r}")


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    out = np.zeros((labels.size, n_classes))
    out[np.arange(labels.size), labels] = 1.0
    return out


def rmsle(expected: np.ndarray, predicted: np.ndarray) -> float:
    """The Boston tutorial's RMSLE (its ``log1p(x + 1)`` kept as written); NaN when a value
    is at most −2, where the logarithm has no value."""
    expected = np.asarray(expected, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    if min(expected.min(initial=np.inf), predicted.min(initial=np.inf)) <= -2:
        return math.nan
    log_expected, log_predicted = np.log1p(expected + 1), np.log1p(predicted + 1)
    return float(np.sqrt(np.mean(np.square(log_expected - log_predicted))))


# --------------------------------------------------------------------------- assembling
def assemble(name, task, raw, target, trn, val, scaling, *, class_names=(), feature_names=(),
             target_scaling=None, image_shape=None, description="") -> Dataset:  # fmt: skip
    """A :class:`Dataset` from raw inputs (N, D), targets (class indices or values), the
    training and validation rows and the scalings (for data sets made elsewhere, e.g. the
    benchmark's Boston house prices)."""
    raw = np.asarray(raw, dtype=np.float64)
    x = scaling.apply(raw)
    if task == "classification":
        labels = np.asarray(target, dtype=np.int64)
        y = one_hot(labels, len(class_names))
        target = labels
    else:
        target = np.asarray(target, dtype=np.float64)
        y = target_scaling.apply(target[:, None]) if target_scaling else target[:, None]
    if not feature_names:
        feature_names = tuple(f"x{i}" for i in range(raw.shape[1]))
    return Dataset(
        name=name, task=task, x_train=x[trn], y_train=y[trn], x_val=x[val], y_val=y[val],
        raw_train=raw[trn], raw_val=raw[val], target_train=target[trn],
        target_val=target[val], train_index=np.asarray(trn, dtype=np.int64),
        val_index=np.asarray(val, dtype=np.int64), class_names=tuple(class_names),
        feature_names=tuple(feature_names), scaling=scaling, target_scaling=target_scaling,
        image_shape=image_shape, description=description,
    )  # fmt: skip


def _chosen(settings: DataSettings, own: str) -> str:
    return own if settings.scaling == "auto" else settings.scaling


def _train_share(settings: DataSettings, own: float) -> float:
    return own if settings.validation is None else 1.0 - settings.validation


def _spirals(settings: DataSettings) -> Dataset:
    data = spiral_data(SPIRAL_SAMPLES)
    trn, val = article_split(data.shape[0], _train_share(settings, TRAIN_SHARE),
                             settings.split_seed)  # fmt: skip
    raw = data[:, 0:2]
    scaling = fit_scaling(_chosen(settings, "article"), raw[trn])
    labels = np.argmax(data[:, 2:4], axis=1)
    return assemble("spirals", "classification", raw, labels, trn, val, scaling,
                     class_names=("class 1", "class 2"), feature_names=("x", "y"),
                     description="two spirals, 500 points (the spirals article)")  # fmt: skip


def _moons(settings: DataSettings) -> Dataset:
    from sklearn.datasets import make_moons

    raw, labels = make_moons(n_samples=MOONS_SAMPLES, noise=MOONS_NOISE,
                             random_state=settings.split_seed)  # fmt: skip
    trn, val = article_split(raw.shape[0], _train_share(settings, TRAIN_SHARE),
                             settings.split_seed)  # fmt: skip
    scaling = fit_scaling(_chosen(settings, "none"), raw[trn])
    return assemble("moons", "classification", raw, labels, trn, val, scaling,
                     class_names=("upper", "lower"), feature_names=("x", "y"),
                     description=f"two moons, {MOONS_SAMPLES} points, "
                                 f"noise {MOONS_NOISE}")  # fmt: skip


def _xor(settings: DataSettings) -> Dataset:
    raw = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    labels = np.array([0, 1, 1, 0])
    rows = np.arange(4)
    scaling = fit_scaling(_chosen(settings, "none"), raw)
    return assemble("xor", "classification", raw, labels, rows, rows, scaling,
                     class_names=("0", "1"), feature_names=("a", "b"),
                     description="the four XOR points (validation: the same points)")  # fmt: skip


def _digits(settings: DataSettings) -> Dataset:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    raw = bunch.data.astype(np.float64)
    rows = np.arange(raw.shape[0])
    test_size = DIGITS_TEST_SIZE if settings.validation is None else settings.validation
    trn, val = train_test_split(rows, test_size=test_size, random_state=settings.split_seed)
    kind = _chosen(settings, "tutorial")
    if kind == "tutorial":  # X / 16, X -= X.mean(axis=0): over every row, as the tutorial
        width = raw.shape[1]
        scaling = Scaling("tutorial", raw.mean(axis=0), np.full(width, 1 / DIGITS_PIXEL_MAX),
                          np.zeros(width))  # fmt: skip
    else:
        scaling = fit_scaling(kind, raw[trn])
    names = tuple(str(n) for n in bunch.target_names)
    return assemble("digits", "classification", raw, bunch.target, trn, val, scaling,
                     class_names=names, image_shape=tuple(bunch.images.shape[1:]),
                     description="scikit-learn's 8x8 digits, 1,797 images")  # fmt: skip


def _diabetes(settings: DataSettings) -> Dataset:
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    bunch = load_diabetes(scaled=False)
    raw = bunch.data.astype(np.float64)
    rows = np.arange(raw.shape[0])
    test_size = DIABETES_TEST_SIZE if settings.validation is None else settings.validation
    trn, val = train_test_split(rows, test_size=test_size, random_state=settings.split_seed)
    # The tutorial scales inputs and target over every row, before the split.
    kind = _chosen(settings, "minmax")
    scaling = fit_scaling(kind, raw if settings.scaling == "auto" else raw[trn])
    target_scaling = fit_scaling("minmax", bunch.target[:, None].astype(np.float64))
    return assemble("diabetes", "regression", raw, bunch.target, trn, val, scaling,
                     feature_names=tuple(bunch.feature_names), target_scaling=target_scaling,
                     description="scikit-learn's diabetes regression, 442 rows")  # fmt: skip


_BUNDLED = {"spirals": _spirals, "digits": _digits, "diabetes": _diabetes, "moons": _moons,
            "xor": _xor}  # fmt: skip


# --------------------------------------------------------------------------- files
def _delimiter(sample: str) -> str:
    from engines.som.maps import DELIMITERS

    return max(DELIMITERS, key=sample.count) if any(d in sample for d in DELIMITERS) else ","


def _csv_header(path: Path) -> list[str] | None:
    """The header row of a CSV (a first row without any number), or None."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
    except (UnicodeDecodeError, OSError):
        return None
    rows = [r for r in csv.reader(sample.splitlines(), delimiter=_delimiter(sample)) if r]
    if not rows:
        return None
    first = [c.strip() for c in rows[0]]
    return first if all(_number(c) is None for c in first) else None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _target_column(path: Path, target: str | None, header: list[str] | None) -> int:
    """The target's column index (may be negative) from a name or an index."""
    if target is None:
        return -1
    try:
        return int(target)
    except ValueError:
        pass
    if header is None:
        raise InputError(path, f"target {target!r} is not a column index and the file has no "
                               "header row to find it by name")  # fmt: skip
    if target not in header:
        raise InputError(path, f"no column named {target!r}; "
                               + no_such("column", target, header).split("; ", 1)[1])  # fmt: skip
    return header.index(target)


def _read_file(path: Path, settings: DataSettings):
    """(inputs (N, D) float64, target strings, feature names, target name) of a file."""
    from engines.som.maps import read_csv, read_npy

    suffix = path.suffix.lower()
    if suffix == ".csv":
        header = _csv_header(path)
        column = _target_column(path, settings.target, header)
        matrix, labels, header = read_csv(path, column)
        width = len(header) if header else matrix.shape[1] + 1
        at = column if column >= 0 else width + column
        names = [h for i, h in enumerate(header) if i != at] if header else []
        target_name = header[at] if header else f"column {at + 1}"
        return matrix, labels, tuple(names), target_name, 2 if header else 1
    if suffix == ".npy":
        column = _target_column(path, settings.target, None)
        matrix, labels = read_npy(path, column)
        bad = ~np.isfinite(matrix)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise InputError(path, f"holds NaN or infinite values (first at row {row + 1}, "
                                   f"column {col + 1})")  # fmt: skip
        return matrix, labels, (), f"column {column}", 1
    raise InputError(path, f"expected a .csv or .npy file or one of {', '.join(DATASETS)}, "
                           f"got {suffix or 'no suffix'!r}")  # fmt: skip


def _load_file(source: str, settings: DataSettings) -> Dataset:
    path = Path(source)
    if not path.is_file():
        raise InputError(source, f"no such file (or data set; available: {', '.join(DATASETS)})")
    raw, labels, feature_names, target_name, first_line = _read_file(path, settings)
    n = raw.shape[0]
    if raw.shape[1] < 1:
        raise InputError(path, "has no input columns besides the target")
    if n < 4:
        raise InputError(path, f"needs at least 4 rows to split and train, got {n}")
    values = [_number(v) for v in labels]
    task = settings.task
    if task == "auto":
        numeric = all(v is not None and math.isfinite(v) for v in values)
        few = len(set(labels)) <= MAX_AUTO_CLASSES
        integral = numeric and all(float(v).is_integer() for v in values)
        task = "classification" if (not numeric or integral) and few else "regression"
    trn, val = article_split(n, _train_share(settings, TRAIN_SHARE), settings.split_seed)
    scaling = fit_scaling(_chosen(settings, "minmax"), raw[trn])
    if task == "classification":
        names = sorted(set(labels), key=lambda v: (_number(v) is None, _number(v) or 0.0, v))
        if len(names) < 2:
            raise InputError(path, f"the target {target_name} holds one class only ({names[0]!r})")
        index = {name: i for i, name in enumerate(names)}
        target = np.array([index[v] for v in labels], dtype=np.int64)
        return assemble(str(source), task, raw, target, trn, val, scaling, class_names=names,
                         feature_names=feature_names,
                         description=f"{path.name}: {n} rows, target {target_name}")  # fmt: skip
    for i, value in enumerate(values):
        if value is None or not math.isfinite(value):
            raise InputError(path, f"row {i + first_line}: target {labels[i]!r} is not a number "
                                   "(a regression needs numbers; set data.task to "
                                   "'classification' for classes)")  # fmt: skip
    target = np.array(values, dtype=np.float64)
    target_scaling = fit_scaling("minmax", target[trn, None])
    return assemble(str(source), task, raw, target, trn, val, scaling,
                     feature_names=feature_names, target_scaling=target_scaling,
                     description=f"{path.name}: {n} rows, target {target_name}")  # fmt: skip


def dataset_name(source: str | Path) -> str | None:
    """The bundled set ``source`` names (``spirals`` or ``sample:spirals``), else None."""
    text = str(source)
    name = text[len(SAMPLE_PREFIX) :] if text.startswith(SAMPLE_PREFIX) else text
    return name if name in _BUNDLED else None


def load_dataset(source: str | Path, settings: DataSettings | None = None) -> Dataset:
    """Load a bundled set by name (or ``sample:NAME``) or a ``.csv``/``.npy`` file.

    Raises
    ------
    InputError
        An unknown name (naming the closest), a missing or unreadable file, a bad row or
        column, a target that does not fit the task.
    """
    settings = settings or DataSettings()
    name = dataset_name(source)
    if name is not None:
        return _BUNDLED[name](settings)
    text = str(source)
    if text.startswith(SAMPLE_PREFIX):
        raise InputError(text, no_such("data set", text[len(SAMPLE_PREFIX) :], DATASETS,
                                       prefix=SAMPLE_PREFIX))  # fmt: skip
    if not Path(text).suffix and not Path(text).exists():
        raise InputError(text, no_such("data set", text, DATASETS))
    return _load_file(text, settings)
