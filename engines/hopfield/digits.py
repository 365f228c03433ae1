"""The seed's worked example: digits 0, 1 and 2 as 6 × 5 binary images, and broken probes.

Stored together (``W = XᵀX - 3I``), one synchronous step recovers 0 from its top half and 2
from its bottom half, while the top half of 2 lands on a mixture of 1 and 2
(:data:`ONE_TWO_MIXTURE`, exactly the seed's output). Asynchronous recall from that probe
settles on 1 or on 2, now and then on a spurious state, depending on the order in which
neurons fire. The seed's second async output, 2 with its last pixel missing
(:data:`TWO_WITHOUT_LAST_PIXEL`), is not a fixed point: the last neuron's field is positive.
NeuPy lands there because it draws neurons with ``randint(0, n - 1)`` and so never updates
the last one; here every neuron can fire, and 2 comes back whole.
"""

from __future__ import annotations

import numpy as np

#: Rows and columns of one digit image.
SHAPE = (6, 5)

_ZERO = """
.###.
#...#
#...#
#...#
#...#
.###.
"""
_ONE = """
.##..
..#..
..#..
..#..
..#..
..#..
"""
_TWO = """
###..
...#.
...#.
.##..
#....
#####
"""
#: What one synchronous step makes of the top half of 2 (the seed's output).
_ONE_TWO_MIXTURE = """
.##..
..#..
..#..
.##..
#.#..
#####
"""
#: The seed's async output that NeuPy's never-updated last neuron produces.
_TWO_WITHOUT_LAST_PIXEL = """
###..
...#.
...#.
.##..
#....
####.
"""


def _parse(drawing: str) -> np.ndarray:
    rows = [line for line in drawing.strip().splitlines()]
    return np.array([[1 if char == "#" else 0 for char in row] for row in rows], np.int8).ravel()


def _half(pattern: np.ndarray, *, top: bool) -> np.ndarray:
    image = pattern.reshape(SHAPE).copy()
    middle = SHAPE[0] // 2
    if top:
        image[middle:] = 0
    else:
        image[:middle] = 0
    return image.ravel()


#: (30,) int8 arrays of 0/1, row by row.
ZERO = _parse(_ZERO)
ONE = _parse(_ONE)
TWO = _parse(_TWO)
DIGITS = np.stack([ZERO, ONE, TWO])
HALF_ZERO = _half(ZERO, top=True)
HALF_TWO_BOTTOM = _half(TWO, top=False)
HALF_TWO_TOP = _half(TWO, top=True)
ONE_TWO_MIXTURE = _parse(_ONE_TWO_MIXTURE)
TWO_WITHOUT_LAST_PIXEL = _parse(_TWO_WITHOUT_LAST_PIXEL)


def draw(pattern: np.ndarray, shape: tuple[int, int] = SHAPE) -> list[str]:
    """Text lines of a binary pattern in the seed's style (``'| '`` then ``*`` per pixel).

    Parameters
    ----------
    pattern : (rows * cols,) array_like of 0/1 (or -1/1)
    shape : (int, int)

    Returns
    -------
    list of str
        One line per image row, trailing spaces removed.
    """
    image = (np.asarray(pattern).reshape(shape) > 0).astype(int)
    return [("| " + " ".join(" *"[value] for value in row)).rstrip() for row in image]
