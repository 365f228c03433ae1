"""``gasworks reflect``: the JSON's keys and values (the recipe's), all four functions by
default, the written outputs, and exit 2 with a clear message on bad input."""

from __future__ import annotations

import pytest
import torch

from engines.trainers.reflection import ReflectionParams, export_reflection, reflection_recipe

TINY = {"samples": 60, "test_samples": 30, "hidden": 6, "error_hidden": 3, "gate_epochs": 3,
        "clusters": 2, "min_samples": 3}  # fmt: skip
SETS = [arg for key, value in TINY.items() for arg in ("--set", f"{key}={value}")]
KEYS = {"task", "base_loss", "reflection_loss", "reduction", "base_longer_loss", "wide_loss",
        "clusters"}  # fmt: skip


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _params(task: str) -> ReflectionParams:
    return ReflectionParams(task=task, epochs=3, error_epochs=2, **TINY)


def test_json_rows_hold_the_issues_keys_and_the_recipes_values(gasworks, tmp_path):
    out = tmp_path / "cubic.json"
    result = gasworks("reflect", "cubic", "--seeds", "2", "--seed", "3", "--epochs", "3",
                      "--error-epochs", "2", *SETS, "-o", out, "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = result.json
    assert set(payload) == {"rows"} and len(payload["rows"]) == 1
    row = payload["rows"][0]
    assert set(row) >= KEYS and row["task"] == "cubic" and row["seeds"] == 2
    for key in KEYS - {"task"}:
        assert isinstance(row[key], float) and f"{key}_sd" in row
    assert row["base_loss"] > 0 and row["clusters"] >= 1
    expected = reflection_recipe("cubic", _params("cubic"), seed=3, seeds=2)
    assert payload == expected.payload()
    # the file written equals the recipe's own export
    reference = tmp_path / "reference.json"
    export_reflection(expected, reference)
    assert out.read_text() == reference.read_text()


def test_no_argument_runs_the_four_functions(gasworks):
    result = gasworks("reflect", "--seeds", "1", "--epochs", "2", "--error-epochs", "1", *SETS,
                      "--set", "baselines=false", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = result.json["rows"]
    assert [r["task"] for r in rows] == ["linear", "cubic", "quartic", "piecewise"]
    assert all(r["base_longer_loss"] is None and r["wide_loss"] is None for r in rows)


def test_the_table_and_a_png(gasworks, tmp_path):
    out = tmp_path / "fits.png"
    result = gasworks("reflect", "piecewise", "--seeds", "1", "--epochs", "3",
                      "--error-epochs", "2", *SETS, "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    head, line = result.output.splitlines()[:2]
    assert head.split()[:3] == ["task", "base", "reflection"]
    assert line.startswith("piecewise ") and "±" in line
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sine"], "'sine' is not one of 'linear', 'cubic', 'quartic', 'piecewise', 'digits'"),
        (["linear", "--set", "nope=1"], "nope: no such field"),
        (["linear", "--set", "threshold"], "give FIELD=VALUE"),
        (["linear", "--set", "gate=tree"], "gate: Input should be 'network', 'knn' or"),
        (["linear", "--set", "threshold=3"], "threshold must be a quantile from 0 to 1"),
        (["linear", "--seeds", "0"], "--seeds"),
        (["linear", "-o", "out.txt"], "must end in .json or .png"),
    ],
)
def test_bad_input_exits_2_with_a_message(gasworks, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = gasworks("reflect", *args, "--epochs", "1", "--error-epochs", "1", *SETS)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
