"""Points: NeuPy's (col, -row) convention, scale, float32, seeded subsampling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engines.pipeline import PipelineParams, binary_to_points, run_pipeline
from engines.pipeline.points import points_to_pixels


def test_convention_col_minus_row():
    binary = np.zeros((4, 5), dtype=bool)
    binary[1, 3] = True
    binary[2, 0] = True
    points = binary_to_points(binary, scale=0.5)
    assert points.dtype == np.float32 and points.flags.c_contiguous
    assert points.tolist() == [[1.5, -0.5], [0.0, -1.0]]
    rows, cols = points_to_pixels(points, scale=0.5)
    assert rows.tolist() == [1.0, 2.0] and cols.tolist() == [3.0, 0.0]


def test_subsample_is_seeded_and_a_subset():
    binary = np.ones((50, 50), dtype=bool)
    a = binary_to_points(binary, max_points=100, seed=3)
    b = binary_to_points(binary, max_points=100, seed=3)
    c = binary_to_points(binary, max_points=100, seed=4)
    assert a.shape == (100, 2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert len({tuple(p) for p in a.tolist()}) == 100


@settings(max_examples=60, deadline=None)
@given(
    image=arrays(np.float64, st.tuples(st.integers(1, 24), st.integers(1, 24)),
                 elements=st.floats(0, 1)),
    blur=st.floats(-1, 60),
    offset=st.floats(-2, 2),
    threshold=st.sampled_from(["otsu", "li", "yen", "sauvola", "niblack", "local", 0.5, 1.7]),
    invert=st.booleans(),
)  # fmt: skip
def test_random_inputs_give_results_or_documented_errors(image, blur, offset, threshold, invert):
    try:
        params = PipelineParams(blur=blur, offset=offset, threshold=threshold, invert=invert)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        assert any(k in str(exc) for k in ("blur", "offset", "threshold"))
        return
    result = run_pipeline(image, params)
    assert result.binary.shape == image.shape
    assert result.points.shape == (int(result.binary.sum()), 2)
    assert np.isfinite(result.points).all()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("blur", 51.0, "less than or equal to 50"),
        ("blur", -0.1, "greater than or equal to 0"),
        ("offset", 1.5, "less than or equal to 1"),
        ("threshold", "magic", "must be one of otsu"),
        ("threshold", 2.0, r"lie in \[0, 1\]"),
        ("block_size", 10, "odd"),
        ("crop", "1:2", "y0:y1,x0:x1"),
        ("crop", "5:2,0:3", "y0 < y1"),
    ],
)
def test_out_of_range_parameters_name_the_problem(field, value, message):
    with pytest.raises(ValueError, match=message):
        PipelineParams(**{field: value})
