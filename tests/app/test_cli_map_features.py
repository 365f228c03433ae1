"""``gasworks map --features``: a network saved by ``gasworks train --save`` mapped on the
digits (JSON, the U-matrix-framed mosaic, the U-matrix), an .npy matrix, and exit 2 naming
what does not match."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def network(gasworks, tmp_path):
    net = tmp_path / "net.pt"
    done = gasworks("train", "digits", "--method", "adam", "--hidden", "16", "--epochs", "2",
                    "--save", net)  # fmt: skip
    assert done.exit_code == 0, done.output
    return net


def test_a_saved_network_maps_the_digits(gasworks, network, tmp_path):
    out = tmp_path / "digits.png"
    result = gasworks("map", "sample:digits", "--features", network, "-o", out, "--epochs", "2",
                      "--set", "engine_params.features_grid=[8, 8]", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = result.json
    assert payload["view"] == "digits" and payload["distance"] == "cos"
    assert payload["samples"] == 1797 and payload["features"] == 16 and payload["units"] == 64
    assert payload["features_from"] == ("net.pt: last hidden layer (16 units) of the network "
                                        "(64-16-10 relu/softmax, trained on digits)")  # fmt: skip
    with Image.open(out) as image:
        assert image.mode == "RGB" and image.size == (2 * (8 * 19 + 3),) * 2
    umatrix = gasworks("map", "sample:digits", "--features", network, "-o",
                       tmp_path / "u.png", "--epochs", "2", "--view", "umatrix", "--set",
                       "engine_params.features_grid=[8, 8]")  # fmt: skip
    assert umatrix.exit_code == 0, umatrix.output
    assert "features: net.pt: last hidden layer (16 units)" in umatrix.stdout
    assert "cos distance" in umatrix.stdout


def test_an_npy_matrix_from_any_model(gasworks, tmp_path):
    matrix = np.random.default_rng(4).random((150, 6))
    np.save(tmp_path / "f.npy", matrix)
    result = gasworks("map", "sample:iris", "--features", tmp_path / "f.npy", "-o",
                      tmp_path / "m.png", "--epochs", "2", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.json["features"] == 6 and result.json["view"] == "umatrix"
    assert result.json["units"] == 100  # map-features, the default with --features


def test_a_network_that_does_not_fit_the_data_exits_2_saying_why(gasworks, network, tmp_path):
    out = tmp_path / "iris.png"
    result = gasworks("map", "sample:iris", "--features", network, "-o", out)
    assert result.exit_code == 2
    assert "net.pt: the network (64-16-10 relu/softmax, trained on digits) takes 64 inputs " \
        "per row, but sample:iris has 4 columns" in result.stderr  # fmt: skip
    assert "Traceback" not in result.output and not out.exists()
    np.save(tmp_path / "short.npy", np.ones((10, 3)))
    short = gasworks("map", "sample:digits", "--features", tmp_path / "short.npy", "-o", out)
    assert short.exit_code == 2
    assert "has 10 rows of features but sample:digits has 1797 rows" in short.stderr
