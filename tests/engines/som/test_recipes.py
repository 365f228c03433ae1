"""Recipes: avatars, logos and data maps (loading, checks, drawings, heat maps)."""

from __future__ import annotations

import hashlib
import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engines.art import ArtStyle, svg_text
from engines.errors import InputError
from engines.som import SOFMParams, avatar, grid, logo, maps, plots
from engines.som.params import MapSettings

ROOT = Path(__file__).resolve().parents[3]


# --------------------------------------------------------------------------- avatars
def _named(name: str) -> np.ndarray:
    step, radius, std = avatar.NAMED_LOOKS[name]
    look = avatar.AvatarLook(name, step, radius, std, "#000000", "#000000", "#ffffff")
    return avatar.train_avatar(look.params())[0]


def _still(weights: np.ndarray) -> np.ndarray:
    return np.all(np.isclose(weights, avatar.start_grid()), axis=-1)


def test_star_moves_one_unit_per_direction_all_the_way():
    w = _named("star")
    moved = np.argwhere(~_still(w))
    assert len(moved) == 8  # radius 0: only the winners, one per direction
    distance = np.linalg.norm(w[~_still(w)] - np.array(avatar.CENTRE), axis=1)
    # step 1 (decayed by NeuPy's 1 / (1 + epoch / 100)): almost onto the points' circle
    assert ((distance > 10.5) & (distance < 11.0)).all()


def test_blob_leaves_three_units_in_the_middle():
    assert np.argwhere(_still(_named("blob"))).tolist() == [[3, 5], [4, 4], [5, 3]]


def test_the_points_turn_counterclockwise_about_the_centre():
    turned = avatar.rotate(np.array([[15.0, 4.0]]), 90)
    np.testing.assert_allclose(turned, [[4.0, 15.0]], atol=1e-12)


def test_a_name_always_gives_the_same_look():
    look = avatar.look_for_name("alice")
    assert look == avatar.look_for_name(" alice ")
    # Fixed values: SHA-256 and NumPy's PCG64 do not change between runs or machines.
    assert (look.learning_radius, look.line, look.background) == (2, "#82b81e", "#f4f1f8")
    assert look.step == pytest.approx(0.40493569760280446)
    assert look.std == pytest.approx(0.4177982288464249)
    assert avatar.look_for_name("bob") != look
    with pytest.raises(ValueError, match="non-empty name"):
        avatar.look_for_name("  ")


def _avatar_svg_digest(name: str) -> str:
    look = avatar.look_for_name(name)
    weights, _ = avatar.train_avatar(look.params())
    style = ArtStyle(line_width=2.0, node_size=4.0, width=480, margin=16)
    return hashlib.sha256(svg_text(avatar.avatar_drawing(weights, look, style), style).encode())


@pytest.mark.slow
def test_avatar_is_identical_in_a_fresh_process():
    here = _avatar_svg_digest("Zoë Ångström").hexdigest()
    code = (
        "from tests.engines.som.test_recipes import _avatar_svg_digest;"
        "print(_avatar_svg_digest('Zoë Ångström').hexdigest())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == here


def test_sheet_and_random_looks_are_reproducible():
    looks = avatar.random_looks(4, seed=3)
    assert looks == avatar.random_looks(4, seed=3)
    assert looks != avatar.random_looks(4, seed=4)
    for look in looks:
        assert 0.1 <= look.step <= 1.0 and 0 <= look.learning_radius <= 3
        assert 0.1 <= look.std <= 2.0
    pictures = [(avatar.train_avatar(look.params())[0], look) for look in looks]
    sheet = avatar.sheet_drawing(pictures, ArtStyle(node_size=2), background="#ffffff")
    assert len(sheet.layers) == 4
    assert sheet.bounds == pytest.approx((0.0, 0.0, 2.12, 2.12))


def test_avatar_needs_the_nine_by_nine_grid():
    with pytest.raises(ValueError, match=r"features_grid \[9, 9\]"):
        avatar.train_avatar(SOFMParams(features_grid=(5, 5)))


def test_slug():
    assert avatar.slug("carol smith/..") == "carol_smith"
    assert avatar.slug("...") == ""


# --------------------------------------------------------------------------- logo
def test_sine_weights_follow_the_text_box():
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(20, 520, 5000), rng.uniform(40, 180, 5000)])
    w = logo.sine_weights(points, (2, 1000))
    assert w.shape == (2, 1000, 2)
    np.testing.assert_array_equal(w[0], w[1])  # both rows identical
    width = points[:, 0].max() - points[:, 0].min()
    assert w[0, 0, 0] == pytest.approx(points[:, 0].min() + 0.046 * width)
    assert w[0, -1, 0] == pytest.approx(points[:, 0].max() - 0.074 * width)
    lo, hi = np.quantile(points[:, 1], logo.CORE_QUANTILES)
    assert w[0, :, 1].max() == pytest.approx((lo + hi) / 2 + 0.35 * (hi - lo), rel=1e-3)
    waves = (w[0, -1, 0] - w[0, 0, 0]) / (0.21 * (hi - lo))
    crossings = np.count_nonzero(np.diff(np.sign(w[0, :, 1] - (lo + hi) / 2)) != 0)
    assert abs(crossings - 2 * waves) <= 2


