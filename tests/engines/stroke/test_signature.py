"""The bundled signature: generated deterministically, committed, loadable from anywhere."""

from __future__ import annotations

import numpy as np
from PIL import Image

from engines.pipeline import load_image
from engines.pipeline.loading import ASSET_SAMPLE_DIR
from engines.stroke.signature import (
    NIB_MIN,
    NIB_PX,
    SIGNATURE_SIZE,
    signature_image,
    signature_strokes,
)


def test_generator_is_deterministic_and_matches_the_committed_png():
    image = signature_image()
    assert image.shape == SIGNATURE_SIZE[::-1] and image.dtype == np.uint8
    assert np.array_equal(image, signature_image())
    committed = np.asarray(Image.open(ASSET_SAMPLE_DIR / "signature.png").convert("L"))
    assert committed.shape == image.shape
    assert np.abs(committed.astype(int) - image.astype(int)).mean() < 0.5
    assert not np.array_equal(image, signature_image(seed=8))  # the seed matters


def test_three_pen_strokes_inside_the_frame_with_pressure():
    strokes = signature_strokes()
    assert len(strokes) == 3
    width, height = SIGNATURE_SIZE
    for s in strokes:
        assert (s.xy >= 0).all() and (s.xy[:, 0] <= width).all() and (s.xy[:, 1] <= height).all()
        assert s.pressure[0] < 0.2 and s.pressure[-1] < 0.2  # tapered ends
        assert s.pressure.max() > 0.8
        step = np.hypot(*np.diff(s.xy, axis=0).T)
        assert step.max() < NIB_PX * NIB_MIN  # the nib's discs overlap: no gaps or dots


def test_thin_dark_strokes_on_white():
    ink = signature_image() < 128
    assert 0.02 < ink.mean() < 0.12  # a signature, not a blot


def test_sample_loads_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    image = load_image("sample:signature")
    assert image.shape == SIGNATURE_SIZE[::-1]
    assert image.min() < 0.2 and image.max() == 1.0
