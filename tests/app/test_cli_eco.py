"""``gasworks eco``: its JSON (keys, means and sds that agree with the runs), its outputs, and
bad input (exit 2, one line, no traceback)."""

from __future__ import annotations

import json

import numpy as np
import pytest

FAST = ("--epochs", "3", "--hidden", "4", "--seeds", "2")
FIGURES = ["accuracy", "auroc", "fpr95", "noise_confidence", "collapse_rate"]


def test_json_keys_and_values(gasworks):
    result = gasworks("eco", "xor", *FAST, "--json")
    assert result.exit_code == 0, result.output
    payload = result.json
    assert list(payload) == ["dataset", "methods"] and payload["dataset"] == "xor"
    assert list(payload["methods"]) == ["plain", "eco", "outlier_exposure", "double_backprop"]
    for figures in payload["methods"].values():
        assert list(figures) == [*FIGURES, "sd"] and list(figures["sd"]) == FIGURES
        for name in FIGURES:
            assert 0.0 <= figures[name] <= 1.0 and figures["sd"][name] >= 0.0


def test_json_means_and_sds_are_those_of_the_runs(gasworks):
    from engines.trainers.eco.params import EcoParams
    from engines.trainers.eco.recipe import eco_recipe

    result = gasworks("eco", "moons", *FAST, "--seed", "4", "--objective", "seed",
                      "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    runs = eco_recipe("moons", EcoParams(epochs=3, hidden=(4,), seeds=2, objective="seed"),
                      seed=4).runs_of("eco")  # fmt: skip
    values = [r.figures["auroc"] for r in runs]
    eco = result.json["methods"]["eco"]
    assert eco["auroc"] == pytest.approx(np.mean(values))
    assert eco["sd"]["auroc"] == pytest.approx(np.std(values, ddof=1))


def test_table_and_outputs(gasworks, tmp_path):
    png, js = tmp_path / "eco.png", tmp_path / "eco.json"
    human = gasworks("eco", "xor", *FAST, "--schedule", "repeat:2", "--delearn", "noise",
                     "-o", png)  # fmt: skip
    assert human.exit_code == 0, human.output
    assert "outlier_exposure" in human.stdout and "±" in human.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = gasworks("eco", "xor", *FAST, "-o", png)
    assert again.exit_code == 2 and "--force" in again.stderr
    as_json = gasworks("eco", "xor", *FAST, "-o", js, "--json")
    assert json.loads(js.read_text()) == as_json.json


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope",), "no such data set"),
        (("moons", "--schedule", "repeat"), "repeat:K"),
        (("moons", "--schedule", "sometimes"), "usual, until or repeat:K"),
        (("moons", "--activation", "relu"), "zero almost everywhere"),
        (("moons", "--lambda", "-1"), "--lambda"),
        (("diabetes", "--epochs", "1"), "regression"),
        (("moons", "-o", "out.txt"), ".png or .json"),
    ],
)
def test_bad_input_exits_2_with_a_message(gasworks, args, message):
    result = gasworks("eco", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_a_csv_with_three_classes_holds_out_the_last(gasworks, tmp_path):
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
    labels = np.repeat(np.arange(3), 30)
    points = centres[labels] + rng.normal(0, 0.5, (90, 2))
    path = tmp_path / "blobs.csv"
    path.write_text("x,y,label\n" + "".join(f"{a},{b},c{k}\n" for (a, b), k
                                            in zip(points, labels, strict=True)))  # fmt: skip
    result = gasworks("eco", path, *FAST, "--json")
    assert result.exit_code == 0, result.output
    assert result.json["dataset"] == str(path)
    from engines.trainers.eco.params import EcoParams
    from engines.trainers.eco.recipe import eco_recipe

    run = eco_recipe(str(path), EcoParams(epochs=1, hidden=(4,), seeds=1))
    assert run.dataset.class_names == ("c0", "c1") and "held_out" in run.ood


def test_oe_reach_reaches_outlier_exposure_only(gasworks):
    from engines.trainers.eco.params import EcoParams
    from engines.trainers.eco.recipe import eco_recipe

    result = gasworks("eco", "moons", *FAST, "--oe-reach", "0", "--json")
    assert result.exit_code == 0, result.output
    runs = eco_recipe("moons", EcoParams(epochs=3, hidden=(4,), seeds=2, oe_reach=0.0),
                      seed=0).runs_of("outlier_exposure")  # fmt: skip
    oe = result.json["methods"]["outlier_exposure"]
    assert oe["auroc"] == pytest.approx(np.mean([r.figures["auroc"] for r in runs]))
    default = gasworks("eco", "moons", *FAST, "--json").json["methods"]
    assert default["plain"] == result.json["methods"]["plain"]  # the baselines do not use it
    assert default["outlier_exposure"]["auroc"] != pytest.approx(oe["auroc"])