def test_text_points_fill_the_box_with_about_twenty_thousand_points():
    points = logo.text_points("Hi")
    assert 16_000 <= len(points) <= 25_000
    assert points.dtype == np.float32
    lo, hi = points.min(axis=0), points.max(axis=0)
    assert lo.min() >= logo.BOX_MARGIN - 1e-3
    assert hi[0] <= logo.BOX[0] - logo.BOX_MARGIN + 1e-3
    assert hi[1] <= logo.BOX[1] - logo.BOX_MARGIN + 1e-3
    # one side fills the box (up to the margin)
    assert np.isclose(hi - lo, np.array(logo.BOX) - 2 * logo.BOX_MARGIN, atol=1e-2).any()


def test_train_logo_pulls_the_wave_onto_the_ink():
    params = SOFMParams(features_grid=(2, 200), step=0.05, learning_radius=4,
                        reduce_radius_after=1, reduce_step_after=10)  # fmt: skip
    result = logo.train_logo("Ok", params, epochs=4, target_points=4000)
    assert result.snapshot.epoch == 4
    p = result.points.astype(np.float64)

    def mean_gap(w):
        flat = w.reshape(-1, 2)
        return np.mean([np.min(np.linalg.norm(p - u, axis=1)) for u in flat])

    assert mean_gap(result.weights) < 0.5 * mean_gap(result.initial)
    drawing = logo.logo_drawing(result.weights)
    assert drawing.bounds == (0.0, 0.0, 540.0, 220.0)
    with pytest.raises(ValueError, match="2-D features_grid"):
        logo.train_logo("Ok", SOFMParams(features_grid=(200,)))


# --------------------------------------------------------------------------- maps
@pytest.mark.parametrize(
    ("name", "shape", "labelled"),
    [("iris", (150, 4), True), ("breast_cancer", (569, 30), True), ("digits", (1797, 64), True),
     ("moons", (200, 2), False), ("disc", (8000, 2), False)],
)  # fmt: skip
def test_samples(name, shape, labelled):
    data = maps.load_map_data(f"sample:{name}")
    assert data.features.shape == shape
    assert (data.labels is not None) == labelled


def test_disc_is_inside_the_unit_circle():
    x = maps.load_map_data("sample:disc").features
    assert np.linalg.norm(x, axis=1).max() <= 1.0
    assert 0.45 < np.mean(np.linalg.norm(x, axis=1) < np.sqrt(0.5)) < 0.55  # even spread


def test_columns_and_scaling():
    settings = MapSettings(columns=(2, 3), scaling="minmax")
    data = maps.load_map_data("sample:iris", settings)
    assert data.features.shape == (150, 2)
    np.testing.assert_allclose(data.features.min(axis=0), 0)
    np.testing.assert_allclose(data.features.max(axis=0), 1)
    std = maps.scale(np.array([[1.0, 5.0], [3.0, 5.0]]), "standard")
    np.testing.assert_allclose(std, [[-1.0, 0.0], [1.0, 0.0]])


