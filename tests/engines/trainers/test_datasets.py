"""Data sets: the spirals article's generator, split and scaling exactly; the other bundled
sets' shapes and splits; files with their bad rows and columns named."""

from __future__ import annotations

import numpy as np
import pytest

from engines.errors import InputError
from engines.trainers.datasets import (
    DATASETS,
    linear_scale,
    load_dataset,
    rmsle,
    spiral_data,
)
from engines.trainers.params import DataSettings


def article_spirals():
    """The article's code, as written (loops and all)."""
    nsamp = 500
    n = int(nsamp / 2)
    spiral_dat = np.zeros((nsamp, 4))
    cntr = 0
    delta_t = 0
    for i in range(n):
        r = i / n * 5
        t = 1.75 * i / n * 2 * np.pi + delta_t
        spiral_dat[cntr, 0], spiral_dat[cntr, 1], spiral_dat[cntr, 2] = (
            r * np.sin(t), r * np.cos(t), 1)  # fmt: skip
        cntr += 1
    delta_t = np.pi
    for i in range(n):
        r = i / n * 5
        t = 1.75 * i / n * 2 * np.pi + delta_t
        spiral_dat[cntr, 0], spiral_dat[cntr, 1], spiral_dat[cntr, 3] = (
            r * np.sin(t), r * np.cos(t), 1)  # fmt: skip
        cntr += 1
    np.random.seed(0)  # noqa: NPY002 (the article's code)
    n_train = int(np.floor(spiral_dat.shape[0] * 0.80))
    trn = np.random.choice(np.arange(0, spiral_dat.shape[0]), n_train, replace=False)  # noqa: NPY002
    val = np.setdiff1d(np.arange(0, spiral_dat.shape[0]), trn)
    scaled = linear_scale(spiral_dat[:, 0:2], np.array((0.1, 0.1)), np.array((0.9, 0.9)),
                          np.max(spiral_dat[trn, 0:2], axis=0),
                          np.min(spiral_dat[trn, 0:2], axis=0))  # fmt: skip
    return spiral_dat, trn, val, scaled


def test_spirals_are_the_articles_exactly():
    spiral_dat, trn, val, scaled = article_spirals()
    np.testing.assert_array_equal(spiral_data(), spiral_dat)
    data = load_dataset("spirals")
    np.testing.assert_array_equal(data.train_index, trn)
    np.testing.assert_array_equal(data.val_index, val)
    assert data.x_train.shape == (400, 2) and data.x_val.shape == (100, 2)
    np.testing.assert_array_equal(data.x_train, scaled[trn])
    np.testing.assert_array_equal(data.x_val, scaled[val])
    np.testing.assert_array_equal(data.y_train, spiral_dat[trn, 2:4])
    np.testing.assert_array_equal(data.raw_val, spiral_dat[val, 0:2])
    # The swapped min/max mirrors each axis: the largest x is scaled to 0.1.
    assert data.x_train[np.argmax(data.raw_train[:, 0]), 0] == pytest.approx(0.1)
    assert data.x_train[:, 0].min() == pytest.approx(0.1)
    assert data.x_train[:, 0].max() == pytest.approx(0.9)
    np.testing.assert_allclose(data.transform(data.raw_train), data.x_train, rtol=0, atol=0)


def test_spirals_raw_and_another_split_seed():
    raw = load_dataset("sample:spirals", DataSettings(scaling="none", split_seed=3))
    np.testing.assert_array_equal(raw.x_train, raw.raw_train)
    np.random.seed(3)  # noqa: NPY002 (the article's semantics)
    expected = np.random.choice(np.arange(500), 400, replace=False)  # noqa: NPY002
    np.testing.assert_array_equal(raw.train_index, expected)


@pytest.mark.parametrize(
    ("name", "shapes", "task"),
    [
        ("digits", ((1540, 64), (257, 64), 10), "classification"),
        ("diabetes", ((375, 10), (67, 10), 1), "regression"),
        ("moons", ((400, 2), (100, 2), 2), "classification"),
        ("xor", ((4, 2), (4, 2), 2), "classification"),
    ],
)
def test_bundled_shapes_and_tasks(name, shapes, task):
    data = load_dataset(name)
    assert (data.x_train.shape, data.x_val.shape, data.n_outputs) == shapes
    assert data.task == task
    again = load_dataset(name)
    np.testing.assert_array_equal(again.x_train, data.x_train)
    assert set(DATASETS) == {"spirals", "digits", "diabetes", "moons", "xor"}


def test_digits_follow_the_mnist_tutorial_scaling():
    from sklearn.datasets import load_digits

    raw = load_digits().data
    data = load_dataset("digits")
    expected = raw / 16.0
    expected -= expected.mean(axis=0)
    np.testing.assert_allclose(data.x_train, expected[data.train_index], atol=1e-12)
    assert data.image_shape == (8, 8)
    np.testing.assert_array_equal(data.y_train.argmax(axis=1), data.target_train)


