"""``gasworks words`` through CliRunner: the seed's page, generated pages, bad inputs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from engines.words.synthetic import make_page


def test_seed_page_preset_counts_44_with_overlay(gasworks, tmp_path):
    overlay = tmp_path / "page.png"
    result = gasworks("words", "-p", "page-words", "--overlay", overlay, "--json")
    assert result.exit_code == 0, result.output
    (entry,) = result.json
    assert entry["file"] == "sample:page" and entry["words"] == 44 and entry["lines"] == 6
    image = np.asarray(Image.open(overlay))
    assert image.ndim == 3 and image.shape[1] > 384
    # Coloured subgraphs drawn over a grey page: many strongly saturated pixels.
    saturation = image.max(axis=2).astype(int) - image.min(axis=2)
    assert (saturation > 100).sum() > 500


def test_generated_pages_in_a_folder(gasworks, tmp_path):
    truth = {}
    for seed in (3, 6):
        page = make_page(seed, photographed=seed % 2 == 1)
        Image.fromarray((page.image * 255).astype(np.uint8)).save(tmp_path / f"p{seed}.png")
        truth[f"p{seed}.png"] = page.words
    (tmp_path / "notes.txt").write_text("not a page")
    result = gasworks("words", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    counts = {e["file"].rsplit("/", 1)[-1]: e["words"] for e in json.loads(result.stdout)}
    assert counts == truth
    assert "notes.txt" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("words", "missing.png"), 1, "missing.png: no such file"),
        (("words",), 2, "give at least one INPUT"),
        (("words", "sample:page", "-p", "astronaut"), 2, "needs 'words'"),
        (("words", "sample:page", "--set", "engine_params.window=99"), 2, "engine_params.window"),
        (("words", "sample:page", "sample:coins", "--overlay", "x.png"), 2, "must be a folder"),
    ],
)
def test_command_table(gasworks, args, code, expected):
    result = gasworks(*args)
    assert result.exit_code == code, result.output
    assert expected in result.output


def test_blank_page_fails_and_the_rest_go_on(gasworks, tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((60, 80), 255, dtype=np.uint8)).save(blank)
    result = gasworks("words", blank, "sample:page", "--json")
    assert result.exit_code == 1
    entries = json.loads(result.stdout)
    assert "blank.png" in entries[0]["error"]
    assert entries[1]["words"] > 30