def test_csv_with_header_and_text_labels(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,kind\n1,2,cat\n3,4.5,dog\n5,6,cat\n")
    data = maps.load_map_data(str(path), MapSettings(label_column=-1))
    np.testing.assert_array_equal(data.features, [[1, 2], [3, 4.5], [5, 6]])
    assert data.label_names == ("cat", "dog")
    np.testing.assert_array_equal(data.labels, [0, 1, 0])
    semi = tmp_path / "s.csv"
    semi.write_text("1;2\n3;4\n")
    assert maps.load_map_data(str(semi)).features.shape == (2, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("1,2\n3,abc\n", r"row 2, column 2: 'abc' is not a number"),
        ("x,y\n1,2\n3,nan\n", r"NaN or infinite values \(first at row 2, column 2\)"),
        ("1,2\n3,\n", "row 2, column 2 is empty"),
        ("1,2\n3,4,5\n", "row 2 has 3 columns"),
        ("1,2,3\n", "needs at least 2 rows"),
        ("", "the CSV file is empty"),
        ("1,1\n1,1\n", "every row is the same"),
    ],
)
def test_bad_csv_names_the_problem(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        maps.load_map_data(str(path))


def test_bad_npy_and_other_inputs(tmp_path):
    np.save(tmp_path / "flat.npy", np.arange(5.0))
    with pytest.raises(InputError, match="expected a 2-D array"):
        maps.load_map_data(str(tmp_path / "flat.npy"))
    np.save(tmp_path / "ok.npy", np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 1.0]]))
    data = maps.load_map_data(str(tmp_path / "ok.npy"), MapSettings(label_column=2))
    assert data.features.shape == (2, 2) and data.label_names == ("0", "1")
    with pytest.raises(InputError, match="label column 5 does not exist"):
        maps.load_map_data(str(tmp_path / "ok.npy"), MapSettings(label_column=5))
    with pytest.raises(InputError, match="ask for column 7"):
        maps.load_map_data("sample:iris", MapSettings(columns=(7,)))
    with pytest.raises(InputError, match="no such sample"):
        maps.load_map_data("sample:mnist")
    with pytest.raises(InputError, match="no such file"):
        maps.load_map_data(str(tmp_path / "missing.csv"))
    (tmp_path / "x.txt").write_text("1,2")
    with pytest.raises(InputError, match="expected a .csv or .npy"):
        maps.load_map_data(str(tmp_path / "x.txt"))


def test_map_bigger_than_the_data_is_refused():
    data = maps.load_map_data("sample:iris")
    with pytest.raises(InputError, match=r"400 units \(20x20\) but the data only 150 rows"):
        maps.check_fits(data, SOFMParams(features_grid=(20, 20)))


def test_views_check_the_data():
    iris = maps.load_map_data("sample:iris")
    assert maps.resolve_view("auto", iris) == "umatrix"
    with pytest.raises(InputError, match="view 'grid' draws 2-D data"):
        maps.resolve_view("grid", iris)
    with pytest.raises(InputError, match="view 'digits' needs square images"):
        maps.resolve_view("digits", maps.load_map_data("sample:breast_cancer"))
    assert maps.resolve_view("digits", maps.load_map_data("sample:iris")) == "digits"  # 2 x 2


@pytest.mark.parametrize("grid_type", ["rect", "hexagon"])
def test_grid_lines_trace_every_neighbour_pair_once(grid_type):
    shape = (4, 5)
    pos = grid.unit_positions(shape, grid_type)
    lines = maps.grid_lines(pos.reshape(*shape, 2), grid_type)
    drawn = {
        tuple(sorted((tuple(a), tuple(b)))) for line in lines for a, b in itertools.pairwise(line)
    }
    pairs = grid.adjacent_pairs(shape, grid_type)
    expected = {tuple(sorted((tuple(pos[i]), tuple(pos[j])))) for i, j in pairs}
    assert drawn == expected


