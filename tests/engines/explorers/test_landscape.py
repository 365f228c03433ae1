"""Loss-landscape earthquakes: the vectorised landscape against a plain loop, gradients, the
frame schedule, the spread's ordering, the recipe and its exports."""

from __future__ import annotations

import math

import imageio.v3 as iio
import numpy as np
import pytest
from pydantic import ValidationError

from engines.core import Snapshot
from engines.errors import ParameterError
from engines.explorers import landscape as ls
from engines.explorers.landscape import (
    LandscapeEngine,
    LandscapeFrame,
    export_landscape,
    gradient,
    landscape_recipe,
    loss_at,
    loss_landscape,
    make_blobs,
    weight_axis,
)
from engines.explorers.params import LandscapeParams
from engines.movie import MissingExtra

SMALL = {"frames": 10, "grid": 32, "hold_frames": 2, "blend_frames": 3, "spread_pairs": 8,
         "panel_px": 160}  # fmt: skip


def small(**fields) -> LandscapeParams:
    return LandscapeParams(**{**SMALL, **fields})


def direct_loss(x, y, w1, w2) -> float:
    """The seed's formula ``(1 - y) z + ln(1 + e^-z)``, one sample at a time, in plain
    Python (written for z < 0 as ``-y z + ln(1 + e^z)``, the same value without overflow)."""
    total = 0.0
    for (a, b), label in zip(x.tolist(), y.tolist(), strict=True):
        z = a * w1 + b * w2
        if z >= 0:
            total += (1 - label) * z + math.log1p(math.exp(-z))
        else:
            total += -label * z + math.log1p(math.exp(z))
    return total / len(x)


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(1000, np.random.default_rng(5))


def test_landscape_equals_a_direct_loop_at_grid_points(blobs):
    x, y = blobs[0][:100], blobs[1][:100]
    axis = weight_axis(200)
    grid = loss_landscape(x, y, axis)
    assert grid.shape == (200, 200) and grid.dtype == np.float32
    for i, j in [(0, 0), (0, 199), (199, 0), (199, 199), (100, 100), (37, 150), (120, 61)]:
        expected = direct_loss(x, y, axis[j], axis[i])
        assert grid[i, j] == pytest.approx(expected, rel=2e-6, abs=2e-6), (i, j)
        assert loss_at(x, y, (axis[j], axis[i])) == pytest.approx(expected, rel=1e-12)


def test_one_sample_has_straight_contour_lines(blobs):
    """A sample's loss depends on m·w only: constant along lines across m."""
    x, y = blobs[0][:1], blobs[1][:1]
    m = x[0] * (1 - 2 * y[0])
    across = np.array([-m[1], m[0]]) / np.linalg.norm(m)
    base = np.array([3.0, -2.0])
    losses = [loss_at(x, y, base + t * across) for t in (-10, -3, 0, 4, 12)]
    np.testing.assert_allclose(losses, losses[0], rtol=1e-12)
    # and far from the boundary the loss grows linearly along m
    along = m / np.linalg.norm(m)
    far = [loss_at(x, y, t * along) for t in (10, 11, 12)]
    assert far[2] - far[1] == pytest.approx(far[1] - far[0], rel=1e-6)


