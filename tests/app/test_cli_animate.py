"""``gasworks render --animate``: the training as a GIF or MP4 beside the usual outputs."""

from __future__ import annotations

import sys

import imageio.v3 as iio

FAST = ("--set", "engine_params.max_nodes=60",
        "--set", "engine_params.n_iter_before_neuron_added=20",
        "--epochs", "3", "--workers", "1")  # fmt: skip


def test_animate_writes_a_gif_beside_the_drawings(gasworks, tmp_path):
    gif = tmp_path / "go.gif"
    result = gasworks("render", "text:Go", "-p", "text", "-o", tmp_path / "out", *FAST,
                      "--animate", gif, "--frames", "12", "--fps", "6", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    animation = result.json["animation"]
    assert animation["frames"] == 12 and animation["fps"] == 6 and animation["path"] == str(gif)
    assert (tmp_path / "out" / "text-Go.text.svg").exists()
    frames = iio.imread(gif, index=None)
    assert 8 <= len(frames) <= 12 and frames.shape[2] <= 720


def test_animate_takes_one_input(gasworks, tmp_path):
    result = gasworks("render", "text:Go", "text:Hi", "-p", "text", "-o", tmp_path / "out",
                      *FAST, "--animate", tmp_path / "a.gif")  # fmt: skip
    assert result.exit_code == 2
    assert "--animate draws one input's training; 2 inputs were given" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_animate_mp4_without_the_extra_exits_2_naming_it(gasworks, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    result = gasworks("render", "text:Go", "-p", "text", "-o", tmp_path / "out", *FAST,
                      "--animate", tmp_path / "a.mp4")  # fmt: skip
    assert result.exit_code == 2
    assert "the 'video' extra (imageio-ffmpeg)" in result.output
    assert "pip install 'gasworks[video]'" in result.output


def test_animate_refuses_other_formats(gasworks, tmp_path):
    result = gasworks("render", "text:Go", "-p", "text", "-o", tmp_path / "out", *FAST,
                      "--animate", tmp_path / "a.webm")  # fmt: skip
    assert result.exit_code == 2 and "must end in .gif or .mp4" in result.output