def test_train_map_and_its_pictures(tmp_path):
    data = maps.load_map_data("sample:moons")
    params = SOFMParams(features_grid=(1, 20), learning_radius=2, reduce_radius_after=20,
                        std=2, reduce_std_after=50, step=0.3, reduce_step_after=50,
                        shuffle_data=True)  # fmt: skip
    result = maps.train_map(data, params, epochs=20)
    assert result.snapshot.epoch == 20
    assert result.quantization_error < 0.15
    assert result.topographic_error < 0.05
    style = ArtStyle(node_size=2)
    drawing = maps.map_drawing(result, "grid", style)
    assert [layer.name for layer in drawing.layers] == ["data", "map"]
    assert len(drawing.layers[1].polylines) == 1  # one row of 20 units

    digits = maps.load_map_data("sample:digits")
    small = SOFMParams(features_grid=(6, 6), learning_radius=2, step=0.5)
    mosaic = maps.digits_mosaic(maps.train_map(digits, small, epochs=2), gap=1)
    assert mosaic.shape == (6 * 9 + 1, 6 * 9 + 1)
    assert mosaic.min() == 0 and mosaic.max() == 255


def test_heatmaps_png_and_svg(tmp_path):
    values = np.arange(12.0).reshape(3, 4)
    png = plots.heatmap_bytes(values, "png", markers=[(0, 0, 0), (2, 3, 1)],
                              label_names=("a", "b"))  # fmt: skip
    assert png.startswith(b"\x89PNG")
    svg1 = plots.heatmap_bytes(values, "svg", grid_type="hexagon")
    svg2 = plots.heatmap_bytes(values, "svg", grid_type="hexagon")
    assert svg1 == svg2 and b"<svg" in svg1  # no date: reproducible
    path = plots.write_heatmap(tmp_path / "u.svg", values)
    assert path.read_bytes().startswith(b"<?xml")
    with pytest.raises(ValueError, match="must end in .png or .svg"):
        plots.write_heatmap(tmp_path / "u.jpg", values)
    with pytest.raises(FileExistsError):
        plots.write_heatmap(path, values, overwrite=False)
    mosaic = plots.mosaic_bytes(np.zeros((4, 5), dtype=np.uint8), "png", scale=3)
    assert mosaic.startswith(b"\x89PNG")


# --------------------------------------------------------------------------- the recipes
def _preset(table: dict):
    from engines.presets import validate_preset

    return validate_preset({"name": "test", "engine": "som", **table})


SMALL_LOGO = {
    "seed": 4, "epochs": 3, "text": {"text": "Ok", "size": 60},
    "engine_params": {"features_grid": [2, 80], "step": 0.05, "learning_radius": 3,
                      "reduce_radius_after": 1},
    "style": {"line_color": "#ff0000", "width": 300},
}  # fmt: skip


def test_logo_recipe_follows_the_preset_and_reports_snapshots(tmp_path):
    from engines.core import Snapshot

    preset = _preset(SMALL_LOGO)
    seen = []
    result = logo.logo_recipe(None, preset, callback=seen.append, target_points=2000)
    assert result.text == "Ok" and result.seed == 4 and result.style == preset.style
    assert result.snapshot.iteration == 3 and result.weights.shape == (2, 80, 2)
    assert seen and all(isinstance(s, Snapshot) and s.budget == 3 for s in seen)
    assert seen[-1].iteration == 3 and len(seen[-1].error_history) == 3
    again = logo.logo_recipe("Ok", preset, target_points=2000)
    np.testing.assert_array_equal(again.weights, result.weights)  # same seed, same logo
    other = logo.logo_recipe("Ok", preset, seed=5, epochs=2, target_points=2000)
    assert other.seed == 5 and other.snapshot.iteration == 2
    stopped = logo.logo_recipe("Ok", preset, callback=lambda s: True, target_points=2000)
    assert stopped.snapshot.iteration < 3

    path = logo.export_logo(result, tmp_path / "ok.svg")
    drawing = logo.logo_drawing(result.weights, preset.style)
    assert path.read_text() == svg_text(drawing, preset.style)
    assert 'stroke="#ff0000"' in path.read_text()
    with pytest.raises(FileExistsError):
        logo.export_logo(result, path, overwrite=False)
    with pytest.raises(ValueError, match="must end in .png or .svg"):
        logo.export_logo(result, tmp_path / "ok.jpg")
    figures = result.figures()
    assert figures["units"] == 160 and figures["epochs"] == 3 and figures["points"] > 1000
    assert figures["error"] == pytest.approx(float(result.snapshot.error_history[-1]))
    with pytest.raises(ValueError, match="a logo needs a text"):
        logo.logo_recipe("  ", preset)


