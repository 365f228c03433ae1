"""``gasworks points``, ``samples`` and ``presets`` through CliRunner, with exit codes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.engines.pipeline.conftest import image_files  # noqa: F401  (fixture)

ASTRONAUT = ("sample:astronaut", "--crop", "30:180,150:300", "--blur", "0.6",
             "--threshold", "otsu", "--offset", "0.1")  # fmt: skip


def test_seed_contract_point_count(gasworks):
    result = gasworks("points", *ASTRONAUT, "--json")
    assert result.exit_code == 0
    assert result.json["points"] == 11931
    assert result.json["image_size"] == {"width": 150, "height": 150}
    assert result.json["threshold"] == pytest.approx(0.60896, abs=1e-4)


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("points", "sample:coins", "--max-side", "64"), 0, "points, threshold"),
        (("points", "-p", "coins-local"), 0, "sample:coins"),
        (("points", "-p", "coins-local", "--set", "pipeline.blur=2"), 0, "points"),
        (("points", "sample:coins", "--threshold", "0.3"), 0, "threshold 0.3000"),
        (("points", "sample:page", "--threshold", "sauvola"), 0, "threshold local"),
        (("points", "--text", "Hi"), 0, "text:'Hi'"),
        (("points", "sample:coins", "--blur", "99"), 2, "0.0<=x<=50.0"),
        (("points", "sample:coins", "--offset", "-3"), 2, "-1.0<=x<=1.0"),
        (("points", "sample:coins", "--set", "pipeline.blur=99"), 2, "pipeline.blur"),
        (("points", "sample:coins", "--threshold", "magic"), 2, "must be one of otsu"),
        (("points", "sample:coins", "--crop", "9:1,0:5"), 2, "y0 < y1"),
        (("points", "sample:coins", "-p", "nope"), 2, "unknown preset 'nope'"),
        (("points", "sample:coins", "--set", "pipeline.zap=1"), 2, "unknown key"),
        (("points",), 2, "give an INPUT"),
        (("points", "sample:nope"), 2, "no such sample"),
        (("points", "missing.png"), 1, "missing.png: no such file"),
        (("points", "sample:coins", "--frobnicate"), 2, "No such option"),
        (("presets", "show", "nope"), 2, "unknown preset"),
        (("presets", "show", "coins-local"), 0, 'threshold = "sauvola"'),
        (("presets", "list"), 0, "astronaut-points"),
        (("samples",), 0, "sample:astronaut"),
    ],
)
def test_command_table(gasworks, args, code, expected):
    result = gasworks(*args)
    assert result.exit_code == code, result.output
    assert expected in result.output


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("empty.png", "empty"),
        ("truncated.png", "damaged or truncated"),
        ("notes.png", "not an image"),
        ("bomb.png", "decompression bomb"),
        ("folder.png", "is a folder"),
    ],
)
def test_bad_files_exit_1_naming_file(gasworks, image_files, name, problem):  # noqa: F811
    result = gasworks("points", image_files[name])
    assert result.exit_code == 1
    assert name in result.stderr and problem in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "threshold", "count"),
    [
        ("one_pixel.png", "0.5", 1),
        ("black.png", "0.5", 900),
        ("deep16.png", "0.01", 440),  # the square and the ramp's black first column
        ("transparent.png", "otsu", 400),
    ],
)
def test_odd_images_count_as_expected(gasworks, image_files, name, threshold, count):  # noqa: F811
    result = gasworks("points", image_files[name], "--threshold", threshold, "--json")
    assert result.exit_code == 0, result.output
    assert result.json["points"] == count


def test_cmyk_jpeg_counts_the_dark_square(gasworks, image_files):  # noqa: F811
    result = gasworks("points", image_files["cmyk.jpg"], "--threshold", "0.05", "--json")
    # 400 px square + 3 ramp columns of 40 px under 0.05; JPEG's CMYK round trip shifts
    # the ramp by a level or two, so allow one column either way.
    assert 480 <= result.json["points"] <= 560


def test_all_white_reports_zero_points_with_advice(gasworks, image_files):  # noqa: F811
    result = gasworks("points", image_files["white.png"], "--json")
    assert result.exit_code == 0
    assert result.json["points"] == 0
    assert "no foreground pixels" in result.stderr


def test_preview_writes_the_binary_image(gasworks, tmp_path):
    out = tmp_path / "sub" / "astro.png"
    result = gasworks("points", *ASTRONAUT, "--preview", out)
    assert result.exit_code == 0
    binary = np.asarray(Image.open(out))
    assert binary.shape == (150, 150)
    assert int((binary == 0).sum()) == 11931
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def test_samples_json_lists_shapes(gasworks):
    result = gasworks("samples", "--json")
    entries = {e["name"]: e["shape"] for e in result.json}
    assert entries["sample:astronaut"] == [512, 512, 3]
    assert entries["sample:page"] == [191, 384]
