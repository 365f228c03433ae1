"""``gasworks train``: JSON keys, outputs equal to the recipe's exports, the comparison,
the --plot alias, and exit 2 with the bad row or name on bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from engines.trainers.network import load_network, numpy_predict
from engines.trainers.recipe import export_training, train_recipe


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_json_keys_are_the_issues(gasworks):
    result = gasworks("train", "xor", "--hidden", "3", "--epochs", "40", "--seeds", "2",
                      "--seed", "7", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = result.json
    assert set(payload) == {"dataset", "method", "runs"}
    assert payload["dataset"] == "xor" and payload["method"] == "lm"
    assert [r["seed"] for r in payload["runs"]] == [7, 8]
    for run in payload["runs"]:
        assert set(run) == {"seed", "seconds", "iterations", "train_loss", "val_accuracy",
                            "stopped"}  # fmt: skip
        assert run["val_accuracy"] == 1.0 and run["stopped"] in ("min_grad", "mu_max")
    regression = gasworks("train", "diabetes", "--hidden", "4", "--epochs", "3", "--json")
    assert set(regression.json["runs"][0]) == {"seed", "seconds", "iterations", "train_loss",
                                               "val_rmse", "stopped"}  # fmt: skip


def test_human_output_names_each_seed_and_its_stop(gasworks):
    result = gasworks("train", "moons", "--method", "adam", "--epochs", "5", "--seeds", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("seed 0: ") and "5 epochs" in lines[0]
    assert "validation accuracy" in lines[0] and "stopped: epochs" in lines[0]
    assert lines[1].startswith("seed 1: ")
    assert lines[2] == "solved 0/2 (validation accuracy >= 95 %)"


def test_outputs_are_the_recipes_exports(gasworks, tmp_path):
    args = ("xor", "--hidden", "3", "--epochs", "6", "--seed", "4")
    result = gasworks("train", *args, "-o", tmp_path / "cli.json", "--save", tmp_path / "cli.pt")
    assert result.exit_code == 0, result.output
    from engines.presets import validate_preset

    preset = validate_preset({"name": "x", "engine": "trainer",
                              "engine_params": {"hidden": [3]}})  # fmt: skip
    reference = train_recipe("xor", preset, seed=4, epochs=6)
    export_training(reference, tmp_path / "api.json")
    cli = json.loads((tmp_path / "cli.json").read_text())
    api = json.loads((tmp_path / "api.json").read_text())
    for run in cli["runs"] + api["runs"]:
        run.pop("seconds")
    assert cli == api
    saved = load_network(tmp_path / "cli.pt")
    raw = np.array([[0.0, 1.0], [1.0, 1.0], [0.3, 0.6]])
    snap = reference.runs[0].snapshot
    expected = numpy_predict(snap.spec, snap.parameters, reference.dataset.transform(raw))
    np.testing.assert_allclose(saved.predict(raw), expected, rtol=1e-12)
    assert saved.features(raw).shape == (3, 3)
    assert saved.info["dataset"] == "xor" and saved.info["class_names"] == ["0", "1"]


def test_plot_is_a_deprecated_alias_of_output(gasworks, tmp_path):
    result = gasworks("train", "xor", "--epochs", "2", "--plot", tmp_path / "p.png")
    assert result.exit_code == 0, result.output
    assert "Deprecated: --plot is now -o/--output;" in result.stderr
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    assert "--plot" not in gasworks("train", "--help").stdout


def test_compare_prints_the_table_and_writes_the_figure(gasworks, tmp_path):
    result = gasworks("train", "spirals", "--compare", "--seeds", "2", "--epochs", "3",
                      "--hidden", "4", "-o", tmp_path / "c.json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "LM (trainlm μ rule), raw inputs: seed 1:" in result.stdout
    table = result.stdout.split("\n\n")[-1]
    assert table.splitlines()[0].split() == ["method", "solved", "mean", "s", "median", "its",
                                             "mean", "val", "acc"]  # fmt: skip
    assert len(table.strip().splitlines()) == 1 + 3 + 1  # header, variants, "wrote"
    payload = json.loads((tmp_path / "c.json").read_text())
    assert [c["method"] for c in payload["comparison"]] == ["lm", "adam", "adam"]
    assert payload["seeds"] == [1, 2]  # the article's preset starts at seed 1


@pytest.fixture
def bad_files(tmp_path):
    (tmp_path / "text.csv").write_text("a,b,y\n1,2,0\n3,4,1\n5,oops,1\n6,7,0\n8,9,1\n")
    (tmp_path / "good.csv").write_text("a,b,y\n" + "\n".join(f"{i},{i % 3},{i % 2}"
                                                             for i in range(20)))  # fmt: skip
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--data", "{d}/text.csv"), "text.csv: row 4, column 2: 'oops' is not a number"),
        (("--data", "{d}/good.csv", "--target", "z"), "no column named 'z'"),
        (("--data", "{d}/missing.csv"), "missing.csv: no such file"),
        (("spiral",), "no such data set; did you mean 'spirals'?"),
        (("xor", "-o", "{d}/out.gif"), "must end in .png, .json or .csv"),
        (("xor", "--save", "{d}/net.npz"), "must end in .pt"),
        (("xor", "--compare", "--save", "{d}/net.pt"), "does not go with --compare"),
        (("xor", "--data", "{d}/good.csv"), "give DATASET or --data FILE, not both"),
        (("xor", "-p", "map-iris"), "is for engine 'som', not 'trainer'"),
        (("xor", "--set", "engine_params.method=\"fast\""), "engine_params.method"),
        (("xor", "--method", "lm", "--set", "engine_params.schedule=\"cosine\""),
         "is for the first-order methods"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_it(gasworks, bad_files, args, message):
    result = gasworks("train", *[a.format(d=bad_files) for a in args], "--epochs", "2")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not any(bad_files.glob("out.*")) and not any(bad_files.glob("net.*"))


def test_a_file_trains_with_its_target_column(gasworks, bad_files):
    result = gasworks("train", "--data", bad_files / "good.csv", "--target", "y", "--epochs", "3",
                      "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.json["dataset"].endswith("good.csv")
    assert "val_accuracy" in result.json["runs"][0]