def test_a_preset_fixes_only_the_keys_it_sets():
    name_look = avatar.look_for_name("ann")
    preset = _preset({"engine_params": {"std": 1.5}, "style": {"background": "#000000",
                                                               "width": 200}})  # fmt: skip
    look = avatar.avatar_look("ann", preset)
    assert (look.step, look.learning_radius, look.line) == (
        name_look.step,
        name_look.learning_radius,
        name_look.line,
    )
    assert look.std == 1.5 and look.background == "#000000"
    style = avatar.avatar_style(preset)
    assert style.width == 200 and style.node_size == avatar.AVATAR_STYLE.node_size
    assert avatar.avatar_style(None) == avatar.AVATAR_STYLE == avatar.avatar_style(_preset({}))
    params = avatar.avatar_params(look, preset)
    assert params.features_grid == (9, 9) and params.std == 1.5 and params.epochs == 8


def test_avatar_recipe_single_and_sheet(tmp_path):
    from engines.core import Snapshot

    seen = []
    result = avatar.avatar_recipe("ann", None, callback=seen.append)
    assert [s.iteration for s in seen] == list(range(1, 9))
    assert all(isinstance(s, Snapshot) and s.budget == 8 for s in seen)
    look = avatar.look_for_name("ann")
    weights, _ = avatar.train_avatar(look.params())
    np.testing.assert_array_equal(result.weights[0], weights)
    assert result.figures() == {"name": "ann", "step": look.step,
                                "learning_radius": look.learning_radius, "std": look.std,
                                "colours": [look.line, look.dots, look.background]}  # fmt: skip
    path = avatar.export_avatar(result, tmp_path / "ann.svg")
    expected = avatar.avatar_drawing(weights, look, avatar.AVATAR_STYLE)
    assert path.read_text() == svg_text(expected, avatar.AVATAR_STYLE)
    stopped = avatar.avatar_recipe("ann", None, callback=lambda s: s.iteration == 3)
    assert not np.array_equal(stopped.weights[0], weights)
    named = avatar.avatar_recipe(None, _preset({"engine_params": {"features_grid": [9, 9]}}))
    assert named.look.name == "test"  # no name: the preset's

    progress = []
    sheet = avatar.avatar_recipe(None, _preset({"seed": 3}), sheet=4, callback=progress.append)
    assert [(p.iteration, p.budget) for p in progress] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert progress[-1].fraction == 1.0 and sheet.seed == 3
    assert [lk.name for lk in sheet.looks] == [lk.name for lk in avatar.random_looks(4, 3)]
    assert sheet.figures() == {"sheet": 4, "names": [lk.name for lk in sheet.looks]}
    assert sheet.caption == "4 random avatars, seed 3"
    again = avatar.avatar_recipe(None, None, sheet=4, seed=3)
    assert svg_text(again.drawing, again.style) == svg_text(sheet.drawing, sheet.style)
    part = avatar.avatar_recipe(None, None, sheet=4, callback=lambda p: p.iteration == 2)
    assert len(part.looks) == 2 and len(part.drawing.layers) == 2
    with pytest.raises(ValueError, match="not both"):
        avatar.avatar_recipe("ann", None, sheet=2)
    with pytest.raises(ValueError, match="sheet must be from 1 to 400"):
        avatar.avatar_recipe(None, None, sheet=0)


SMALL_MAP = {
    "input": "sample:iris", "seed": 2, "epochs": 4,
    "engine_params": {"features_grid": [4, 4], "learning_radius": 1,
                      "map": {"scaling": "minmax"}},
}  # fmt: skip


