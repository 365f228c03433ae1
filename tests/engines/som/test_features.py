"""Deep features on the SOFM: a saved network's last hidden layer or an .npy matrix mapped
instead of the data's columns (cosine: rows to unit length), the U-matrix-framed mosaic,
and every mismatch between features and data named."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engines.errors import InputError
from engines.presets import load_preset
from engines.som.maps import (
    BAND_COLOUR,
    BAND_PIXELS,
    MOSAIC_CELL_PIXELS,
    digits_mosaic,
    export_map,
    load_map_data,
    map_recipe,
    model_features,
    mosaic_image,
)
from engines.trainers.network import load_network
from engines.trainers.params import TrainerParams
from engines.trainers.recipe import export_training, train_recipe


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    """A 64-12-10 network trained briefly on the digits, saved as gasworks train does."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = train_recipe("digits", TrainerParams(method="adam", hidden=(12,), epochs=3,
                                                      learning_rate=0.01))  # fmt: skip
    finally:
        torch.set_num_threads(threads)
    return export_training(result, tmp_path_factory.mktemp("net") / "net.pt")


def small(name: str = "map-digits-features", **engine_params):
    from engines.presets import apply_overrides, read_preset_table, validate_preset

    table = apply_overrides(dict(read_preset_table(name)),
                            ["engine_params.features_grid=[6, 6]", "epochs=3"])  # fmt: skip
    table["engine_params"] = {**table["engine_params"], **engine_params}
    return validate_preset(table, origin=name)


def test_a_networks_last_hidden_layer_is_mapped(network):
    preset = small()
    result = map_recipe("sample:digits", preset, features=network)
    data = result.data
    saved = load_network(network)
    expected = saved.features(data.raw)
    expected = expected / np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(data.features, expected, rtol=1e-12)
    assert data.raw.shape == (1797, 64) and data.labels is not None
    figures = result.figures()
    assert figures["features"] == 12 and figures["distance"] == "cos"
    assert figures["features_from"].startswith("net.pt: last hidden layer (12 units) of the "
                                               "network (64-12-10 sigmoid/softmax")  # fmt: skip
    assert result.view == "digits"


def test_the_mosaic_is_framed_by_the_u_matrix(network, tmp_path):
    result = map_recipe("sample:digits", small(), features=network)
    image = mosaic_image(result)
    side = 6 * (MOSAIC_CELL_PIXELS + BAND_PIXELS) + BAND_PIXELS
    assert image.shape == (side, side, 3) and image.dtype == np.uint8
    assert (image[:BAND_PIXELS] == 255).all()  # the white frame
    darkest = (image == BAND_COLOUR).all(axis=2)  # the farthest neighbours' bands
    assert darkest.any() and not darkest[:BAND_PIXELS].any()
    # A unit that won images shows the plain mosaic's image, in grey.
    plain = digits_mosaic(result, cell_pixels=MOSAIC_CELL_PIXELS, gap=BAND_PIXELS)
    unit = int(result.winners[0])
    r, c = divmod(unit, 6)
    y, x = BAND_PIXELS + r * (MOSAIC_CELL_PIXELS + BAND_PIXELS), BAND_PIXELS + c * (
        MOSAIC_CELL_PIXELS + BAND_PIXELS)  # fmt: skip
    cell = image[y : y + MOSAIC_CELL_PIXELS, x : x + MOSAIC_CELL_PIXELS]
    np.testing.assert_array_equal(cell[:, :, 0], plain[y : y + 16, x : x + 16])
    path = export_map(result, tmp_path / "mosaic.png")
    from PIL import Image

    with Image.open(path) as png:
        assert png.mode == "RGB" and png.size == (2 * side, 2 * side)
    svg = export_map(result, tmp_path / "mosaic.svg").read_text()
    assert svg.count("<image") == 1
    # Without features the digits view is the plain grey mosaic, as before.
    plain_result = map_recipe("sample:digits", small("map-digits"))
    assert mosaic_image(plain_result).ndim == 2


def test_an_npy_matrix_of_features(tmp_path):
    rng = np.random.default_rng(0)
    matrix = rng.random((150, 5))
    np.save(tmp_path / "f.npy", matrix)
    data = load_map_data("sample:iris")
    params = small("map-features").engine_params
    mapped = model_features(data, tmp_path / "f.npy", params)
    np.testing.assert_allclose(mapped.features,
                               matrix / np.linalg.norm(matrix, axis=1, keepdims=True))  # fmt: skip
    assert mapped.features_from == "f.npy: 5 features per row"
    euclid = model_features(data, tmp_path / "f.npy",
                            params.model_copy(update={"distance": "euclid"}))  # fmt: skip
    np.testing.assert_array_equal(euclid.features, matrix)


def test_what_does_not_fit_is_named(network, tmp_path):
    params = small("map-features").engine_params
    iris = load_map_data("sample:iris")
    with pytest.raises(InputError, match=r"net\.pt: the network \(64-12-10 sigmoid/softmax, "
                       r"trained on digits\) takes 64 inputs per row, but sample:iris has 4 "
                       r"columns"):  # fmt: skip
        model_features(iris, network, params)
    np.save(tmp_path / "rows.npy", np.ones((100, 3)))
    with pytest.raises(InputError, match=r"has 100 rows of features but sample:iris has 150"):
        model_features(iris, tmp_path / "rows.npy", params)
    zero = np.random.default_rng(1).random((150, 3))
    zero[41] = 0.0
    np.save(tmp_path / "zero.npy", zero)
    with pytest.raises(InputError, match=r"the features of row 42 are all zero"):
        model_features(iris, tmp_path / "zero.npy", params)
    nan = np.ones((150, 3))
    nan[2, 1] = np.nan
    np.save(tmp_path / "nan.npy", nan)
    with pytest.raises(InputError, match=r"NaN or infinite values \(first at row 3, column 2\)"):
        model_features(iris, tmp_path / "nan.npy", params)
    (tmp_path / "f.csv").write_text("1,2\n")
    with pytest.raises(InputError, match=r"\(\.pt\) or a feature matrix \(\.npy\), got '\.csv'"):
        model_features(iris, tmp_path / "f.csv", params)
    with pytest.raises(InputError, match="no such file"):
        model_features(iris, tmp_path / "gone.pt", params)
    (tmp_path / "junk.pt").write_bytes(b"not a network")
    with pytest.raises(InputError, match="not a network saved by gasworks train"):
        model_features(iris, tmp_path / "junk.pt", params)


def test_a_network_without_hidden_layer_is_refused(tmp_path):
    result = train_recipe("xor", TrainerParams(hidden=(), epochs=1))
    path = export_training(result, tmp_path / "flat.pt")
    data = load_map_data("sample:moons")
    with pytest.raises(InputError, match=r"flat\.pt: the network \(2-2 .*\) has no hidden layer"):
        model_features(data, path, load_preset("map-features").engine_params)
