"""Maps tab, deep features: a saved network chosen as the features of the digits brings the
features preset, maps its last hidden layer and shows the U-matrix-framed mosaic, whose PNG
has the bytes ``gasworks map --features`` writes; a network that does not fit is named."""

from __future__ import annotations

import pytest
import torch

from app.gui.tabs.maps import MapsTab
from engines.trainers.params import TrainerParams
from engines.trainers.recipe import export_training, train_recipe
from tests.app.gui.conftest import wait_idle


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = train_recipe("digits", TrainerParams(method="adam", hidden=(10,), epochs=2))
    finally:
        torch.set_num_threads(threads)
    return export_training(result, tmp_path_factory.mktemp("net") / "net.pt")


@pytest.fixture
def tab(open_tab):
    return open_tab(MapsTab)


def test_a_network_maps_the_digits_as_the_command_does(tab, qtbot, network, tmp_path,
                                                        gasworks):  # fmt: skip
    tab.presets.select("map-digits")
    tab.set_features(network)
    assert tab.presets.current_key() == "map-digits-features"
    assert tab.source == "sample:digits" and tab.features_label.text() == str(network)
    tab.sofm_form.set_values({"features_grid": (6, 6)})
    tab.epochs_spin.setValue(2)
    tab.run_default()
    wait_idle(qtbot, tab)
    result = tab.result
    assert result.data.features.shape == (1797, 10) and result.params.distance == "cos"
    assert "Features: net.pt: last hidden layer (10 units)" in tab.status.text()
    shown = tab.view.mosaic.image
    assert shown.ndim == 3 and shown.shape[2] == 3  # the mosaic in colour, framed
    png = tab.export(tmp_path / "tab.png")
    cli = gasworks("map", "sample:digits", "--features", network, "-o", tmp_path / "cli.png",
                   "--epochs", "2", "--set", "engine_params.features_grid=[6, 6]")  # fmt: skip
    assert cli.exit_code == 0, cli.output
    assert png.read_bytes() == (tmp_path / "cli.png").read_bytes()
    tab.features_clear.click()
    assert tab.features is None and not tab.features_clear.isEnabled()


def test_a_network_that_does_not_fit_is_named_in_the_window(tab, qtbot, network):
    tab.presets.select("map-iris")
    tab.set_features(network)
    assert tab.source == "sample:iris"
    tab.sofm_form.set_values({"features_grid": (4, 4)})
    tab.epochs_spin.setValue(2)
    tab.run_default()
    wait_idle(qtbot, tab)
    assert tab.status.is_error and tab.result is None
    assert tab.status.text() == (
        f"{network}: the network (64-10-10 sigmoid/softmax, trained on digits) takes 64 "
        "inputs per row, but sample:iris has 4 columns: train it on this kind of data"
    )
