"""``gasworks logo``, ``avatar`` and ``map``: outputs, JSON, and exit codes on bad input."""

from __future__ import annotations

import numpy as np
import pytest

SMALL = ("--set", "engine_params.features_grid=[3, 3]", "--epochs", "3")


@pytest.fixture
def files(tmp_path):
    """Feature matrices, good and bad."""
    rng = np.random.default_rng(0)
    good = rng.random((40, 3))
    (tmp_path / "good.csv").write_text(
        "a,b,c,label\n" + "\n".join(f"{r[0]},{r[1]},{r[2]},{i % 2}" for i, r in enumerate(good))
    )
    (tmp_path / "text.csv").write_text("1,2\n3,4\n5,hello\n")
    (tmp_path / "nan.csv").write_text("1,2\n3,nan\n5,6\n")
    (tmp_path / "five.csv").write_text("\n".join(f"{i},{i * i}" for i in range(5)))
    np.save(tmp_path / "one_row.npy", np.array([[1.0, 2.0, 3.0]]))
    np.save(tmp_path / "good.npy", good)
    (tmp_path / "names.txt").write_text("alice\nbob\n\nalice\n")
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["map", "{d}/text.csv"], "row 3, column 2: 'hello' is not a number"),
        (["map", "{d}/nan.csv"], r"NaN or infinite values \(first at row 2, column 2\)"),
        (["map", "{d}/one_row.npy"], "needs at least 2 rows"),
        (["map", "{d}/five.csv"], r"100 units \(10x10\) but the data only 5 rows"),
        (["map", "sample:mnist"], "no such sample; .*available: iris"),
        (["map", "{d}/missing.csv"], "no such file"),
        (["map", "sample:breast_cancer", "--view", "grid"], "view 'grid' draws 2-D data"),
        (["map", "sample:iris", "--expanded", "--view", "grid"], "--expanded contradicts"),
        (["map", "{d}/good.csv", "--columns", "9"], "ask for column 9"),
        (["map", "{d}/good.csv", "--labels", "8"], "label column 8 does not exist"),
        (["map", "sample:iris", "-p", "text"], "is for engine 'gng', not 'som'"),
        (["map", "sample:iris", "--set", "engine_params.stepp=1"], "engine_params.stepp"),
        (["map", "sample:iris", "--set", 'engine_params.grid_type="tri"'], "grid_type"),
        (["map"], "give DATA"),
        (["logo", "Hi", "--font", "{d}/nope.ttf"], "no such font file"),
        (["logo", "  "], "give the TEXT"),
        (["avatar"], "give a NAME, --sheet N, --names FILE or a preset"),
        (["avatar", "ann", "--sheet", "4"], "give one of NAME, --sheet N or --names FILE"),
        (["avatar", "ann", "--set", "engine_params.features_grid=[5, 5]"], r"\[9, 9\]"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(gasworks, files, args, message):
    out = files / "out.png"
    argv = [a.format(d=files) for a in args] + ["-o", str(out)]
    result = gasworks(*argv)
    assert result.exit_code == 2, result.output
    assert pytest.importorskip("re").search(message, result.stderr), result.stderr
    assert not out.exists()


def test_output_rules(gasworks, files):
    result = gasworks("avatar", "ann", "-o", files / "ann.jpg")
    assert result.exit_code == 2 and "must end in .png or .svg" in result.stderr
    target = files / "ann.png"
    assert gasworks("avatar", "ann", "-o", target).exit_code == 0
    before = target.read_bytes()
    again = gasworks("avatar", "ann", "-o", target)
    assert again.exit_code == 2 and "already exists (use --force" in again.stderr
    assert gasworks("avatar", "ann", "-o", target, "--force").exit_code == 0
    assert target.read_bytes() == before  # same name, same picture


def test_map_csv_with_labels_json(gasworks, files):
    out = files / "u.svg"
    result = gasworks("map", files / "good.csv", "--labels", "-1", "-o", out, *SMALL, "--json")
    assert result.exit_code == 0, result.output
    payload = result.json
    assert payload["view"] == "umatrix" and payload["samples"] == 40
    assert payload["features"] == 3 and payload["units"] == 9 and payload["epochs"] == 3
    assert 0 < payload["quantization_error"] < 1 and 0 <= payload["topographic_error"] <= 1
    assert out.read_text().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "view"),
    [
        (["sample:moons", "--epochs", "3"], "grid"),
        (["sample:iris", "--epochs", "3"], "units"),
        (["sample:disc", "-p", "map-disc-rect", "--epochs", "2"], "grid"),
        (["{d}/good.npy", "--expanded", *SMALL], "expanded"),
        (["sample:breast_cancer", "--epochs", "2"], "umatrix"),
        (["sample:digits", "--epochs", "1", "--set", "engine_params.features_grid=[8, 8]"],
         "digits"),
    ],
)  # fmt: skip
def test_map_views_write_pictures(gasworks, files, args, view):
    out = files / "map.png"
    argv = [a.format(d=files) if isinstance(a, str) else a for a in args]
    result = gasworks("map", *argv, "-o", out, "--json")
    assert result.exit_code == 0, result.output
    assert result.json["view"] == view
    assert out.read_bytes().startswith(b"\x89PNG")


def test_logo_json_and_svg(gasworks, files):
    out = files / "logo.svg"
    result = gasworks("logo", "Hi", "-o", out, "--epochs", "2", "--json",
                      "--set", "engine_params.features_grid=[2, 100]")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.json["units"] == 200 and result.json["epochs"] == 2
    assert 16_000 <= result.json["points"] <= 25_000
    text = out.read_text()
    assert 'fill="#22264b"' in text and 'stroke="#e8edf3"' in text


def test_avatar_presets_sheet_and_names(gasworks, files):
    bird = gasworks("avatar", "-p", "avatar-bird", "-o", files / "bird.svg", "--json")
    assert bird.exit_code == 0, bird.output
    assert (bird.json["step"], bird.json["learning_radius"], bird.json["std"]) == (0.5, 2, 0.4)
    assert bird.json["colours"][0] == "#348abd"
    tweaked = gasworks("avatar", "ann", "--set", "engine_params.std=1.5", "-o",
                       files / "ann.svg", "--json")  # fmt: skip
    assert tweaked.json["std"] == 1.5
    sheet = gasworks("avatar", "--sheet", "4", "-o", files / "sheet.png", "--json")
    assert sheet.exit_code == 0 and len(sheet.json["names"]) == 4
    folder = files / "avatars"
    first = gasworks("avatar", "--names", files / "names.txt", "-o", folder, "--json")
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in folder.iterdir()) == ["alice.png", "bob.png"]
    (folder / "bob.png").unlink()
    second = gasworks("avatar", "--names", files / "names.txt", "-o", folder, "--json")
    assert second.exit_code == 1  # alice existed; bob was drawn again
    assert sorted(p.name for p in folder.iterdir()) == ["alice.png", "bob.png"]