def test_gradient_matches_finite_differences(blobs):
    x, y = blobs[0][:50], blobs[1][:50]
    w = np.array([2.0, -1.5])
    h = 1e-6
    numeric = [(loss_at(x, y, w + h * e) - loss_at(x, y, w - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(gradient(x, y, w), numeric, rtol=1e-6, atol=1e-9)


def test_bad_data_is_a_parameter_error():
    with pytest.raises(ParameterError, match=r"shape \(n, 2\)"):
        loss_landscape(np.zeros((3, 3)), np.zeros(3), weight_axis(4))
    with pytest.raises(ParameterError, match="classes 0 and 1"):
        LandscapeEngine(small(batch_sizes=(2,)), (np.zeros((4, 2)), np.array([0, 1, 2, 1])))
    with pytest.raises(ValidationError, match="exceed the 100 samples"):
        LandscapeParams(samples=100, batch_sizes=(10, 200))


def test_batches_cover_each_epoch_once():
    stream = ls.BatchStream(25, 10, np.random.default_rng(0))
    assert stream.per_epoch == 2
    first = np.concatenate([stream.batch(0), stream.batch(1)])
    assert len(set(first.tolist())) == 20
    again = ls.BatchStream(25, 10, np.random.default_rng(0))
    np.testing.assert_array_equal(again.batch(3), stream.batch(3))


def test_frames_hold_the_update_then_blend_into_the_next_batch():
    params = small(batch_sizes=(10,))
    engine = LandscapeEngine(params, seed=1)
    assert engine.snapshot().iteration == 0
    engine.step(params.frames)
    assert engine.done and engine.snapshot().iteration == params.frames
    panel = engine.panels[0]
    held = [engine.frame(k).panels[0] for k in range(2)]
    for f in held:
        assert f.step == 0 and f.alpha == 0.0 and f.arrow is not None
        np.testing.assert_array_equal(f.landscape, panel.landscapes[0])
        np.testing.assert_array_equal(f.arrow, [panel.weights[0], panel.weights[1]])
    blends = [engine.frame(k).panels[0] for k in range(2, 5)]
    assert [f.alpha for f in blends] == [0.25, 0.5, 0.75]
    mix = 0.5 * panel.landscapes[0] + 0.5 * panel.landscapes[1]
    np.testing.assert_allclose(blends[1].landscape, mix, rtol=1e-6)
    assert all(f.arrow is None and len(f.path) == 2 for f in blends)
    after = engine.frame(5).panels[0]
    assert after.step == 1 and len(after.path) == 3
    # each update is a gradient step on its own batch
    idx = panel.stream.batch(1)
    expected = panel.weights[1] - params.step_size * gradient(panel.x[idx], panel.y[idx],
                                                              panel.weights[1])  # fmt: skip
    np.testing.assert_allclose(panel.weights[2], expected)
    assert panel.losses[1] == pytest.approx(loss_at(panel.x[idx], panel.y[idx], panel.weights[1]))


def test_a_panel_is_the_same_whichever_panels_run_beside_it():
    both = landscape_recipe(None, small(batch_sizes=(10, 100)), seed=4)
    alone = landscape_recipe(None, small(batch_sizes=(100,)), seed=4)
    np.testing.assert_array_equal(both.panels[1].weights, alone.panels[0].weights)
    np.testing.assert_array_equal(both.panels[1].landscapes, alone.panels[0].landscapes)
    assert both.spread[100] == alone.spread[100]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_small_batches_shake_more_by_about_root_ten(seed):
    params = LandscapeParams(grid=60, frames=1, spread_pairs=100)
    result = landscape_recipe(None, params, seed=seed)
    s10, s100 = result.spread[10], result.spread[100]
    assert s10 > s100 > 0
    assert 2.5 < s10 / s100 < 4.0  # √10 ≈ 3.16: the mean of b losses varies like 1/√b


def test_spread_is_the_mean_difference_of_consecutive_batches():
    params = small(batch_sizes=(20,), spread_pairs=5)
    engine = LandscapeEngine(params, seed=2)
    panel = engine.panels[0]
    stack = [panel.landscape(k) for k in range(6)]
    assert panel.spread(5) == pytest.approx(ls.landscape_spread(stack), rel=1e-12)
    manual = np.mean([np.abs(stack[k + 1].astype(float) - stack[k]).mean() for k in range(5)])
    assert ls.landscape_spread(stack) == pytest.approx(manual)
    with pytest.raises(ParameterError, match="at least two"):
        ls.landscape_spread(stack[:1])


def test_recipe_reports_frames_and_its_result_redraws_them():
    seen = []
    params = small()
    result = landscape_recipe(None, params, seed=7, callback=seen.append)
    assert seen and all(isinstance(s, LandscapeFrame) and isinstance(s, Snapshot) for s in seen)
    assert seen[-1].iteration == params.frames and result.frames == params.frames
    assert not result.cancelled and set(result.spread) == {10, 100}
    engine = LandscapeEngine(params, seed=7)
    for k in (0, 3, 9):
        mine, theirs = result.frame(k), engine.frame(k)
        for a, b in zip(mine.panels, theirs.panels, strict=True):
            np.testing.assert_array_equal(a.landscape, b.landscape)
            np.testing.assert_array_equal(a.path, b.path)
    assert result.samples.landscapes.shape == (9, 32, 32)
    np.testing.assert_allclose(result.samples.average, result.samples.landscapes.mean(0))
    assert result.payload("a.gif") == {
        "spread": {"10": result.spread[10], "100": result.spread[100]},
        "frames": 10, "output": "a.gif",
    }  # fmt: skip


def test_cancelling_keeps_the_frames_made():
    calls = []
    result = landscape_recipe(None, small(), callback=lambda s: calls.append(s) or len(calls) == 1)
    assert result.cancelled and result.spread == {}
    assert 1 <= result.frames < 10
    assert result.frame(result.frames - 1).index == result.frames - 1


def test_gif_has_every_frame_at_the_panel_size(tmp_path):
    result = landscape_recipe(None, small(), seed=3)
    path = export_landscape(result, tmp_path / "quake.gif")
    frames = iio.imread(path, index=None)
    assert frames.shape[0] == 10
    assert frames.shape[1:3] == (160, 320)
    assert not np.array_equal(frames[0], frames[4])  # the landscape moved
    again = export_landscape(landscape_recipe(None, small(), seed=3), tmp_path / "again.gif")
    assert again.read_bytes() == path.read_bytes()


def test_gif_keeps_equal_frames_of_a_whole_data_batch(tmp_path):
    """Batches of the whole data have one landscape: the frame number keeps frames apart."""
    result = landscape_recipe(None, small(samples=20, batch_sizes=(20,)), seed=3)
    landscapes = result.panels[0].landscapes
    np.testing.assert_allclose(landscapes[0], landscapes[1], rtol=1e-5)  # summed in another order
    frames = iio.imread(export_landscape(result, tmp_path / "full.gif"), index=None)
    assert frames.shape == (10, 160, 160, 3)


def test_png_is_one_frame_or_the_per_sample_view(tmp_path):
    result = landscape_recipe(None, small(batch_sizes=(10,), view="surface"), seed=3)
    frame = iio.imread(export_landscape(result, tmp_path / "last.png"))
    assert frame.shape[:2] == (160, 160)
    samples = iio.imread(export_landscape(result, tmp_path / "s.png", figure="samples"))
    assert samples.shape[:2] == (600, 1200)
    assert samples.std() > 10
    with pytest.raises(FileExistsError):
        export_landscape(result, tmp_path / "s.png", overwrite=False)
    with pytest.raises(Exception, match=r"must end in \.gif, \.mp4 or \.png"):
        export_landscape(result, tmp_path / "x.jpg")


def test_export_can_be_stopped_and_writes_nothing(tmp_path):
    result = landscape_recipe(None, small(), seed=3)
    with pytest.raises(ls.ExportCancelled):
        export_landscape(result, tmp_path / "q.gif", progress=lambda done, total: done == 3)
    assert list(tmp_path.iterdir()) == []


def test_mp4_without_imageio_ffmpeg_names_the_extra(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_ffmpeg(name, *args, **kwargs):
        if name == "imageio_ffmpeg":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ffmpeg)
    with pytest.raises(MissingExtra, match=r"'video' extra.*gasworks\[video\]"):
        ls.check_format(tmp_path / "a.mp4")


def test_mp4_is_written_when_imageio_ffmpeg_is_there(tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    result = landscape_recipe(None, small(frames=4), seed=3)
    path = export_landscape(result, tmp_path / "q.mp4")
    import imageio.v2 as imageio

    with imageio.get_reader(path, format="FFMPEG") as reader:
        count = sum(1 for _ in reader)
        assert reader.get_meta_data()["size"] == (320, 160)
    assert count == 4
    assert [p.name for p in tmp_path.iterdir()] == ["q.mp4"]
