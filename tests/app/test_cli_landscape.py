"""``gasworks landscape``: its JSON, the files it writes and the mistakes it refuses."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from engines.explorers.landscape import export_landscape, landscape_recipe
from engines.explorers.params import LandscapeParams

FAST = ("--frames", "6", "--grid", "32")


def test_json_is_the_spread_frames_and_output(gasworks, tmp_path):
    out = tmp_path / "quake.gif"
    result = gasworks("landscape", *FAST, "--seed", "5", "-o", out, "--json")
    assert result.exit_code == 0, result.output
    assert list(result.json) == ["spread", "frames", "output"]
    expected = landscape_recipe(None, LandscapeParams(frames=6, grid=32, seed=5))
    assert result.json == {
        "spread": {"10": expected.spread[10], "100": expected.spread[100]},
        "frames": 6,
        "output": str(out),
    }
    assert result.json["spread"]["10"] > result.json["spread"]["100"]
    frames = iio.imread(out, index=None)
    assert frames.shape == (6, 400, 800, 3)


def test_one_batch_size_and_the_human_summary(gasworks, tmp_path):
    out = tmp_path / "one.gif"
    result = gasworks("landscape", *FAST, "--batch", "25", "-o", out)
    assert result.exit_code == 0, result.output
    assert f"{out}: 6 frames; spread " in result.stdout and "at batch 25" in result.stdout
    assert iio.imread(out, index=None).shape == (6, 400, 400, 3)


def test_png_is_the_last_frame_of_the_same_run(gasworks, tmp_path):
    out = tmp_path / "last.png"
    result = gasworks("landscape", *FAST, "--view", "surface", "--seed", "2", "-o", out)
    assert result.exit_code == 0, result.output
    params = LandscapeParams(frames=6, grid=32, view="surface", seed=2)
    reference = export_landscape(landscape_recipe(None, params), tmp_path / "ref.png")
    assert out.read_bytes() == reference.read_bytes()


def test_mp4(gasworks, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / "quake.mp4"
    result = gasworks("landscape", *FAST, "-o", out, "--json")
    assert result.exit_code == 0, result.output
    assert result.json["frames"] == 6 and out.stat().st_size > 1000


def test_mp4_without_the_extra_exits_2_naming_it(gasworks, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ffmpeg(name, *args, **kwargs):
        if name == "imageio_ffmpeg":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ffmpeg)
    result = gasworks("landscape", *FAST, "-o", tmp_path / "q.mp4")
    assert result.exit_code == 2
    assert "'video' extra" in result.stderr and "gasworks[video]" in result.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "{t}/q.jpg"), "must end in .gif, .mp4 or .png"),
        (("--batch", "10,5000", "-o", "{t}/q.gif"), "--batch: batch_sizes [5000] exceed"),
        (("--batch", "ten", "-o", "{t}/q.gif"), "give whole numbers"),
        (("--grid", "8", "-o", "{t}/q.gif"), "8 is not in the range 16<=x<=400"),
        (("--view", "flat", "-o", "{t}/q.gif"), "'flat' is not one of 'contour', 'surface'"),
    ],
)
def test_mistakes_exit_2_and_write_nothing(gasworks, tmp_path, args, message):
    result = gasworks("landscape", *[a.format(t=tmp_path) for a in args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not any(tmp_path.iterdir())


def test_an_existing_output_needs_force(gasworks, tmp_path):
    out = tmp_path / "q.gif"
    out.write_bytes(b"keep")
    refused = gasworks("landscape", *FAST, "-o", out)
    assert refused.exit_code == 2 and "already exists" in refused.stderr
    assert out.read_bytes() == b"keep"
    forced = gasworks("landscape", *FAST, "-o", out, "--force")
    assert forced.exit_code == 0 and iio.imread(out, index=None).shape[0] == 6
    assert np.asarray(iio.imread(out, index=0)).std() > 10
