"""The one animation writer: GIF and MP4 files, atomic, never overwriting unless asked."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from engines.errors import GasworksError
from engines.movie import check_movie_path, write_movie


def frames(count: int, size=(24, 32)) -> list[np.ndarray]:
    """Frames whose red channel counts up, so each one can be told apart after reading."""
    out = []
    for k in range(count):
        frame = np.zeros((*size, 3), np.uint8)
        frame[..., 0] = 40 * k
        out.append(frame)
    return out


def test_gif_has_every_frame_in_order_and_loops(tmp_path):
    path = write_movie(frames(5), tmp_path / "a.gif", fps=10)
    read = iio.imread(path, index=None)
    assert read.shape[:3] == (5, 24, 32)
    assert [int(f[0, 0, 0]) for f in read] == [0, 40, 80, 120, 160]
    assert iio.immeta(path, index=0)["loop"] == 0
    assert iio.immeta(path, index=0)["duration"] == pytest.approx(100)


def test_an_existing_file_is_kept_unless_overwrite(tmp_path):
    path = tmp_path / "a.gif"
    path.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match="a.gif"):
        write_movie(frames(2), path, fps=5, overwrite=False)
    assert path.read_bytes() == b"keep me"
    write_movie(frames(2), path, fps=5)
    assert iio.imread(path, index=None).shape[0] == 2


def test_bad_suffix_and_no_frames_are_named(tmp_path):
    with pytest.raises(GasworksError, match=r"a\.avi: the file name must end in \.gif or \.mp4"):
        check_movie_path(tmp_path / "a.avi")
    assert check_movie_path(tmp_path / "b.PNG", (".gif", ".png")) == ".png"
    with pytest.raises(GasworksError, match="no frame"):
        write_movie([], tmp_path / "c.gif", fps=5)
    assert list(tmp_path.iterdir()) == []


def test_mp4_of_odd_sized_frames_is_written_padded_and_leaves_no_temporary_file(tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    path = write_movie(frames(4, size=(25, 31)), tmp_path / "a.mp4", fps=8)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4"]
    import imageio.v2 as imageio

    with imageio.get_reader(path, format="FFMPEG") as reader:
        read = [frame for frame in reader]
    assert len(read) == 4
    assert read[0].shape == (26, 32, 3)  # padded to even sizes, not resized
    with pytest.raises(FileExistsError):
        write_movie(frames(2), path, fps=8, overwrite=False)