def test_map_recipe_loads_resolves_trains_and_measures():
    from engines.core import Snapshot

    preset = _preset(SMALL_MAP)
    events = []
    result = maps.map_recipe(
        None, preset, callback=lambda s: events.append(("snapshot", s)),
        loaded=lambda data, view: events.append(("loaded", data, view)),
    )  # fmt: skip
    assert events[0][0] == "loaded" and events[0][2] == "umatrix"  # before training
    assert events[0][1].features.shape == (150, 4)
    snaps = [e[1] for e in events[1:]]
    assert snaps and all(isinstance(s, Snapshot) and s.budget == 4 for s in snaps)
    assert result.view == "umatrix" and result.seed == 2 and result.style == preset.style
    figures = result.figures()
    assert figures == {"view": "umatrix", "samples": 150, "features": 4, "units": 16,
                       "epochs": 4, "seconds": round(result.seconds, 3),
                       "quantization_error": result.quantization_error,
                       "topographic_error": result.topographic_error}  # fmt: skip
    data = maps.load_map_data("sample:iris", preset.engine_params.map, seed=2)
    direct = maps.train_map(data, preset.engine_params, epochs=4, seed=2)
    np.testing.assert_array_equal(direct.snapshot.weights, result.snapshot.weights)
    other = maps.map_recipe("sample:iris", preset, seed=1, epochs=2, view="expanded")
    assert (other.seed, other.snapshot.iteration, other.view) == (1, 2, "expanded")
    stopped = maps.map_recipe(None, preset, callback=lambda s: True)
    assert stopped.snapshot.iteration < 4
    with pytest.raises(InputError, match="view 'grid' draws 2-D data"):
        maps.map_recipe(None, preset, view="grid")
    with pytest.raises(ValueError, match="view must be one of"):
        maps.map_recipe(None, preset, view="mosaic")
    with pytest.raises(ValueError, match="a map needs data"):
        maps.map_recipe(None, _preset({}))


def test_live_values_and_markers():
    result = maps.map_recipe(None, _preset(SMALL_MAP))
    snap = result.snapshot
    np.testing.assert_array_equal(maps.live_values(snap, "umatrix"), result.u_matrix)
    assert maps.live_values(snap, "expanded").shape == (7, 7)
    assert maps.live_values(snap, "grid") is None
    markers = maps.class_markers(result, "umatrix")
    assert len(markers) == 150 and {k for _, _, k in markers} == {0, 1, 2}
    doubled = maps.class_markers(result, "expanded")
    assert [(2 * r, 2 * c, k) for r, c, k in markers] == doubled
    assert maps.heat_grid_type("hexagon", "expanded") == "rect"
    assert maps.heat_grid_type("hexagon", "umatrix") == "hexagon"


@pytest.mark.parametrize("view", ["umatrix", "expanded", "units", "digits"])
def test_export_map_writes_each_view(tmp_path, view):
    columns = {"columns": [2, 3]} if view == "units" else {}  # units: 2-D data
    table = {**SMALL_MAP, "engine_params": {**SMALL_MAP["engine_params"], "map": columns}}
    result = maps.map_recipe(None, _preset(table), view=view)
    path = maps.export_map(result, tmp_path / "map.svg")
    text = path.read_text()
    assert text.startswith("<?xml")
    if view in ("umatrix", "expanded"):
        values = (
            result.u_matrix
            if view == "umatrix"
            else maps.u_matrix_of(result.snapshot, expanded=True)
        )
        title = ("Expanded U-matrix" if view == "expanded" else "U-matrix") + " of sample:iris"
        expected = plots.heatmap_bytes(
            values, "svg", grid_type="rect", markers=maps.class_markers(result, view),
            label_names=result.data.label_names, title=title,
        )  # fmt: skip
        assert path.read_bytes() == expected
    elif view == "units":
        assert text == svg_text(maps.map_drawing(result, "units", result.style), result.style)
    else:
        assert path.read_bytes() == plots.mosaic_bytes(maps.digits_mosaic(result), "svg")
    png = maps.export_map(result, tmp_path / "map.png")
    assert png.read_bytes().startswith(b"\x89PNG")
