"""The art network's size follows the data: a cap at the number of points, and tone art that
stops growing once its drawing is as dark as the photo."""

from __future__ import annotations

import numpy as np
import pytest

from engines.art import render_array
from engines.presets import validate_preset
from engines.render import render_input


def preset(pipeline: dict, engine_params: dict, style: dict | None = None, **extra):
    return validate_preset({
        "name": "test", "engine": "gng", "seed": 0, "pipeline": {"scale": 0.001, **pipeline},
        "engine_params": {"n_iter_before_neuron_added": 20, "max_edge_age": 50,
                          "neighbour_step": 0.005, **engine_params},
        "style": style or {}, **extra,
    })  # fmt: skip


def test_max_nodes_is_capped_at_the_number_of_points_with_a_notice():
    image = np.ones((30, 30))
    image[10:14, 10:20] = 0.0  # 40 dark pixels
    result = render_input(image_source(image), preset({}, {"max_nodes": 500}), epochs=5)
    assert result.stats["points"] == 40
    assert result.stats["nodes"] <= 40
    (notice,) = result.stats["notices"]
    assert "max_nodes 500 capped at 40" in notice


def test_no_notice_when_the_points_suffice():
    image = np.ones((30, 30))
    image[5:25, 5:25] = 0.0
    result = render_input(image_source(image), preset({}, {"max_nodes": 50}), epochs=2)
    assert "notices" not in result.stats and result.stats["points_mode"] == "binary"


@pytest.mark.parametrize("grey", [0.65, 0.4])
def test_tone_art_grows_until_its_ink_matches_the_photo(grey):
    image = np.full((60, 90), grey)
    style = {"width": 90, "margin": 0, "line_width": 1.0, "background": "white",
             "line_color": "black"}  # fmt: skip
    p = preset({"points": "tone", "density": 256.0},
               {"max_nodes": 3000, "error_decay_rate": 0.99999, "min_distance_for_update": 0.0},
               style)  # fmt: skip
    result = render_input(image_source(image), p)
    tone = result.stats["tone"]
    assert tone["darkness"] == pytest.approx(1.0 - grey, abs=0.005)  # 8-bit PNG
    assert result.stats["nodes"] < 3000 and tone["grown_to"] == result.stats["nodes"]
    assert abs(tone["ink"] - tone["darkness"]) <= 0.04
    # The estimate is what the PNG writer draws, within a few percent.
    drawn = 1.0 - render_array(result.drawing, result.style)[..., 0].mean() / 255.0
    assert abs(drawn - tone["ink"]) <= 0.04
    # A darker photo needs a denser network.
    if grey == 0.4:
        lighter = render_input(image_source(np.full((60, 90), 0.65)), p)
        assert lighter.stats["nodes"] < 0.7 * result.stats["nodes"]


def test_tone_art_says_when_max_nodes_cannot_reach_the_tone():
    image = np.full((60, 90), 0.3)
    p = preset({"points": "tone"}, {"max_nodes": 40, "min_distance_for_update": 0.0},
               {"width": 900, "line_width": 1.0})  # fmt: skip
    result = render_input(image_source(image), p)
    assert result.stats["nodes"] == 40
    assert any("stays below the photo's darkness" in n for n in result.stats["notices"])


def image_source(image: np.ndarray):
    """A path to ``image`` saved as a PNG (the recipe reads files, samples and text)."""
    import tempfile
    from pathlib import Path

    from PIL import Image

    path = Path(tempfile.mkdtemp()) / "image.png"
    Image.fromarray(np.rint(image * 255).astype(np.uint8)).save(path)
    return str(path)


def test_auto_points_draw_a_photo_with_the_tone_preset(tmp_path):
    tone_file = tmp_path / "quick-photo.toml"
    tone_file.write_text(
        'engine = "gng"\n[pipeline]\npoints = "tone"\nscale = 0.001\nmax_points = 20000\n'
        "[engine_params]\nmax_nodes = 300\nn_iter_before_neuron_added = 20\n"
        "min_distance_for_update = 0.0\n[style]\nwidth = 120\nline_width = 1.0\n"
    )
    p = preset({"points": "auto", "auto": True}, {"max_nodes": 80}, tone_preset=str(tone_file))
    photo = render_input("sample:chelsea", p)
    assert photo.stats["points_mode"] == "tone" and photo.stats["tone_preset"] == "quick-photo"
    assert photo.stats["points_mode_reason"].startswith("tone:")
    assert 80 < photo.stats["nodes"] <= 300 and photo.style.width == 120
    assert photo.seed == 0 and photo.pipeline.params.max_points == 20000
    # A silhouette keeps the preset's own settings.
    disc = np.ones((60, 60))
    yy, xx = np.mgrid[:60, :60]
    disc[np.hypot(yy - 30, xx - 30) < 20] = 0.0
    drawing = render_input(image_source(disc), p, epochs=2)
    assert drawing.stats["points_mode"] == "binary" and "tone_preset" not in drawing.stats
    assert drawing.stats["nodes"] <= 80