def test_diabetes_follows_the_boston_pipeline():
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import MinMaxScaler

    bunch = load_diabetes(scaled=False)
    x = MinMaxScaler().fit_transform(bunch.data)
    y = MinMaxScaler().fit_transform(bunch.target.reshape(-1, 1))
    x_train, _, _, y_test = train_test_split(x, y, test_size=0.15, random_state=0)
    data = load_dataset("diabetes")
    np.testing.assert_allclose(data.x_train, x_train, atol=1e-12)
    np.testing.assert_allclose(data.y_val, y_test, atol=1e-12)
    np.testing.assert_allclose(data.inverse_target(data.y_val), data.target_val, rtol=1e-12)


def test_rmsle_is_the_tutorials():
    expected, predicted = np.array([24.0, 21.6, 34.7]), np.array([25.0, 20.0, 30.0])
    manual = np.sqrt(np.mean((np.log1p(expected + 1) - np.log1p(predicted + 1)) ** 2))
    assert rmsle(expected, predicted) == pytest.approx(manual)


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(30, 3))
    lines = ["a,b,c,kind,price"] + [
        f"{r[0]},{r[1]},{r[2]},{'cat' if i % 3 else 'dog'},{10 + 5 * r[0] + i * 0.37}"
        for i, r in enumerate(rows)
    ]  # fmt: skip
    (tmp_path / "good.csv").write_text("\n".join(lines) + "\n")
    numbers = ["a;b;c;price"] + [f"{r[0]};{r[1]};{r[2]};{10 + 5 * r[0] + i * 0.37}"
                                 for i, r in enumerate(rows)]  # fmt: skip
    (tmp_path / "prices.csv").write_text("\n".join(numbers) + "\n")
    (tmp_path / "text.csv").write_text("a,b,y\n1,2,0\n3,4,1\n5,oops,1\n6,7,0\n8,9,1\n")
    (tmp_path / "short.csv").write_text("1,2,0\n3,4,1\n5,6\n7,8,1\n")
    np.save(tmp_path / "nan.npy", np.array([[1.0, 2.0, 0], [np.nan, 1, 1], [3, 4, 0], [5, 6, 1]]))
    np.save(tmp_path / "good.npy", np.column_stack([rows, np.arange(30) % 2]))
    return tmp_path


def test_csv_target_by_name_classes_and_regression(files):
    kinds = load_dataset(files / "good.csv", DataSettings(target="kind"))
    assert kinds.task == "classification" and kinds.class_names == ("cat", "dog")
    assert kinds.n_inputs == 4 and kinds.feature_names == ("a", "b", "c", "price")
    assert kinds.x_train.shape == (24, 4) and kinds.x_val.shape == (6, 4)
    assert kinds.x_train.min() >= 0 and kinds.x_train.max() <= 1
    price = load_dataset(files / "prices.csv", DataSettings(target="price"))
    assert price.task == "regression" and price.n_outputs == 1  # 30 distinct real prices
    assert price.feature_names == ("a", "b", "c")
    np.testing.assert_allclose(price.inverse_target(price.y_val), price.target_val)
    by_index = load_dataset(files / "prices.csv", DataSettings(target="-1"))
    np.testing.assert_array_equal(by_index.x_train, price.x_train)


def test_npy_target_is_the_last_column(files):
    data = load_dataset(files / "good.npy")
    assert data.task == "classification" and data.class_names == ("0", "1")
    assert data.n_inputs == 3


@pytest.mark.parametrize(
    ("name", "settings", "message"),
    [
        ("text.csv", {}, r"text.csv: row 4, column 2: 'oops' is not a number"),
        ("short.csv", {}, r"short.csv: row 3 has 2 columns, row 1 3"),
        ("nan.npy", {}, r"nan.npy: holds NaN or infinite values \(first at row 2, column 1\)"),
        ("good.csv", {"target": "prise"}, r"no column named 'prise'; did you mean 'price'\?"),
        ("good.csv", {"target": "kind", "task": "regression"},
         r"row 2: target 'dog' is not a number"),
        ("good.csv", {"target": "price"}, r"row 2, column 4: 'dog' is not a number"),
        ("missing.csv", {}, "no such file"),
    ],
)  # fmt: skip
def test_bad_files_are_named_with_row_and_column(files, name, settings, message):
    with pytest.raises(InputError, match=message):
        load_dataset(files / name, DataSettings(**settings))


def test_unknown_names_answer_the_closest():
    with pytest.raises(InputError, match="no such data set; did you mean 'spirals'"):
        load_dataset("spiral")
    with pytest.raises(InputError, match="did you mean 'sample:digits'"):
        load_dataset("sample:digit")
