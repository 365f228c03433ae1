"""The training as an animation: recorded snapshots, frame counts, GIF and MP4, the extra."""

from __future__ import annotations

import sys

import imageio.v3 as iio
import numpy as np
import pytest

from engines.art.animation import (
    SnapshotRecorder,
    check_animation_path,
    render_animation,
)
from engines.errors import GasworksError
from engines.movie import MissingExtra
from engines.presets import validate_preset
from engines.render import render_input


def small(points: str = "binary", **engine):
    return validate_preset({
        "name": "small", "engine": "gng", "seed": 3, "epochs": 4,
        "text": {"size": 40, "padding": 4},
        "pipeline": {"points": points, "scale": 0.01},
        "engine_params": {"max_nodes": 60, "n_iter_before_neuron_added": 20, **engine},
        "style": {"width": 160, "margin": 4},
    })  # fmt: skip


def test_recorder_gives_one_snapshot_per_frame_evenly_spread():
    recorder = SnapshotRecorder(12)
    result = render_input("text:Go", small(), callback=recorder, snapshots=recorder.callbacks)
    timeline = recorder.timeline()
    assert len(timeline) == 11
    iterations = [s.iteration for s in timeline]
    assert iterations == sorted(iterations) and len(set(iterations)) == 11
    final = result.snapshot.iteration
    assert iterations[0] <= final / 11 and iterations[-1] >= 9 * final / 11
    # The network grows through the frames.
    assert timeline[0].n_nodes < timeline[-1].n_nodes <= result.snapshot.n_nodes


def test_frames_do_not_change_the_result():
    plain = render_input("text:Go", small())
    recorder = SnapshotRecorder(30)
    framed = render_input("text:Go", small(), callback=recorder, snapshots=recorder.callbacks)
    np.testing.assert_array_equal(plain.snapshot.nodes, framed.snapshot.nodes)


def test_tone_networks_are_the_same_with_frames():
    preset = small("tone", error_decay_rate=0.99999, min_distance_for_update=0.0)
    preset = preset.model_copy(update={"epochs": None})
    plain = render_input("text:Go", preset)
    recorder = SnapshotRecorder(40)
    framed = render_input("text:Go", preset, callback=recorder, snapshots=recorder.callbacks)
    assert framed.snapshot.n_nodes == plain.snapshot.n_nodes
    np.testing.assert_array_equal(plain.snapshot.nodes, framed.snapshot.nodes)


def test_gif_lasts_frames_over_fps_and_ends_on_the_drawing(tmp_path):
    path = tmp_path / "go.gif"
    result, figures = render_animation("text:Go", small(), path, fps=10, frames=16)
    assert figures["frames"] == 16 and figures["seconds"] == pytest.approx(1.6)
    props = iio.immeta(path, index=None)
    images = iio.imread(path, index=None)
    assert 12 <= len(images) <= 16  # identical neighbours are merged by the GIF writer
    assert props.get("loop") == 0
    durations = [iio.immeta(path, index=i)["duration"] for i in range(len(images))]
    assert sum(durations) == pytest.approx(1600, abs=20)
    # The last frame is the finished drawing (the PNG writer's pixels, scaled).
    from engines.art import render_array

    final = render_array(result.drawing, result.style)[..., :3]
    last = images[-1][..., :3]
    assert last.shape[:2] == (
        final.shape[0] - final.shape[0] % 2,
        final.shape[1] - final.shape[1] % 2,
    )
    assert np.abs(last.astype(int) - final[: last.shape[0], : last.shape[1]]).mean() < 4


def test_mp4_has_every_frame(tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    path = tmp_path / "go.mp4"
    _, figures = render_animation("text:Go", small(), path, fps=12, frames=10)
    frames = iio.imread(path, index=None, plugin="pyav") if _has_pyav() else None
    if frames is None:
        import imageio.v2 as imageio

        with imageio.get_reader(path, format="FFMPEG") as reader:
            count = sum(1 for _ in reader)
    else:
        count = len(frames)
    assert count == figures["frames"] == 10


def _has_pyav() -> bool:
    import importlib.util

    return importlib.util.find_spec("av") is not None


def test_mp4_without_the_extra_names_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(MissingExtra, match="'video' extra"):
        check_animation_path(tmp_path / "a.mp4")
    with pytest.raises(GasworksError, match="must end in .gif or .mp4"):
        check_animation_path(tmp_path / "a.avi")
    assert check_animation_path(tmp_path / "a.GIF") == ".gif"


def test_recorder_needs_two_frames():
    with pytest.raises(GasworksError, match="at least 2 frames"):
        SnapshotRecorder(1)
