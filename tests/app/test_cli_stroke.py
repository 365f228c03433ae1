"""``gasworks render`` with continuous strokes: the single-line and signature presets."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

SVG = "{http://www.w3.org/2000/svg}"
# Small and quick: a 150-node graph over four epochs.
FAST = ("--set", "engine_params.max_nodes=150",
        "--set", "engine_params.n_iter_before_neuron_added=20",
        "--epochs", "4", "--workers", "1")  # fmt: skip


@pytest.fixture
def drawing(tmp_path):
    """A thick ring and a bar apart from it: two parts, so two strokes at most."""
    yy, xx = np.mgrid[:90, :120]
    r = np.hypot(yy - 45, xx - 40)
    ink = ((r > 18) & (r < 30)) | ((xx > 90) & (xx < 100) & (yy > 15) & (yy < 75))
    path = tmp_path / "shapes.png"
    Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(path)
    return path


def manifest_entry(out, stem):
    entries = json.loads((out / "manifest.json").read_text())["inputs"]
    return next(e for e in entries if stem in e["input"])


def test_single_line_writes_svg_and_png_with_few_strokes(gasworks, drawing, tmp_path):
    out = tmp_path / "out"
    result = gasworks("render", drawing, "-p", "single-line", "-o", out, *FAST)
    assert result.exit_code == 0, result.output
    svg, png = out / "shapes.single-line.svg", out / "shapes.single-line.png"
    assert png.stat().st_size > 0 and Image.open(png).size[0] == 900
    stats = manifest_entry(out, "shapes")["stats"]
    assert stats["nodes"] <= 150 and stats["edges"] > stats["nodes"]  # a mesh was trained
    assert 1 <= stats["strokes"] <= 3 and stats["on_ink"] >= 0.97
    (path,) = ET.parse(svg).getroot().iter(f"{SVG}path")
    assert path.get("d").count("M") == stats["strokes"]


def test_any_preset_can_switch_to_continuous(gasworks, drawing, tmp_path):
    out = tmp_path / "out"
    args = ("render", drawing, "-o", out, "--format", "svg", *FAST, "--json")
    edges = gasworks(*args, "-p", "default")
    line = gasworks(*args, "-p", "default", "--set", 'style.stroke="continuous"', "--force")
    assert edges.exit_code == line.exit_code == 0
    assert "strokes" not in edges.json["inputs"][0]["stats"]
    assert line.json["inputs"][0]["stats"]["strokes"] <= 3


def test_signature_preset_renders_its_bundled_input(gasworks, tmp_path):
    out = tmp_path / "out"
    result = gasworks("render", "-p", "signature", "-o", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert (out / "signature.signature.svg").exists() and (out / "signature.signature.png").exists()
    stats = manifest_entry(out, "signature")["stats"]
    assert stats["strokes"] <= 6 and stats["on_ink"] >= 0.98


def test_signature_on_a_plotter_page(gasworks, tmp_path):
    out = tmp_path / "page"
    result = gasworks("render", "-p", "signature", "-o", out, "--format", "svg",
                      "--page", "a4", "--landscape", "--workers", "1", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    stats = result.json["inputs"][0]["stats"]
    plot = stats["plotter"]
    assert plot["pen_lifts_before"] == plot["pen_lifts_after"] == stats["strokes"]
    assert plot["pen_up_mm_after"] <= plot["pen_up_mm_before"]
    root = ET.parse(out / "signature.signature.svg").getroot()
    assert root.get("width") == "297mm"
    assert len(list(root.iter(f"{SVG}path"))) == stats["strokes"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('style.stroke="zigzag"', "style.stroke: must be one of 'edges' or 'continuous'"),
        ("style.max_jump=0", "style.max_jump: Input should be greater than 0"),
        ("style.smoothing=9", "style.smoothing: Input should be less than or equal to 6"),
    ],
)
def test_bad_stroke_settings_are_usage_errors(gasworks, tmp_path, setting, message):
    result = gasworks("render", "-p", "single-line", "sample:horse", "-o", tmp_path / "o",
                      "--set", setting)  # fmt: skip
    assert result.exit_code == 2
    assert message in result.output
