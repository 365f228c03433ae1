"""``gasworks render`` resumes only when nothing changed: parameters, seed, input content
and output options are hashed per (input, preset) in the manifest."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

# Small and quick: a 60-node graph over two epochs, in this process; the pipeline's own
# settings (not the automatic ones), so a changed blur changes the drawing.
FAST = ("--set", "pipeline.auto=false", "--set", "engine_params.max_nodes=60",
        "--set", "engine_params.n_iter_before_neuron_added=20",
        "--epochs", "2", "--workers", "1", "--format", "svg")  # fmt: skip


def _drawing(path, radius: int, hole: int = 0) -> None:
    yy, xx = np.mgrid[:64, :64]
    r = np.hypot(yy - 32, xx - 32)
    ink = (r < radius) & (r > hole)
    Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(path)


@pytest.fixture
def drawing(tmp_path):
    path = tmp_path / "disc.png"
    _drawing(path, 18)
    return path


def _manifest(out) -> list[dict]:
    return json.loads((out / "manifest.json").read_text())["inputs"]


def _first(gasworks, drawing, out, *extra):
    result = gasworks("render", drawing, "-o", out, *FAST, *extra)
    assert result.exit_code == 0, result.output
    return (out / "disc.default.svg").read_bytes()


def test_unchanged_rerun_skips_and_keeps_the_first_record(gasworks, drawing, tmp_path):
    out = tmp_path / "out"
    _first(gasworks, drawing, out)
    record = _manifest(out)
    mtime = (out / "disc.default.svg").stat().st_mtime_ns
    again = gasworks("render", drawing, "-o", out, *FAST, "--json")
    assert again.exit_code == 0
    assert [e["status"] for e in again.json["inputs"]] == ["skipped"]
    assert "re-rendering" not in again.output
    assert (out / "disc.default.svg").stat().st_mtime_ns == mtime
    assert _manifest(out) == record  # seed, parameters, timings of the run that made it
    assert set(record[0]["hashes"]) == {"parameters", "input", "outputs"}


@pytest.mark.parametrize(
    ("extra", "why"),
    [(("--set", "pipeline.blur=3"), "parameters changed"),
     (("--seed", "7"), "parameters changed"),
     (("--epochs", "3"), "parameters changed")],
)  # fmt: skip
def test_changed_parameters_render_again(gasworks, drawing, tmp_path, extra, why):
    out = tmp_path / "out"
    before = _first(gasworks, drawing, out)
    result = gasworks("render", drawing, "-o", out, *FAST, *extra, "--json")
    assert result.exit_code == 0, result.output
    assert f"re-rendering {drawing}: {why}" in result.output
    assert [e["status"] for e in result.json["inputs"]] == ["done"]
    assert (out / "disc.default.svg").read_bytes() != before
    (entry,) = _manifest(out)
    assert entry["status"] == "done" and entry["reason"] == why
    if extra[0] == "--seed":
        assert entry["seed"] == 7
    elif extra[0] == "--epochs":
        assert entry["epochs"] == 3
    else:
        assert entry["parameters"]["pipeline"]["blur"] == 3.0
    # And now it is up to date.
    again = gasworks("render", drawing, "-o", out, *FAST, *extra, "--json")
    assert again.json["inputs"][0]["status"] == "skipped"


def test_changed_input_renders_again(gasworks, drawing, tmp_path):
    out = tmp_path / "out"
    before = _first(gasworks, drawing, out)
    _drawing(drawing, 25, hole=15)  # the same name, another picture
    result = gasworks("render", drawing, "-o", out, *FAST)
    assert result.exit_code == 0, result.output
    assert f"re-rendering {drawing}: input changed" in result.output
    assert (out / "disc.default.svg").read_bytes() != before


def test_other_output_options_render_again(gasworks, drawing, tmp_path):
    out = tmp_path / "out"
    _first(gasworks, drawing, out)
    result = gasworks("render", drawing, "-o", out, *FAST, "--page", "a5")
    assert result.exit_code == 0, result.output
    assert f"re-rendering {drawing}: output options changed" in result.output
    assert 'width="148mm"' in (out / "disc.default.svg").read_text()


def test_files_without_a_record_render_again(gasworks, drawing, tmp_path):
    out = tmp_path / "out"
    _first(gasworks, drawing, out)
    (out / "manifest.json").unlink()
    result = gasworks("render", drawing, "-o", out, *FAST, "--json")
    assert result.json["inputs"][0]["status"] == "done"
    assert "no record of its files in the manifest" in result.output
    assert _manifest(out)[0]["hashes"]


def test_a_second_preset_adds_entries(gasworks, drawing, tmp_path):
    out = tmp_path / "out"
    second = tmp_path / "ring.png"
    _drawing(second, 25, hole=15)
    first = gasworks("render", drawing, second, "-o", out, *FAST)
    assert first.exit_code == 0, first.output
    other = gasworks("render", drawing, second, "-p", "horse", "-o", out, *FAST)
    assert other.exit_code == 0, other.output
    assert "re-rendering" not in other.output
    keys = [(e["input"].rsplit("/", 1)[-1], e["preset"], e["status"]) for e in _manifest(out)]
    assert keys == [
        ("disc.png", "default", "done"), ("ring.png", "default", "done"),
        ("disc.png", "horse", "done"), ("ring.png", "horse", "done"),
    ]  # fmt: skip
    # Both are up to date: a run of either preset skips everything.
    for preset in ("default", "horse"):
        again = gasworks("render", drawing, second, "-p", preset, "-o", out, *FAST, "--json")
        assert {e["status"] for e in again.json["inputs"]} == {"skipped"}
