"""``gasworks render`` end to end: folders with bad files, manifest, resume, --force."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
from PIL import Image

from tests.engines.pipeline.conftest import png_header_only

# Small and quick: a 60-node graph over two epochs.
FAST = ("--set", "engine_params.max_nodes=60",
        "--set", "engine_params.n_iter_before_neuron_added=20",
        "--epochs", "2", "--workers", "1")  # fmt: skip


@pytest.fixture
def folder(tmp_path):
    """Two good drawings, four bad image files and a note that is not an image."""
    src = tmp_path / "in"
    src.mkdir()
    for name, radius in (("disc", 18), ("ring", 25)):
        yy, xx = np.mgrid[:64, :64]
        ink = np.hypot(yy - 32, xx - 32) < radius
        if name == "ring":
            ink &= np.hypot(yy - 32, xx - 32) > 15
        Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(src / f"{name}.png")
    (src / "empty.png").write_bytes(b"")
    good = (src / "disc.png").read_bytes()
    (src / "truncated.png").write_bytes(good[: len(good) // 2])
    (src / "notes.png").write_text("not a picture")
    (src / "bomb.png").write_bytes(png_header_only(60000, 60000))
    (src / "readme.txt").write_text("hello")
    return src


def test_folder_with_bad_files(gasworks, folder, tmp_path):
    out = tmp_path / "out"
    result = gasworks("render", folder, "-p", "default", "-o", out, *FAST, "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    status = {e["input"].rsplit("/", 1)[-1]: e["status"] for e in payload["inputs"]}
    assert status == {
        "bomb.png": "failed", "disc.png": "done", "empty.png": "failed",
        "notes.png": "failed", "ring.png": "done", "truncated.png": "failed",
    }  # fmt: skip
    errors = {e["input"].rsplit("/", 1)[-1]: e.get("error", "") for e in payload["inputs"]}
    assert "empty.png: the file is empty" in errors["empty.png"]
    assert "not an image" in errors["notes.png"]
    assert "decompression bomb" in errors["bomb.png"]
    assert "truncated" in errors["truncated.png"]
    assert any("readme.txt" in n for n in payload["notices"])
    # Exactly the good outputs and the manifest: no partial or temporary files.
    assert sorted(p.name for p in out.iterdir()) == [
        "disc.default.png", "disc.default.svg", "manifest.json",
        "ring.default.png", "ring.default.svg",
    ]  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    disc = next(e for e in manifest["inputs"] if e["input"].endswith("disc.png"))
    assert disc["stats"]["nodes"] <= 60 and disc["stats"]["edges"] > 0
    assert disc["seed"] == 0 and disc["parameters"]["engine_params"]["max_nodes"] == 60
    assert set(disc["timings"]) >= {"pipeline", "train", "write"}


def test_rerun_skips_and_force_is_byte_identical(gasworks, folder, tmp_path):
    for bad in ("empty.png", "truncated.png", "notes.png", "bomb.png"):
        (folder / bad).unlink()
    out = tmp_path / "out"
    first = gasworks("render", folder, "-o", out, "--format", "svg", *FAST)
    assert first.exit_code == 0, first.output
    svg = (out / "disc.default.svg").read_bytes()
    mtime = (out / "disc.default.svg").stat().st_mtime_ns

    again = gasworks("render", folder, "-o", out, "--format", "svg", *FAST, "--json")
    assert again.exit_code == 0
    assert {e["status"] for e in json.loads(again.stdout)["inputs"]} == {"skipped"}
    assert (out / "disc.default.svg").stat().st_mtime_ns == mtime

    forced = gasworks("render", folder, "-o", out, "--format", "svg", *FAST, "--force")
    assert forced.exit_code == 0
    assert (out / "disc.default.svg").read_bytes() == svg
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["status"] for e in manifest["inputs"]] == ["done", "done"]


def test_two_workers_render_the_same_bytes(gasworks, folder, tmp_path):
    for bad in ("empty.png", "truncated.png", "notes.png", "bomb.png"):
        (folder / bad).unlink()
    one, two = tmp_path / "one", tmp_path / "two"
    args = ("--format", "svg", "--set", "engine_params.max_nodes=60", "--epochs", "2")
    assert gasworks("render", folder, "-o", one, *args, "--workers", "1").exit_code == 0
    assert gasworks("render", folder, "-o", two, *args, "--workers", "2").exit_code == 0
    for name in ("disc.default.svg", "ring.default.svg"):
        assert (one / name).read_bytes() == (two / name).read_bytes()


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("render", "sample:coins", "-o", "{out}", "--format", "gif"), 2, "--format"),
        (("render", "sample:coins", "-o", "{out}", "-p", "nope"), 2, "unknown preset"),
        (("render", "sample:coins", "-o", "{out}", "-p", "coins-local"), 2,
         "preset 'coins-local': names no engine; the art engines are gng, som"),
        (("render", "sample:page", "-o", "{out}", "-p", "words"), 2,
         "engine 'words' does not make art; art engines: gng, som"),
        (("render", "sample:coins", "-o", "{out}", "--set", "engine_params.step=3"), 2,
         "engine_params.step"),
        (("render", "-o", "{out}"), 2, "give at least one INPUT"),
        (("render", "missing.png", "-o", "{out}", *FAST), 1, "missing.png: no such file"),
        (("render", "sample:nope", "-o", "{out}", *FAST), 2, "no such sample"),
        (("render", "text:Hi", "-p", "text", "-o", "{out}", *FAST), 0, "1 rendered"),
    ],
)  # fmt: skip
def test_command_table(gasworks, tmp_path, args, code, expected):
    result = gasworks(*[a.format(out=tmp_path / "o") if "{" in a else a for a in args])
    assert result.exit_code == code, result.output
    assert expected in result.output


def test_blank_image_fails_with_a_clear_message(gasworks, tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((20, 20), 255, dtype=np.uint8)).save(blank)
    result = gasworks("render", blank, "-o", tmp_path / "o", *FAST)
    assert result.exit_code == 1
    assert "blank.png: the pipeline found 0 foreground pixel" in result.output
    shutil.rmtree(tmp_path / "o")


def test_plotter_svg_on_a_page(gasworks, folder, tmp_path):
    out = tmp_path / "plot"
    result = gasworks(
        "render", folder / "ring.png", "-o", out, "--format", "svg", "--page", "a5",
        "--landscape", "--margin", "1cm", "--pen", "0.5mm", *FAST, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)["inputs"][0]["stats"]
    plot = stats["plotter"]
    assert plot["pen_lifts_before"] == stats["edges"]
    assert plot["pen_lifts_after"] < plot["pen_lifts_before"]
    assert plot["pen_up_mm_after"] < plot["pen_up_mm_before"]
    svg = (out / "ring.default.svg").read_text()
    assert 'width="210mm" height="148mm" viewBox="0 0 210 148"' in svg
    assert svg.count("<path ") == plot["pen_lifts_after"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [(("--page", "b9"), "page must be one of"), (("--landscape",), "need --page"),
     (("--page", "a4", "--pen", "9mm"), "--pen must lie"),
     (("--page", "a4", "--margin", "wide"), "length must look like")],
)  # fmt: skip
def test_plotter_option_errors(gasworks, tmp_path, extra, message):
    result = gasworks("render", "sample:coins", "-o", tmp_path / "o", *extra)
    assert result.exit_code == 2 and message in result.output


def test_som_preset_renders_a_grid(gasworks, tmp_path):
    """A SOFM art preset (grid: 24 x 24 units) draws the links between neighbouring units."""
    out = tmp_path / "grid"
    result = gasworks("render", "sample:horse", "-p", "grid", "-o", out, "--epochs", "3",
                      "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    entry = result.json["inputs"][0]
    assert entry["status"] == "done" and entry["parameters"]["engine"] == "som"
    assert entry["stats"]["units"] == 24 * 24 and entry["stats"]["epochs"] == 3
    svg = (out / "horse.grid.svg").read_text()
    links = np.array([
        [float(v) for v in part.replace("L", " ").split()]
        for d in re.findall(r' d="([^"]+)"', svg)
        for part in d.split("M")[1:]
    ])  # fmt: skip
    # Row and column neighbours: 2 x 24 x 23 links, less the few stretched over empty paper.
    assert links.shape[1] == 4 and 0.8 * 1104 < len(links) <= 1104
    units = {tuple(p) for p in links.reshape(-1, 2)}
    assert 0.9 * 576 < len(units) <= 576
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    xs, ys = links[:, 0::2], links[:, 1::2]
    assert 0 <= xs.min() < xs.max() <= width and 0 <= ys.min() < ys.max() <= height
    assert xs.max() - xs.min() > width / 2  # unfolded over the horse, not a dot
    png = np.asarray(Image.open(out / "horse.grid.png").convert("L"))
    assert png.shape[1] == 900
    ink = png < 128
    assert 2_000 < ink.sum() < png.size // 4
    cols = np.nonzero(ink)[1]
    assert cols.max() - cols.min() > png.shape[1] // 2
